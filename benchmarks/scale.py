"""Datasets at scale: speed and memory of `convert --out-dir` as the dataset grows.

    python benchmarks/scale.py [--scales 1,10,40] [--repeat N] [--runs R,...] [--inputs I,...]

The shared dataset is repeated 1x, 10x and 40x (each copy of a row with a new id) and
written as JSONL and as Parquet (pyarrow, row groups of 16 rows).  Each is converted to
one SRT per row by whole `subtools convert DATA --out-dir D` processes (wrap + repair, as
by default): in one process (`--workers 1`), on the local pool (every core, the
default), and on a Dask LocalCluster (`--engine dask`, its start included; with `--runs`
naming "Dask running cluster" also on one started here beforehand, `--scheduler`, whose
workers are not in the run's memory figures); and by a script converting the same rows
with pysubs2 without wrapping (one core).  The runs take
turns so load on the shared machine hits all alike; times are medians.

Peak memory: the largest peak resident set (VmHWM) of any one process of the run,
sampled every 10 ms, and the peak of the proportional set sizes (PSS) of the whole
process tree summed, sampled every 250 ms (PSS counts pages shared between forked
processes once).  Before each run the file system is synced, so that one run's
writeback is not charged to the next.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from _common import PYSUBS2_CONVERT, TRANSCRIPTS, compile_project, need

PYSUBS2_PARQUET = """
import sys, pyarrow.parquet as pq, pysubs2
src, out = sys.argv[1], sys.argv[2]
for batch in pq.ParquetFile(src).iter_batches(batch_size=16, columns=["id", "segments"]):
    for row in batch.to_pylist():
        pysubs2.load_from_whisper(row["segments"]).save(f"{out}/{row['id']}.srt")
"""

ROW_GROUP = 16


def build(folder: Path, scale: int) -> tuple[Path, Path, int, int]:
    """The dataset repeated ``scale`` times as JSONL and Parquet; rows and segments."""
    rows = [json.loads(line) for line in need(TRANSCRIPTS).open(encoding="utf-8")]
    jsonl, parquet = folder / f"x{scale}.jsonl", folder / f"x{scale}.parquet"
    writer = None
    with jsonl.open("w", encoding="utf-8") as fh:
        for copy in range(scale):
            batch = [{**row, "id": f"{row['id']}-{copy}"} for row in rows]
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in batch)
            table = pa.Table.from_pylist(batch)
            if writer is None:
                writer = pq.ParquetWriter(parquet, table.schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
    assert writer is not None
    writer.close()
    segments = sum(len(r["segments"]) for r in rows) * scale
    return jsonl, parquet, len(rows) * scale, segments


def _tree(pid: int) -> list[int]:
    """A process and its descendants."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            children = [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        return [pid]
    return [pid, *(p for c in children for p in _tree(c))]


def _status(pid: int, pss: bool) -> tuple[int, int]:
    """(PSS if asked for, else 0; peak RSS) of a process in kB; zeros once it is gone."""
    got = hwm = 0
    try:
        if pss:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                got = next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        with open(f"/proc/{pid}/status") as fh:
            hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        pass
    return got, hwm


#: Seconds between samples of peak RSS (the kernel's VmHWM of each process, cheap to
#: read), and how many samples pass between two of the tree's PSS.  Reading smaps_rollup
#: walks each process's page tables: every 10 ms it cost a run of three processes 1.7
#: CPU-seconds on the same two cores (and the pool 1.2 s of its 5 s), so it is seldom.
INTERVAL = 0.01
PSS_EVERY = 25


def measure(cmd: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, peak RSS of one process (MB), peak summed PSS of the tree (MB), and
    CPU seconds (user + system, the process and the children it waited for)."""
    peak_pss = peak_rss = 0
    stop = threading.Event()
    os.sync()  # the last run's writeback is not charged to this one
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        for n in itertools.count():
            pss = n % PSS_EVERY == 0
            got = [_status(p, pss) for p in _tree(proc.pid)]
            if pss:
                peak_pss = max(peak_pss, sum(p for p, _ in got))
            peak_rss = max(peak_rss, *(hwm for _, hwm in got))
            if stop.wait(INTERVAL):
                return

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, peak_rss / 1024, peak_pss / 1024, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10,40")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--runs",
        default="serial,local pool,Dask LocalCluster",
        help="which of these to run (also: 'Dask running cluster')",
    )
    ap.add_argument("--inputs", default="JSONL,Parquet")
    args = ap.parse_args()
    compile_project()
    py = sys.executable
    running = None
    with contextlib.ExitStack() as stack:
        if "Dask running cluster" in args.runs:
            running = stack.enter_context(_running_cluster())
        _run(args, py, running)


@contextlib.contextmanager
def _running_cluster() -> Iterator[str]:
    """The address of a local cluster started here, as `--engine dask` starts its own
    (one worker process a core, the same settings), kept up for every run: what a run
    costs on a cluster that is already there."""
    from subtools.cluster import local_cluster

    with local_cluster() as cluster:
        yield cluster.scheduler_address


def _run(args: argparse.Namespace, py: str, running: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "pysubs2_jsonl.py").write_text(PYSUBS2_CONVERT)
        (work / "pysubs2_parquet.py").write_text(PYSUBS2_PARQUET)
        print(f"median of {args.repeat}; memory: peak RSS of one process / peak PSS of all\n")
        print(
            "| scale | input | run | time | CPU | rows/s | cues/s | RSS MB | PSS MB "
            "| pysubs2 time ÷ this |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: |"
        )
        for scale in (int(s) for s in args.scales.split(",")):
            jsonl, parquet, rows, cues = build(work, scale)
            for kind, src in (("JSONL", jsonl), ("Parquet", parquet)):
                if kind not in args.inputs.split(","):
                    continue
                out = work / "out"
                convert = [py, "-m", "subtools", "convert", str(src), "--out-dir", str(out)]
                peer = work / ("pysubs2_jsonl.py" if kind == "JSONL" else "pysubs2_parquet.py")
                runs = {
                    "serial": [*convert, "--workers", "1"],
                    "local pool": convert,
                    "Dask LocalCluster": [*convert, "--engine", "dask"],
                    "Dask running cluster": [
                        *convert,
                        "--engine",
                        "dask",
                        "--scheduler",
                        running or "",
                    ],
                    "pysubs2, no wrapping": [py, str(peer), str(src), str(out)],
                }
                for name in list(runs)[:4]:
                    if name not in args.runs.split(","):
                        del runs[name]
                got: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in runs}
                for _ in range(args.repeat):
                    for name, cmd in runs.items():
                        subprocess.run(["rm", "-rf", str(out)], check=True)
                        out.mkdir()
                        got[name].append(measure(cmd))
                peer_time = statistics.median(r[0] for r in got["pysubs2, no wrapping"])
                for name, results in got.items():
                    t = statistics.median(r[0] for r in results)
                    rss = statistics.median(r[1] for r in results)
                    pss = statistics.median(r[2] for r in results)
                    cpu = statistics.median(r[3] for r in results)
                    print(
                        f"| {scale}x | {kind} | {name} | {t:.2f} s | {cpu:.2f} s | {rows / t:,.0f} "
                        f"| {cues / t:,.0f} | {rss:.0f} | {pss:.0f} | {peer_time / t:.2f} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
