"""Word-level forced alignment of cues to their audio, with pocketsphinx (English).

Each cue is aligned on its own, in a window from ``window_ms`` before its start to
``window_ms`` after its end: the cue's times only have to be roughly right.  The window
also holds some of the neighbouring cues' speech, so the grammar searched is::

    [tail of the previous cues' words] CUE'S WORDS [head of the next cues' words]

with optional silence and noise between any two words (pocketsphinx's fillers).  The
neighbours' words are optional from the edge inwards: the alignment may start at any
of the previous words and stop after any of the next ones.  Without them the cue's
first and last words would be stretched over the neighbours' speech; with them each
word has somewhere to go.  Where no path through every word exists (fast speech,
where words are shorter than the model's three states per sound, or a word drowned
in noise), the search is run again with words allowed to be skipped, one at a time
and at a cost; a skipped word gets the time between its found neighbours.

Text is what is spoken, not what is written: speaker labels at the start of a line
(``Diane:``, ``SPEAKER 1:``, ``>>``), bracketed or parenthesised tags (``[Music]``,
``(laughs)``), markup and punctuation are not words; the rest is lowercased and simple
numbers are spelled out.  A word the dictionary does not know is aligned with a
garbage model: the acoustic model's own speech-noise unit (``+SPN+``), repeated by the
word's length, so it takes whatever sound lies between its known neighbours.

pocketsphinx (and its US-English model and dictionary, inside its wheel) is imported
only here, when word alignment is asked for: ``pip install "subtools[words]"``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import MediaError
from ..formats.cuetext import strip_spans
from ..model import Track, Word, fill_untimed
from .decode import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

FRAME_MS = 10  # pocketsphinx's frame rate is 100 per second
# How far beyond the window a neighbour's words are still offered as context: the
# cue times may be off by a second or two, so speech from further away can be inside.
CONTEXT_REACH_MS = 1500
# At most this many context words on each side (the grammar stays small and fast).
MAX_CONTEXT_WORDS = 12
# Letters per garbage unit for a word the dictionary lacks (one unit is >= 30 ms).
LETTERS_PER_GARBAGE_UNIT = 3
GARBAGE_UNIT = "+SPN+"
# Frames per phone below which a word is squashed (three HMM states: the minimum).
SQUASHED_FRAMES_PER_PHONE = 3.5
# Frames per phone above which a word is stretched over something it is not.
STRETCHED_FRAMES_PER_PHONE = 40
SKIP_PROB = 1e-3  # the cost of skipping a word, where skips are allowed
# At most this many of a cue's words in a row may be skipped.
MAX_SKIPPED = 1
DITHER = 2  # the largest sample value of the faint noise added before decoding
# Words found this far from the cue's given times are trusted fully; further, less.
TRUSTED_MOVE_MS = 1000
# A worker costs a process: fewer cues than this each are aligned in fewer workers.
MIN_JOBS_PER_WORKER = 8
# Jobs per worker: small enough to even out the load, large enough to keep overhead low.
CHUNKS_PER_WORKER = 4

ENGLISH_ONLY = "word alignment supports English only"
NO_WORDS = "no speakable words"
SEARCH_FAILED = "search failed"
INSTALL_HINT = 'word alignment needs pocketsphinx: pip install "subtools[words]"'


@dataclass(frozen=True)
class CueWords:
    """The words of one cue, timed in the track's time.

    ``score`` (0..1) says how far to trust the alignment: the share of the cue's words
    found (not skipped), known to the dictionary and of a plausible length (neither
    squashed to the model's minimum nor stretched far beyond it), lowered further
    when the words lie more than a second from the cue's given times (they may be on
    a neighbour's speech); 0 when the alignment failed, and ``note`` says why.
    ``words`` are the cue's written words that are spoken (labels and tags are not),
    in order, as written (``"Hello?"``), without overlaps.
    """

    index: int
    words: tuple[Word, ...]
    score: float
    note: str


# --- text: what is spoken -------------------------------------------------------------

_LABEL = re.compile(
    r"^\s*(?:>>+\s*|-\s+)?(?:(?:[A-Z][\w.'-]*(?:\s+[A-Z0-9][\w.'-]*){0,2}|SPEAKER\s*\d+)\s*:\s+)?",
)
_NOTES = re.compile(r"♪+")
_APOSTROPHE = "\u2019"  # typographic apostrophe, as in "didn\u2019t"
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

_ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
        if n == 0:
            return words
    if n < 20:
        return [*words, _ONES[n]]
    tens, ones = divmod(n, 10)
    return [*words, _TENS[tens]] + ([_ONES[ones]] if ones else [])


def spell_number(digits: str) -> list[str] | None:
    """A simple whole number as spoken words; None when it is not simple.

    Years of the form 1100-1999 and 2010-2099 are read in pairs.

    >>> spell_number("42"), spell_number("1999"), spell_number("2005")
    (['forty', 'two'], ['nineteen', 'ninety', 'nine'], ['two', 'thousand', 'five'])
    >>> spell_number("250000"), spell_number("0123"), spell_number("12345678")
    (['two', 'hundred', 'fifty', 'thousand'], None, None)
    """
    simple = digits.isascii() and digits.isdigit() and len(digits) <= 7
    if not simple or (len(digits) > 1 and digits[0] == "0"):
        return None  # (also before int(): thousands of digits would make it raise)
    n = int(digits)
    if len(digits) == 4 and (1100 <= n <= 1999 or 2010 <= n <= 2099):
        high, low = divmod(n, 100)
        return _below_thousand(high) + (
            ["hundred"] if low == 0 else (["oh"] if low < 10 else []) + _below_thousand(low)
        )
    if n >= 1_000_000:
        return None
    thousands, rest = divmod(n, 1000)
    words = [*_below_thousand(thousands), "thousand"] if thousands else []
    return words + _below_thousand(rest) if rest or not words else words


def spoken_words(text: str) -> list[tuple[str, list[str]]]:
    """The cue's written words that are spoken, each with its dictionary tokens.

    >>> spoken_words("Diane: Oh, [laughs] I do.\\n>> (sighs) 42 - ok")
    [('Oh,', ['oh']), ('I', ['i']), ('do.', ['do']), ('42', ['forty', 'two']), ('ok', ['ok'])]
    >>> spoken_words("[Music]")
    []
    """
    out: list[tuple[str, list[str]]] = []
    # Markup goes (<i>, {\an8}); sound tags ([laughs], (sighs)) and notes part words.
    for raw_line in strip_spans(text, "<>{}").split("\n"):
        line = _NOTES.sub(" ", strip_spans(_LABEL.sub("", raw_line, count=1), "[]()", " "))
        for written in line.split():
            tokens: list[str] = []
            for token in _TOKEN.findall(written.replace(_APOSTROPHE, "'").lower()):
                spelled = spell_number(token) if token[0].isdigit() else None
                tokens += spelled or [token]
            if tokens:
                out.append((written, tokens))
    return out


# --- the plan: one window and grammar per cue ------------------------------------------


@dataclass(frozen=True)
class _Job:
    index: int
    start_ms: int  # the window, in track time (>= 0)
    before: tuple[str, ...]  # context tokens, in speaking order
    tokens: tuple[str, ...]  # the cue's tokens
    owners: tuple[int, ...]  # for each token, the index of its written word
    written: tuple[str, ...]  # the cue's written words
    after: tuple[str, ...]
    cue_start: int  # the cue's times as given
    cue_end: int
    window_ms: int


def _context(track: Track, indexes: Iterator[int], reach_ms: int, earlier: bool) -> list[str]:
    """Tokens of the neighbouring cues within reach, nearest first."""
    out: list[str] = []
    for j in indexes:
        cue = track[j]
        if (cue.end < reach_ms) if earlier else (cue.start > reach_ms):
            break
        tokens = [t for _, ts in spoken_words(cue.text) for t in ts]
        out += reversed(tokens) if earlier else tokens
        if len(out) >= MAX_CONTEXT_WORDS:
            break
    return out[:MAX_CONTEXT_WORDS]


def _plan(track: Track, i: int, window_ms: int) -> tuple[_Job, int] | CueWords:
    """The alignment job for cue ``i`` and its window's end, or why there is none."""
    cue = track[i]
    spoken = spoken_words(cue.text)
    if not spoken:
        return CueWords(i, (), 0.0, NO_WORDS)
    start = max(0, cue.start - window_ms)
    end = max(cue.end, cue.start) + window_ms
    before = _context(track, iter(range(i - 1, -1, -1)), start - CONTEXT_REACH_MS, True)
    after = _context(track, iter(range(i + 1, len(track))), end + CONTEXT_REACH_MS, False)
    job = _Job(
        index=i,
        start_ms=start,
        before=tuple(reversed(before)),
        tokens=tuple(t for _, ts in spoken for t in ts),
        owners=tuple(k for k, (_, ts) in enumerate(spoken) for _ in ts),
        written=tuple(w for w, _ in spoken),
        after=tuple(after),
        cue_start=cue.start,
        cue_end=cue.end,
        window_ms=window_ms,
    )
    return job, end


# --- the decoder (in each worker process) -----------------------------------------------


@functools.cache
def _decoder() -> Any:
    """One pocketsphinx decoder per process: the model loads once (~0.25 s)."""
    try:
        import pocketsphinx
    except ImportError:
        raise MediaError(INSTALL_HINT) from None
    # No language model: every search is a grammar made for one cue.
    # No word insertion penalty (wip 1): the neighbours' words are as welcome as the
    # cue's; pauses as likely as not (silprob 1), so that silence is not stretched
    # into the words around it.
    return pocketsphinx.Decoder(lm=None, loglevel="FATAL", wip=1.0, silprob=1.0)


def _known(decoder: Any, token: str, guessed: set[str]) -> bool:
    """Whether the dictionary knows ``token``; if not, it gets a garbage pronunciation."""
    if token in guessed:
        return False
    if decoder.lookup_word(token) is not None:
        return True
    letters = sum(ch.isalnum() for ch in token)
    units = max(1, round(letters / LETTERS_PER_GARBAGE_UNIT))
    decoder.add_word(token, " ".join([GARBAGE_UNIT] * units), True)
    guessed.add(token)
    return False


Arc = tuple[int, int, float] | tuple[int, int, float, str]


def _grammar(job: _Job, skip: float) -> tuple[int, list[Arc]]:
    """The final state and the arcs of the grammar ``[tail of before] CUE [head of after]``.

    State k lies before word k of ``before + tokens + after``.  Empty arcs enter the
    previous words anywhere, skip a word (at a cost: only a word that cannot be
    heard is skipped) and leave after any of the next words.  pocketsphinx
    follows one empty arc per step, so chains of them are given as single arcs.
    """
    chain = [*job.before, *job.tokens, *job.after]
    n_before = len(job.before)
    first_after = n_before + len(job.tokens)
    final = len(chain)
    arcs: list[Arc] = [(k, k + 1, 1.0, token) for k, token in enumerate(chain)]
    empty: dict[int, list[tuple[int, float]]] = {k: [] for k in range(final + 1)}
    empty[0] += [(k, 1.0) for k in range(1, n_before + 1)]
    for k in range(final if skip else 0):
        empty[k].append((k + 1, skip))
    for k in range(first_after, final):
        empty[k].append((final, 1.0))
    closure: dict[int, dict[int, float]] = {}
    for k in range(final, -1, -1):  # empty arcs only go forward
        reach: dict[int, float] = {}
        for to, p in empty[k]:
            for far, q in [(to, 1.0), *closure[to].items()]:
                if p * q >= skip**MAX_SKIPPED and p * q > reach.get(far, 0.0):
                    reach[far] = p * q
        closure[k] = reach
    arcs += [(k, to, p) for k, reach in closure.items() for to, p in reach.items()]
    return final, arcs


def _phones(decoder: Any, token: str) -> int:
    return len(str(decoder.lookup_word(token) or "x").split())


def _search(decoder: Any, job: _Job, skip: float, pcm: bytes) -> list[tuple[str, int, int]] | None:
    """The words found (name, first frame, last frame), fillers left out; None: no path."""
    final, arcs = _grammar(job, skip)
    name = f"cue{job.index}"
    decoder.add_fsg(name, decoder.create_fsg(name, 0, final, arcs))
    decoder.activate_search(name)
    try:
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        if decoder.hyp() is None:
            return None
        return [
            (s.word, s.start_frame, s.end_frame)
            for s in decoder.seg()
            if not (s.word.startswith(("<", "[")) and s.word.endswith((">", "]")))
        ]
    finally:
        decoder.remove_search(name)


def _align_one(job: _Job, pcm: bytes) -> CueWords:
    decoder = _decoder()
    guessed: set[str] = _guessed()
    known = [_known(decoder, t, guessed) for t in job.tokens]
    for t in (*job.before, *job.after):
        _known(decoder, t, guessed)
    # Strictly every word first; only where that finds no path may words be skipped.
    for skip in (0.0, SKIP_PROB):
        segs = _search(decoder, job, skip, pcm)
        if segs is not None:
            break
    else:
        return CueWords(job.index, (), 0.0, SEARCH_FAILED)
    hyp = [re.sub(r"\(\d+\)$", "", w) for w, _, _ in segs]
    found = _match(hyp, job)
    if found is None or all(k is None for k in found):
        return CueWords(job.index, (), 0.0, SEARCH_FAILED)
    token_spans: list[tuple[int, int] | None] = []
    plausible = 0
    for k, at in enumerate(found):
        if at is None:
            token_spans.append(None)
            continue
        _, first, last = segs[at]
        token_spans.append((job.start_ms + first * FRAME_MS, job.start_ms + (last + 1) * FRAME_MS))
        per_phone = (last + 1 - first) / _phones(decoder, job.tokens[k])
        if known[k] and SQUASHED_FRAMES_PER_PHONE <= per_phone <= STRETCHED_FRAMES_PER_PHONE:
            plausible += 1
    # A written word spans its tokens ("42" is "forty two").
    spans: dict[int, tuple[int, int]] = {}
    for owner, (start, end) in zip(job.owners, fill_untimed(token_spans), strict=True):
        spans[owner] = (spans.get(owner, (start, end))[0], end)
    words = tuple(Word(s, e, job.written[k]) for k, (s, e) in sorted(spans.items()))
    # Words far from the given times, near the window's edge, may have been put on a
    # neighbour's speech (the same words said twice) or be missing their true place.
    moved = max(abs(words[0].start - job.cue_start), abs(words[-1].end - job.cue_end))
    reach = max(1, job.window_ms - TRUSTED_MOVE_MS)
    trust = min(1.0, max(0.0, (job.window_ms - moved) / reach))
    return CueWords(job.index, words, round(trust * plausible / len(job.tokens), 3), "")


@functools.cache
def _guessed() -> set[str]:
    """Tokens this process's decoder was given garbage pronunciations for."""
    return set()


def _match(hyp: Sequence[str], job: _Job) -> list[int | None] | None:
    """For each of the cue's tokens, its place in the recognised words (None: skipped).

    The recognised words follow the grammar's chain ``before + tokens + after`` with
    some words skipped.  Of the ways to read them so, the one the search would take
    wins: fewest skips inside the chain (entering the previous words late and leaving
    the next ones early are free), then most of the cue's tokens found.  None when
    they do not follow the chain at all (the search failed).

    >>> job = _Job(0, 0, ("a", "b"), ("b", "c"), (0, 1), ("B", "C"), ("d",), 0, 0, 2000)
    >>> _match(["b", "c", "d"], job), _match(["a", "b", "d"], job), _match(["d", "a"], job)
    ([0, 1], [1, None], None)
    """
    chain = (*job.before, *job.tokens, *job.after)
    first, past = len(job.before), len(job.before) + len(job.tokens)
    inf = (len(chain) + 1, 0)
    # best[i][j]: (skips, -cue tokens found) for hyp[:i] placed in chain[:j], hyp[i-1]
    # on chain[j-1] (or i == 0: nothing placed yet); back[i][j] the previous j.
    best = [[inf] * (len(chain) + 1) for _ in range(len(hyp) + 1)]
    back = [[-1] * (len(chain) + 1) for _ in range(len(hyp) + 1)]
    for j in range(first + 1):
        best[0][j] = (0, 0)
    for j in range(first + 1, len(chain) + 1):
        best[0][j] = (j - first, 0)
    for i in range(1, len(hyp) + 1):
        for j in range(i, len(chain) + 1):
            if chain[j - 1] != hyp[i - 1]:
                continue
            gain = 1 if first <= j - 1 < past else 0
            for prev in range(i - 1, j):
                skips, found = best[i - 1][prev]
                if i == 1:
                    cand = (best[0][j - 1][0], -gain)
                else:
                    cand = (skips + (j - 1 - prev), found - gain)
                if cand < best[i][j]:
                    best[i][j], back[i][j] = cand, prev
    if not hyp:
        return None
    ends = [
        (best[len(hyp)][j][0] + max(0, past - j), best[len(hyp)][j][1], j)
        for j in range(len(hyp), len(chain) + 1)
        if best[len(hyp)][j] < inf
    ]
    if not ends:
        return None
    j = min(ends)[2]
    places: list[int | None] = [None] * len(job.tokens)
    for i in range(len(hyp), 0, -1):
        if first <= j - 1 < past:
            places[j - 1 - first] = i - 1
        j = back[i][j]
    return places


def _run(jobs: Sequence[tuple[_Job, bytes]]) -> list[CueWords]:
    return [_align_one(job, pcm) for job, pcm in jobs]


def _dithered(window: np.ndarray, seed: int) -> bytes:
    """The samples with a faint noise added, as bytes for the decoder.

    Stretches of digital silence (exact zeros, as in synthetic or edited audio) have no
    defined log energy; the search then loses its way around them.  A noise far below
    any recording's own floor (2 of 32768) gives them one; seeded, so runs repeat.
    """
    import numpy as np

    noise = np.random.default_rng(seed).integers(-DITHER, DITHER + 1, len(window))
    dithered = np.clip(window.astype(np.int32) + noise, -32768, 32767).astype("<i2")
    return bytes(dithered.tobytes())


# --- the public call --------------------------------------------------------------------


def align_words(
    track: Track,
    pcm: np.ndarray,
    *,
    language: str = "en",
    window_ms: int = 2000,
    workers: int | None = None,
) -> list[CueWords]:
    """Time every spoken word of every cue; one :class:`CueWords` per cue, in order.

    ``pcm`` is the whole media as 16 kHz mono int16 samples (see
    :func:`subtools.media.decode.pcm_chunks`).  The cue times are taken as roughly right
    (within a second or two).  Cues are aligned independently, spread over ``workers``
    processes (default: every core; 1 runs here).  A language other than English gives
    every cue an empty result with the note ``"word alignment supports English only"``.

    >>> import numpy as np
    >>> from subtools.model import Cue, Track
    >>> align_words(Track((Cue(0, 900, "Hola"),)), np.zeros(16000, "int16"), language="es")
    [CueWords(index=0, words=(), score=0.0, note='word alignment supports English only')]
    """
    if not (language or "en").lower().startswith("en"):
        return [CueWords(i, (), 0.0, ENGLISH_ONLY) for i in range(len(track))]
    results: dict[int, CueWords] = {}
    jobs: list[tuple[_Job, bytes]] = []
    samples_per_ms = SAMPLE_RATE // 1000
    for i in range(len(track)):
        planned = _plan(track, i, window_ms)
        if isinstance(planned, CueWords):
            results[i] = planned
            continue
        job, end = planned
        window = pcm[job.start_ms * samples_per_ms : end * samples_per_ms]
        if len(window) < FRAME_MS * samples_per_ms:
            results[i] = CueWords(i, (), 0.0, "no audio at the cue's time")
            continue
        jobs.append((job, _dithered(window, seed=i)))
    if not jobs:
        return [results[i] for i in range(len(track))]
    if importlib.util.find_spec("pocketsphinx") is None:
        raise MediaError(INSTALL_HINT)  # once, here, rather than in every worker
    # Loaded before the workers start: forked workers share it instead of each loading it.
    _decoder()
    wanted = -(-len(jobs) // MIN_JOBS_PER_WORKER)
    n_workers = max(1, min(workers or os.cpu_count() or 1, wanted))
    if n_workers == 1:
        done = _run(jobs)
    else:
        size = -(-len(jobs) // (n_workers * CHUNKS_PER_WORKER))
        chunks = [jobs[k : k + size] for k in range(0, len(jobs), size)]
        with ProcessPoolExecutor(n_workers) as pool:
            done = [cw for part in pool.map(_run, chunks) for cw in part]
    results.update((cw.index, cw) for cw in done)
    return [results[i] for i in range(len(track))]
