"""Word timings for ``align --words``: the cues' text force-aligned to the speech.

The global correction (when applied) goes first, so that every cue's window around
its text holds its speech; cues whose words cannot be aligned well keep None and are
fixed from the speech edges alone.
"""

from __future__ import annotations

import numpy as np

from ..model import Track, Word
from .alignment import Alignment
from .correct import WORDS_MIN_SCORE
from .decode import pcm_chunks


def word_times(
    track: Track, alignment: Alignment, media: str, *, workers: int | None = None
) -> tuple[list[tuple[Word, ...] | None], str]:
    """Per cue (in track order), its words' times in media time, or None; and a note
    saying how many cues could not be aligned and why (empty when all were)."""
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
    missing = sum(why.values())
    if not missing:
        return out, ""
    reasons = ", ".join(f"{n} {r}" for r, n in sorted(why.items()))
    return out, f"{missing} of {len(track)} cues without word timings ({reasons})"
