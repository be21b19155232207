"""Fuzzing the readers and writers with mutated real files.

    python -m tests.fuzz [--minutes 10] [--seed 1]

Every input is read as it comes (format detected from bytes) and as each readable
format, strict and lenient; every track read is written in every format and read
back.  Reported: inputs tried, exceptions other than ``SubtoolsError``, round trips
whose second writing differs from the first, and slow inputs (over 1 s, under 100 KB).
The seeds are real files: YouTube auto-captions, rows of the dataset of talks (as
JSONL, JSON, SRT and WebVTT), and the odd shapes the format tests hold.
``tests/test_fuzz.py`` runs the same check on a bounded number of inputs in CI.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import subtools
from subtools import SubtoolsError, Track, WriteError
from subtools.fileio import decode
from subtools.formats import iter_tracks, iter_tracks_from_string

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "transcripts.jsonl"
READ = ("srt", "vtt", "json", "jsonl")
WRITTEN = ("srt", "vtt", "vtt-words", "json", "jsonl", "txt")
SLOW_SECONDS = 1.0
SLOW_UNDER_BYTES = 100_000

#: Pieces that broke readers before, or that mean something to one of the formats.
TOKENS = [
    b"-->",
    b"-- >",
    b"- >",
    b"WEBVTT",
    b"WEBVTT\n\n",
    b"\x00",
    b"\r",
    b"\n",
    b"\n\n",
    b"\r\n",
    b"1e308",
    b"-1e308",
    b"9" * 400,
    b"9" * 5000,
    b"99999999999:",
    b"<00:61:00.000>",
    b"<00:00:01.500>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"NaN",
    b"Infinity",
    b"-",
    b":",
    b",",
    b".",
    b"\x0b",
    b"\x0c",
    b"\xc2\xa0",
    b"\xe2\x80\xa8",
    b"&amp;",
    b"&",
    b"<",
    b">",
    b"<i>",
    b"NOTE",
    b"STYLE\n",
    b'"',
    b"{",
    b"}",
    b"[",
    b"]",
    b"\\u0000",
    "\uff1a".encode(),
    "\uff0c".encode(),
    b"00:00:01,000 --> 00:00:02,000",
    b"00:01.000 --> 00:02.000",
    b"1000:00:00,000",
    b'"start": -1',
    b'"end": 1e400',
    b'"words": [{"start": 0, "end": 1e308, "word": "x"}]',
    b"null",
    b"true",
    b"\xe2\x81\xa0",
]


def seeds() -> list[bytes]:
    """Real files, and each real dataset row written in every readable format."""
    out = [(DATA / "rolling-autocaptions.vtt").read_bytes()]
    rows = (DATA / "transcripts-slice.jsonl").read_text(encoding="utf-8").splitlines()
    if SHARED.exists():
        rows += SHARED.read_text(encoding="utf-8").splitlines()[:20]
    for line in rows[:12]:
        row = json.loads(line)
        # a slice of each row keeps inputs small, so many are tried
        row["segments"] = row["segments"][:40]
        out.append((json.dumps(row) + "\n").encode())
        track = subtools.loads(json.dumps(row), "jsonl")
        for fmt in ("srt", "vtt", "json"):
            out.append(track.to_string(fmt).encode())
    from .test_srt import SHAPES
    from .test_webvtt import BAD_SIGNATURES, CASES

    out += [t.encode() for t in SHAPES.values()]
    out += [c[0].encode() for c in CASES.values()]
    out += [t.encode() for t in BAD_SIGNATURES.values()]
    return out


#: Long runs of these (or of a few bytes of the input) find work that grows faster than
#: the line: a pattern that backtracks over a run of openers never closed.
RUNS = [b"<", b"{", b"[", b"(", b"-", b"- ", b"&", b"0", b":", b"0:", b".", b" ", b"<i", b"\t"]


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """One to eight random edits: tokens in, bytes flipped, ranges cut, copied or spliced,
    long runs of one short piece."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(buf))
        op = rng.randrange(8)
        if op <= 1:
            buf[at:at] = rng.choice(TOKENS)
        elif op == 2 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 3:
            del buf[at : at + rng.randint(1, 64)]
        elif op == 4:
            piece = buf[at : at + rng.randint(1, 200)]
            where = rng.randint(0, len(buf))
            buf[where:where] = piece
        elif op == 5:
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            buf[at:] = other[cut : cut + rng.randint(0, 2000)]
        elif op == 6:
            unit = rng.choice(RUNS) if rng.random() < 0.7 else bytes(buf[at : at + 3]) or b"<"
            buf[at:at] = unit * (rng.randint(2_000, 60_000) // len(unit))
        else:
            lines = bytes(buf).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


@dataclass
class Finding:
    kind: str  # "exception" or "mismatch"
    where: str
    detail: str
    data: bytes


def _reads(data: bytes) -> Iterator[tuple[str, list[Track] | None]]:
    """Every way to read the input: ``(how, tracks or None for a SubtoolsError)``."""
    for lenient in (False, True):
        how = f"load(bytes, lenient={lenient})"
        try:
            yield how, list(iter_tracks(io.BytesIO(data), lenient=lenient, on_warning=_ignore))
        except SubtoolsError:
            yield how, None
    try:
        text = decode(data, "<fuzz>")
    except SubtoolsError:
        return
    for fmt in READ:
        for lenient in (False, True):
            how = f"loads({fmt!r}, lenient={lenient})"
            try:
                tracks = iter_tracks_from_string(text, fmt, lenient=lenient, on_warning=_ignore)
                yield how, list(tracks)
            except SubtoolsError:
                yield how, None


def _ignore(_: object) -> None:
    pass


def check(data: bytes) -> list[Finding]:
    """What goes wrong reading the input and writing back what was read."""
    found: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    reads = _reads(data)
    while True:
        try:
            item = next(reads, None)
        except Exception as exc:
            found.append(Finding("exception", "read", _describe(exc), data))
            break
        if item is None:
            break
        how, tracks = item
        for track in (tracks or [])[:3]:
            key = tuple((c.start, c.end, c.text, c.identifier, c.settings) for c in track)
            if key in seen:
                continue
            seen.add(key)
            for fmt in WRITTEN:
                wrong = _round_trip(track, fmt)
                if wrong is not None:
                    found.append(Finding(wrong[0], f"{how} -> {fmt}", wrong[1], data))
    return found


def _round_trip(track: Track, fmt: str) -> tuple[str, str] | None:
    """``(kind, detail)`` of what goes wrong writing the track, reading it back and
    writing it again; None when the second writing is the first."""
    try:
        written = track.to_string(fmt)
    except WriteError:
        return None  # refused, as word-level WebVTT refuses a track without words
    except Exception as exc:
        return "exception", _describe(exc)
    if fmt == "txt":  # written, never read
        return None
    try:
        again = subtools.loads(written, fmt)
    except SubtoolsError as exc:
        return "mismatch", f"cannot read back: {exc}"
    except Exception as exc:
        return "exception", _describe(exc)
    try:
        rewritten = again.to_string(fmt)
    except SubtoolsError as exc:
        return "mismatch", f"refused on writing again: {exc}"
    except Exception as exc:
        return "exception", _describe(exc)
    return None if rewritten == written else ("mismatch", _diff(written, rewritten))


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} ({Path(last.filename).name}:{last.lineno})"


