"""Timing repair: pure passes over a track, run in a fixed order, every change recorded.

Order (each pass sees the result of the one before):

1. exact duplicates (same times, same text) become one, by the dedupe step's rule
   (:func:`subtools.dedupe.drop_duplicates`); ``normalize``: stable sort by start;
   empty cues are removed.
2. ``durations``: a negative or zero duration gets the time its text needs to be read,
   within the free time before the next cue.
3. ``overlaps``: by strategy (``trim`` by default: the earlier cue ends the minimum gap
   before the next starts, unless that leaves it under the minimum duration, then the
   overlap is split).  Cues with nearly the same span, or with no room to be parted,
   merge into one cue that keeps both texts.
4. ``gaps``: a gap under the minimum is widened to it; a gap under the chaining
   threshold is closed to exactly the minimum gap.
5. ``max_duration``: a long cue is split when its text is long, else trimmed.
6. ``min_duration``: a short cue is extended into free time after it, then before it.
7. ``reading_speed``: a cue too fast to read is extended into free time where there is
   some; otherwise it is left and reported.
8. ``gaps`` once more, so that the gaps the last passes left are chained too.

The maximum-duration pass runs before the minimum-duration one (the reverse of the
order in which the limits are usually listed) on purpose: a trim frees time that a
short neighbour can then use, and with the other order a second run would find more
to do.  Repair is idempotent: repairing a repaired track changes nothing.

No pass drops text: a cue that would vanish gives its text to a neighbour.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from .changes import Change, StepResult, summarize
from .dedupe import drop_duplicates
from .errors import UsageError
from .model import Cue, Track
from .style import OVERLAP_STRATEGIES, OverlapStrategy, Profile, get_profile
from .wrap import split_cue

#: Cues that share this much of the longer one's span are the same caption twice over.
_SAME_SPAN: Final = 0.9
_SETTLE_ROUNDS: Final = 4


@dataclass
class _Work:
    """Cues being repaired, each with the number it had in the input (for the record)."""

    cues: list[Cue]
    origin: list[int]
    profile: Profile
    changes: list[Change] = field(default_factory=list)
    merged: list[tuple[int, int]] = field(default_factory=list)

    def note(self, i: int, name: str, old: object, new: object, rule: str) -> None:
        if old != new:
            self.changes.append(Change(self.origin[i], name, old, new, rule))

    def set(self, i: int, rule: str, start: int | None = None, end: int | None = None) -> None:
        cue = self.cues[i]
        s = cue.start if start is None else start
        e = cue.end if end is None else end
        if s != cue.start:
            self.note(i, "start", cue.start, s, rule)
        if e != cue.end:
            self.note(i, "end", cue.end, e, rule)
        self.cues[i] = Cue(s, e, cue.text, cue.words)

    def merge(self, i: int, j: int, rule: str) -> None:
        """Cue ``j`` joins cue ``i`` (both texts kept, span of both); ``j`` goes."""
        a, b = self.cues[i], self.cues[j]
        # Only exact duplicates (same times too) lose a copy, in normalize; here both
        # texts stay even when equal, since they were shown at different times.
        text = f"{a.text}\n{b.text}"
        words = a.words + b.words if a.words and b.words else ()
        merged = Cue(min(a.start, b.start), max(a.end, b.end), text, words)
        self.changes.append(Change(self.origin[i], "text", [a.text, b.text], text, rule))
        self.cues[i] = merged
        self.merged.append((self.origin[j], self.origin[i]))
        del self.cues[j]
        del self.origin[j]


@dataclass(frozen=True)
class RepairResult(StepResult):
    """The repaired track, every change, and what could not be repaired.

    ``unresolved`` maps a kind (``duration_too_short``, ``cps_too_high``) to the numbers
    of the cues (in the repaired track) still showing it.
    """

    unresolved: dict[str, list[int]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line, e.g. ``fixed 12 overlaps, 3 short cues; 2 cues still too fast to read``."""
        return summarize(self.changes, self.unresolved)


