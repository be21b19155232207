"""The record of what a step changed, cue by cue, and the contract every step keeps.

A step (dedupe, wrap, repair) takes a track and returns a :class:`StepResult`: the new
track, its changes, and for each new cue the number of the input cue it came from.
Passing that ``origin`` to the next step keeps every change named by the cue of the
first input, however many steps and rounds run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .model import Track


class Change(NamedTuple):
    """One change: which input cue (1-based), what, and why.  A step's result says which
    input cue each output cue came from (its ``origin``).

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


@dataclass(frozen=True)
class StepResult:
    """A step's new track, its changes, and the input number of each new cue."""

    track: Track
    changes: list[Change]
    origin: tuple[int, ...]

    @staticmethod
    def numbers(track: Track, origin: Sequence[int] | None) -> tuple[int, ...]:
        """The input numbers of the track's cues: ``origin`` if given, else 1, 2, ..."""
        return tuple(origin) if origin is not None else tuple(range(1, len(track) + 1))


#: How a summary names each rule's changes (one, many).
LABELS = {
    "order": ("cue out of order", "cues out of order"),
    "duplicate": ("duplicate", "duplicates"),
    "empty": ("empty cue", "empty cues"),
    "negative_duration": ("negative duration", "negative durations"),
    "zero_duration": ("zero duration", "zero durations"),
    "overlap": ("overlap", "overlaps"),
    "same_span": ("cue shown twice over", "cues shown twice over"),
    "gap": ("gap under the minimum", "gaps under the minimum"),
    "chain": ("gap chained", "gaps chained"),
    "min_duration": ("short cue", "short cues"),
    "max_duration": ("long cue", "long cues"),
    "reading_speed": ("fast cue", "fast cues"),
    "split": ("long segment split", "long segments split"),
    "orphan-merge": ("orphan merged", "orphans merged"),
    "orphan-rebalance": ("orphan rebalanced", "orphans rebalanced"),
    "rolling": ("rolling caption line", "rolling caption lines"),
}
_UNRESOLVED = {
    "duration_too_short": "too short (no free time)",
    "cps_too_high": "too fast to read",
}


def count_rules(changes: Iterable[Change]) -> Counter[str]:
    """How many input cues each rule touched (a cue changed in two fields, or in two of
    the pieces it was split into, counts once)."""
    seen: set[tuple[int, str]] = set()
    counts: Counter[str] = Counter()
    for ch in changes:
        key = (ch.cue, ch.rule)
        if key not in seen:
            seen.add(key)
            counts[ch.rule] += 1
    return counts


def summarize(changes: list[Change], unresolved: dict[str, list[int]] | None = None) -> str:
    """A one-line account of changes by rule, and of what is left.

    >>> summarize([Change(1, "end", 5, 4, "overlap"), Change(2, "end", 9, 8, "overlap")],
    ...           {"cps_too_high": [7]})
    'fixed 2 overlaps; 1 cue still too fast to read'
    """
    counts = count_rules(changes)
    parts = []
    for rule, n in counts.items():
        one, many = LABELS.get(rule, (rule, rule))
        parts.append(f"{n} {one if n == 1 else many}")
    text = f"fixed {', '.join(parts)}" if parts else "nothing to fix"
    left = []
    for kind, cues in (unresolved or {}).items():
        if cues:
            n = len(cues)
            left.append(f"{n} cue{'s' if n != 1 else ''} still {_UNRESOLVED.get(kind, kind)}")
    return text + ("; " + ", ".join(left) if left else "")
