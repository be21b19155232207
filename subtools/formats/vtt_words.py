"""Word-level WebVTT (``--to vtt-words``): each word's time as an inline timestamp.

::

    00:00:01.000 --> 00:00:03.000
    Hello <00:00:01.500>world<00:00:02.200> <00:00:02.400>again

The first word starts with the cue; a timestamp goes before every later word that
starts after the one before it, and after a word followed by a pause (so its end is
kept too).  As the cue-text grammar of the WebVTT spec requires, the timestamps inside
a cue ascend strictly and fall strictly between the cue's start and end: word times
outside the cue are held to its edges, where the cue shows them anyway.  So a cue
whose word times all lie at or beyond its edges (or a cue too short to hold a
timestamp) gets none.

Reading is WebVTT's: its reader turns inline timestamps back into ``Cue.words`` with
:func:`inline_words`, where words between the same two times share their span.  Read as
word-level WebVTT, a cue without timestamps has its words between its start and end by
the same rule, so every file this writer makes reads back to words it writes the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ..errors import WriteError
from ..model import Cue, Track, Word
from ..timecode import HOUR_DIGITS, format_timestamp
from .base import Format, ReadContext


@cache
def _timestamp() -> re.Pattern[str]:
    # The spec's timestamp: optional hours (two or more digits), minutes and seconds
    # 00-59, three digits of milliseconds.  ASCII digits, and hours of at most
    # HOUR_DIGITS: a longer one is out of the times a track holds, and is read as any
    # other tag.  Compiled when first used, as the WebVTT reader's patterns are.
    return re.compile(
        rf"<(?:([0-9]{{2,{HOUR_DIGITS}}}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{{3}})>", re.ASCII
    )


def _ms(m: re.Match[str]) -> int:
    h, mi, s, ms = m.groups()
    return ((int(h or 0) * 60 + int(mi)) * 60 + int(s)) * 1000 + int(ms)


def inline_words(payload: str, start: int, end: int) -> tuple[Word, ...]:
    """Word timings from a cue payload's inline timestamps; none without timestamps.

    Each word runs from the timestamp before it (the cue's start for the first) to the
    next timestamp (the cue's end for the last); words between the same two timestamps
    share that span.  Other tags are removed and entities decoded.

    >>> for w in inline_words("Fish <00:01.500><i>&amp;</i>\\nchips<00:02.000>", 1000, 3000):
    ...     print(w.start, w.end, w.text)
    1000 1500 Fish
    1500 2000 &
    1500 2000 chips
    """
    if "<" not in payload:
        return ()
    marks = list(_timestamp().finditer(payload))
    if not marks:
        return ()
    from .vtt import plain_text

    times = [start, *(_ms(m) for m in marks), end]
    bounds = [0, *(i for m in marks for i in (m.start(), m.end())), len(payload)]
    words: list[Word] = []
    for i in range(len(marks) + 1):
        chunk = payload[bounds[2 * i] : bounds[2 * i + 1]]
        words.extend(_between(plain_text(chunk), times[i], times[i + 1]))
    return tuple(words)


def _between(text: str, at: int, until: int) -> Iterator[Word]:
    # The words of a stretch of text between two times: each spans them (none ends
    # before it starts, whatever the times).
    return (Word(at, max(at, until), t) for t in text.split())


def _mismatch(number: int, cue: Cue) -> WriteError:
    return WriteError(
        f"cue {number} ({format_timestamp(cue.start)}): its word timings do not spell its "
        "text, so they cannot be placed in it"
    )


def cue_payload(cue: Cue, number: int = 1) -> str:
    """The cue's text, escaped, with a timestamp at each word (see the module's rules).

    >>> cue = Cue(1000, 3000, "Hi there,\\nyou", (Word(1000, 1400, "Hi"),
    ...     Word(1400, 2000, " there,"), Word(2500, 2900, " you")))
    >>> print(cue_payload(cue))
    Hi <00:00:01.400>there,<00:00:02.000>
    <00:00:02.500>you<00:00:02.900>
    """
    from .cuetext import clean_text
    from .vtt import escape

    text = clean_text(cue.text)
    out: list[str] = []
    at = 0  # position in text
    last = cue.start  # the latest time written (the cue's start to begin with)

    def mark(ms: int) -> None:
        nonlocal last
        if last < ms < cue.end:
            out.append(f"<{format_timestamp(ms, '.')}>")
            last = ms

    def copy_space() -> None:
        nonlocal at
        begin = at
        while at < len(text) and text[at].isspace():
            at += 1
        out.append(text[begin:at])

    words = cue.words
    pending: int | None = None  # an end mark put off until the next word
    for i, word in enumerate(words):
        letters = "".join(word.text.split())
        if not letters:
            continue
        copy_space()
        if pending is not None:
            mark(pending)
            pending = None
        mark(word.start)
        begin = at
        for ch in letters:
            while at < len(text) and text[at].isspace() and not ch.isspace():
                at += 1
            if at >= len(text) or text[at] != ch:
                raise _mismatch(number, cue)
            at += 1
        out.append(escape(text[begin:at]))
        following = words[i + 1].start if i + 1 < len(words) else cue.end
        if word.end < following:
            if i + 1 < len(words) and following >= cue.end:
                # The next word's start gets no mark (it is held to the cue's end): this
                # mark is its start as read back, so it goes where a start mark goes,
                # and the file is written the same after it is read.
                pending = word.end
            else:
                mark(word.end)
    if pending is not None:
        mark(pending)
    copy_space()
    if at < len(text):
        raise _mismatch(number, cue)
    return "".join(out)


def write(track: Track) -> str:
    # A word of only whitespace is written as nothing, so it does not count: a track
    # of such words would read back without any and be refused the second time.
    if not any(w.text and not w.text.isspace() for c in track.cues for w in c.words):
        raise WriteError(
            "no word timings in the track: word-level WebVTT needs words with times "
            "(a Whisper result with word timestamps, or a WebVTT file with inline times)"
        )
    from .cuetext import clean_text
    from .vtt import escape, timing_line

    parts = ["WEBVTT\n"]
    for n, c in enumerate(track.cues, 1):
        payload = cue_payload(c, n) if c.words else escape(clean_text(c.text))
        parts.append(f"{timing_line(c)}\n{payload}\n")
    out = "\n".join(parts)
    return out.replace("\0", "\ufffd") if "\0" in out else out


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    from .vtt import read as read_vtt

    for track in read_vtt(text, ctx):
        yield track.with_cues(_spanned(c) for c in track.cues)


def _spanned(cue: Cue) -> Cue:
    # A cue without timestamps: its words lie between its start and end (the writer
    # gives words that span their cue no timestamp).
    if cue.words or not cue.text:
        return cue
    return cue.replace(words=tuple(_between(cue.text, cue.start, cue.end)))


FORMAT = Format(
    name="vtt-words",
    extensions=(".words.vtt",),
    description="WebVTT with each word's time (inline timestamps)",
    read=read,
    write=write,
    aliases=("words",),
)
