"""What the audio and the cues say about where the cues belong, as signals to slide.

Three kinds of evidence, kept apart so that each gives its own estimate and the
decision can ask whether they agree (:mod:`.alignment`):

- ``activity``: the cues' activity (+1 inside a cue, -1 between cues) against the
  speech probability. Strong where cues leave gaps; blind where cues touch, as
  Whisper's segments mostly do (the activity is then +1 from the first cue to the last).
- ``boundaries``: the cue boundaries against what the speech detector says around
  them: a start after a gap should sit where a pause turns into speech, an end where
  speech turns into a pause, and a boundary where one cue takes over from the next
  (a *join*) in or right beside a pause. This works on touching cues.
- ``loudness``: the same boundaries against the loudness alone (no detector), so a
  detector's mistakes do not show in both.

Every signal is sampled on a grid of ``step`` ms; a score curve over lags (how far the
subtitles would move) comes from one FFT cross-correlation per signal.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.fft import irfft, rfft

from .speech import FRAME_MS

if TYPE_CHECKING:
    from ..model import Cue

#: Cues closer than this join: the boundary between them is one place, not two.
JOIN_MS = 100
#: How much audio on each side of a boundary tells a pause from speech.
SIDE_MS = 150
#: How deep into a pause a join counts fully: a pause twice this long has room for it.
PAUSE_DEPTH_MS = 250
#: Peaks closer than this to the best one are the same peak (for clarity).
SAME_PEAK_MS = 1000
#: Lags scoring within this share of the peak's height of it make one plateau.
PLATEAU = 0.02
#: Kinds of evidence, the most trusted first (it wins when none agree).
KINDS = ("boundaries", "activity", "loudness")


@dataclass(frozen=True)
class Bounds:
    """The cue boundaries, by what should be found there (ms, subtitle time)."""

    starts: np.ndarray  # starts after a gap (or the first start)
    ends: np.ndarray  # ends before a gap (or the last end)
    joins: np.ndarray  # where one cue ends as the next starts
    gaps: int  # gaps of at least JOIN_MS between cues

    @classmethod
    def of(cls, cues: list[Cue]) -> Bounds:
        """Boundaries of cues in time order.

        >>> from subtools.model import Cue
        >>> b = Bounds.of([Cue(0, 1000, "a"), Cue(1000, 2000, "b"), Cue(3000, 4000, "c")])
        >>> b.starts.tolist(), b.ends.tolist(), b.joins.tolist(), b.gaps
        ([0, 3000], [2000, 4000], [1000], 1)
        """
        starts, ends, joins = [], [], []
        for i, cue in enumerate(cues):
            if i == 0 or cue.start - cues[i - 1].end >= JOIN_MS:
                starts.append(cue.start)
            if i + 1 == len(cues) or cues[i + 1].start - cue.end >= JOIN_MS:
                ends.append(cue.end)
            else:
                joins.append((cue.end + cues[i + 1].start) // 2)
        return cls(
            np.array(starts, np.int64),
            np.array(ends, np.int64),
            np.array(joins, np.int64),
            len(starts) - 1,
        )

    def count(self) -> int:
        return len(self.starts) + len(self.ends) + len(self.joins)


@dataclass(frozen=True)
class EdgeMaps:
    """For every frame, how much it looks like a speech onset, an offset, or a pause."""

    onset: np.ndarray
    offset: np.ndarray
    pause: np.ndarray

    @classmethod
    def of(cls, speechness: np.ndarray) -> EdgeMaps:
        """From a per-frame speech-ness (0..1, on the 10 ms grid)."""
        side = SIDE_MS // FRAME_MS
        x = speechness.astype(np.float64)
        before_speech = _mean_before(x, side)
        after_speech = _mean_after(x, side)
        onset = (1 - before_speech) * after_speech
        offset = before_speech * (1 - after_speech)
        # A join belongs in a pause, best in its middle: how deep into a pause each
        # frame is (its distance to the nearer speech, up to PAUSE_DEPTH_MS). Only
        # between the first speech and the last: a long silence before the talk
        # starts is no place for joins.
        pause = _pause_depth(x > 0.5, PAUSE_DEPTH_MS // FRAME_MS)
        # Centred, so that a boundary dropped anywhere scores 0 on average.
        return cls(*(m - m.mean() if len(m) else m for m in (onset, offset, pause)))

    def coarse(self, step: int) -> EdgeMaps:
        k = step // FRAME_MS
        return EdgeMaps(*(block_max(m, k) for m in (self.onset, self.offset, self.pause)))


def _mean_before(x: np.ndarray, w: int) -> np.ndarray:
    """Mean of the ``w`` frames before each frame (fewer at the start)."""
    c = np.concatenate(([0.0], np.cumsum(x)))
    i = np.arange(len(x))
    lo = np.maximum(i - w, 0)
    return (c[i] - c[lo]) / np.maximum(i - lo, 1)


def _mean_after(x: np.ndarray, w: int) -> np.ndarray:
    """Mean of the frame and the ``w - 1`` after it."""
    return _mean_before(x[::-1], w)[::-1] if len(x) else x


def _pause_depth(speech: np.ndarray, cap: int) -> np.ndarray:
    """Per frame: 0 in speech, else the frames to the nearer speech (at most ``cap``)
    over ``cap``; 0 before the first speech and after the last."""
    n = len(speech)
    out = np.zeros(n)
    spoken = np.flatnonzero(speech)
    if n == 0 or len(spoken) == 0:
        return out
    i = np.arange(n)
    last = np.maximum.accumulate(np.where(speech, i, -1))
    following = np.minimum.accumulate(np.where(speech, i, n)[::-1])[::-1]
    inside = (last >= 0) & (following < n) & ~speech
    depth = np.minimum(i - last, following - i)
    out[inside] = np.minimum(depth[inside], cap) / cap
    return out


def block_max(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` in blocks of ``k`` frames, each block its largest value."""
    return _blocks(x, k).max(axis=1) if k > 1 else x


