"""Alignment accuracy and speed on the two spoken talks, against ffmpeg and ffsubsync.

    python benchmarks/align.py [--repeat N] [--ffsubsync PATH]

From each talk's true cue times it writes misaligned subtitle files (shifted, stretched
by 25/23.976, jittered by up to 350 ms), runs ``subtools align`` on them as a user would
(one process each), and reports the offset error, the drift found, the share of
boundaries within 100 ms of the truth after ``--fix``, and the time against a bare
ffmpeg decode of the same file (16 kHz mono PCM to a pipe) and against ffsubsync.
ffsubsync is looked for on PATH (or --ffsubsync); without it that column is left out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import SHARED, compile_project, need

from subtools import Cue, Track, load
from subtools.media.decode import ffmpeg_exe

TALKS = SHARED / "talks"
SHIFTS = (3200, -17_500, 29_500, -30_000)
STRETCH = 25 / 23.976


#: The least any webrtcvad-based check can cost: the same decode, webrtcvad over every
#: 10 ms frame as it arrives, nothing else (no numpy, no subtitles, no alignment).
DECODE_AND_VAD = """
import subprocess, sys, _webrtcvad
ff, media = sys.argv[1], sys.argv[2]
cmd = [ff, "-v", "error", "-nostdin", "-i", media, "-vn", "-ac", "1", "-ar", "16000",
       "-f", "s16le", "-"]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
vad = _webrtcvad.create()
_webrtcvad.init(vad)
_webrtcvad.set_mode(vad, 2)
process = _webrtcvad.process
flags = bytearray()
while chunk := proc.stdout.read(32000):
    flags += bytes([process(vad, 16000, chunk[i : i + 320], 160)
                    for i in range(0, len(chunk) - 319, 320)])
proc.wait()
"""


def truth(tid: str) -> Track:
    data = json.loads((TALKS / f"{tid}.truth.json").read_text())
    return Track(
        tuple(
            Cue(round(c["start"] * 1000), round(c["end"] * 1000), c["text"]) for c in data["cues"]
        )
    )


def timed(cmd: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    times, last = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        last = subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    assert last is not None
    return statistics.median(times), last


def within(a: Track, b: Track, ms: int = 100) -> float:
    good = [abs(x.start - y.start) <= ms for x, y in zip(a, b, strict=True)]
    good += [abs(x.end - y.end) <= ms for x, y in zip(a, b, strict=True)]
    return sum(good) / len(good)


def run_align(sub: list[str], src: Path, media: Path, repeat: int) -> tuple[float, dict]:  # type: ignore[type-arg]
    """Median time of ``subtools align SRC MEDIA --json``, and its report."""
    secs, proc = timed([*sub, str(src), str(media), "--json"], repeat)
    return secs, json.loads(proc.stdout)


def median_error(out: Track, truth: Track) -> int:
    """Median start error of ``out`` against the truth (cues cut at the start skipped)."""
    dropped = len(truth) - len(out)
    return round(statistics.median(c.start - truth[i + dropped].start for i, c in enumerate(out)))


def ffsubsync(exe: str, media: Path, subs: Path, folder: Path) -> tuple[float, Track | None]:
    """ffsubsync's time on the inputs, and what it wrote (None when it wrote nothing)."""
    out = folder / f"ffsubsync-{subs.stem}.srt"
    secs, _ = timed([exe, str(media), "-i", str(subs), "-o", str(out)], 1)
    return secs, load(out) if out.exists() else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--ffsubsync", default=shutil.which("ffsubsync"))
    args = ap.parse_args()
    compile_project()
    need(TALKS)
    ff = ffmpeg_exe()
    sub = [sys.executable, "-m", "subtools", "align"]
    rng = np.random.default_rng(2024)
    for media in sorted(TALKS.glob("*.m4a")):
        tid = media.stem
        t = truth(tid)
        print(f"== {tid}: {len(t)} cues, {t[-1].end / 60000:.1f} min")
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            decode, _ = timed(
                [
                    ff,
                    "-v",
                    "error",
                    "-nostdin",
                    "-i",
                    str(media),
                    "-vn",
                    "-ac",
                    "1",
                    "-ar",
                    "16000",
                    "-f",
                    "s16le",
                    "-",
                ],
                args.repeat,
            )
            to_file, _ = timed(
                [
                    ff,
                    "-v",
                    "error",
                    "-nostdin",
                    "-y",
                    "-i",
                    str(media),
                    "-vn",
                    "-ac",
                    "1",
                    "-ar",
                    "16000",
                    "-f",
                    "s16le",
                    str(d / "x.pcm"),
                ],
                args.repeat,
            )
            print(f"bare ffmpeg decode: {decode:.3f} s to a pipe, {to_file:.3f} s to a file")
            floor_script = d / "decode_and_vad.py"
            floor_script.write_text(DECODE_AND_VAD)
            floor, _ = timed([sys.executable, str(floor_script), ff, str(media)], args.repeat)
            print(
                f"decode + webrtcvad on every 10 ms frame, nothing else: {floor:.3f} s "
                f"= {floor / decode:.2f}x decode"
            )
            for shift in SHIFTS:
                src = d / f"shift{shift}.srt"
                t.with_cues(
                    Cue(c.start + shift, c.end + shift, c.text) for c in t if c.start + shift >= 0
                ).save(src)
                secs, rep = run_align(sub, src, media, args.repeat)
                line = (
                    f"shift {shift / 1000:+6.1f} s: offset {rep['offset_ms']:+7d} ms, "
                    f"error {rep['offset_ms'] + shift:+4d} ms, drift {rep['drift']:.6f}, "
                    f"{secs:.3f} s = {secs / decode:.2f}x decode"
                )
                if args.ffsubsync:
                    fsecs, out = ffsubsync(args.ffsubsync, media, src, d)
                    line += f"; ffsubsync {fsecs:.2f} s, error "
                    line += f"{median_error(out, t):+d} ms" if out else "(no output)"
                print(line)
            src = d / "stretch.srt"
            t.with_cues(
                Cue(round(c.start * STRETCH), round(c.end * STRETCH), c.text) for c in t
            ).save(src)
            secs, rep = run_align(sub, src, media, args.repeat)
            line = (
                f"stretch x25/23.976: drift {rep['drift']:.6f} (want {1 / STRETCH:.6f}, "
                f"error {abs(rep['drift'] - 1 / STRETCH):.6f}), offset {rep['offset_ms']} ms,"
                f" {secs:.3f} s"
            )
            if args.ffsubsync:
                fsecs, out = ffsubsync(args.ffsubsync, media, src, d)
                line += f"; ffsubsync {fsecs:.2f} s, within 100 ms after: "
                line += f"{within(out, t):.1%}" if out else "(no output)"
            print(line)
            src = d / "jitter.srt"
            jit = t.with_cues(
                Cue(
                    c.start + int(rng.integers(-350, 351)),
                    c.end + int(rng.integers(-350, 351)),
                    c.text,
                )
                for c in t
            )
            jit.save(src)
            out = d / "fixed.srt"
            secs, _ = timed(
                [*sub, str(src), str(media), "--json", "--fix", "-o", str(out)], args.repeat
            )
            print(
                f"jitter +-350 ms: within 100 ms before {within(jit, t):.1%}, after --fix "
                f"{within(load(out), t):.1%}; {secs:.3f} s"
            )


if __name__ == "__main__":
    main()
