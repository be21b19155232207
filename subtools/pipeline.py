"""The default processing: dedupe, wrap, then repair, by one profile.

Each step keeps the contract of :class:`~subtools.changes.StepResult`: it takes a
track (and the input number of each of its cues) and returns a new track, its changes
and the input number of each new cue, so every change names a cue of the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .changes import StepResult, summarize
from .dedupe import dedupe
from .model import Track
from .repair import RepairResult, repair
from .style import OverlapStrategy, Profile, get_profile
from .wrap import WrapResult, merge_orphans, wrap

#: Wrap-and-repair rounds after the first, at most (see :func:`process`).
_SETTLE_ROUNDS = 4


@dataclass(frozen=True)
class ProcessResult(StepResult):
    """The finished track, every change of every step (numbered by the input cue it
    came from), the input number of each output cue, and what repair left."""

    wrapped: WrapResult = field(kw_only=True)
    repaired: RepairResult = field(kw_only=True)

    @property
    def unresolved(self) -> dict[str, list[int]]:
        """Kinds of problem left, each with the numbers of the output cues showing it."""
        return self.repaired.unresolved

    def summary(self) -> str:
        text = summarize(self.changes, self.unresolved)
        if self.wrapped.rewrapped:
            n = self.wrapped.rewrapped
            text = f"wrapped {n} cue{'s' if n != 1 else ''}; {text}"
        return text


def process(
    track: Track,
    profile: Profile | str | None = None,
    overlap: OverlapStrategy = "trim",
    rolling: bool | None = None,
) -> ProcessResult:
    """Broadcast-ready captions: cues shown twice shown once (rolling auto-captions too,
    see :func:`~subtools.dedupe.dedupe`), lines wrapped and long cues split, timing
    repaired.

    >>> from subtools import from_segments
    >>> track = from_segments([{"start": 0.0, "end": 0.4, "text": " Hi."},
    ...                        {"start": 0.3, "end": 2.0, "text": " Welcome back."}])
    >>> result = process(track)
    >>> [(c.start, c.end, c.text) for c in result.track]
    [(0, 2000, 'Hi. Welcome back.')]
    >>> [c.describe() for c in result.changes]
    ["cue 1: text ['Hi.', 'Welcome back.'] -> ['Hi. Welcome back.'] (orphan-merge)"]
    """
    prof = get_profile(profile)
    deduped = dedupe(track, rolling)
    wrapped = wrap(deduped.track, prof, deduped.origin)
    repaired = repair(wrapped.track, prof, overlap, wrapped.origin)
    changes = deduped.changes + wrapped.changes + repaired.changes
    # Repair moves times, and with them the pauses that decide whether an orphan may
    # join its neighbour, and it may merge cues into more lines than the profile has:
    # wrap and repair again until nothing moves, so that processing the result once
    # more changes nothing.
    for _ in range(_SETTLE_ROUNDS):
        settled = _settle(repaired, prof, overlap)
        if settled is None:
            break
        rewrapped, repaired = settled
        changes += rewrapped.changes + repaired.changes
    if repaired.track.cues == track.cues:
        # Steps that undid each other are no change; say so, so a second run is silent.
        return ProcessResult(
            track, [], StepResult.numbers(track, None), wrapped=wrapped, repaired=repaired
        )
    return ProcessResult(
        repaired.track, changes, repaired.origin, wrapped=wrapped, repaired=repaired
    )


def _settle(
    repaired: RepairResult, prof: Profile, overlap: OverlapStrategy
) -> tuple[WrapResult, RepairResult] | None:
    """One more round of wrap and repair; None when it changes nothing (or only undoes
    itself: text with no room, split by wrap, merged by repair)."""
    # Only a repair that changed some text (a merge, a split) needs a full re-wrap;
    # moved times can only change which orphans may join a neighbour.
    step = wrap if any(c.field == "text" for c in repaired.changes) else merge_orphans
    rewrapped = step(repaired.track, prof, repaired.origin)
    if not rewrapped.changes and not rewrapped.rewrapped:
        return None
    again = repair(rewrapped.track, prof, overlap, rewrapped.origin)
    if again.track.cues == repaired.track.cues:
        return None
    return rewrapped, again