def block_mean(x: np.ndarray, k: int) -> np.ndarray:
    """``x`` in blocks of ``k`` frames, each block its mean."""
    return _blocks(x, k).mean(axis=1) if k > 1 else x


def _blocks(x: np.ndarray, k: int) -> np.ndarray:
    n = len(x) // k
    return x[: n * k].reshape(n, k)


@dataclass(frozen=True)
class Curve:
    """Scores over lags: ``values[i]`` is the score for moving the cues ``lags[i]`` ms."""

    lags: np.ndarray
    values: np.ndarray

    def peak(self) -> tuple[int, float]:
        """The best lag (ms) and how clearly it stands out (0..1): its height above the
        typical lag's, less the best lag's a second or more away.

        >>> lags = np.arange(-40, 41) * 50
        >>> Curve(lags, np.exp(-(((lags - 500) / 100.0) ** 2))).peak()
        (500, 1.0)
        """
        best = int(np.argmax(self.values))
        top = float(self.values[best])
        median = float(np.median(self.values))
        # On a plateau (every boundary inside its pause over a range of lags) the
        # middle of it, not its first lag.
        level = top - PLATEAU * (top - median)
        lo = hi = best
        while lo > 0 and self.values[lo - 1] >= level:
            lo -= 1
        while hi + 1 < len(self.values) and self.values[hi + 1] >= level:
            hi += 1
        middle = (lo + hi) // 2
        far = np.abs(self.lags - self.lags[best]) >= SAME_PEAK_MS
        second = float(self.values[far].max()) if far.any() else median
        clarity = (top - second) / (top - median) if top > median else 0.0
        if best in (0, len(self.values) - 1):
            clarity = 0.0  # the edge of the lags searched: a slope, not a peak
        return int(self.lags[middle]), max(0.0, min(1.0, clarity))

    def normalised(self) -> np.ndarray:
        """The values with the median at 0 and the peak at 1 (to add kinds together)."""
        median = float(np.median(self.values))
        top = float(self.values.max())
        if top <= median:
            return np.zeros_like(self.values)
        out: np.ndarray = (self.values - median) / (top - median)
        return out


def combined(curves: list[Curve]) -> Curve:
    """Several kinds of evidence over the same lags, each weighing the same."""
    if not curves:
        raise ValueError("no evidence to combine")
    total = curves[0].normalised()
    for c in curves[1:]:
        total = total + c.normalised()
    return Curve(curves[0].lags, total)


class Slider:
    """Slides cue signals over one audio signal, by FFT; it keeps no state, so threads
    may share it."""

    def __init__(self, audio: np.ndarray, step: int) -> None:
        self.audio = audio
        self.step = step

    def scan(self, impulses: np.ndarray, base: int, lo: int, hi: int) -> np.ndarray:
        """Scores for lags ``lo..hi`` (grid steps): sum over t of impulses[t] times
        audio[base + t + lag], where ``impulses`` starts at grid index ``base``."""
        n_audio = len(self.audio)
        # Audio from index base + lo, long enough for every lag.
        a0, a1 = base + lo, base + hi + len(impulses)
        seg = np.zeros(a1 - a0, np.float64)
        s0, s1 = max(a0, 0), min(a1, n_audio)
        if s1 > s0:
            seg[s0 - a0 : s1 - a0] = self.audio[s0:s1]
        n = fast_length(len(seg) + len(impulses))
        corr = irfft(np.conj(rfft(impulses, n)) * rfft(seg, n), n)
        out: np.ndarray = corr[: hi - lo + 1]
        return out


