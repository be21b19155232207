"""Speed of the default pipeline (wrap + repair) against pysubs2, whole process.

    python benchmarks/pipeline.py [--repeat N]

1. ``subtools convert transcripts.jsonl --out-dir D --to srt`` (read, wrap, split, repair,
   write) against a script converting the same rows with pysubs2 and no wrapping at all
   (``load_from_whisper`` + ``save`` per row).
2. ``subtools fix *.srt --out-dir D`` on the dataset as SRT files (one per row, written
   with ``--raw`` first) against a script that loads and saves them with pysubs2.

``--instructions`` also counts, under valgrind (string hashing fixed, so the counts
repeat exactly), the instructions of wrapping the dataset once in one process (its 50
tracks deduped, then wrapped, minus the same run without the wrapping) and of a whole
``convert --workers 1`` of it: figures that the machine's load does not move.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import (
    PYSUBS2_CONVERT,
    TRANSCRIPTS,
    compile_project,
    instructions,
    interleaved,
    need,
    run_process,
)

RESAVE_PYSUBS2 = """
import sys, pysubs2, pathlib
out = sys.argv[1]
for p in sys.argv[2:]:
    pysubs2.load(p).save(f"{out}/{pathlib.Path(p).name}")
"""


#: The dataset's tracks deduped, then wrapped once (with "wrap") or not.
WRAP_ONCE = """
import sys, subtools
from subtools.dedupe import dedupe
from subtools.wrap import wrap
deduped = [dedupe(track) for track in subtools.load_all(sys.argv[1])]
if sys.argv[2] == "wrap":
    for d in deduped:
        wrap(d.track, None, d.origin)
"""


def report(
    title: str, whole: dict[str, float], cpu: dict[str, float], repeat: int, goal: str
) -> None:
    print(f"{title}, whole process, median of {repeat} (wall; CPU, user + system):")
    for name, t in whole.items():
        print(f"   {name:34s} {t * 1000:7.1f} ms   CPU {cpu[name] * 1000:7.1f} ms")
    ours, theirs = whole.values()
    cpu_ours, cpu_theirs = (cpu[name] for name in whole)
    print(
        f"   subtools/pysubs2 = {ours / theirs:.2f} (goal: {goal}); CPU {cpu_ours / cpu_theirs:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument(
        "--instructions", action="store_true", help="also count instructions (valgrind)"
    )
    args = ap.parse_args()
    compile_project()
    src = need(TRANSCRIPTS)
    st = [sys.executable, "-m", "subtools"]
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "convert_pysubs2.py").write_text(PYSUBS2_CONVERT)
        (d / "resave_pysubs2.py").write_text(RESAVE_PYSUBS2)
        for sub in ("ours", "theirs", "raw", "fixed", "resaved"):
            (d / sub).mkdir()
        whole = interleaved(
            {
                "subtools convert (wrap + repair)": [
                    *st,
                    "convert",
                    str(src),
                    "--out-dir",
                    str(d / "ours"),
                    "--to",
                    "srt",
                ],
                "pysubs2, no wrapping": [
                    sys.executable,
                    str(d / "convert_pysubs2.py"),
                    str(src),
                    str(d / "theirs"),
                ],
            },
            args.repeat,
            cpu,
        )
        report(f"1. the dataset ({src.name}) to SRT", whole, cpu, args.repeat, "at most 1.10")

        run_process([*st, "convert", str(src), "--out-dir", str(d / "raw"), "--to", "srt", "--raw"])
        files = sorted(str(p) for p in (d / "raw").glob("*.srt"))
        whole = interleaved(
            {
                "subtools fix": [*st, "fix", *files, "--out-dir", str(d / "fixed")],
                "pysubs2 load + save": [
                    sys.executable,
                    str(d / "resave_pysubs2.py"),
                    str(d / "resaved"),
                    *files,
                ],
            },
            args.repeat,
            cpu,
        )
        report(f"2. {len(files)} SRT files", whole, cpu, args.repeat, "below 1.00")

        if args.instructions:
            (d / "wrap_once.py").write_text(WRAP_ONCE)
            once = [sys.executable, str(d / "wrap_once.py"), str(src)]
            wrapping = instructions([*once, "wrap"]) - instructions([*once, "read"])
            (d / "counted").mkdir()
            convert = [*st, "convert", str(src), "--out-dir", str(d / "counted"), "--to", "srt"]
            whole_process = instructions([*convert, "--workers", "1"])
            print("3. instructions (valgrind):")
            print(f"   wrapping the dataset once, in one process  {wrapping / 1e6:9,.0f} M")
            print(f"   convert --workers 1, whole process         {whole_process / 1e6:9,.0f} M")


if __name__ == "__main__":
    main()
