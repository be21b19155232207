"""The record of what a pass changed, cue by cue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple


class Change(NamedTuple):
    """One change: which cue (1-based, in the track the pass was given), what, and why.

    A named tuple rather than a dataclass: repair records one for nearly every cue of
    a raw transcript, and tuples are several times cheaper to make.

    >>> Change(3, "end", 5000, 4917, "overlap").describe()
    'cue 3: end 5000 -> 4917 (overlap)'
    """

    cue: int
    field: str
    old: Any
    new: Any
    rule: str

    def describe(self) -> str:
        return f"cue {self.cue}: {self.field} {self.old!r} -> {self.new!r} ({self.rule})"

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


def count_rules(changes: Iterable[Change]) -> Counter[str]:
    """How many cues each rule touched (a cue changed in two fields counts once)."""
    seen: set[tuple[int, str]] = set()
    counts: Counter[str] = Counter()
    for ch in changes:
        key = (ch.cue, ch.rule)
        if key not in seen:
            seen.add(key)
            counts[ch.rule] += 1
    return counts
