"""The default processing: dedupe, wrap, then repair, by one profile.

Each step keeps the contract of :class:`~subtools.changes.StepResult`: it takes a
track and returns a new track, its changes and the number in its input of each new cue.
A :class:`~subtools.changes.Lineage` chains them, so that every change names the cue of
the input it came from and the cues of the output that hold its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .changes import Change, Lineage, StepResult, summarize
from .dedupe import dedupe
from .model import Track
from .repair import RepairResult, repair
from .style import OverlapStrategy, Profile, get_profile
from .wrap import WrapResult, merge_orphans, wrap_cues

#: Wrap-and-repair rounds after the first, at most (see :func:`process`).
_SETTLE_ROUNDS = 4


@dataclass(frozen=True)
class ProcessResult:
    """The finished track, the input number of each of its cues, the first wrap pass
    (``rewrapped`` counts the cues whose lines alone changed) and the last repair, and
    (from :attr:`changes`) what every step changed."""

    track: Track
    origin: tuple[int, ...]
    wrapped: WrapResult
    repaired: RepairResult
    #: The steps that made ``track``; None when they changed nothing in the end.
    lineage: Lineage | None = None

    @cached_property
    def changes(self) -> list[Change]:
        """Every change of every step and round, in order, numbered by the input cue it
        came from, with the output cues that hold its text (found when first asked)."""
        return self.lineage.changes() if self.lineage is not None else []

    @property
    def unresolved(self) -> dict[str, list[int]]:
        """Kinds of problem left, each with the numbers of the output cues showing it."""
        return self.repaired.unresolved

    def summary(self) -> str:
        # A count by input cue needs no output numbers: they are used if already found
        # (cached_property keeps them in the instance's __dict__), never looked for.
        if "changes" in self.__dict__ or self.lineage is None:
            changes = self.changes
        else:
            changes = self.lineage.changes(outputs=False)
        text = summarize(changes, self.unresolved)
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
    lineage = Lineage(track)
    deduped = dedupe(track, rolling)
    wrapped = wrap_cues(deduped.track, prof)
    orphans = merge_orphans(wrapped.track, prof)
    repaired = repair(orphans.track, prof, overlap)
    # wrap() is run as its two passes so that an orphan joining one piece of a split cue
    # is told from the other pieces.
    lineage.add(deduped, wrapped, orphans, repaired)
    # Repair moves times, and with them the pauses that decide whether an orphan may
    # join its neighbour, and it may merge cues into more lines than the profile has:
    # wrap and repair again until nothing moves, so that processing the result once
    # more changes nothing.
    for _ in range(_SETTLE_ROUNDS):
        settled = _settle(repaired, prof, overlap)
        if settled is None:
            break
        passes, repaired = settled
        lineage.add(*passes, repaired)
    if repaired.track.cues == track.cues:
        # Steps that undid each other are no change; say so, so a second run is silent.
        return ProcessResult(track, StepResult.numbers(track, None), wrapped, repaired)
    return ProcessResult(repaired.track, lineage.origin, wrapped, repaired, lineage)


def _settle(
    repaired: RepairResult, prof: Profile, overlap: OverlapStrategy
) -> tuple[list[WrapResult], RepairResult] | None:
    """One more round: the wrap passes, then repair; None when it changes nothing (or only
    undoes itself: text with no room, split by wrap, merged by repair)."""
    # Only a repair that changed some text (a merge, a split) needs a full re-wrap;
    # moved times can only change which orphans may join a neighbour.
    passes = []
    if any(c.field == "text" for c in repaired.changes):
        passes.append(wrap_cues(repaired.track, prof))
    passes.append(merge_orphans(passes[-1].track if passes else repaired.track, prof))
    if not any(p.changes or p.rewrapped for p in passes):
        return None
    again = repair(passes[-1].track, prof, overlap)
    if again.track.cues == repaired.track.cues:
        return None
    return passes, again