def repair(
    track: Track,
    profile: Profile | str | None = None,
    overlap: OverlapStrategy = "trim",
    origin: Sequence[int] | None = None,
) -> RepairResult:
    """Repair the timing of a track by the profile; see the module for the passes.

    >>> from subtools import Cue, Track
    >>> broken = Track((Cue(0, 3000, "one"), Cue(2500, 5000, "two"), Cue(9000, 9000, "three")))
    >>> result = repair(broken)
    >>> [(c.start, c.end) for c in result.track]
    [(0, 2417), (2500, 5000), (9000, 9833)]
    >>> result.summary()
    'fixed 1 zero duration, 1 overlap'
    """
    if overlap not in OVERLAP_STRATEGIES:
        raise UsageError(f"unknown overlap strategy {overlap!r} ({', '.join(OVERLAP_STRATEGIES)})")
    prof = get_profile(profile)
    # Exact duplicates first, by the dedupe step's own rule.
    unique = drop_duplicates(track, origin)
    work = _Work(
        list(unique.track.cues),
        list(unique.origin),
        prof,
        list(unique.changes),
        list(unique.merged),
    )
    passes: list[Callable[[_Work], object]] = [
        _normalize,
        _durations,
        lambda w: _overlaps(w, overlap),
        _gaps,
        _max_duration,
        _min_duration,
        _reading_speed,
    ]
    for step in passes:
        step(work)
    # The last gap pass may shorten a cue or merge two that had no room to part, which
    # the duration and reading-speed passes must see again: repeat until it only chains.
    for _ in range(_SETTLE_ROUNDS):
        if not _gaps(work):
            break
        for step in (_max_duration, _min_duration, _reading_speed):
            step(work)
    repaired = track.with_cues(work.cues)
    return RepairResult(
        repaired, work.changes, tuple(work.origin), work.merged, _unresolved(repaired, prof)
    )


# -- passes ----------------------------------------------------------------------------


def _normalize(w: _Work) -> None:
    starts = [c.start for c in w.cues]
    if any(a > b for a, b in itertools.pairwise(starts)):  # most tracks are in order already
        order = sorted(range(len(starts)), key=starts.__getitem__)
        for new, old in enumerate(order):
            if new != old:
                w.changes.append(Change(w.origin[old], "position", old + 1, new + 1, "order"))
        w.cues = [w.cues[i] for i in order]
        w.origin = [w.origin[i] for i in order]
    kept = [i for i, c in enumerate(w.cues) if c.text.strip()]
    if len(kept) < len(w.cues):
        for i, cue in enumerate(w.cues):
            if not cue.text.strip():
                w.changes.append(Change(w.origin[i], "text", cue.text, None, "empty"))
        w.cues = [w.cues[i] for i in kept]
        w.origin = [w.origin[i] for i in kept]


def _room_after(w: _Work, i: int) -> int | None:
    """The latest end cue ``i`` may have (None: no cue after it; cues are in order)."""
    return w.cues[i + 1].start - w.profile.min_gap if i + 1 < len(w.cues) else None


def _extend(w: _Work, i: int, need: int, rule: str) -> None:
    """Give cue ``i`` up to ``need`` ms: free time after it first, then before it."""
    cue = w.cues[i]
    latest = _room_after(w, i)
    end = cue.start + need if latest is None else min(cue.start + need, max(latest, cue.end))
    start = cue.start
    if end - start < need:
        earliest = w.cues[i - 1].end + w.profile.min_gap if i > 0 else 0
        start = min(cue.start, max(end - need, earliest))
    w.set(i, rule, start=start, end=end)


def _durations(w: _Work) -> None:
    for i, cue in enumerate(w.cues):
        if cue.end > cue.start:
            continue
        rule = "zero_duration" if cue.end == cue.start else "negative_duration"
        end = cue.start + w.profile.reading_time(cue.text)
        limit = _room_after(w, i)
        if limit is not None:
            end = min(end, limit)
        # With no room at all the cue keeps one millisecond; the overlap pass merges it.
        w.set(i, rule, end=max(end, cue.start + 1))


def _same_span(a: Cue, b: Cue) -> bool:
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared >= _SAME_SPAN * max(a.duration, b.duration, 1)


def _overlaps(w: _Work, strategy: OverlapStrategy) -> None:
    prof = w.profile
    gap = prof.min_gap
    i = 0
    # Each step either moves past a cue or removes one, so this ends.
    while i + 1 < len(w.cues):
        a, b = w.cues[i], w.cues[i + 1]
        if a.end <= b.start:
            i += 1
            continue
        if _same_span(a, b) or strategy == "merge":
            w.merge(i, i + 1, "same_span" if strategy != "merge" else "overlap")
            continue
        if strategy == "shift":
            delta = a.end + gap - b.start
            w.set(i + 1, "overlap", start=b.start + delta, end=b.end + delta)
            _resort_from(w, i + 1)
            i += 1
            continue
        trimmed = b.start - gap
        if strategy == "trim" and trimmed - a.start >= min(prof.min_duration, a.duration):
            w.set(i, "overlap", end=trimmed)
            i += 1
            continue
        # Split the overlap: each cue gives up half of it, the gap in between.
        middle = (a.end + b.start) // 2
        new_end, new_start = middle - gap // 2, middle - gap // 2 + gap
        if new_end > a.start and new_start < b.end:
            w.set(i, "overlap", end=new_end)
            w.set(i + 1, "overlap", start=new_start)
            _resort_from(w, i + 1)
            i += 1
            continue
        # No room to part them: one cue, both texts.
        w.merge(i, i + 1, "overlap")


