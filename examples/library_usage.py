"""Convert one talk of the example dataset with the library, and look at it.

Usage: python examples/library_usage.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import subtools

HERE = Path(__file__).resolve().parent


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    track = subtools.load(HERE / "transcripts.jsonl", id="H3Bhlan0mE0")
    print(f"{track.title!r}: {len(track)} segments, {len(track.words)} words")

    first = track[0]
    print(f"first segment {first.start} ms - {first.end} ms: {first.text!r}")

    target = out_dir / f"{track.id}.vtt"
    track.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
