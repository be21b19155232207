"""The record of what a step changed, cue by cue, and the contract every step keeps.

A step (dedupe, wrap, repair) takes a track and returns a :class:`StepResult`: the new
track, its changes, for each new cue the number of the input cue it came from, and the
input cues it merged into others.  Passing that ``origin`` to the next step keeps every
change named by the cue of the first input, however many steps and rounds run; a
:class:`Lineage` of steps that each number their own input also finds the cues of the
last output that hold each change's text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .model import Track


class Change(NamedTuple):
    """One change: which input cue (1-based), what, and why; and, once the steps are
    done (see :class:`Lineage`), the numbers of the output cues that hold its text.

    ``output`` is None while unknown (a step alone leaves it so), empty for a cue that
    is gone with no text, and several numbers for a cue split into pieces.  A change to
    a cue that later joined another names the cue it joined (all of its pieces, if that
    one was split after).  Within one step, pieces are one cue: a change repair makes to
    a piece of a cue it split itself names every piece.

    A named tuple rather than a dataclass: repair records one for nearly every cue of
    a raw transcript, and tuples are several times cheaper to make.

    >>> Change(3, "end", 5000, 4917, "overlap").describe()
    'cue 3: end 5000 -> 4917 (overlap)'
    >>> Change(3, "end", 5000, 4917, "overlap", (5,)).describe()
    'cue 3 (now 5): end 5000 -> 4917 (overlap)'
    >>> Change(2, "text", "a b c", ["a", "b c"], "split", (2, 3)).describe()
    "cue 2 (now 2-3): text 'a b c' -> ['a', 'b c'] (split)"
    """

    cue: int
    field: str
    old: Any
    new: Any
    rule: str
    output: tuple[int, ...] | None = None

    def describe(self) -> str:
        return (
            f"cue {self.cue}{self._now()}: {self.field} {self.old!r} -> {self.new!r} ({self.rule})"
        )

    def _now(self) -> str:
        out = self.output
        if out is None or out == (self.cue,):
            return ""
        if not out:
            return " (removed)"
        if out[-1] - out[0] == len(out) - 1 and len(out) > 1:
            return f" (now {out[0]}-{out[-1]})"
        return f" (now {', '.join(map(str, out))})"

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


@dataclass(frozen=True)
class StepResult:
    """A step's new track, its changes, the input number of each new cue, and the input
    cues that are gone because their text is in another cue."""

    track: Track
    changes: list[Change]
    origin: tuple[int, ...]
    #: ``(gone, into)`` pairs of input numbers, in the order the step joined them: cue
    #: ``gone`` is no more, its text (or the same text) is in what became of ``into``.
    merged: list[tuple[int, int]] = field(default_factory=list)

    @staticmethod
    def numbers(track: Track, origin: Sequence[int] | None) -> tuple[int, ...]:
        """The input numbers of the track's cues: ``origin`` if given, else 1, 2, ..."""
        return tuple(origin) if origin is not None else tuple(range(1, len(track) + 1))


class Lineage:
    """Steps run one after another, each on the track the one before returned, each
    numbering its own input 1, 2, ...: their changes named by the cue of the first input
    and by the cues of the last output that hold its text.

    Adding a step costs a tuple of its cues; the output numbers are found only when
    :meth:`changes` is asked for.

    >>> from .model import Cue
    >>> from .repair import repair
    >>> from .wrap import wrap
    >>> track = Track((Cue(0, 9000, " ".join(["words"] * 20)), Cue(8000, 11000, "And then more.")))
    >>> lineage = Lineage(track)
    >>> wrapped = wrap(track)
    >>> lineage.add(wrapped, repair(wrapped.track))
    >>> lineage.origin
    (1, 1, 2)
    >>> [(c.cue, c.output, c.rule) for c in lineage.changes()]
    [(1, (1, 2), 'split'), (1, (2,), 'overlap'), (1, (1,), 'gap')]
    """

    def __init__(self, track: Track) -> None:
        #: The input number of each cue of the last step's track.
        self.origin: tuple[int, ...] = tuple(range(1, len(track) + 1))
        self._steps: list[tuple[tuple[int, ...], StepResult]] = []

    def add(self, *steps: StepResult) -> None:
        """The results of the next steps, each run on the track of the one before."""
        for step in steps:
            numbers = self.origin
            self._steps.append((numbers, step))
            self.origin = tuple([numbers[k - 1] for k in step.origin])

    def changes(self, outputs: bool = True) -> list[Change]:
        """Every change of every step, in order, with its input number and its output
        numbers; with ``outputs=False`` (enough to count changes by input cue, and a
        third of the cost) ``output`` stays None and a ``position`` change gives the
        places in the track its step sorted."""
        reached: list[list[tuple[int, ...]]] = []
        if outputs:
            # From the last step back: which output cues each step's input cues reach.
            after: list[tuple[int, ...]] = [(p,) for p in range(1, len(self.origin) + 1)]
            for numbers, step in reversed(self._steps):
                after = _reach(step, after, len(numbers))
                reached.append(after)
            reached.reverse()
        out: list[Change] = []
        for s, (numbers, step) in enumerate(self._steps):
            for c in step.changes:
                cue = numbers[c.cue - 1]
                output = reached[s][c.cue - 1] if outputs else None
                old, new = c.old, c.new
                if c.field == "position" and output is not None:
                    # Positions are cue numbers too: the input's, and the output's.
                    old, new = cue, output[0] if output else None
                out.append(Change(cue, c.field, old, new, c.rule, output))
        return out


def _reach(step: StepResult, after: list[tuple[int, ...]], n: int) -> list[tuple[int, ...]]:
    """For each of the step's ``n`` input cues, the output numbers its text reaches,
    given ``after``, the output numbers each cue of the step's track reaches."""
    if not step.merged and len(step.origin) == n and step.origin == tuple(range(1, n + 1)):
        return after  # every cue where it was (most steps of a round that settles)
    found: list[list[int]] = [[] for _ in range(n)]
    for p, k in enumerate(step.origin):
        found[k - 1].extend(after[p])
    reach = [tuple(f) if len(f) < 2 else tuple(sorted(set(f))) for f in found]
    # Latest first, so that a cue joined to one that joined a third later reaches it.
    for gone, into in reversed(step.merged):
        if gone != into:
            reach[gone - 1] = tuple(sorted({*reach[gone - 1], *reach[into - 1]}))
    return reach


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
