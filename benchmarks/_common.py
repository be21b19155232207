"""Helpers for the benchmark scripts: where the data is, and how to time things fairly."""

from __future__ import annotations

import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
TRANSCRIPTS = SHARED / "transcripts.jsonl"


#: The peer for conversion: every row of the dataset to SRT with pysubs2, no wrapping.
PYSUBS2_CONVERT = """
import json, sys, pysubs2
src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as fh:
    for line in fh:
        row = json.loads(line)
        pysubs2.load_from_whisper(row["segments"]).save(f"{out}/{row['id']}.srt")
"""


def compile_project() -> None:
    """Write the project's bytecode, as a regular install does.

    pip compiles every module of a package it installs, so the peers' imports never
    compile source; an editable checkout run with PYTHONDONTWRITEBYTECODE set would
    compile ours on every start, which no user of a release pays.
    """
    for folder in ("subtools", "cli"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (the shared data folder beside the project)")
    return path


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs (the machines are shared and noisy)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_process(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def interleaved(
    cmds: dict[str, list[str]], repeat: int, cpu: dict[str, float] | None = None
) -> dict[str, float]:
    """Median whole-process time per command, the commands taking turns so load hits all.

    ``cpu``, if given, gets each command's median CPU seconds (user + system, its
    children included), which load on a shared machine moves less than wall time.
    """
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            times[name].append(time.perf_counter() - t0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}")
            cpus[name].append(usage.ru_utime + usage.ru_stime)
    if cpu is not None:
        cpu.update({k: statistics.median(v) for k, v in cpus.items()})
    return {k: statistics.median(v) for k, v in times.items()}


def instructions(cmd: list[str]) -> int:
    """Instructions one run of the command executes, as valgrind counts them (string
    hashing fixed, so that the count repeats exactly)."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind")
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    proc = subprocess.run(
        [*valgrind, *cmd],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    m = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if m is None:
        sys.exit(f"no instruction count in valgrind's report:\n{proc.stderr}")
    return int(m.group(1).replace(",", ""))
