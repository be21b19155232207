"""Moving cues to the speech: the global correction when it is confident, then single
boundaries only where the evidence for a new place is strong and local.

A boundary that already sits on a speech edge of its kind (a start on an onset, an end
on an offset, a join in a pause) stays where it is: a correct file is never made worse
by a detector that places edges a little differently. A boundary that does not moves to
the one clear candidate within the tolerance: an onset after a real pause (a start), an
offset before one (an end), a pause (a join). It moves over silence only where both
detectors hear none and the audio is quiet: people put boundaries on a breath or a
trailing sound that a detector does not call speech. A boundary inside speech moves to
the nearest edge after a pause, either way; it never takes speech that the next (or
previous) cue holds. In a file whose cues have gaps, two cues that touch are two
boundaries; a join is one only in a file written without gaps. With word timings
(``align --words``) a cue's boundaries are its first word's start and its last word's
end, unless that word is a hesitation or the words lie on speech that a neighbour's
words hold too, and only as far as the file itself says its boundaries are wrong: a
correct file's boundaries lie within the words' own error of them (measured on the
audio: :func:`word_error`), and stay.

Whatever the evidence says, the result keeps the cues in order, never overlapping, and
no cue is made shorter than the minimum duration (or than it was)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..changes import Change
from ..model import Cue, Track, Word
from .alignment import Alignment
from .evidence import JOIN_MS
from .speech import FRAME_MS, Speech, nearest_edge

#: A boundary this close to an edge of its kind is already on it.
SUPPORT_MS = 100
#: How much audio beside a boundary shows that it is wrong: a start with silence after
#: it or speech before it, an end the other way round, a join inside speech.
LOOK_MS = 150
#: How much silence (no speech heard, and quiet: :attr:`_Edges.sounding`) a start must
#: have after it (an end before it) to be wrong.
SILENCE_MS = 150
#: A boundary is judged only where the detectors agree on this share of the frames
#: within this reach of it.
JUDGE_MS, AGREEMENT = 300, 0.6
#: A speech probability under this is sure there is none.
NONE_PROBABILITY = 0.1
#: How far a boundary inside speech may move to an edge: less far than out of silence,
#: since untranscribed sounds (breaths, fillers) are speech to a detector.
INTO_SPEECH_MS = 360
#: A boundary moves inward over what the main detector calls silence only where the
#: quick one hears speech in at most this share of it: sounds both detectors doubt
#: (breaths, a quiet first syllable) are where people start and end cues.
QUICK_HEARS = 0.25
#: ... leaving out this much at the start of the pause, where the quick detector holds
#: on (webrtcvad hears speech about 100 ms longer than Silero places it).
QUICK_LAG_MS = 120
#: Mean speech probabilities that count as silence and as speech there.
SILENT, SPOKEN = 0.35, 0.65
#: A pause at least this long makes an onset after it (or an offset before it) a
#: candidate for a cue boundary; shorter ones are the pauses between words.
STRONG_PAUSE_MS = 200
#: A boundary that cuts into speech moves out to an edge after a pause at least this
#: long: cutting words is the worse error, and the pauses between cues of fluent
#: speech are often shorter than :data:`STRONG_PAUSE_MS`.
CUT_PAUSE_MS = 100
#: A join needs a pause at least this long to sit in.
JOIN_PAUSE_MS = 120
#: Cues are written to touch when at least this share of them join their next.
GAPLESS_SHARE = 0.5
#: The nearest candidate is taken only when the next is this many times further.
CLEAR_RATIO = 2.0
#: How far a word's edge typically lies from where people put the boundary, on clean
#: wide-band speech (1.4826 times the median absolute error, ms): pocketsphinx's 16 kHz
#: model is 10-30 ms off there. See :func:`_word_weight`.
WORD_ERROR_MS = 30
#: Fewer worded boundaries than this tell nothing about the file: its words decide.
WORD_WEIGHT_LEAST = 6
#: A word's edge this close to a detected speech edge of its kind (an onset for a
#: first word's start, an offset for a last word's end) is measured against it; with
#: :data:`WORD_WEIGHT_LEAST` such pairs, they say how far off the words are on this
#: audio (:func:`word_error`).
WORD_EDGE_REACH_MS = 300
#: A boundary further from its word than this many times the words' error is off
#: whatever the rest of the file says: it takes its word.
WORD_REACH = 4
#: Word timings set a cue's boundaries from this score on (the share of its words found,
#: near where the cue was given): below it, fillers and words said in both neighbours
#: are too often placed in the neighbour's speech.
WORDS_MIN_SCORE = 0.8


@dataclass(frozen=True)
class FixResult:
    """The fixed track, every change, whether the global correction was applied, and how
    many boundaries were moved one by one."""

    track: Track
    changes: list[Change]
    applied_offset: bool
    snapped: int
    reason: str = ""


@dataclass(frozen=True)
class _Edges:
    """Speech edges with the pause on their far side (ms), and the speech probability
    per 10 ms frame."""

    onsets: np.ndarray
    offsets: np.ndarray
    pause_before: np.ndarray  # per onset
    pause_after: np.ndarray  # per offset
    probability: np.ndarray
    agree: np.ndarray  # per frame: both detectors say the same (all True with one)
    quick: np.ndarray  # per frame: the quick (placing) detector hears speech
    # Per frame, the higher of the speech probability and the loudness (0 at the noise
    # floor, 1 for typical speech): a stretch is silent only where nobody speaks and it
    # is quiet (people start cues on a breath, and end them after a trailing sound).
    sounding: np.ndarray
    loud: np.ndarray  # per frame: the loudness alone

    def judged(self, at: int) -> bool:
        """Whether the audio around ``at`` is clear enough to judge a boundary by:
        where the two detectors disagree (quiet speech one of them misses, noise the
        other takes for speech), a boundary is left as it is."""
        return _mean(self.agree, at - JUDGE_MS, at + JUDGE_MS) >= AGREEMENT

    def heard(self, a: int, b: int) -> float:
        """The share of frames from ``a`` to ``b`` ms where the quick detector hears
        speech (0 without one)."""
        return _mean(self.quick, a, b)

    def sound(self, a: int, b: int) -> float:
        """How much is heard from ``a`` to ``b`` ms: the mean of :attr:`sounding`."""
        return _mean(self.sounding, a, b)

    def loudness(self, a: int, b: int) -> float:
        """The mean loudness from ``a`` to ``b`` ms (0 at the noise floor)."""
        return _mean(self.loud, a, b)

    def speech(self, a: int, b: int) -> float:
        """The mean speech probability from ``a`` to ``b`` ms (0 outside the audio)."""
        return _mean(self.probability, a, b)

    @classmethod
    def of(cls, speech: Speech) -> _Edges:
        on, off = speech.edges()
        before = np.empty(len(on), np.int64)
        after = np.empty(len(off), np.int64)
        if len(on):
            before[0] = on[0]
            before[1:] = on[1:] - off[:-1]
            after[:-1] = on[1:] - off[:-1]
            after[-1] = max(speech.duration_ms - int(off[-1]), 0)
        # Disputed: the quick detector hears speech where the main one is sure there is
        # none (quiet speech it misses, or noise the quick one takes for speech).
        sure_none = speech.probability() < NONE_PROBABILITY
        agree = np.ones(len(sure_none), bool)
        quick = np.zeros(len(sure_none), bool)
        if speech.placing:
            other = np.frombuffer(speech.placing, np.uint8)[: len(sure_none)] > 0
            agree[: len(other)] = ~(other & sure_none[: len(other)])
            quick[: len(other)] = other
        p, loud = speech.placed(), speech.loudness()
        n = min(len(p), len(loud))
        sounding = np.maximum(p[:n], loud[:n])
        return cls(on, off, before, after, p, agree, quick, sounding, loud[:n])

    def pauses(self, least: int) -> tuple[np.ndarray, np.ndarray]:
        """Pauses between speech at least ``least`` ms long: (starts, ends)."""
        keep = self.pause_after[:-1] >= least
        return self.offsets[:-1][keep], self.onsets[1:][keep]


def _mean(frames: np.ndarray, a: int, b: int) -> float:
    """The mean of the 10 ms ``frames`` from ``a`` to ``b`` ms (0 where there are none)."""
    x = frames[max(a, 0) // FRAME_MS : max(b, 0) // FRAME_MS]
    return float(x.mean()) if len(x) else 0.0


def _pick(candidates: np.ndarray, at: int, tolerance: int) -> int | None:
    """The nearest candidate within tolerance, if it is clearly the nearest."""
    if len(candidates) == 0:
        return None
    d = np.abs(candidates - at)
    order = np.argsort(d)
    first = int(order[0])
    if d[first] > tolerance:
        return None
    if len(order) > 1 and d[order[1]] <= tolerance and d[order[1]] < CLEAR_RATIO * d[first]:
        return None
    return int(candidates[first])


def _near(edges: np.ndarray, at: int, reach: int) -> bool:
    return not np.isnan(nearest_edge(edges, np.array([at]), reach)[0])


#: Which way a boundary's own speech lies: after a start, before an end.
START, END = 1, -1


def _edge(edges: _Edges, at: int, tolerance: int, inward: int) -> int:
    """A start (``inward`` is :data:`START`) or an end (:data:`END`) moved to its edge
    of speech where it is clearly wrong.

    Silence where its speech should be moves it inward, to the next edge after a real
    pause (any pause of :data:`CUT_PAUSE_MS` when the boundary sits in its neighbour's
    speech). Speech on the side that should be quiet means that it cuts into speech:
    its own (it moves outward) or its neighbour's (inward, over a quiet pause), so it
    moves to the nearest edge after a pause either way, less far
    (:data:`INTO_SPEECH_MS`)."""
    own, pause = (
        (edges.onsets, edges.pause_before)
        if inward == START
        else (edges.offsets, edges.pause_after)
    )
    if not edges.judged(at) or _near(own, at, SUPPORT_MS):
        return at
    ahead = (own - at) * inward > 0
    # Speech where the boundary's neighbour is: heard, and loud (babble under the
    # speech is speech to a detector, but quieter than the voices it captions).
    beside = sorted((at - inward * LOOK_MS, at))
    outside = edges.speech(*beside) > SPOKEN and edges.loudness(*beside) > SILENT
    if edges.sound(*sorted((at, at + inward * SILENCE_MS))) < SILENT:
        least = CUT_PAUSE_MS if outside else STRONG_PAUSE_MS
        found = _pick(own[ahead & (pause >= least)], at, tolerance)
    elif outside:
        found = _pick(own[pause >= CUT_PAUSE_MS], at, min(tolerance, INTO_SPEECH_MS))
    else:
        found = None
    if found is not None and (found - at) * inward > 0 and not _quiet_to(edges, at, found, inward):
        found = None
    return at if found is None else found


def _quiet_to(edges: _Edges, at: int, found: int, inward: int) -> bool:
    """Whether a boundary may move inward over the pause before ``found``: quiet, and
    the quick detector hears (almost) nothing there, leaving out where it holds on
    after the speech that ends the pause's other side."""
    if inward == END:
        pause = int(edges.pause_after[np.searchsorted(edges.offsets, found)])
        lo, hi = found + QUICK_LAG_MS, min(at, found + pause)
    else:
        pause = int(edges.pause_before[np.searchsorted(edges.onsets, found)])
        lo, hi = max(at, found - pause + QUICK_LAG_MS), found
    return hi <= lo or (edges.sound(lo, hi) < SILENT and edges.heard(lo, hi) <= QUICK_HEARS)


