"""Word-level alignment (``subtools.media.words``): accuracy and CPU cost.

    python benchmarks/words.py [--workers N] [--only NAME]

On the real recordings (``../shared/data/real/``: the monologue has every word timed by
a forced aligner, the phone call its phrases) and the two synthetic talks (true cue
spans), the cues are given as they are, with every boundary jittered by up to 350 ms,
and shifted by +1 s and -1 s (the caller passes roughly-right times).  Printed: the
median error of word starts and ends against the reference words and the share within
100 ms (monologue only), the share of cue boundaries (first word's start, last word's
end) within 100 and 200 ms of the reference cue's (the phone call's reference was
made by a transcriber, to about 100 ms), the share of boundaries in cues scored at
least 0.8 ("trusted") and how many of those are within 100 ms, the mean score, and the
CPU seconds per minute of audio (this process and its workers, decoding excluded).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from pathlib import Path

import numpy as np
from _common import SHARED, need

from subtools import Cue, Track
from subtools.media.decode import SAMPLE_RATE, pcm_chunks
from subtools.media.words import align_words

JITTER_MS = 350
TRUSTED_SCORE = 0.8


def cases() -> list[tuple[str, Path, Path]]:
    real, talks = SHARED / "real", SHARED / "talks"
    return [
        ("monologue", real / "monologue" / "media.wav", real / "monologue" / "truth.json"),
        ("phone-call", real / "phone-call" / "media.wav", real / "phone-call" / "truth.json"),
        ("H3Bhlan0mE0", talks / "H3Bhlan0mE0.m4a", talks / "H3Bhlan0mE0.truth.json"),
        ("eYgPJ_7BkEw", talks / "eYgPJ_7BkEw.m4a", talks / "eYgPJ_7BkEw.truth.json"),
    ]


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def damaged(truth: Track, how: str, seed: int = 0) -> Track:
    """The true cues shifted or jittered (order kept, no cue under 100 ms)."""
    if how == "as is":
        return truth
    if how.startswith("shift"):
        d = int(how.split()[1])
        return truth.with_cues(c.replace(start=max(0, c.start + d), end=c.end + d) for c in truth)
    rng = random.Random(seed)
    cues = []
    for c in truth:
        s = max(0, c.start + rng.randint(-JITTER_MS, JITTER_MS))
        e = max(s + 100, c.end + rng.randint(-JITTER_MS, JITTER_MS))
        cues.append(c.replace(start=s, end=e))
    return truth.with_cues(cues)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def share(errors: list[int], limit: int = 100) -> float:
    return sum(e <= limit for e in errors) / len(errors) if errors else float("nan")


def word_errors(result: list, ref_words: list[tuple[int, int, str]]) -> tuple[list[int], int]:
    """Start and end errors of every aligned word matched in order to a reference word."""
    ours = [w for cw in result for w in cw.words]
    errors, missing = [], 0
    k = 0
    for w in ours:
        key = "".join(ch for ch in w.text.lower() if ch.isalnum() or ch == "'")
        # the reference and the cue text hold the same words in the same order
        while k < len(ref_words) and ref_words[k][2] != key:
            k += 1
        if k == len(ref_words):
            missing += 1
            k = 0
            continue
        errors += [abs(w.start - ref_words[k][0]), abs(w.end - ref_words[k][1])]
        k += 1
    return errors, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--only", default=None)
    args = parser.parse_args()
    print(
        f"{'recording':<12} {'input':<10} {'word med':>8} {'word<=100':>9} "
        f"{'cue<=100':>8} {'cue<=200':>8} {'trusted':>7} {'<=100':>5} {'score':>6} "
        f"{'fail':>4} {'CPU s/min':>9} {'wall s':>6}"
    )
    for name, media, truth_path in cases():
        if args.only and args.only != name:
            continue
        ref = json.loads(need(truth_path).read_text())
        truth = Track(tuple(Cue(ms(c["start"]), ms(c["end"]), c["text"]) for c in ref["cues"]))
        ref_words = [(ms(w["start"]), ms(w["end"]), w["word"]) for w in ref.get("words", [])]
        pcm = np.frombuffer(b"".join(pcm_chunks(str(need(media)))), "<i2")
        minutes = len(pcm) / SAMPLE_RATE / 60
        for how in ("as is", "jitter", "shift +1000", "shift -1000"):
            before, t0 = cpu_seconds(), time.perf_counter()
            result = align_words(damaged(truth, how), pcm, workers=args.workers)
            cpu, wall = cpu_seconds() - before, time.perf_counter() - t0
            edges, trusted = [], []
            for cw, cue in zip(result, truth, strict=True):
                if cw.words:
                    pair = [abs(cw.words[0].start - cue.start), abs(cw.words[-1].end - cue.end)]
                    edges += pair
                    trusted += pair if cw.score >= TRUSTED_SCORE else []
            failed = sum(not cw.words for cw in result)
            words, _ = word_errors(result, ref_words) if ref_words else ([], 0)
            med = f"{statistics.median(words):.0f}" if words else "-"
            wshare = f"{share(words):.0%}" if words else "-"
            score = statistics.mean(cw.score for cw in result)
            print(
                f"{name:<12} {how:<10} {med:>8} {wshare:>9} "
                f"{share(edges):>8.0%} {share(edges, 200):>8.0%} "
                f"{len(trusted) / max(1, len(edges)):>7.0%} {share(trusted):>5.0%} "
                f"{score:>6.2f} {failed:>4} {cpu / minutes:>9.2f} {wall:>6.1f}"
            )


if __name__ == "__main__":
    main()
