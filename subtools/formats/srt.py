"""SubRip (.srt): read line by line here; written directly.

SRT has no standard, so the reader takes the shapes real files have and other
readers (pysubs2, the ``srt`` library) accept: ``-- >`` and ``- >`` arrows, full-width
colons and commas (U+FF1A, U+FF0C), a colon or a (full-width or ideographic) full stop
before the milliseconds (``00:00:11:890``, as the ``srt`` library reads it), no
milliseconds (``00:00:27``), a fraction of one or two digits (``00:29:27,46`` is
460 ms), hours of any length, a missing cue number.  A timing line
inside a cue's text starts a new cue (reported when the empty line before it is
missing), and text after an empty line inside a cue stays with that cue.  What cannot
be read is an error naming the line, or in lenient mode skipped up to the next empty
line or timing line; after an empty line, a line with an arrow and a digit reads as a
timing line gone wrong, and one with an arrow alone (``Go --> there``) as text.

Writing formats integer milliseconds directly; ``to_pysrt``/``from_pysrt`` remain for
callers who want pysrt's objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from ..errors import ParseError, ParseNotice
from ..fileio import split_lines
from ..model import Cue, Track
from ..timecode import HOUR_DIGITS, format_timestamp, hms_to_ms
from .base import Format, ReadContext
from .cuetext import clean_text

if TYPE_CHECKING:
    import pysrt

_TS: Final = (
    rf"([0-9]{{1,{HOUR_DIGITS}}})[:\uff1a]([0-5]?[0-9])[:\uff1a]([0-5]?[0-9])"
    r"(?:[,.:\uff0c\uff0e\uff1a\u3002]([0-9]{1,3}))?"
)
#: An arrow, ``-->`` or ``- >`` and the like.  Its last dash is enough to find one, and
#: the pattern must not be ``-+``: searching a line of dashes would take quadratic time.
_ARROW: Final = re.compile(r"-[ \t]*>")
_DIGIT: Final = re.compile(r"[0-9]")
_INDEX: Final = re.compile(r"[ \t]*[0-9]+[ \t]*$", re.ASCII)
#: Put before the ``>`` of a text line that would read as a timing line: SRT has no
#: escaping, and an invisible word joiner is the least change that keeps the line text.
WORD_JOINER: Final = "\u2060"
_EXPECTED: Final = "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"


@cache
def _timing() -> re.Pattern[str]:
    # Compiled when first used: the registry imports every format module, and this
    # pattern takes longer to compile than the rest of the module takes to load.
    return re.compile(rf"[ \t]*{_TS}[ \t]*-+[ \t]*>[ \t]*{_TS}(?:[ \t].*)?$", re.ASCII)


def _cue(m: re.Match[str], text: list[str]) -> Cue:
    g = m.groups()
    body = "\n".join(text) if len(text) != 1 else text[0]
    return Cue(
        hms_to_ms(g[0], g[1], g[2], g[3] or ""), hms_to_ms(g[4], g[5], g[6], g[7] or ""), body
    )


def _broken_timing(line: str) -> bool:
    # A timing line gone wrong (an arrow and a digit), not text (``Go --> there``).
    return _ARROW.search(line) is not None and _DIGIT.search(line) is not None


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    timing_line = _timing().match
    lines = split_lines(text)
    n = len(lines)
    cues: list[Cue] = []
    timing: re.Match[str] | None = None  # the open cue's timing line
    body: list[str] = []
    after_blank = True
    i = 0

    def skip_block(at: int) -> int:
        # Lenient: the bad block goes, up to the next empty line or timing line (where a
        # cue starts, as in a cue's text: a stray line just before a cue loses only itself).
        at += 1
        while at < n and lines[at].strip() and timing_line(lines[at]) is None:
            at += 1
        return at

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            after_blank = True
            i += 1
            continue
        m = timing_line(line)
        if m is not None:
            if timing is not None:
                if not after_blank:
                    # A timing line in the text: the cue before ends, its number (if the
                    # line before is one) goes with the new cue.
                    numbered = bool(body) and _INDEX.match(body[-1]) is not None
                    if numbered:
                        body.pop()
                    ctx.notice(
                        ParseNotice(
                            "a new cue starts without an empty line before it",
                            source=ctx.source,
                            line=i if numbered else i + 1,
                        )
                    )
                cues.append(_cue(timing, body))
            timing, body, after_blank = m, [], False
            i += 1
            continue
        if after_blank and _INDEX.match(line):
            following = lines[i + 1] if i + 1 < n else ""
            m = timing_line(following)
            if m is not None:
                if timing is not None:
                    cues.append(_cue(timing, body))
                timing, body, after_blank = m, [], False
                i += 2
                continue
            if timing is not None:
                cues.append(_cue(timing, body))
                timing, body = None, []
            if following.strip():
                message = f"malformed timing line {following.strip()!r} {_EXPECTED}"
                ctx.problem(ParseError(message, source=ctx.source, line=i + 2))
            else:
                message = "cue number without a 'start --> end' line"
                ctx.problem(ParseError(message, source=ctx.source, line=i + 1))
            i = skip_block(i)
            continue
        if timing is None or (after_blank and _broken_timing(line)):
            if timing is not None:
                cues.append(_cue(timing, body))
                timing, body = None, []
            if _broken_timing(line):
                message = f"malformed timing line {stripped!r} {_EXPECTED}"
            else:
                message = "not an SRT cue: expected a number and a 'start --> end' line"
            ctx.problem(ParseError(message, source=ctx.source, line=i + 1))
            i = skip_block(i)
            continue
        # Cue text; after an empty line it still belongs to the cue before.
        body.append(stripped)
        after_blank = False
        i += 1
    if timing is not None:
        cues.append(_cue(timing, body))
    yield Track(tuple(cues), source=ctx.source)


def srt_text(text: str) -> str:
    """Cue text as written: clean (see :func:`clean_text`), and no line that would read
    as a timing line.

    >>> srt_text("a\\n\\n1 --> 2\\n00:00:01,000 --> 00:00:02,000") == (
    ...     "a\\n1 --> 2\\n00:00:01,000 --\\u2060> 00:00:02,000")
    True
    """
    text = clean_text(text)
    return _no_timing_lines(text) if ">" in text else text


def _no_timing_lines(text: str) -> str:
    timing_line = _timing().match
    return "\n".join(
        line.replace(">", WORD_JOINER + ">", 1) if timing_line(line) else line
        for line in text.split("\n")
    )


def write(track: Track) -> str:
    ts = format_timestamp
    parts = []
    for n, c in enumerate(track.cues, 1):
        text = c.text
        # Only text that srt_text could change goes through it: writing is mostly this
        # loop, and most text is one clean line.
        if "\n" in text or "\r" in text or ">" in text or text != text.strip():
            text = srt_text(text)
        parts.append(f"{n}\n{ts(c.start)} --> {ts(c.end)}\n{text}\n")
    return "\n".join(parts)


def sniff(text: str) -> bool:
    """Whether the text starts like SRT: a cue number or a timing-like line first, or
    nothing at all (what an empty track is written as).

    >>> sniff("1\\r00:00:01,000 --> 00:00:02,000\\rhi"), sniff("1\\n00:00:01 - > 00:00:02")
    (True, True)
    """
    head = [ln.strip() for ln in split_lines(text[:4096])[:3] if ln.strip()]
    if not head:
        return not text.strip()  # an empty file: an SRT file with no cues
    if _INDEX.match(head[0]):
        return len(head) > 1 and _ARROW.search(head[1]) is not None and head[1][:1].isdigit()
    return _ARROW.search(head[0]) is not None and head[0][:1].isdigit()


def to_pysrt(track: Track) -> pysrt.SubRipFile:
    import pysrt

    subs = pysrt.SubRipFile()
    for n, cue in enumerate(track.cues, 1):
        subs.append(
            pysrt.SubRipItem(
                index=n,
                start=pysrt.SubRipTime.from_ordinal(cue.start),
                end=pysrt.SubRipTime.from_ordinal(cue.end),
                text=cue.text,
            )
        )
    return subs


def from_pysrt(subs: pysrt.SubRipFile, **meta: Any) -> Track:
    cues = tuple(Cue(item.start.ordinal, item.end.ordinal, item.text.strip()) for item in subs)
    return Track(cues, **meta)


FORMAT = Format(
    name="srt",
    extensions=(".srt",),
    description="SubRip",
    read=read,
    write=write,
    sniff=sniff,
    aliases=("subrip",),
)