def _resort_from(w: _Work, i: int) -> None:
    """Keep the order by start after cue ``i`` moved later."""
    while i + 1 < len(w.cues) and w.cues[i].start > w.cues[i + 1].start:
        w.cues[i], w.cues[i + 1] = w.cues[i + 1], w.cues[i]
        w.origin[i], w.origin[i + 1] = w.origin[i + 1], w.origin[i]
        i += 1


def _gaps(w: _Work) -> bool:
    """Widen gaps under the minimum, chain short ones; True if a cue was shortened or merged."""
    prof = w.profile
    gap, chain = prof.min_gap, prof.chain_gap
    wide = max(chain, gap)
    # Locals for the loop, which touches every cue (raw transcripts chain nearly all):
    # merge and set change these lists in place, so the names stay valid.
    cues, origin, changes = w.cues, w.origin, w.changes
    shortened = False
    i = 0
    while i + 1 < len(cues):
        a = cues[i]
        b_start = cues[i + 1].start
        current = b_start - a.end
        if current == gap or current >= wide:
            i += 1
            continue
        target = b_start - gap
        if current < gap:
            shortened = True
            b = cues[i + 1]
            moved = a.end + gap
            # Take the time from whichever cue can spare it; merge if neither can.
            if target - a.start >= prof.min_duration:
                # The common case (touching segments), inlined as chaining is below.
                cues[i] = Cue(a.start, target, a.text, a.words)
                changes.append(Change(origin[i], "end", a.end, target, "gap"))
            elif target > a.start and moved >= b.end:
                w.set(i, "gap", end=target)
            elif moved < b.end:
                w.set(i + 1, "gap", start=moved)
            elif target > a.start:
                w.set(i, "gap", end=target)
            else:
                w.merge(i, i + 1, "gap")
                continue
        elif target - a.start <= prof.max_duration:
            # A short gap flickers: close it to exactly the minimum (chaining).  Inlined
            # w.set: raw transcripts chain nearly every cue.
            cues[i] = Cue(a.start, target, a.text, a.words)
            changes.append(Change(origin[i], "end", a.end, target, "chain"))
        i += 1
    return shortened


def _min_duration(w: _Work) -> None:
    need = min(w.profile.min_duration, w.profile.max_duration)
    for i, cue in enumerate(w.cues):
        if cue.duration < need:
            _extend(w, i, need, "min_duration")


def _max_duration(w: _Work) -> None:
    prof = w.profile
    # Split cues are put in place in one pass at the end: inserting each one's pieces
    # into the list in turn would move the rest of it, quadratic in the cues.
    split: dict[int, list[Cue]] = {}
    for i, cue in enumerate(w.cues):
        if cue.duration <= prof.max_duration:
            continue
        if len(cue.text.replace("\n", " ")) > prof.max_chars and len(cue.text.split()) > 1:
            pieces = split_cue(cue, prof)
            if len(pieces) > 1:
                w.changes.append(
                    Change(w.origin[i], "text", cue.text, [p.text for p in pieces], "max_duration")
                )
                split[i] = pieces
                continue
        w.set(i, "max_duration", end=cue.start + prof.max_duration)
    if split:
        cues: list[Cue] = []
        origin: list[int] = []
        for i, (cue, number) in enumerate(zip(w.cues, w.origin, strict=True)):
            pieces = split.get(i, [cue])
            cues += pieces
            origin += [number] * len(pieces)
        w.cues[:] = cues
        w.origin[:] = origin


def _reading_speed(w: _Work) -> None:
    prof = w.profile
    for i in _too_fast(w.cues, prof):
        _extend(w, i, prof.reading_time(w.cues[i].text), "reading_speed")


def _too_fast(cues: list[Cue] | tuple[Cue, ...], prof: Profile) -> list[int]:
    """Indices of the cues too fast to read."""
    return [i for i, c in enumerate(cues) if prof.too_fast(c)]


def _unresolved(track: Track, prof: Profile) -> dict[str, list[int]]:
    shortest = prof.min_duration
    short = [n for n, c in enumerate(track.cues, 1) if c.end - c.start < shortest]
    fast = [i + 1 for i in _too_fast(track.cues, prof)]
    return {"duration_too_short": short, "cps_too_high": fast}


__all__ = ["OVERLAP_STRATEGIES", "RepairResult", "repair", "summarize"]
