"""The caption linter: findings by kind, nothing changed.

Kinds: ``overlap``, ``out_of_order``, ``negative_duration``, ``zero_duration``,
``gap_too_short``, ``duration_too_short``, ``duration_too_long``, ``cps_too_high``,
``line_too_long``, ``too_many_lines``, ``empty``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from .model import Track
from .style import Profile, get_profile
from .timecode import format_clock
from .wrap.lines import Tokens, text_width

KINDS = (
    "overlap",
    "out_of_order",
    "negative_duration",
    "zero_duration",
    "gap_too_short",
    "duration_too_short",
    "duration_too_long",
    "cps_too_high",
    "line_too_long",
    "too_many_lines",
    "empty",
)


@dataclass(frozen=True)
class Finding:
    """One problem with one cue (numbered from 1 in file order)."""

    cue: int
    start_ms: int
    end_ms: int
    kind: str
    message: str
    fixable: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        return f"cue {self.cue} at {format_clock(self.start_ms)}: {self.kind}: {self.message}"


def check(track: Track, profile: Profile | str | None = None) -> list[Finding]:
    """Every finding in the track, in cue order.

    >>> from subtools import Cue, Track
    >>> t = Track((Cue(0, 2000, "Hello"), Cue(1500, 1500, "there")))
    >>> [f.kind for f in check(t)]
    ['overlap', 'zero_duration', 'duration_too_short', 'cps_too_high']
    """
    prof = get_profile(profile)
    out: list[Finding] = []
    cues = track.cues
    # Overlaps and gaps are between cues neighbouring in time, which in an out-of-order
    # file need not neighbour in the file (any two cues that overlap imply two time
    # neighbours that do).
    by_time = sorted(range(len(cues)), key=lambda i: cues[i].start)
    successor = dict(itertools.pairwise(by_time))
    for n, cue in enumerate(cues, 1):

        def add(kind: str, message: str, fixable: bool = True, n: int = n) -> None:
            out.append(Finding(n, cues[n - 1].start, cues[n - 1].end, kind, message, fixable))

        if not cue.text.strip():
            add("empty", "no text")
        if n < len(cues) and cues[n].start < cue.start:
            add("out_of_order", f"the next cue starts earlier, at {format_clock(cues[n].start)}")
        after = successor.get(n - 1)
        if after is not None:
            nxt = cues[after]
            which = "the next cue" if after == n else f"cue {after + 1}"
            if cue.end > nxt.start:
                add("overlap", f"ends {cue.end - nxt.start} ms after {which} starts")
            elif nxt.start - cue.end < prof.min_gap:
                add(
                    "gap_too_short",
                    f"gap {nxt.start - cue.end} ms to {which}, under {prof.min_gap} ms",
                )
        if cue.end < cue.start:
            add("negative_duration", f"ends {cue.start - cue.end} ms before it starts")
        elif cue.end == cue.start:
            add("zero_duration", "starts and ends at the same time")
        if 0 < cue.duration < prof.min_duration or cue.duration == 0:
            room = _room(track, n - 1, prof)
            add(
                "duration_too_short",
                f"{cue.duration} ms, under {prof.min_duration} ms",
                fixable=room >= prof.min_duration,
            )
        elif cue.duration > prof.max_duration:
            add("duration_too_long", f"{cue.duration} ms, over {prof.max_duration} ms")
        if cue.text.strip() and prof.too_fast(cue):
            chars = len(cue.text.replace("\n", " "))
            speed = chars / (cue.duration / 1000) if cue.duration > 0 else float("inf")
            add(
                "cps_too_high",
                f"{speed:.1f} characters a second",
                fixable=_room(track, n - 1, prof) >= prof.reading_time(cue.text),
            )
        lines = cue.text.split("\n")
        for line in lines:
            width = text_width(line)
            if width > prof.max_chars:
                # One unbreakable token (CJK text breaks between characters).
                single = Tokens.of(line).n == 1
                add(
                    "line_too_long",
                    f"line of {width} characters, over {prof.max_chars}"
                    + (" (a single word)" if single else ""),
                    fixable=not single,
                )
        if len(lines) > prof.max_lines:
            add("too_many_lines", f"{len(lines)} lines, over {prof.max_lines}")
    return out


def _room(track: Track, i: int, prof: Profile) -> int:
    """The longest cue ``i`` could last between its neighbours."""
    cues = track.cues
    lo = cues[i - 1].end + prof.min_gap if i > 0 else 0
    hi = cues[i + 1].start - prof.min_gap if i + 1 < len(cues) else cues[i].start + 10**9
    return max(hi - lo, 0)


def summary(findings: list[Finding]) -> dict[str, int]:
    """Findings counted by kind, in the order of :data:`KINDS`."""
    counts = Counter(f.kind for f in findings)
    return {k: counts[k] for k in KINDS if counts[k]}


def report(findings: list[Finding], source: str, profile: Profile) -> dict[str, Any]:
    """The ``--json`` report."""
    return {
        "source": source,
        "profile": profile.name,
        "findings": [f.to_dict() for f in findings],
        "summary": summary(findings),
    }