def _diff(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"first difference at {at}: {a[at - 20 : at + 20]!r} vs {b[at - 20 : at + 20]!r}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", type=Path, help="write each failing input to this folder")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = seeds()
    tried = slow = 0
    kinds: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    biggest_ms = 0.0
    stop = time.monotonic() + args.minutes * 60
    while time.monotonic() < stop:
        data = mutate(rng.choice(pool), rng, pool)
        began = time.perf_counter()
        findings = check(data)
        took = time.perf_counter() - began
        tried += 1
        if took > SLOW_SECONDS and len(data) < SLOW_UNDER_BYTES:
            # Timed again before counting: the machine may have been busy.
            began = time.perf_counter()
            check(data)
            took = min(took, time.perf_counter() - began)
        if took > SLOW_SECONDS and len(data) < SLOW_UNDER_BYTES:
            slow += 1
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"slow-{slow}-{took:.1f}s.bin").write_bytes(data)
        biggest_ms = max(biggest_ms, took * 1000)
        for f in findings:
            kinds[f.kind] += 1
            cause = f"{f.kind}: {f.where.split(' -> ')[-1]}: {f.detail[:160]}"
            if cause not in causes and args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{f.kind}-{len(causes)}.bin").write_bytes(data)
            causes[cause] += 1
        if findings and len(pool) < 400 and rng.random() < 0.1:
            pool.append(data)
    print(f"inputs tried: {tried:,} in {args.minutes:g} min (seed {args.seed})")
    print(f"exceptions other than SubtoolsError: {kinds['exception']:,}")
    print(f"round-trip mismatches: {kinds['mismatch']:,}")
    print(
        f"slow inputs (> {SLOW_SECONDS:g} s, < 100 KB): {slow}; slowest input {biggest_ms:,.0f} ms"
    )
    for cause, count in causes.most_common(20):
        print(f"  {count:6,}  {cause}")


if __name__ == "__main__":
    main()
