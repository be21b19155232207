"""Time for one very long cue (a pasted transcript, a file with no cue breaks).

    python benchmarks/long_cue.py [--repeat N]

The words of the dataset's talks, in order, as one cue of 4,000, 16,000 and 64,000
words (0.3 s a word): the default processing (``process``: dedupe, wrap, split, repair)
in process, then ``subtools convert`` of the 64,000-word cue as an SRT file, whole
process.  Goals: 64,000 words under 2 s; 16,000 words within 6x of 4,000 (linear work).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import TRANSCRIPTS, compile_project, median_time, need, run_process

import subtools
from subtools import Cue, Track
from subtools.pipeline import process

SIZES = (4_000, 16_000, 64_000)


def one_cue(words: list[str], n: int) -> Track:
    text = " ".join(words[i % len(words)] for i in range(n))
    return Track((Cue(0, 300 * n, text),))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    compile_project()
    words = [w for t in subtools.load_all(need(TRANSCRIPTS)) for w in t.words]
    times = {}
    print(f"one cue, process() in process, median of {args.repeat}:")
    for n in SIZES:
        track = one_cue(words, n)
        times[n] = median_time(lambda track=track: process(track), args.repeat)
        cues = len(process(track).track)
        print(f"   {n:6d} words -> {cues:5d} cues   {times[n] * 1000:8.1f} ms")
    print(f"   16k/4k = {times[16_000] / times[4_000]:.2f} (goal: at most 6)")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "one.srt"
        one_cue(words, SIZES[-1]).save(src)
        cmd = [sys.executable, "-m", "subtools", "convert", str(src), "-o", f"{tmp}/out.srt"]
        whole = median_time(lambda: run_process(cmd), args.repeat)
    print(f"subtools convert of the {SIZES[-1]:,}-word cue, whole process: {whole:.2f} s")
    print("   (goal: under 2 s)")


if __name__ == "__main__":
    main()
