"""The default processing: wrap, then repair, by one profile."""

from __future__ import annotations

from dataclasses import dataclass

from .changes import Change
from .model import Track
from .repair import RepairResult, repair, summarize
from .style import OverlapStrategy, Profile, get_profile
from .wrap import WrapResult, merge_orphans, wrap


@dataclass(frozen=True)
class ProcessResult:
    """The finished track, and what wrapping and repair did to get there."""

    track: Track
    wrapped: WrapResult
    repaired: RepairResult

    @property
    def changes(self) -> list[Change]:
        return self.wrapped.changes + self.repaired.changes

    def summary(self) -> str:
        text = summarize(self.changes, self.repaired.unresolved)
        if self.wrapped.rewrapped:
            n = self.wrapped.rewrapped
            text = f"wrapped {n} cue{'s' if n != 1 else ''}; {text}"
        return text


def process(
    track: Track, profile: Profile | str | None = None, overlap: OverlapStrategy = "trim"
) -> ProcessResult:
    """Broadcast-ready captions: wrap lines and split long cues, then repair the timing.

    >>> from subtools import from_segments
    >>> track = from_segments([{"start": 0.0, "end": 0.4, "text": " Hi."},
    ...                        {"start": 0.3, "end": 2.0, "text": " Welcome back."}])
    >>> [(c.start, c.end, c.text) for c in process(track).track]
    [(0, 2000, 'Hi. Welcome back.')]
    """
    prof = get_profile(profile)
    wrapped = wrap(track, prof)
    repaired = repair(wrapped.track, prof, overlap)
    # Repair moves times, and with them the pauses that decide whether an orphan may
    # join its neighbour, and it may merge cues into more lines than the profile has:
    # wrap and repair again until nothing moves, so that processing the result once
    # more changes nothing.
    changes = list(repaired.changes)
    latest = repaired.changes
    for _ in range(_SETTLE_ROUNDS):
        # Only a repair that changed some text (a merge, a split) needs a full re-wrap;
        # moved times can only change which orphans may join a neighbour.
        texts_changed = any(c.field == "text" for c in latest)
        rewrapped = (
            wrap(repaired.track, prof) if texts_changed else merge_orphans(repaired.track, prof)
        )
        if not rewrapped.changes and not rewrapped.rewrapped:
            break
        again = repair(rewrapped.track, prof, overlap)
        if again.track.cues == repaired.track.cues:
            # Text with no room to be split: wrap splits it, repair merges it back.
            break
        changes += rewrapped.changes + again.changes
        latest = again.changes
        repaired = RepairResult(again.track, changes, again.unresolved)
    if repaired.track.cues == track.cues:
        # Steps that undid each other are no change; say so, so a second run is silent.
        wrapped = WrapResult(track, [], 0)
        repaired = RepairResult(track, [], repaired.unresolved)
    return ProcessResult(repaired.track, wrapped, repaired)


_SETTLE_ROUNDS = 4
