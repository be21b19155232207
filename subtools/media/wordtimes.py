"""Word timings for ``align --words``: the cues' text force-aligned to the speech.

The global correction (when applied) goes first, so that every cue's window around
its text holds its speech; cues whose words cannot be aligned well keep None and are
fixed from the speech edges alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Track, Word
from .alignment import Alignment
from .correct import WORD_ERROR_MS, WORDS_MIN_SCORE
from .decode import SAMPLE_RATE, pcm_chunks
from .speech import FRAME_MS, Speech

#: Audio with (almost) no energy from this frequency up is telephone band: it was
#: sampled at 8 kHz somewhere on its way.
NARROW_HZ = 4200
#: ... "almost": this share of the louder frames' energy (wide-band speech has 0.3-3 %
#: there, far-field speech the least; 8 kHz audio, resampled, under a millionth).
NARROW_SHARE = 1e-4
#: ... or, with noise over the whole band (music or a room heard around a speakerphone),
#: the speech itself adds (almost) nothing there: the energy it adds from
#: :data:`NARROW_HZ` up, over frames the detector is sure hold none, is under this share
#: of what it adds from 300 Hz to 3.4 kHz (close wide-band speech adds 0.35-0.4 of it,
#: synthetic speech 0.015, far-field speech 0.0017-0.0045; a phone call under music or
#: pink noise 0.0003).
NARROW_SPEECH_SHARE = 7e-4
#: Speech probabilities that are sure of speech and of none, and how many frames of each
#: tell (fewer: babble heard everywhere, say, and nothing to compare).
SURE_SPEECH, SURE_NONE, LEAST_FRAMES = 0.9, 0.1, 50
#: How far word edges typically lie from where people put boundaries on telephone-band
#: audio (as :data:`~subtools.media.correct.WORD_ERROR_MS` for wide-band speech): the
#: acoustic model is a 16 kHz one, and on a phone call it placed the words' starts and
#: ends a median 88 ms (up to 170 ms) from the reference.
NARROWBAND_WORD_ERROR_MS = 130


@dataclass(frozen=True)
class WordTimes:
    """What :func:`word_times` found, as :func:`~subtools.media.correct.fix` takes it."""

    #: Per cue (in track order), its words' times in media time, or None.
    cues: list[tuple[Word, ...] | None]
    #: What limits the timings: cues left without them and why, loose timings ("" if
    #: nothing).
    note: str = ""
    #: How far off the words' edges typically are on this audio (``fix``'s
    #: ``word_error_ms``).
    error_ms: int = WORD_ERROR_MS


def word_times(
    track: Track,
    alignment: Alignment,
    media: str,
    *,
    workers: int | None = None,
    speech: Speech | None = None,
) -> WordTimes:
    """Per cue, its words' times in media time (or None), how far off they may be on
    this audio, and a note saying what limits them.

    ``speech`` (the analysis of the same media) lets telephone-band speech be told under
    noise over the whole band too (:func:`narrowband`)."""
    from .words import align_words

    moved = track
    if alignment.applied:
        moved = track.with_cues(
            c.replace(start=alignment.map_time(c.start), end=alignment.map_time(c.end))
            for c in track
        )
    pcm = np.frombuffer(b"".join(pcm_chunks(media)), np.int16)
    found = align_words(moved, pcm, language=track.language or "en", workers=workers)
    out: list[tuple[Word, ...] | None] = [None] * len(track)
    why: dict[str, int] = {}
    for cw in found:
        if cw.words and cw.score >= WORDS_MIN_SCORE:
            out[cw.index] = cw.words
        else:
            reason = cw.note.split(":")[0] if cw.note else "weak alignment"
            why[reason] = why.get(reason, 0) + 1
    notes = []
    if missing := sum(why.values()):
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(why.items()))
        notes.append(f"{missing} of {len(track)} cues without word timings ({reasons})")
    error = WORD_ERROR_MS
    if any(out) and narrowband(pcm, speech=speech):
        error = NARROWBAND_WORD_ERROR_MS
        notes.append(
            f"telephone-band speech (nothing above {NARROW_HZ / 1000:g} kHz): the words are"
            f" timed less precisely there (about {error} ms), and move boundaries less"
        )
    return WordTimes(out, "; ".join(notes), error)


def narrowband(pcm: np.ndarray, rate: int = SAMPLE_RATE, *, speech: Speech | None = None) -> bool:
    """Whether audio carries (almost) nothing from :data:`NARROW_HZ` up, in its louder
    half of frames (quiet frames are mostly noise floor): telephone band.  With
    ``speech`` (its analysis), also where noise fills the band but the speech adds
    (almost) nothing to it (:data:`NARROW_SPEECH_SHARE`).

    >>> t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    >>> narrowband((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16))
    True
    >>> narrowband(np.random.default_rng(0).normal(0, 3000, SAMPLE_RATE).astype(np.int16))
    False
    """
    n = 512
    count = len(pcm) // n
    if count == 0:
        return False
    power = _power(pcm[: count * n].reshape(count, n), np.arange(count))
    energy = power.sum(axis=1)
    loud = power[energy >= np.median(energy)]
    total = float(loud.sum())
    high = float(loud[:, np.fft.rfftfreq(n, 1 / rate) >= NARROW_HZ].sum())
    if total > 0 and high < NARROW_SHARE * total:
        return True
    share = None if speech is None else _speech_high_share(pcm, speech, rate)
    return share is not None and share < NARROW_SPEECH_SHARE


def _speech_high_share(pcm: np.ndarray, speech: Speech, rate: int) -> float | None:
    """The energy speech adds from :data:`NARROW_HZ` up, as a share of what it adds from
    300 Hz to 3.4 kHz: frames sure of speech against frames sure of none (None: too few
    of either, or the speech adds nothing below either)."""
    n = rate * FRAME_MS // 1000
    p = speech.probability()[: len(pcm) // n]
    frames = pcm[: len(p) * n].reshape(len(p), n)
    sure, none = np.flatnonzero(p >= SURE_SPEECH), np.flatnonzero(p <= SURE_NONE)
    if min(len(sure), len(none)) < LEAST_FRAMES:
        return None
    freqs = np.fft.rfftfreq(n, 1 / rate)
    high, low = freqs >= NARROW_HZ, (freqs >= 300) & (freqs < 3400)

    def bands(which: np.ndarray) -> tuple[float, float]:
        power = _power(frames, which)
        return float(power[:, high].sum(1).mean()), float(power[:, low].sum(1).mean())

    (high_speech, low_speech), (high_none, low_none) = bands(sure), bands(none)
    if low_speech <= low_none:
        return None
    return max(high_speech - high_none, 0.0) / (low_speech - low_none)


def _power(frames: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Power spectra (Hann window) of the ``frames`` that ``rows`` names, a few thousand
    of them spread over the rows at most: they tell as well as all of them."""
    chosen = frames[rows[:: max(1, len(rows) // 4000)]].astype(np.float32)
    return np.abs(np.fft.rfft(chosen * np.hanning(frames.shape[1]), axis=1)) ** 2
