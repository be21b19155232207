"""Checking cue boundaries against the speech: offset, drift, splits, per-cue error, fix.

1. **Offset**: the cues' activity (+1 inside a cue, -1 outside, in 10 ms frames) is
   cross-correlated with the speech activity by FFT over every lag within
   ``max_offset``; the best lag is then refined to the millisecond with the median
   distance from cue edges to the nearest speech edges (placed to the ms).
2. **Drift**: the same search runs with the cue times scaled by each ratio of the
   standard frame rates (23.976, 24, 25, 29.97, 30 fps); a ratio is also fitted from
   the offsets measured in sliding windows.  Where the local offset jumps between
   windows, a split (an edit in the video) is reported, not fixed.
3. **Per cue**: the signed distance from each start to the nearest speech onset and
   from each end to the nearest offset, after drift and offset, and a verdict.

``offset_ms`` is what to add to the subtitle times to match the audio (subtitles 3.2 s
late gives -3200); ``drift`` multiplies subtitle times, before the offset.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..changes import Change
from ..model import Cue, Track, Word
from .speech import FRAME_MS, Speech

if TYPE_CHECKING:
    import numpy as np

#: Frame rates whose ratios are tried as drift.
FRAME_RATES = (23.976, 24.0, 25.0, 29.97, 30.0)
#: How far a boundary looks for its speech edge in the report.
REPORT_WINDOW_MS = 1000
#: Sliding windows for the fitted drift and splits.
WINDOW_MS = 90_000
#: A local offset this far from its neighbours' is a split.
SPLIT_JUMP_MS = 400
#: Verdict thresholds (the larger of the two boundary errors).
OK_MS, CLOSE_MS = 100, 250


@dataclass(frozen=True)
class CueCheck:
    """How one cue's boundaries sit against the speech (deltas after drift and offset)."""

    index: int
    start_ms: int
    end_ms: int
    start_delta_ms: int | None
    end_delta_ms: int | None
    verdict: str


@dataclass(frozen=True)
class Split:
    """A point where the local offset jumps: an edit the subtitles do not follow."""

    at_ms: int
    offset_before_ms: int
    offset_after_ms: int


@dataclass(frozen=True)
class Alignment:
    """What the check found; :meth:`to_dict` is the ``--json`` report."""

    offset_ms: int
    drift: float
    confidence: float
    within: dict[str, float]
    splits: list[Split]
    cues: list[CueCheck]
    standard_drift: float = 1.0
    fitted_drift: float = 1.0
    duration_ms: int = 0
    detector: str = ""
    window_offsets: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "offset_ms": self.offset_ms,
            "drift": round(self.drift, 6),
            "confidence": round(self.confidence, 3),
            "within": {k: round(v, 4) for k, v in self.within.items()},
            "splits": [asdict(s) for s in self.splits],
            "cues": [asdict(c) for c in self.cues],
            "standard_drift": round(self.standard_drift, 6),
            "fitted_drift": round(self.fitted_drift, 6),
            "duration_ms": self.duration_ms,
            "detector": self.detector,
        }

    def map_time(self, ms: int) -> int:
        """A subtitle time moved by the drift and offset found."""
        return round(ms * self.drift) + self.offset_ms

    def worst(self, n: int = 10) -> list[CueCheck]:
        """The cues furthest from the speech (those with no speech near them first)."""

        def err(c: CueCheck) -> float:
            ds = [abs(d) for d in (c.start_delta_ms, c.end_delta_ms) if d is not None]
            return math.inf if not ds else max(ds)

        bad = [c for c in self.cues if c.verdict != "ok"]
        return sorted(bad, key=err, reverse=True)[:n]


def standard_ratios() -> list[float]:
    """1.0 and every ratio between two standard frame rates.

    >>> round(min(standard_ratios()), 5), len(standard_ratios())
    (0.7992, 17)
    """
    ratios = {1.0}
    for a in FRAME_RATES:
        for b in FRAME_RATES:
            if a != b:
                ratios.add(a / b)
    return sorted(ratios)


