"""Checking cue boundaries against the speech: offset, drift, splits, per-cue error.

The check runs in named steps, each with its own small result:

1. **Ratio search** (:func:`search_ratio`): every ratio of the standard frame rates
   (23.976, 24, 25, 29.97, 30 fps) is tried on a 50 ms grid with every kind of evidence
   (:mod:`.evidence`); the best one must beat "no drift" clearly.
2. **Offset estimates** (:func:`estimate`): each kind of evidence finds its own offset
   over every lag within ``max_offset``, with how clearly its peak stands out and
   whether the first and second half of the cues, searched apart, find it too.
3. **Decision** (:func:`decide`): the offset most kinds agree on, and a confidence
   calibrated on real recordings (see ``benchmarks/align_real.py``): how likely the
   correction is right. A correction is applied only when it is confident.
4. **Drift fit and splits** (:func:`fit_drift`): offsets of sliding windows; a
   ramp is a drift that is not a standard ratio, a jump a split in the video (reported,
   not fixed).
5. **Per cue** (:func:`check_cues`): the signed distance from each start to the
   nearest speech onset and from each end to the nearest offset, after drift and
   offset, and a verdict.

``offset_ms`` is what to add to the subtitle times to match the audio (subtitles 3.2 s
late gives -3200); ``drift`` multiplies subtitle times, before the offset.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

import numpy as np

from ..errors import UsageError
from ..model import Cue, Track
from .evidence import KINDS, Bounds, Curve, Evidence, combined
from .speech import FRAME_MS, Speech, nearest_edge

T = TypeVar("T")
R = TypeVar("R")

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
#: The grid of the searches over every lag, and of the fine search around the best.
COARSE_MS = 50
#: How far from a cue edge the speech edge that refines the offset may be, and how
#: many of each (starts, ends) it takes.
REFINE_WINDOW_MS = 150
MIN_REFINING = 3
#: Estimates this close find the same offset.
AGREE_MS = 60
#: A kind whose best lag stands out from its next best (a second or more away) by less
#: than this share of its height names no offset of its own: two lags are near equal
#: there. On a tie of support it yields to a kind that does.
DISTINCT_CLARITY = 0.05
#: A kind found alone is not applied when another kind with a distinct peak lands this
#: close to it (but not within :data:`AGREE_MS`): near misses say that the cues are
#: ragged against the speech (jittered), not shifted as a whole.
NEAR_MISS_MS = 500
#: A drift must beat "no drift" by this share of its score to be chosen.
DRIFT_MARGIN = 0.15
#: A drift's best peak must stand out at least this clearly (noise makes false ones).
MIN_DRIFT_CLARITY = 0.3
#: A drift must move the cues at least this much over their span to be looked for.
MIN_DRIFT_MS = 300
#: Local offsets needed to fit a drift that is not a standard ratio.
MIN_DRIFT_WINDOWS = 5
#: A correction smaller than this (at every cue) is not worth applying.
MIN_CORRECTION_MS = 40
#: Apply a global correction from this confidence on, and only when two kinds of
#: evidence agree or the halves of the cues agree on their own.
APPLY_CONFIDENCE = 0.9
#: Confidence model: the log-odds that the offset is right to 50 ms, from how many kinds
#: agree and how clearly the clearest of them peaks. Fitted by logistic regression on 114
#: runs (three real recordings and two spoken talks; with and without gaps between cues;
#: clean, and with music, babble or pink noise 10 dB under the speech): see
#: benchmarks/README.md. Clarity carries most of it; whether the halves agree added
#: nothing there, so it is a condition for applying, not a term.
CONFIDENCE_BIAS = -3.79
CONFIDENCE_PER_AGREEING = 0.64
CONFIDENCE_PER_CLARITY = 11.4


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
class Estimate:
    """One kind of evidence's own answer: the offset, how clearly its peak stands out
    (0..1), and whether each half of the cues, searched alone, lands on it too."""

    kind: str
    offset_ms: int
    clarity: float
    halves_agree: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "offset_ms": self.offset_ms,
            "clarity": round(self.clarity, 3),
            "halves_agree": self.halves_agree,
        }


@dataclass(frozen=True)
class Decision:
    """The chosen offset, how likely it is right, and whether it is to be applied."""

    offset_ms: int
    confidence: float
    applied: bool
    reason: str
    agreeing: tuple[str, ...] = ()


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
    evidence: list[Estimate] = field(default_factory=list)
    applied: bool = False
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "offset_ms": self.offset_ms,
            "drift": round(self.drift, 6),
            "confidence": round(self.confidence, 3),
            "applied": self.applied,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
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


# -- the steps ---------------------------------------------------------------------------


def lag_range(
    cues: list[Cue], ratio: float, duration_ms: int, max_offset_ms: int
) -> tuple[int, int]:
    """The lags to search: within ``max_offset_ms``, and keeping all but a tenth of the
    cue boundaries at either end inside the audio (cues slid off the audio would score
    what an average stretch of it does, which under noise can beat the true place)."""
    times = sorted(t for c in cues for t in (c.start, c.end))
    k = len(times) // 10
    lo = max(-max_offset_ms, -round(times[k] * ratio))
    hi = min(max_offset_ms, duration_ms - round(times[-1 - k] * ratio))
    if lo > hi:  # cues longer than the audio: every lag that keeps them over it
        lo, hi = -max_offset_ms, max_offset_ms
    return lo, hi


def search_ratio(
    coarse: Evidence, cues: list[Cue], kinds: list[str], max_offset_ms: int, duration_ms: int
) -> tuple[float, dict[str, Curve]]:
    """The standard ratio whose best lag scores highest, every kind weighing the same
    (each kind's peaks scaled by its best over the ratios); "no drift" unless beaten by
    :data:`DRIFT_MARGIN` with a clear peak. Returns the ratio and each kind's curve over
    every lag at that ratio (what :func:`estimate` starts from)."""
    span = cues[-1].end - cues[0].start
    # A ratio that moves the cues less than this over their whole span cannot be told
    # from no drift at all (and a near miss would pass for it).
    ratios = [r for r in standard_ratios() if r == 1.0 or abs(r - 1) * span >= MIN_DRIFT_MS]
    jobs = [(k, r, *lag_range(cues, r, duration_ms, max_offset_ms)) for r in ratios for k in kinds]
    made = _in_threads(lambda j: coarse.curve(j[0], cues, j[1], j[2], j[3]), jobs)
    curves: dict[float, dict[str, Curve]] = {r: {} for r in ratios}
    for (k, r, _, _), curve in zip(jobs, made, strict=True):
        curves[r][k] = curve
    top = {r: {k: float(c.values.max()) for k, c in curves[r].items()} for r in ratios}
    best_of = {k: max(max(top[r][k] for r in ratios), 1e-9) for k in kinds}
    scores = {r: sum(top[r][k] / best_of[k] for k in kinds) for r in ratios}
    best = max(scores, key=lambda r: scores[r])
    if best != 1.0:
        clear = max(c.peak()[1] for c in curves[best].values())
        if scores[best] < scores[1.0] * (1 + DRIFT_MARGIN) or clear < MIN_DRIFT_CLARITY:
            best = 1.0
    return best, curves[best]


def estimate(
    coarse: Evidence,
    fine: Evidence,
    kind: str,
    curve: Curve,
    cues: list[Cue],
    ratio: float,
    max_offset_ms: int,
    duration_ms: int,
) -> Estimate:
    """One kind's offset over every lag within ``max_offset_ms``, to 10 ms, from its
    ``curve`` over those lags on the coarse grid."""
    lag, clarity = curve.peak()
    lo, hi = lag_range(cues, ratio, duration_ms, max_offset_ms)
    half = len(cues) // 2
    halves = [cues[:half], cues[half:]]
    agree = all(
        coarse.usable(kind, h)
        and abs(coarse.curve(kind, h, ratio, lo, hi).peak()[0] - lag) <= AGREE_MS
        for h in halves
    )
    near = fine.curve(kind, cues, ratio, lag - 2 * COARSE_MS, lag + 2 * COARSE_MS)
    return Estimate(kind, near.peak()[0], clarity, agree)


def decide(estimates: list[Estimate]) -> Decision:
    """The offset most kinds agree on (on a tie, a kind whose peak is distinct and whose
    halves agree, then one whose peak is distinct, then the more trusted kind), how
    likely it is right, and whether to apply it.

    >>> both = [Estimate("boundaries", -3190, 0.8, True), Estimate("loudness", -3210, 0.6, True)]
    >>> d = decide(both)
    >>> d.offset_ms, d.applied, d.agreeing
    (-3200, True, ('boundaries', 'loudness'))
    >>> apart = [Estimate("boundaries", 450, 0.2, False), Estimate("loudness", -5000, 0.3, False)]
    >>> decide(apart).applied
    False
    >>> flat = [Estimate("boundaries", 6210, 0.01, False), Estimate("loudness", 1710, 0.4, False)]
    >>> decide(flat).offset_ms
    1710
    >>> steady = [Estimate("boundaries", 34810, 0.17, False),
    ...           Estimate("loudness", -3120, 0.41, True)]
    >>> decide(steady).offset_ms
    -3120
    >>> ragged = [Estimate("activity", 40, 0.78, True), Estimate("boundaries", 160, 0.51, False)]
    >>> decide(ragged).applied
    False
    """
    if not estimates:
        return Decision(0, 0.0, False, "no evidence: too few cues or boundaries")

    def support(e: Estimate) -> list[Estimate]:
        return [f for f in estimates if abs(f.offset_ms - e.offset_ms) <= AGREE_MS]

    def distinct(e: Estimate) -> bool:
        return e.clarity >= DISTINCT_CLARITY

    # The most support wins; among equals a distinct peak that each half of the cues
    # finds too (an answer consistent with itself), then a distinct peak, then the most
    # trusted kind (the list's order).
    best = max(
        estimates,
        key=lambda e: (
            len(support(e)),
            distinct(e) and e.halves_agree,
            distinct(e),
            -estimates.index(e),
        ),
    )
    agreeing = support(best)
    offset = round(float(np.median([e.offset_ms for e in agreeing])))
    z = (
        CONFIDENCE_BIAS
        + CONFIDENCE_PER_AGREEING * (len(agreeing) - 1)
        + CONFIDENCE_PER_CLARITY * max(e.clarity for e in agreeing)
    )
    confidence = 1 / (1 + math.exp(-z))
    names = tuple(e.kind for e in agreeing)
    if confidence < APPLY_CONFIDENCE:
        why = f"not applied: confidence {confidence:.2f} is under {APPLY_CONFIDENCE}"
        return Decision(offset, confidence, False, why, names)
    if len(agreeing) < 2 and not any(e.halves_agree for e in agreeing):
        why = "not applied: one kind of evidence alone, and its halves disagree"
        return Decision(offset, confidence, False, why, names)
    near = [
        e
        for e in estimates
        if e not in agreeing and distinct(e) and abs(e.offset_ms - offset) <= NEAR_MISS_MS
    ]
    if len(agreeing) < 2 and near:
        why = f"not applied: {near[0].kind} finds {near[0].offset_ms:+d} ms, near but not the same"
        return Decision(offset, confidence, False, why, names)
    return Decision(offset, confidence, True, f"applied: {', '.join(names)} agree", names)


def align(track: Track, speech: Speech, max_offset_ms: int = 60_000) -> Alignment:
    """Check the track's cue boundaries against the speech found in its media."""
    cues = sorted((c for c in track if c.end > c.start), key=lambda c: (c.start, c.end))
    if not cues:
        raise UsageError("no cues with a duration to align")
    p, loud = speech.placed(), speech.loudness()
    fine = Evidence(p, loud, FRAME_MS)
    coarse = fine.on_grid(COARSE_MS)
    kinds = [k for k in KINDS if fine.usable(k, cues)]
    onsets, offsets = speech.edges()

    ratio, curves = 1.0, dict[str, Curve]()
    if kinds:
        ratio, curves = search_ratio(coarse, cues, kinds, max_offset_ms, speech.duration_ms)
    estimates = [
        estimate(coarse, fine, k, c, cues, ratio, max_offset_ms, speech.duration_ms)
        for k, c in curves.items()
    ]
    decision = decide(estimates)
    offset = decision.offset_ms
    if estimates:
        offset += _refine(cues, ratio, offset, onsets, offsets)
    drift = fit_drift(fine, kinds, cues, ratio, offset, onsets, offsets)

    checks = check_cues(track, drift.ratio, drift.offset_ms, onsets, offsets)
    bounds = [d for c in checks for d in (c.start_delta_ms, c.end_delta_ms)]
    within = {
        str(lim): sum(1 for d in bounds if d is not None and abs(d) <= lim) / max(len(bounds), 1)
        for lim in (100, 250, 500)
    }
    applied, reason = decision.applied, decision.reason
    if applied and drift.ratio == 1.0 and abs(drift.offset_ms) < MIN_CORRECTION_MS:
        applied, reason = False, f"in sync: the offset found is {drift.offset_ms:+d} ms"
    return Alignment(
        offset_ms=drift.offset_ms,
        drift=drift.ratio,
        confidence=decision.confidence,
        within=within,
        splits=drift.splits,
        cues=checks,
        standard_drift=ratio,
        fitted_drift=drift.fitted,
        duration_ms=speech.duration_ms,
        detector=speech.detector,
        window_offsets=drift.windows,
        evidence=estimates,
        applied=applied,
        reason=reason,
    )


@dataclass(frozen=True)
class Drift:
    """The ratio and offset after the drift fit, the ratio fitted (used or not), the
    local offsets it was fitted to, and the splits they show."""

    ratio: float
    offset_ms: int
    fitted: float
    windows: list[tuple[int, int]]
    splits: list[Split]


def fit_drift(
    fine: Evidence,
    kinds: list[str],
    cues: list[Cue],
    ratio: float,
    offset: int,
    onsets: np.ndarray,
    offsets: np.ndarray,
) -> Drift:
    """A drift that is not a standard ratio shows as a ramp in the local offsets: it is
    fitted (robustly) and used when the ramp is long and clean, unless the offsets jump
    (a split would bend the line)."""
    window = _window_length(cues)
    windows = local_offsets(fine, kinds, cues, ratio, offset, onsets, offsets, window)
    splits = _splits(windows)
    if len(windows) < MIN_DRIFT_WINDOWS or splits:
        return Drift(ratio, offset, ratio, windows, splits)
    t = np.array([w[0] for w in windows], np.float64)
    o = np.array([w[1] for w in windows], np.float64)
    slope, intercept = _robust_line(t, o)
    fitted = ratio * (1.0 + slope)
    spread_flat = float(np.median(np.abs(o - np.median(o))))
    spread_fit = float(np.median(np.abs(o - (intercept + slope * t))))
    span = cues[-1].end - cues[0].start
    if abs(slope) * span < MIN_DRIFT_MS or spread_fit >= 0.5 * spread_flat:
        return Drift(ratio, offset, fitted, windows, splits)
    offset = round(offset * (1 + slope) + intercept)
    offset += _refine(cues, fitted, offset, onsets, offsets)
    windows = local_offsets(fine, kinds, cues, fitted, offset, onsets, offsets, window)
    return Drift(fitted, offset, fitted, windows, _splits(windows))


def check_cues(
    track: Track, ratio: float, offset: int, onsets: np.ndarray, offsets: np.ndarray
) -> list[CueCheck]:
    """Each cue's boundaries, after drift and offset, against the nearest speech edges."""
    starts = np.array([round(c.start * ratio) + offset for c in track], np.int64)
    ends = np.array([round(c.end * ratio) + offset for c in track], np.int64)
    ds = nearest_edge(onsets, starts, REPORT_WINDOW_MS)
    de = nearest_edge(offsets, ends, REPORT_WINDOW_MS)
    checks = []
    for i, cue in enumerate(track):
        sd = None if math.isnan(ds[i]) else int(ds[i])
        ed = None if math.isnan(de[i]) else int(de[i])
        checks.append(CueCheck(i + 1, cue.start, cue.end, sd, ed, _verdict(sd, ed)))
    return checks


def local_offsets(
    fine: Evidence,
    kinds: list[str],
    cues: list[Cue],
    ratio: float,
    offset: int,
    onsets: np.ndarray,
    offsets: np.ndarray,
    window: int = WINDOW_MS,
) -> list[tuple[int, int]]:
    """(window centre ms, local offset ms) for sliding windows of cues (half overlapping).

    Each window's offset is found with every kind of evidence together, within 5 s of
    the global one, then refined to the ms.
    """
    reach = 5000
    first, last = cues[0].start * ratio + offset, cues[-1].end * ratio + offset
    windows = []
    t = first
    while t < last:
        members = [c for c in cues if t <= c.start * ratio + offset < t + window]
        t += window / 2
        usable = [k for k in kinds if fine.usable(k, members)]
        if len(members) >= 4 and usable:
            windows.append((members, usable))

    def local(members: list[Cue], usable: list[str]) -> tuple[int, int]:
        curve = combined(
            [fine.curve(k, members, ratio, offset - reach, offset + reach) for k in usable]
        )
        lag = curve.peak()[0]
        found = lag + _refine(members, ratio, lag, onsets, offsets)
        centre = int((members[0].start + members[-1].end) / 2 * ratio + offset)
        return centre, int(found - offset)

    return _in_threads(lambda w: local(*w), windows)


#: Threads for the FFT scans: numpy lets go of the GIL inside a transform.
SCAN_THREADS = 2


def _in_threads(work: Callable[[T], R], items: list[T]) -> list[R]:
    """``work`` of each item, in order, on :data:`SCAN_THREADS` threads."""
    from concurrent.futures import ThreadPoolExecutor

    if len(items) < 2:
        return [work(x) for x in items]
    with ThreadPoolExecutor(SCAN_THREADS, thread_name_prefix="subtools-scan") as pool:
        return list(pool.map(work, items))


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
    window: int = REFINE_WINDOW_MS,
) -> int:
    """The ms to add to a 10 ms offset, from the speech edges near the cue edges: the
    mean of the median start-to-onset and the median end-to-offset distances, so that
    a detector that makes speech look longer (or shorter) than it is does not move
    the cues (only starts after a gap and ends before one are used)."""
    bounds = Bounds.of(cues)
    starts = np.round(bounds.starts * ratio).astype(np.int64) + offset
    ends = np.round(bounds.ends * ratio).astype(np.int64) + offset
    sides = []
    for edges, times in ((onsets, starts), (offsets, ends)):
        deltas = nearest_edge(edges, times, window)
        deltas = deltas[~np.isnan(deltas)]
        if len(deltas) >= MIN_REFINING:
            sides.append(float(np.median(deltas)))
    if len(sides) < 2:
        return 0
    return round(sum(sides) / 2)


def _window_length(cues: list[Cue]) -> int:
    """Sliding windows a sixth of the subtitles long, between 20 s and 90 s."""
    span = cues[-1].end - cues[0].start
    return int(min(WINDOW_MS, max(20_000, span / 6)))


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
