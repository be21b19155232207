"""YouTube's rolling auto-captions, read as spoken.

Auto-captions scroll: each cue shows the line before again above the new one, with
~10 ms "bridge" cues between them that show the finished line alone.  Converted as
they are, every line is shown twice and the cues overlap in meaning.  Here each
spoken line becomes one cue, timed from its first appearance to the start of the
next line, its word timings (from the ``<c>`` tags) kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .changes import Change, StepResult
from .model import Cue, Track


def _lines(cue: Cue) -> list[str]:
    return [ln.strip() for ln in cue.text.split("\n") if ln.strip()]


def _repeated(prev: list[str], lines: list[str]) -> int:
    """How many leading lines of ``lines`` repeat the last lines of ``prev``: the
    longest suffix of ``prev`` that is a prefix of ``lines``.

    Found by the prefix function of ``lines``, a separator and ``prev`` (Knuth, Morris
    and Pratt), in linear time: trying each length in turn takes quadratic time on a
    cue of thousands of lines.

    >>> _repeated(["a", "b", "c"], ["b", "c", "d"]), _repeated(["a"], ["b"])
    (2, 0)
    """
    m = min(len(prev), len(lines))
    if not m:
        return 0
    seq: list[str | None] = [*lines[:m], None, *prev[-m:]]
    longest = [0] * len(seq)
    k = 0
    for i in range(1, len(seq)):
        while k and seq[i] != seq[k]:
            k = longest[k - 1]
        if seq[i] == seq[k]:
            k += 1
        longest[i] = k
    return longest[-1]


def is_rolling(track: Track, timed: bool = False) -> bool:
    """Whether the track looks like rolling auto-captions: many cues start with the
    line the cue before ended on and add a new one (every other cue may be a bridge).

    With ``timed``, the new lines must also carry word timings, as YouTube's do: the
    evidence asked for before rolling captions are undone without being asked.

    >>> rolling = Track((Cue(0, 2000, "a b"), Cue(2000, 2010, "a b"),
    ...                  Cue(2010, 4000, "a b\\nc d"), Cue(4000, 4010, "c d"),
    ...                  Cue(4010, 6000, "c d\\ne f")))
    >>> is_rolling(rolling), is_rolling(Track((Cue(0, 1, "x"),)))
    (True, False)
    """
    cues = track.cues
    # Each rolling pair ends on a cue of two lines or more, and with ``timed`` a cue
    # with words: without them the answer is no, and most tracks say so at once.
    if len(cues) < 4 or not any("\n" in c.text and (c.words or not timed) for c in cues):
        return False
    # A rolling pair: the next cue repeats the end of this one *and* adds a new line.
    rolling = with_words = 0
    for a, b in itertools.pairwise(cues):
        la, lb = _lines(a), _lines(b)
        k = _repeated(la, lb) if la else 0
        if k and len(lb) > k:
            rolling += 1
            with_words += bool(b.words)
    if timed and with_words < 0.5 * rolling:
        return False
    return rolling >= 0.4 * (len(cues) - 1) / 2 and rolling >= 2


def dedupe_rolling(track: Track, origin: Sequence[int] | None = None) -> StepResult:
    """Each spoken line once: repeated lines dropped, bridges removed, times chained.
    ``origin`` numbers the input cues as the changes name them (default 1, 2, ...).

    >>> rolling = Track((Cue(0, 2000, "a b"), Cue(2000, 2010, "a b"),
    ...                  Cue(2010, 4000, "a b\\nc d"), Cue(4000, 4010, "c d"),
    ...                  Cue(4010, 6000, "c d\\ne f")))
    >>> [(c.start, c.end, c.text) for c in dedupe_rolling(rolling).track]
    [(0, 2010, 'a b'), (2010, 4010, 'c d'), (4010, 6000, 'e f')]
    """
    numbers = StepResult.numbers(track, origin)
    out: list[Cue] = []
    out_origin: list[int] = []
    changes: list[Change] = []
    merged: list[tuple[int, int]] = []
    prev: list[str] = []
    for n, cue in zip(numbers, track.cues, strict=True):
        lines = _lines(cue)
        k = _repeated(prev, lines)
        if lines:
            prev = lines
        new = lines[k:]
        if not new:
            # A bridge, or the same lines again: their words are in the cue before.
            changes.append(Change(n, "text", cue.text, None, "rolling"))
            if lines and out_origin:
                merged.append((n, out_origin[-1]))
            continue
        text = "\n".join(new)
        words = cue.words
        if k and words:
            # The repeated lines come first, and their words go with them.
            words = words[max(0, len(words) - len(text.split())) :]
        if words and [w.text for w in words] != text.split():
            words = ()
        if k:
            changes.append(Change(n, "text", cue.text, text, "rolling"))
        out.append(Cue(cue.start, cue.end, text, words))
        out_origin.append(n)
    # Each line lasts from its first appearance until the next line appears.
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if b.start > a.start and a.end != b.start:
            changes.append(Change(out_origin[i], "end", a.end, b.start, "rolling"))
            out[i] = Cue(a.start, b.start, a.text, a.words)
    return StepResult(track.with_cues(out), changes, tuple(out_origin), merged)
