"""Conversion speed: subtools --raw against pysubs2 and the `srt` library, in one run.

    python benchmarks/convert.py [--repeat N]

Prints cues per second in process for SRT and WebVTT, and the whole-process time of
``subtools convert transcripts.jsonl --out-dir D --to srt --raw`` against a script doing
the same with pysubs2 (``load_from_whisper`` + ``save`` per row): wall time, and the CPU
time (user + system) each process used, which moves far less than wall time when other
work shares the machine (both are one process on one core).  With ``--instructions``
each whole process also runs once under valgrind, which counts the instructions it
executes: the same count on every run, however busy the machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pysubs2
import srt
from _common import (
    PYSUBS2_CONVERT,
    TRANSCRIPTS,
    compile_project,
    instructions,
    interleaved,
    median_time,
    need,
)

import subtools


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument(
        "--instructions",
        action="store_true",
        help="also count each whole process's instructions (valgrind)",
    )
    args = ap.parse_args()
    compile_project()
    src = need(TRANSCRIPTS)
    text = src.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    n_cues = sum(len(r["segments"]) for r in rows)
    print(f"{len(rows)} rows, {n_cues} segments; median of {args.repeat} runs\n")

    def ours(fmt: str) -> None:
        for track in subtools.iter_tracks(src):
            track.to_string(fmt)

    def pysubs2_(fmt: str) -> None:
        for row in [json.loads(line) for line in text.splitlines()]:
            pysubs2.load_from_whisper(row["segments"]).to_string(fmt)

    def srt_lib() -> None:
        for row in [json.loads(line) for line in text.splitlines()]:
            subs = [
                srt.Subtitle(
                    i, timedelta(seconds=s["start"]), timedelta(seconds=s["end"]), s["text"].strip()
                )
                for i, s in enumerate(row["segments"], 1)
            ]
            srt.compose(subs, reindex=False)

    print("in process (read JSONL + write), cues/s:")
    results = {
        "subtools srt": median_time(lambda: ours("srt"), args.repeat),
        "subtools vtt": median_time(lambda: ours("vtt"), args.repeat),
        "pysubs2 srt": median_time(lambda: pysubs2_("srt"), args.repeat),
        "pysubs2 vtt": median_time(lambda: pysubs2_("vtt"), args.repeat),
        "srt lib srt": median_time(srt_lib, args.repeat),
    }
    for name, t in results.items():
        print(f"  {name:14s} {n_cues / t:10,.0f} cues/s  ({t * 1000:6.1f} ms)")
    print(
        f"  ratio srt: pysubs2/subtools = {results['pysubs2 srt'] / results['subtools srt']:.2f}x,"
        f" srt lib/subtools = {results['srt lib srt'] / results['subtools srt']:.2f}x"
    )
    print(
        f"  ratio vtt: pysubs2/subtools = {results['pysubs2 vtt'] / results['subtools vtt']:.2f}x"
    )

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "pysubs2_convert.py"
        script.write_text(PYSUBS2_CONVERT)
        ours_dir, theirs_dir = Path(tmp) / "ours", Path(tmp) / "theirs"
        theirs_dir.mkdir()
        cmds = {
            "subtools convert --raw": [
                sys.executable,
                "-m",
                "subtools",
                "convert",
                str(src),
                "--out-dir",
                str(ours_dir),
                "--to",
                "srt",
                "--raw",
            ],
            "pysubs2 script": [sys.executable, str(script), str(src), str(theirs_dir)],
        }
        cpu: dict[str, float] = {}
        whole = interleaved(cmds, args.repeat, cpu)
        counted = {k: instructions(c) for k, c in cmds.items()} if args.instructions else {}
    print("\nwhole process, JSONL -> one SRT per row (median wall time; CPU time):")
    for name, t in whole.items():
        print(f"  {name:24s} {t * 1000:7.1f} ms  {cpu[name] * 1000:7.1f} ms CPU")
    ratio = whole["subtools convert --raw"] / whole["pysubs2 script"]
    cpu_ratio = cpu["subtools convert --raw"] / cpu["pysubs2 script"]
    print(f"  subtools/pysubs2 = {ratio:.2f}; in CPU time {cpu_ratio:.2f} (goal: at most 0.50)")
    if counted:
        for name, n in counted.items():
            print(f"  {name:24s} {n / 1e6:7.1f} M instructions")
        share = counted["subtools convert --raw"] / counted["pysubs2 script"]
        print(f"  subtools/pysubs2 in instructions = {share:.3f}")


if __name__ == "__main__":
    main()