def fast_length(n: int) -> int:
    """The least length from ``n`` whose only prime factors are 2, 3 and 5: numpy's
    FFT is fast on those, and they come far closer to ``n`` than the next power of two
    (a transform about 1.4 times shorter on average, and faster by at least as much).

    >>> fast_length(1000), fast_length(1025), fast_length(65537)
    (1000, 1080, 65610)
    """
    best = 1 << max(n - 1, 0).bit_length()
    five = 1
    while five < best:
        three = five
        while three < best:
            # The least power of two that takes five * three to n or beyond.
            two = three << max(-(-n // three) - 1, 0).bit_length()
            best = min(best, two)
            three *= 3
        five *= 5
    return best


def impulses(times_ms: np.ndarray, ratio: float, step: int) -> tuple[np.ndarray, int]:
    """A train with one impulse per time (scaled by ``ratio``) on a ``step`` ms grid,
    and the grid index where it starts."""
    idx = np.round(times_ms * ratio / step).astype(np.int64)
    if len(idx) == 0:
        return np.zeros(1), 0
    base = int(idx.min())
    train = np.zeros(int(idx.max()) - base + 1)
    np.add.at(train, idx - base, 1.0)
    return train, base


def cue_activity(cues: list[Cue], ratio: float, step: int) -> tuple[np.ndarray, int]:
    """+1 inside cues, -1 between them, from the first start to the last end."""
    a = round(cues[0].start * ratio / step)
    b = round(max(c.end for c in cues) * ratio / step)
    sig = -np.ones(max(b - a, 1), np.float64)
    for cue in cues:
        sig[round(cue.start * ratio / step) - a : round(cue.end * ratio / step) - a] = 1.0
    return sig, a


#: The least a kind of evidence needs: gaps between cues (activity), boundaries (others).
MIN_GAPS, MIN_BOUNDS = 3, 4


class Evidence:
    """The audio's signals for every kind of evidence, on one grid, ready to slide."""

    def __init__(self, probability: np.ndarray, loudness: np.ndarray, step: int = FRAME_MS) -> None:
        self._speech = 2.0 * probability - 1.0
        self._edge_maps = {
            kind: EdgeMaps.of(x)
            for kind, x in (("boundaries", probability), ("loudness", loudness))
        }
        self._loud = bool(len(loudness)) and float(loudness.max()) > 0
        self._grid(step)

    def on_grid(self, step: int) -> Evidence:
        """The same evidence on another grid: the 10 ms maps are made once, and only
        sampled again."""
        other = copy.copy(self)
        other._grid(step)
        return other

    def _grid(self, step: int) -> None:
        k = step // FRAME_MS
        self.step = step
        # Centred, as the edge maps are: cues slid past the end of the audio then score
        # what an average stretch of it would, not more.
        act = block_mean(self._speech, k)
        self._activity = Slider(act - act.mean() if len(act) else act, step)
        self._maps: dict[str, list[Slider]] = {}
        for kind, fine in self._edge_maps.items():
            maps = fine.coarse(step)
            self._maps[kind] = [Slider(m, step) for m in (maps.onset, maps.offset, maps.pause)]

    def usable(self, kind: str, cues: list[Cue]) -> bool:
        bounds = Bounds.of(cues)
        if kind == "activity":
            return bounds.gaps >= MIN_GAPS
        if kind == "loudness" and not self._loud:
            return False
        return bounds.count() >= MIN_BOUNDS

    def curve(self, kind: str, cues: list[Cue], ratio: float, lo_ms: int, hi_ms: int) -> Curve:
        """Scores of ``kind`` for moving the cues (scaled by ``ratio``) by lo..hi ms."""
        lo, hi = lo_ms // self.step, -(-hi_ms // self.step)
        if kind == "activity":
            sig, base = cue_activity(cues, ratio, self.step)
            values = self._activity.scan(sig, base, lo, hi) / len(sig)
        else:
            bounds = Bounds.of(cues)
            values = np.zeros(hi - lo + 1)
            for times, slider in zip(
                (bounds.starts, bounds.ends, bounds.joins), self._maps[kind], strict=True
            ):
                if len(times):
                    train, base = impulses(times, ratio, self.step)
                    values += slider.scan(train, base, lo, hi)
            values /= max(bounds.count(), 1)
        return Curve(np.arange(lo, hi + 1) * self.step, values)