def _join(edges: _Edges, at: int, tolerance: int) -> int:
    if not edges.judged(at) or edges.speech(at - LOOK_MS // 2, at + LOOK_MS // 2) <= SPOKEN:
        return at
    starts, ends = edges.pauses(JOIN_PAUSE_MS)
    inside = np.flatnonzero((starts - SUPPORT_MS <= at) & (at <= ends + SUPPORT_MS))
    if len(inside):
        return at
    strong = (ends - starts) >= STRONG_PAUSE_MS
    found = _pick(((starts + ends) // 2)[strong], at, tolerance)
    return at if found is None else found


def fix(
    track: Track,
    alignment: Alignment,
    speech: Speech,
    *,
    tolerance_ms: int = 500,
    min_duration_ms: int = 833,
    words: Sequence[tuple[Word, ...] | None] | None = None,
    word_error_ms: int = WORD_ERROR_MS,
) -> FixResult:
    """Apply the drift and offset when the check is confident, then move boundaries
    to speech edges where the evidence is strong and local (see the module's text).

    ``words``: per cue (in track order), word timings in media time, or None.
    ``word_error_ms``: how far off the words' edges are at least on this audio (see
    :class:`~subtools.media.wordtimes.WordTimes`; more where they scatter more around
    the speech edges: :func:`word_error`); with it, how far the boundaries are from
    their words says how far to move them (:func:`_word_weight`).
    """
    applied = alignment.applied
    mapped = [
        (alignment.map_time(c.start), alignment.map_time(c.end)) if applied else (c.start, c.end)
        for c in track
    ]
    mapped = [(max(s, 0), max(e, 0)) for s, e in mapped]
    edges = _Edges.of(speech)
    new = [list(m) for m in mapped]
    # Per cue, whether its start and its end come from its words.
    worded = [[False, False] for _ in track]
    # As the report of ``align --words`` gives it: from the words as found.
    error = word_error(words, speech, word_error_ms)
    if words is not None:
        words = _unclaimed(words, mapped)
    # (cue, side, the word's time) of every boundary that a word places.
    placed = _placed(words)
    gapless = _gapless(mapped)
    if gapless:
        placed = _off_joins(placed, mapped)
    weight = _word_weight([at - new[i][side] for i, side, at in placed], error)
    for i, side, at in placed:
        edge_times = edges.onsets if side == 0 else edges.offsets
        new[i][side] = _by_word(edge_times, new[i][side], at, weight, error)
        worded[i][side] = True
    in_order = all(a[0] <= b[0] for a, b in itertools.pairwise(mapped))
    if in_order:
        _snap_boundaries(new, worded, edges, tolerance_ms, gapless)
    _keep_invariants(new, mapped, [c.end - c.start for c in track], worded, min_duration_ms)

    out: list[Cue] = []
    changes: list[Change] = []
    snapped = 0
    for n, (cue, (s0, e0), (s, e)) in enumerate(zip(track, mapped, new, strict=True), 1):
        snapped += (s != s0) + (e != e0)
        if s != cue.start:
            changes.append(Change(n, "start", cue.start, s, "align"))
        if e != cue.end:
            changes.append(Change(n, "end", cue.end, e, "align"))
        ws = cue.words
        if words is not None and words[n - 1]:
            ws = tuple(words[n - 1] or ())
        elif applied and ws:
            ws = tuple(
                Word(alignment.map_time(w.start), alignment.map_time(w.end), w.text) for w in ws
            )
        if ws:
            # Word timings stay inside their cue.
            ws = tuple(Word(min(max(w.start, s), e), min(max(w.end, s), e), w.text) for w in ws)
        out.append(Cue(s, e, cue.text, ws))
    reason = (
        alignment.reason if in_order else alignment.reason + "; cues out of order: none snapped"
    )
    return FixResult(track.with_cues(out), changes, applied, snapped, reason)


#: Hesitations: where one begins or ends a cue, its place is too often found in the
#: neighbour's speech (or any breath) to set the cue's boundary.
HESITATIONS = frozenset(
    ["ah", "eh", "er", "erm", "hm", "hmm", "mhm", "mm", "uh", "uhm", "um", "umm"]
)


def _hesitation(text: str) -> bool:
    """Whether a word is a hesitation sound.

    >>> _hesitation("Um,"), _hesitation("umbrella")
    (True, False)
    """
    return text.strip(".,;:!?\"'()[]-…").lower() in HESITATIONS


def _off_joins(
    placed: list[tuple[int, int, int]], cues: Sequence[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """``placed`` (see :func:`_placed`) less the joins that lie in the pause their two
    cues' words leave (one long enough for a join: :data:`JOIN_PAUSE_MS`), in a file
    written without gaps: a join stands for the pause between its cues, anywhere in it,
    and the words say that it is in one (it is then fixed as a join from the speech
    edges, as without words).

    >>> _off_joins([(0, 1, 1800), (1, 0, 2600)], [(0, 2200), (2200, 4000)])
    []
    >>> _off_joins([(0, 1, 1800), (1, 0, 2100)], [(0, 2200), (2200, 4000)])
    [(0, 1, 1800), (1, 0, 2100)]
    """
    at = {(i, side): time for i, side, time in placed}
    joins = set()
    for i in range(len(cues) - 1):
        end, start = at.get((i, 1)), at.get((i + 1, 0))
        join = cues[i][1]
        if (
            cues[i + 1][0] - join < JOIN_MS
            and end is not None
            and start is not None
            and end <= join <= start
            and start - end >= JOIN_PAUSE_MS
        ):
            joins |= {(i, 1), (i + 1, 0)}
    return [p for p in placed if (p[0], p[1]) not in joins]


def _unclaimed(
    words: Sequence[tuple[Word, ...] | None], cues: Sequence[tuple[int, int]]
) -> list[tuple[Word, ...] | None]:
    """Per cue its words, or None where they lie on speech that the next (or previous)
    cue's words hold too: a word said in both neighbours ("Hello?" - "Hello?"), found
    in the wrong one.  Of two neighbours whose words overlap by more than
    :data:`SUPPORT_MS`, the one whose words lie further from its times keeps none.

    >>> said = [(Word(1000, 1400, "Hello?"),), (Word(1010, 1390, "Hello?"),)]
    >>> _unclaimed(said, [(0, 400), (1000, 1400)])
    [None, (Word(start=1010, end=1390, text='Hello?'),)]
    """
    out = list(words)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a and b and a[-1].end - b[0].start > SUPPORT_MS:
            moved_a = abs(a[0].start - cues[i][0]) + abs(a[-1].end - cues[i][1])
            moved_b = abs(b[0].start - cues[i + 1][0]) + abs(b[-1].end - cues[i + 1][1])
            out[i if moved_a >= moved_b else i + 1] = None
    return out


def _placed(words: Sequence[tuple[Word, ...] | None] | None) -> list[tuple[int, int, int]]:
    """(cue, side, the word's time) of every boundary that a word places: a cue's first
    word's start (side 0) and its last word's end (side 1), hesitations left out."""
    return [
        (i, side, word.start if side == 0 else word.end)
        for i, ws in enumerate(words or ())
        if ws
        for side, word in ((0, ws[0]), (1, ws[-1]))
        if not _hesitation(word.text)
    ]


def word_error(
    words: Sequence[tuple[Word, ...] | None] | None, speech: Speech, least: int = WORD_ERROR_MS
) -> int:
    """How far off the words' edges are on this audio, in ms (as a standard deviation):
    ``least``, the aligner's error on clean speech of this band, or more where the words
    scatter more around the speech edges detected near them.

    Music or noise under the speech puts the words further off (on a monologue under
    music 10 dB down, 140 ms against 30 ms clean), and a correct file's boundaries then
    lie as far from their words as a jittered file's: the words would move them. The
    speech edges are the third evidence: the spread of each placed word's distance to
    the nearest detected edge of its kind (within :data:`WORD_EDGE_REACH_MS`) holds the
    words' error and the edges' together, so it errs on the side of moving less.
    Fewer than :data:`WORD_WEIGHT_LEAST` such words tell nothing: ``least`` stands.

    >>> from subtools.media.speech import Speech
    >>> speech = Speech(bytes([0] * 50 + [255] * 100 + [0] * 50), bytes(2000), 2000, "silero")
    >>> on, off = (int(edges[0]) for edges in speech.edges())  # one stretch of speech
    >>> near = [(Word(on + d, off - d, "hi"),) for d in (10, -20, 15)]
    >>> far = [(Word(on + d, off - d, "hi"),) for d in (100, -150, 120)]
    >>> word_error(near, speech), word_error(far, speech)
    (30, 178)
    """
    placed = _placed(words)
    distances = np.concatenate(
        [
            nearest_edge(
                edges, np.array([at for _, s, at in placed if s == side]), WORD_EDGE_REACH_MS
            )
            for side, edges in enumerate(speech.edges())
        ]
    )
    distances = distances[~np.isnan(distances)]
    if len(distances) < WORD_WEIGHT_LEAST:
        return least
    return max(least, round(1.4826 * float(np.median(np.abs(distances)))))


def _by_word(
    edges: np.ndarray, at: int, word: int, weight: float = 1.0, error: int = WORD_ERROR_MS
) -> int:
    """A boundary's place from its word, where the boundary is not on a speech edge
    already, or the word's time is on one too (a boundary that a detector edge supports
    does not follow a word that none does: a filler aligned into the wrong cue, a word
    said in both neighbours).

    Within :data:`WORD_REACH` times the words' ``error`` of its word, a boundary goes
    ``weight`` of the way (see :func:`_word_weight`); beyond, all the way, so that a cue
    far off in a file otherwise right follows its words too.

    >>> no_edges = np.array([], dtype=np.int64)
    >>> _by_word(no_edges, 1000, 1300), _by_word(no_edges, 1000, 1040, weight=0.5)
    (1300, 1020)
    >>> _by_word(no_edges, 1000, 1300, weight=0.0)  # beyond 4 times 30 ms
    1300
    """
    if not _near(edges, at, SUPPORT_MS) or _near(edges, word, SUPPORT_MS):
        if abs(word - at) > WORD_REACH * error:
            return word
        return at + round(weight * (word - at))
    return at


def _word_weight(distances: Sequence[int], error: int) -> float:
    """How far (0 to 1) boundaries go toward their words, from the file's own evidence:
    the ``distances`` from each boundary to its word, and the words' typical ``error``.

    Both the words and the boundaries are off from the truth; the distances between
    them scatter by both errors together (their spread: 1.4826 times the median
    distance, as for a standard deviation). What the words' error does not explain is
    the boundaries', and the least-squares mix of two independent estimates goes
    toward the words by the boundaries' share of the two variances. A correct file
    (boundaries within the words' error of them) stays; a jittered one follows its
    words; on telephone-band audio, where the words' error is larger, a file must be
    further off for its words to move it.

    >>> _word_weight([10, -20, 5, -15, 25, -30], 30)
    0.0
    >>> round(_word_weight([300, -250, 280, -310, 90, -200], 30), 2)
    0.99
    """
    if len(distances) < WORD_WEIGHT_LEAST:
        return 1.0
    spread = 1.4826 * float(np.median(np.abs(distances)))
    boundaries = max(spread**2 - error**2, 0.0)
    return boundaries / (boundaries + error**2)


def _gapless(cues: list[tuple[int, int]]) -> bool:
    """Whether the cues are written to touch (most of them join their next): then a
    join is one boundary in a pause; in a file with gaps, cues that touch are two."""
    joins = sum(b[0] - a[1] < JOIN_MS for a, b in itertools.pairwise(cues))
    return joins >= GAPLESS_SHARE * (len(cues) - 1) > 0


def _snap_boundaries(
    new: list[list[int]], worded: list[list[bool]], edges: _Edges, tolerance: int, gapless: bool
) -> None:
    """Each boundary that its cue's words do not place, to its speech edge (in place).
    Which boundaries are joins is decided on the cues as given, before any moves."""
    n = len(new)
    join = JOIN_MS if gapless else 0
    given = [tuple(cue) for cue in new]
    for i in range(n):
        s, e = given[i]
        prev_end = given[i - 1][1] if i else None
        if prev_end is not None and s - prev_end < join:
            if not (worded[i - 1][1] or worded[i][0]):
                at = _join(edges, (prev_end + s) // 2, tolerance)
                if at != (prev_end + s) // 2 or prev_end != s:
                    new[i - 1][1] = new[i][0] = at
        elif not worded[i][0]:
            new[i][0] = _edge(edges, s, tolerance, START)
        nxt = given[i + 1][0] if i + 1 < n else None
        if not worded[i][1] and (nxt is None or nxt - e >= join):
            new[i][1] = _edge(edges, e, tolerance, END)


def _keep_invariants(
    new: list[list[int]],
    before: list[tuple[int, int]],
    given: list[int],
    worded: list[list[bool]],
    min_duration: int,
) -> None:
    """Undo moves that would make a cue too short (a cue whose start its words give
    keeps that start and ends later instead), then remove overlaps (in place).

    ``before``: each cue after the global correction; ``given``: each cue's duration as
    it came. A cue ends at least ``min_duration`` long, or as long as it came if that
    was shorter: a drift correction that shortens cues does not take them under it.
    """
    least = [min(min_duration, max(d, 1)) for d in given]
    for i, ((s, e), (s0, e0)) in enumerate(zip(new, before, strict=True)):
        if e - s < least[i]:
            # A cue's own words say where it starts, and its end may linger after
            # them; an edge of speech is no cue's own, and moves that make a cue too
            # short are taken as wrong.
            new[i] = [s, s + least[i]] if worded[i][0] else [s0, max(e0, s0 + least[i])]
    for i in range(len(new) - 1):
        a, b = new[i], new[i + 1]
        if a[1] > b[0]:
            # A boundary moved out into speech that its neighbour holds: the speech is
            # the neighbour's, and the move is taken back.
            if not worded[i][1] and a[1] > before[i][1] and before[i][1] <= b[0]:
                a[1] = max(before[i][1], a[0] + least[i])
            elif (
                not worded[i + 1][0]
                and b[0] < before[i + 1][0] <= b[1] - least[i + 1]
                and a[1] <= before[i + 1][0]
            ):
                b[0] = before[i + 1][0]
        if a[1] > b[0]:
            if b[0] - a[0] >= least[i]:
                a[1] = b[0]
            else:
                b[0] = a[1]
                b[1] = max(b[1], b[0] + least[i + 1])
