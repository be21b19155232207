"""Style profiles: the limits a caption must keep, as data.

One frozen dataclass per profile; command-line flags override single fields with
:meth:`Profile.but`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, final

from .errors import UsageError
from .model import by_constructor

if TYPE_CHECKING:
    from .model import Cue

#: How repair parts overlapping cues (see :mod:`subtools.repair`).
OverlapStrategy = Literal["trim", "shift", "split", "merge"]
OVERLAP_STRATEGIES: tuple[str, ...] = ("trim", "shift", "split", "merge")


@final
@dataclass(frozen=True)
class Profile:
    """Limits for line length, lines per cue, reading speed, durations and gaps.

    >>> NETFLIX.min_gap, NETFLIX.chain_gap
    (83, 500)
    >>> NETFLIX.but(max_chars=37).max_chars
    37
    """

    name: str
    #: Characters (display columns) per line.
    max_chars: int = 42
    max_lines: int = 2
    #: Reading speed limit in characters per second (None: not checked by characters).
    max_cps: float | None = 20.0
    #: Reading speed limit in words per second (None: not checked by words).
    max_wps: float | None = None
    #: Cue duration limits, ms.
    min_duration: int = 833
    max_duration: int = 7000
    #: Frame rate the frame-based gaps are counted in.
    fps: float = 24.0
    #: The gap every two cues keep, in frames (0: cues may touch).
    min_gap_frames: float = 2
    #: Gaps shorter than this many frames are closed to exactly ``min_gap`` (chaining).
    chain_frames: float = 12
    language: str = "en"

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return by_constructor(self)

    @property
    def min_gap(self) -> int:
        """The minimum gap in ms."""
        return round(self.min_gap_frames * 1000 / self.fps)

    @property
    def chain_gap(self) -> int:
        """Gaps under this many ms are closed to :attr:`min_gap`."""
        return round(self.chain_frames * 1000 / self.fps)

    def reading_time(self, text: str) -> int:
        """The ms a reader needs for the text at this speed (at least the minimum
        duration, at most the maximum).

        >>> NETFLIX.reading_time("Twenty characters!!!")
        1000
        """
        need = self.min_duration
        chars = len(text.replace("\n", " "))
        if self.max_cps:
            need = max(need, round(chars * 1000 / self.max_cps))
        if self.max_wps:
            need = max(need, round(len(text.split()) * 1000 / self.max_wps))
        return min(need, self.max_duration)

    def too_fast(self, cue: Cue) -> bool:
        """Whether the cue is above this reading speed (line breaks count as spaces).

        >>> from subtools import Cue
        >>> NETFLIX.too_fast(Cue(0, 1000, "x" * 21)), NETFLIX.too_fast(Cue(0, 1000, "x" * 20))
        (True, False)
        """
        ms = cue.end - cue.start
        if ms <= 0:
            return True
        cps = self.max_cps
        # chars / seconds > cps, in integers: chars * 1000 > cps * ms
        if cps and len(cue.text) * 1000 > cps * ms:
            return True
        wps = self.max_wps
        return bool(wps and len(cue.text.split()) * 1000 > wps * ms)

    def but(self, **changes: Any) -> Profile:
        """A copy with some fields changed; ``None`` values are ignored (unset flags)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        bad = [k for k in changes if k not in {f.name for f in dataclasses.fields(self)}]
        if bad:
            raise UsageError(f"unknown profile field(s): {', '.join(bad)}")
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        problems = []
        if self.max_chars < 1:
            problems.append("max_chars must be at least 1")
        if self.max_lines < 1:
            problems.append("max_lines must be at least 1")
        if self.min_duration < 0 or self.max_duration <= 0:
            problems.append("durations must be positive")
        if self.min_duration > self.max_duration:
            problems.append("min_duration is above max_duration")
        if self.fps <= 0:
            problems.append("fps must be positive")
        if self.min_gap_frames < 0 or self.chain_frames < 0:
            problems.append("gaps cannot be negative")
        for name in ("max_cps", "max_wps"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                problems.append(f"{name} must be positive")
        if problems:
            raise UsageError(f"profile {self.name}: " + "; ".join(problems))


#: Netflix timed-text style: 42 x 2, 20 cps (adult), 5/6 s to 7 s, 2 frames between cues
#: at 24 fps, gaps under 12 frames closed to 2 frames.
NETFLIX = Profile("netflix")

#: BBC subtitle guidelines: 37 characters a line, two lines, about three words a second
#: (160-180 words a minute), 25 fps.
BBC = Profile(
    "bbc", max_chars=37, max_cps=None, max_wps=3.0, fps=25.0, min_gap_frames=2, chain_frames=12
)

#: Continuous captions as YouTube shows them: 42 x 2, cues may touch, up to 10 s each.
YOUTUBE = Profile(
    "youtube", max_duration=10_000, min_gap_frames=0, chain_frames=0, fps=30.0, max_cps=None
)

PROFILES: dict[str, Profile] = {p.name: p for p in (NETFLIX, BBC, YOUTUBE)}


def get_profile(name_or_profile: str | Profile | None = None) -> Profile:
    """A profile by name (default ``netflix``), or the profile given.

    >>> get_profile("bbc").max_chars
    37
    """
    if isinstance(name_or_profile, Profile):
        return name_or_profile
    name = (name_or_profile or "netflix").lower()
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(
            f"unknown profile {name!r} (known: {', '.join(sorted(PROFILES))})"
        ) from None