# -- signals -----------------------------------------------------------------------------


def _cue_signal(track: Track, ratio: float, step_ms: int) -> np.ndarray:
    """+1 inside cues, -1 between them, from time 0 to the last cue end, per ``step_ms``."""
    import numpy as np

    end = max((c.end for c in track), default=0)
    n = max(int(end * ratio / step_ms) + 1, 1)
    sig = -np.ones(n, np.float32)
    for cue in track:
        a = int(cue.start * ratio / step_ms)
        b = math.ceil(cue.end * ratio / step_ms)
        sig[a:b] = 1.0
    return sig


def _speech_signal(act: np.ndarray, step_ms: int) -> np.ndarray:
    import numpy as np

    k = step_ms // FRAME_MS
    if k > 1:
        n = len(act) // k
        act = act[: n * k].reshape(n, k).mean(axis=1) >= 0.5
    return np.where(act, 1.0, -1.0).astype(np.float32)


def _best_lag(
    cue_sig: np.ndarray, speech_fft: np.ndarray, n_fft: int, max_lag: int, step_ms: int = FRAME_MS
) -> tuple[int, float, float]:
    """The lag (frames; positive: subtitles move later) of the best match, its score per
    cue frame, and how clearly it stands out (0..1)."""
    import numpy as np

    corr = np.fft.irfft(np.conj(np.fft.rfft(cue_sig, n_fft)) * speech_fft, n_fft)
    lags = np.concatenate((np.arange(0, max_lag + 1), np.arange(-max_lag, 0)))
    values = np.concatenate((corr[: max_lag + 1], corr[n_fft - max_lag :]))
    best = int(np.argmax(values))
    peak = float(values[best])
    lag = int(lags[best])
    # Clarity: how far the peak stands above the best match a second away, relative to
    # the typical match (the median of a sample of lags: sorting them all is the slow part).
    far = np.abs(lags - lag) > max(1, 1000 // step_ms)
    median = float(np.median(values[:: max(1, len(values) // 2000)]))
    second = float(values[far].max()) if far.any() else median
    clarity = (peak - second) / (peak - median) if peak > median else 0.0
    return lag, peak / len(cue_sig), max(0.0, min(1.0, clarity))


def _fft_size(n: int) -> int:
    return 1 << (n - 1).bit_length()


def _neighbours(edges: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each time, the signed distance to the nearest edge and to the other edge
    around it (edges sorted, at least one)."""
    import numpy as np

    i = np.clip(np.searchsorted(edges, times), 1, max(len(edges) - 1, 1))
    if len(edges) == 1:
        left = right = edges[0] - times
    else:
        left, right = edges[i - 1] - times, edges[i] - times
    closer = np.abs(left) <= np.abs(right)
    return np.where(closer, left, right).astype(np.float64), np.where(closer, right, left)


def _nearest(edges: np.ndarray, times: np.ndarray, window: int) -> np.ndarray:
    """For each time, the signed distance to the nearest edge within ``window`` (else nan)."""
    import numpy as np

    if len(edges) == 0:
        return np.full(len(times), np.nan)
    delta, _ = _neighbours(edges, times)
    delta[np.abs(delta) > window] = np.nan
    return delta


# -- the check ---------------------------------------------------------------------------


def align(track: Track, speech: Speech, max_offset_ms: int = 60_000) -> Alignment:
    """Check the track's cue boundaries against the speech found in its media."""
    import numpy as np

    cues = [c for c in track if c.end > c.start]
    if not cues:
        from ..errors import UsageError

        raise UsageError("no cues with a duration to align")
    timed = track.with_cues(cues)
    act = speech.activity()
    onsets, offsets = speech.edges()

    # Coarse search at 100 ms over every standard ratio, then the best one at 10 ms.
    coarse = 100
    s_coarse = _speech_signal(act, coarse)
    n_coarse = _fft_size(len(s_coarse) + int(max(c.end for c in cues) * 1.3 / coarse) + 2)
    f_coarse = np.fft.rfft(s_coarse, n_coarse)
    max_lag_coarse = max_offset_ms // coarse
    scored = []
    for ratio in standard_ratios():
        sig = _cue_signal(timed, ratio, coarse)
        lag, score, _ = _best_lag(sig, f_coarse, n_coarse, max_lag_coarse, coarse)
        scored.append((score, ratio, lag))
    best_ratio = max(scored)[1]

    s10 = _speech_signal(act, FRAME_MS)
    window = _window_length(cues)

    speech_ffts: dict[int, np.ndarray] = {}

    def fit(ratio: float) -> tuple[int, float, int, list[tuple[int, int]]]:
        n10 = _fft_size(len(s10) + int(max(c.end for c in cues) * ratio / FRAME_MS) + 2)
        if n10 not in speech_ffts:
            speech_ffts[n10] = np.fft.rfft(s10, n10)
        sig = _cue_signal(timed, ratio, FRAME_MS)
        lag, _, clarity = _best_lag(sig, speech_ffts[n10], n10, max_offset_ms // FRAME_MS)
        offset = lag * FRAME_MS + _refine(cues, ratio, lag * FRAME_MS, onsets, offsets)
        return (
            offset,
            clarity,
            lag,
            _window_offsets(cues, ratio, offset, s10, onsets, offsets, window),
        )

    # A split in the video can look like drift to the global search, and drift like a
    # split: whichever of "no drift" and the best standard ratio leaves the local offsets
    # closest to constant (one step allowed, for a split) wins, "no drift" on a tie.
    offset, confidence, _, windows = fit(1.0)
    ratio = 1.0
    if best_ratio != 1.0:
        candidate = fit(best_ratio)
        if _step_residual(candidate[3]) + 20 < _step_residual(windows):
            ratio = best_ratio
            offset, confidence, _, windows = candidate
    standard = ratio

    # A drift that is not a standard ratio shows as a ramp in the local offsets: fit it
    # (robustly), unless the offsets jump (a split would bend the line).
    fitted = ratio
    splits = _splits(windows)
    if len(windows) >= 3 and not splits:
        t = np.array([w[0] for w in windows], np.float64)
        o = np.array([w[1] for w in windows], np.float64)
        slope, intercept = _robust_line(t, o)
        fitted = ratio * (1.0 + slope)
        spread_flat = float(np.median(np.abs(o - np.median(o))))
        spread_fit = float(np.median(np.abs(o - (intercept + slope * t))))
        if abs(slope) > 2e-5 and spread_fit < 0.5 * spread_flat:
            ratio = fitted
            offset = round(offset * (1 + slope) + intercept)
            offset += _refine(cues, ratio, offset, onsets, offsets)
            windows = _window_offsets(cues, ratio, offset, s10, onsets, offsets, window)
            splits = _splits(windows)

    checks = []
    starts = np.array([round(c.start * ratio) + offset for c in track], np.int64)
    ends = np.array([round(c.end * ratio) + offset for c in track], np.int64)
    ds = _nearest(onsets, starts, REPORT_WINDOW_MS)
    de = _nearest(offsets, ends, REPORT_WINDOW_MS)
    for i, cue in enumerate(track):
        sd = None if math.isnan(ds[i]) else int(ds[i])
        ed = None if math.isnan(de[i]) else int(de[i])
        checks.append(CueCheck(i + 1, cue.start, cue.end, sd, ed, _verdict(sd, ed)))
    bounds = [d for c in checks for d in (c.start_delta_ms, c.end_delta_ms)]
    within = {
        str(lim): sum(1 for d in bounds if d is not None and abs(d) <= lim) / max(len(bounds), 1)
        for lim in (100, 250, 500)
    }
    return Alignment(
        offset_ms=int(offset),
        drift=ratio,
        confidence=confidence,
        within=within,
        splits=splits,
        cues=checks,
        standard_drift=standard,
        fitted_drift=fitted,
        duration_ms=speech.duration_ms,
        detector=speech.detector,
        window_offsets=windows,
    )


def _verdict(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return "no_speech"
    worst = max(abs(d) if d is not None else REPORT_WINDOW_MS + 1 for d in (start, end))
    if worst <= OK_MS:
        return "ok"
    return "close" if worst <= CLOSE_MS else "off"


def _refine(
    cues: list[Cue],
    ratio: float,
    offset: int,
    onsets: np.ndarray,
    offsets: np.ndarray,
    window: int = 150,
) -> int:
    """The ms to add to a 10 ms offset: the median distance from cue edges to speech edges."""
    import numpy as np

    starts = np.array([round(c.start * ratio) + offset for c in cues], np.int64)
    ends = np.array([round(c.end * ratio) + offset for c in cues], np.int64)
    deltas = np.concatenate((_nearest(onsets, starts, window), _nearest(offsets, ends, window)))
    deltas = deltas[~np.isnan(deltas)]
    return round(float(np.median(deltas))) if len(deltas) else 0


def _window_length(cues: list[Cue]) -> int:
    """Sliding windows a sixth of the subtitles long, between 20 s and 90 s."""
    span = cues[-1].end - cues[0].start
    return int(min(WINDOW_MS, max(20_000, span / 6)))


def _step_residual(windows: list[tuple[int, int]]) -> float:
    """How far local offsets are from constant, allowing one step: the mean absolute
    residual of the best one-step fit (ms)."""
    import numpy as np

    o = np.array([w[1] for w in windows], np.float64)
    if len(o) < 2:
        return 0.0
    best = float(np.abs(o - np.median(o)).mean())
    for k in range(1, len(o)):
        left, right = o[:k], o[k:]
        err = np.abs(left - np.median(left)).sum() + np.abs(right - np.median(right)).sum()
        best = min(best, float(err) / len(o))
    return best


def _window_offsets(
    cues: list[Cue],
    ratio: float,
    offset: int,
    speech_sig: np.ndarray,
    onsets: np.ndarray,
    offsets: np.ndarray,
    window: int = WINDOW_MS,
) -> list[tuple[int, int]]:
    """(window centre ms, local offset ms) for sliding windows of cues (half overlapping).

    Each window's offset is found as the global one is, within 5 s of it, on the stretch
    of speech under the window only, then refined to the ms.
    """
    import numpy as np

    out: list[tuple[int, int]] = []
    reach = 500  # frames: 5 s either side of the global offset
    first, last = cues[0].start * ratio + offset, cues[-1].end * ratio + offset
    t = first
    while t < last:
        members = [c for c in cues if t <= c.start * ratio + offset < t + window]
        t += window / 2
        if len(members) < 4:
            continue
        base = int(members[0].start * ratio) // FRAME_MS  # first frame of the cue signal
        sig = _cue_signal(Track(tuple(members)), ratio, FRAME_MS)[base:]
        lo = base + offset // FRAME_MS - reach
        seg = np.full(len(sig) + 2 * reach, -1.0, np.float32)
        src_a, src_b = max(lo, 0), min(lo + len(seg), len(speech_sig))
        if src_b > src_a:
            seg[src_a - lo : src_b - lo] = speech_sig[src_a:src_b]
        # corr[k]: cue frame j meets seg[j + k], k up to 2 * reach (by FFT: direct is slower)
        n = _fft_size(len(seg) + len(sig))
        corr = np.fft.irfft(np.conj(np.fft.rfft(sig, n)) * np.fft.rfft(seg, n), n)
        k = int(np.argmax(corr[: 2 * reach + 1]))
        lag_ms = (lo + k - base) * FRAME_MS
        local = lag_ms + _refine(members, ratio, lag_ms, onsets, offsets)
        centre = int((members[0].start + members[-1].end) / 2 * ratio + offset)
        out.append((centre, int(local - offset)))
    return out


def _robust_line(t: np.ndarray, o: np.ndarray) -> tuple[float, float]:
    """A line through (t, o) that outliers (splits) do not drag: Theil-Sen."""
    import numpy as np

    slopes = [
        (o[j] - o[i]) / (t[j] - t[i])
        for i in range(len(t))
        for j in range(i + 1, len(t))
        if t[j] != t[i]
    ]
    slope = float(np.median(slopes)) if slopes else 0.0
    intercept = float(np.median(o - slope * t))
    return slope, intercept


def _splits(windows: list[tuple[int, int]]) -> list[Split]:
    out = []
    for (t0, o0), (t1, o1) in pairwise(windows):
        if abs(o1 - o0) > SPLIT_JUMP_MS:
            out.append(Split((t0 + t1) // 2, o0, o1))
    return out


# -- the fix -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FixResult:
    track: Track
    changes: list[Change]
    applied_offset: bool
    snapped: int


def fix(
    track: Track,
    alignment: Alignment,
    speech: Speech,
    *,
    tolerance_ms: int = 500,
    min_confidence: float = 0.2,
    min_duration_ms: int = 833,
) -> FixResult:
    """Apply the drift and offset (when confident), then move each boundary to the nearest
    speech edge within ``tolerance_ms`` when that edge is unambiguous; order kept, no
    overlaps, and no cue made shorter than ``min_duration_ms`` (or its own length)."""
    import numpy as np

    changes: list[Change] = []
    confident = alignment.confidence >= min_confidence
    moved = []
    for cue in track:
        if confident:
            start, end = alignment.map_time(cue.start), alignment.map_time(cue.end)
            start, end = max(start, 0), max(end, 0)
        else:
            start, end = cue.start, cue.end
        moved.append([start, end])
    onsets, offsets = speech.edges()
    starts = np.array([m[0] for m in moved], np.int64)
    ends = np.array([m[1] for m in moved], np.int64)
    ds = _snap(onsets, starts, tolerance_ms)
    de = _snap(offsets, ends, tolerance_ms)
    snapped = 0
    for i, (start, end) in enumerate(moved):
        new_start = start + (int(ds[i]) if not math.isnan(ds[i]) else 0)
        new_end = end + (int(de[i]) if not math.isnan(de[i]) else 0)
        least = min(min_duration_ms, max(end - start, 1))
        if new_end - new_start < least:
            # Snapping both would squeeze the cue: keep the edge that moved less.
            if abs(new_start - start) <= abs(new_end - end):
                new_end = end
            else:
                new_start = start
            if new_end - new_start < least:
                new_start, new_end = start, end
        snapped += (new_start != start) + (new_end != end)
        moved[i] = [new_start, new_end]
    # Order and no overlaps: a cue never runs into the next one.
    for i in range(len(moved) - 1):
        if moved[i][1] > moved[i + 1][0]:
            moved[i][1] = max(moved[i + 1][0], moved[i][0] + 1)
            if moved[i][1] > moved[i + 1][0]:
                moved[i + 1][0] = moved[i][1]
                moved[i + 1][1] = max(moved[i + 1][1], moved[i + 1][0] + 1)
    out = []
    for n, (cue, (start, end)) in enumerate(zip(track, moved, strict=True), 1):
        if start != cue.start:
            changes.append(Change(n, "start", cue.start, start, "align"))
        if end != cue.end:
            changes.append(Change(n, "end", cue.end, end, "align"))
        words = cue.words
        if confident and words:
            # Word timings move with the drift and offset, and stay inside their cue.
            words = tuple(
                Word(
                    min(max(alignment.map_time(w.start), start), end),
                    min(max(alignment.map_time(w.end), start), end),
                    w.text,
                )
                for w in words
            )
        out.append(Cue(start, end, cue.text, words))
    return FixResult(track.with_cues(out), changes, confident, snapped)


def _snap(edges: np.ndarray, times: np.ndarray, tolerance: int) -> np.ndarray:
    """Signed moves to the nearest edge within tolerance when it is clearly the nearest
    (the next one is at least 40 ms further), else nan."""
    import numpy as np

    if len(edges) < 2:
        return _nearest(edges, times, tolerance)
    near, other = _neighbours(edges, times)
    clear = np.abs(other) - np.abs(near) >= 40
    near[(np.abs(near) > tolerance) | ~clear] = np.nan
    return near
