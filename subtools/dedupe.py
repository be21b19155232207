"""Cues shown more than once, shown once: the first step of the pipeline.

Exact duplicates (same start, end and text) become one cue, whatever the order of the
track; rolling auto-captions (:mod:`subtools.autocaptions`) become each spoken line
once, when asked or when they carry word timings as YouTube's WebVTT files do.
"""

from __future__ import annotations

from collections.abc import Sequence

from .autocaptions import dedupe_rolling, is_rolling
from .changes import Change, StepResult
from .model import Track


def drop_duplicates(track: Track, origin: Sequence[int] | None = None) -> StepResult:
    """The track without exact duplicates: the first copy of each cue stays.

    >>> from subtools import Cue
    >>> twice = Track((Cue(0, 900, "Thank you."), Cue(0, 900, "Thank you.")))
    >>> result = drop_duplicates(twice)
    >>> [c.text for c in result.track], [c.describe() for c in result.changes]
    (['Thank you.'], ["cue 2: text 'Thank you.' -> None (duplicate)"])
    """
    numbers = StepResult.numbers(track, origin)
    first: dict[tuple[int, int, str], int] = {}
    kept: list[int] = []
    changes: list[Change] = []
    merged: list[tuple[int, int]] = []
    for i, cue in enumerate(track.cues):
        key = (cue.start, cue.end, cue.text)
        copy = first.setdefault(key, i)
        if copy != i:
            changes.append(Change(numbers[i], "text", cue.text, None, "duplicate"))
            merged.append((numbers[i], numbers[copy]))
        else:
            kept.append(i)
    if not changes:
        return StepResult(track, [], numbers)
    cues = track.cues
    return StepResult(
        track.with_cues([cues[i] for i in kept]),
        changes,
        tuple(numbers[i] for i in kept),
        merged,
    )


def dedupe(
    track: Track, rolling: bool | None = None, origin: Sequence[int] | None = None
) -> StepResult:
    """Exact duplicates dropped, then rolling auto-captions undone: always with
    ``rolling=True``, never with False, and with None when the track looks rolling and
    carries word timings (the evidence asked for before doing it unasked).

    >>> from subtools import Cue
    >>> dedupe(Track((Cue(0, 900, "Hi."), Cue(0, 900, "Hi.")))).track.cues
    (Cue(start=0, end=900, text='Hi.', words=()),)
    """
    unique = drop_duplicates(track, origin)
    if rolling is False or (rolling is None and not is_rolling(unique.track, timed=True)):
        return unique
    lines = dedupe_rolling(unique.track, unique.origin)
    return StepResult(
        lines.track, unique.changes + lines.changes, lines.origin, unique.merged + lines.merged
    )
