"""WebVTT (.vtt): read by the WHATWG WebVTT parser algorithm; written directly.

Reading follows the standard's file parsing (what browsers do): the signature line,
the header, blocks ended by an empty line or by a timing line, cue identifiers, cue
timings and settings, comments, STYLE and REGION blocks, NUL as U+FFFD.  Where the
algorithm drops a block (a timing line it cannot parse, text with no timing line), a
strict read stops with an error naming the line and a lenient one skips that block
with the same message; nothing is merged, appended or dropped silently (comments,
style sheets and regions are not kept, so such a block goes without a word even when
an arrow in it is what made the algorithm drop it).  A cue whose timing line follows
the text before it with no empty line between is read as the standard says (a new
cue) and reported.

Two deliberate departures from the standard, losing nothing a browser would show:
timestamps without the zero padding or with fewer millisecond digits (``0:0:3.54``,
as Microsoft Teams writes its transcripts) are read, with one notice per file, where
a browser drops the cue (a converter that dropped a whole meeting's transcript would
lose it); and between blocks a line of only whitespace counts as an empty line, as in
Netflix's files (a browser takes it for the start of a block, and drops the block
with the cue identifier after it, though not the cue).

Cue text is plain text in the model: tags (``<i>``, ``<c>``, ``<v Name>``, inline
``<00:00:01.000>`` times) are removed and entities decoded; inline times become word
timings.  On write ``&``, ``<`` and ``>`` are escaped, so ``-->`` can never appear in
cue text.  Identifiers and settings are kept on the cue and written back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import ParseError, ParseNotice
from ..fileio import split_lines
from ..model import Cue, Track
from ..timecode import HOUR_DIGITS, format_timestamp, hms_to_ms
from .base import Format, ReadContext
from .cuetext import clean_text, strip_spans
from .vtt_words import inline_words

if TYPE_CHECKING:
    import webvtt

# A WebVTT timestamp: [hours:]MM:SS.mmm, hours of any length (at least two digits are
# not required), minutes and seconds under 60.  ASCII digits only.
_TS = r"(?:([0-9]+):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})"
# The same with the padding optional and one to three digits of fraction.
_LOOSE_TS = r"(?:([0-9]+):)?([0-5]?[0-9]):([0-5]?[0-9])\.([0-9]{1,3})"
_LONG_REFERENCE = re.compile(r"&#0*[1-9][0-9]{7,}")
_SETTING_SPLIT = re.compile(r"[ \t\f\r\n]+")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_EXPECTED = "(expected [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)"


def plain_text(raw: str) -> str:
    """Cue payload without tags, entities decoded.

    >>> plain_text("<v Bob>Fish &amp; <i>chips</i></v>")
    'Fish & chips'
    """
    if "<" in raw:
        raw = strip_spans(raw, "<>")
    if "&" in raw:
        import html  # rare in captions, so not loaded up front

        # A decimal reference past U+10FFFF is U+FFFD; shortened first, since int() of
        # thousands of digits raises (Python limits decimal conversions).
        raw = html.unescape(_LONG_REFERENCE.sub("&#99999999", raw))
    return raw


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int | None:
    """A timestamp's milliseconds, or None when its hours are out of range."""
    if hours is not None and len(hours) > HOUR_DIGITS:
        return None
    return hms_to_ms(hours or "0", minutes, seconds, millis)


def settings_text(raw: str) -> str:
    """Cue settings as kept on a cue: the tokens, one space between.

    >>> settings_text("  align:start \\t line:0 ")
    'align:start line:0'
    """
    return " ".join(t for t in _SETTING_SPLIT.split(raw) if t)


def _is_signature(line: str) -> bool:
    # "WEBVTT" alone, or followed by a space or a tab (then anything).
    return line.startswith("WEBVTT") and (len(line) == 6 or line[6] in " \t")


def _is_keyword_block(line: str, word: str) -> bool:
    # A comment (NOTE), style sheet or region block: the word alone or before whitespace.
    return line.startswith(word) and (len(line) == len(word) or line[len(word)] in " \t\f")


def _starts_sheet(line: str) -> bool:
    # A STYLE or REGION block (before the first cue): the word, then only whitespace.
    word = "STYLE" if line.startswith("STYLE") else "REGION" if line.startswith("REGION") else ""
    return bool(word) and not line[len(word) :].strip(" \t\f")


@cache
def _timing_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # "Skip whitespace" in the standard is ASCII whitespace; within a line that leaves
    # space, tab and form feed (a vertical tab is not whitespace).  Compiled when first
    # used: the registry imports every format module, and this takes longer than the
    # rest of the module does to load.
    # A fraction is exactly its digits: a fourth digit makes the timestamp an error
    # (as a browser drops the cue), not the start of the settings.
    line = r"[ \t\f]*{0}[ \t\f]*-->[ \t\f]*{0}(?![0-9])(.*)"
    return (
        re.compile(line.format(_TS), re.ASCII | re.DOTALL),
        re.compile(line.format(_LOOSE_TS), re.ASCII | re.DOTALL),
    )


def _timing(line: str) -> tuple[int, int, str, bool] | str:
    """``(start, end, settings, loose)`` of a cue timing line (``loose``: its timestamps
    lack WebVTT's padding), or why it cannot be read.

    >>> _timing("00:01.000 --> 00:02.500 align:start")
    (1000, 2500, 'align:start', False)
    >>> _timing("0:0:3.54 --> 0:1:5.2")
    (3540, 65200, '', True)
    """
    strict, loose = _timing_patterns()
    m = strict.match(line)
    if m is None:
        m = loose.match(line)
        if m is None:
            return "malformed cue timing"
    g = m.groups()
    start, end = _ms(*g[0:4]), _ms(*g[4:8])
    if start is None or end is None:
        return "time out of range"
    return start, end, settings_text(g[8]), m.re is loose


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    lines = split_lines(text)
    if not _is_signature(lines[0]):
        raise ParseError(
            "not a WebVTT file: the first line must be 'WEBVTT', alone or followed by a "
            "space or a tab",
            source=ctx.source,
            line=1,
        )
    n = len(lines)
    # The header: the lines after the signature up to an empty line or a timing line.
    i = 1
    language = None
    while i < n and lines[i] and "-->" not in lines[i]:
        key, _, value = lines[i].partition(":")
        if key.strip().lower() == "language" and value.strip():
            language = value.strip()
        i += 1

    cues: list[Cue] = []
    seen_cue = False
    loose_noted = False
    while i < n:
        if not lines[i].strip(" \t\f"):
            # Between blocks, a line of whitespace is an empty line (see the module's
            # text); inside a block it is cue text.
            i += 1
            continue
        # Collect one block (the standard's "collect a WebVTT block").
        first = i
        buffer: list[str] = []
        timing: tuple[int, int, str, str] | None = None
        bad: str | None = None  # why the block's timing line was refused
        bad_at = 0
        seen_arrow = False
        keyword = False
        cut_by_arrow = False
        while i < n:
            line = lines[i]
            if "-->" in line:
                count = i - first + 1
                if count == 1 or (count == 2 and not seen_arrow):
                    seen_arrow = True
                    i += 1
                    parsed = _timing(line)
                    if isinstance(parsed, str):
                        bad, bad_at, timing = parsed, i, None
                    else:
                        timing = (parsed[0], parsed[1], "\n".join(buffer), parsed[2])
                        buffer = []
                        seen_cue = True
                        if parsed[3] and not loose_noted:
                            loose_noted = True
                            ctx.notice(
                                ParseNotice(
                                    "timestamps without the zero padding WebVTT asks for "
                                    f"({line.strip()!r}): read, though browsers skip such "
                                    "cues",
                                    source=ctx.source,
                                    line=i,
                                )
                            )
                    continue
                cut_by_arrow = True
                break
            if not line:
                break
            if i - first == 1 and not seen_cue and not seen_arrow and _starts_sheet(buffer[0]):
                keyword = True
                buffer = []
            buffer.append(line)
            i += 1

        if timing is not None:
            start, end, identifier, settings = timing
            payload = "\n".join(buffer)
            words = inline_words(payload, start, end)
            cues.append(
                Cue(start, end, clean_text(plain_text(payload)), words, identifier, settings)
            )
            if cut_by_arrow:
                ctx.notice(
                    ParseNotice(
                        "cue timing right after the text of the cue before (no empty line "
                        "between): read as a new cue",
                        source=ctx.source,
                        line=i + 1,
                    )
                )
            continue
        # A comment, style or region block: dropped, with an arrow in it too (the
        # standard takes the arrow's line for a timing line, fails to read it and drops
        # the block), unless that line looks like a cue's timing (a digit first).
        comment = any(_is_keyword_block(lines[first], w) for w in ("NOTE", "STYLE", "REGION"))
        if bad is not None:
            if not comment or lines[bad_at - 1].lstrip(" \t\f")[:1].isdigit():
                ctx.problem(
                    ParseError(
                        f"{bad} {lines[bad_at - 1].strip()!r} {_EXPECTED}",
                        source=ctx.source,
                        line=bad_at,
                    )
                )
        elif not keyword and not comment:
            ctx.problem(
                ParseError(
                    "text with no cue timing line before it (not a cue, comment, style or "
                    "region block)",
                    source=ctx.source,
                    line=first + 1,
                )
            )
    yield Track(tuple(cues), source=ctx.source, language=language)


def escape(text: str) -> str:
    """Text safe for a WebVTT cue payload.

    >>> escape("a --> b & <c>")
    'a --&gt; b &amp; &lt;c&gt;'
    """
    return text.translate(_ESCAPES)


def identifier_line(identifier: str) -> str:
    """An identifier as one line that cannot be taken for a timing line; one of only
    whitespace is none ("": a blank line there would end the block).

    >>> identifier_line("a --> b\\nc"), identifier_line(" \\r")
    ('a - -> b c', '')
    """
    line = " ".join(split_lines(identifier))
    if not line.strip():
        return ""
    while "-->" in line:
        line = line.replace("-->", "- ->")
    return line


def write(track: Track) -> str:
    ts = format_timestamp
    parts = ["WEBVTT\n"]
    append = parts.append
    for c in track.cues:
        text = c.text
        # Only text that clean_text could change goes through it (see srt.write).
        if "\n" in text or "\r" in text or text != text.strip():
            text = clean_text(text)
        if c.identifier or c.settings:
            append(f"{timing_line(c)}\n{text.translate(_ESCAPES)}\n")
        else:
            append(f"{ts(c.start, '.')} --> {ts(c.end, '.')}\n{text.translate(_ESCAPES)}\n")
    out = "\n".join(parts)
    # A reader takes NUL for U+FFFD (the parsing algorithm says so): write what it reads.
    return out.replace("\0", "\ufffd") if "\0" in out else out


def timing_line(c: Cue) -> str:
    """The identifier line (if any) and the timing line with the cue's settings.

    >>> timing_line(Cue(1000, 2000, "x", identifier="intro", settings="line:0"))
    'intro\\n00:00:01.000 --> 00:00:02.000 line:0'
    """
    line = identifier_line(c.identifier)
    head = f"{line}\n" if line else ""
    settings = settings_text(c.settings) if c.settings else ""
    tail = f" {settings}" if settings else ""
    return f"{head}{format_timestamp(c.start, '.')} --> {format_timestamp(c.end, '.')}{tail}"


def sniff(text: str) -> bool:
    return text.startswith("WEBVTT")


def to_webvtt(track: Track) -> webvtt.WebVTT:
    import webvtt

    return webvtt.WebVTT(
        captions=[
            webvtt.Caption(
                format_timestamp(c.start, "."), format_timestamp(c.end, "."), escape(c.text)
            )
            for c in track.cues
        ]
    )


def from_webvtt(vtt: webvtt.WebVTT, **meta: Any) -> Track:
    cues = tuple(
        Cue(
            int(c.start_time.in_milliseconds()),
            int(c.end_time.in_milliseconds()),
            plain_text(c.raw_text).strip(),
        )
        for c in vtt.captions
    )
    return Track(cues, **meta)


FORMAT = Format(
    name="vtt",
    extensions=(".vtt",),
    description="WebVTT",
    read=read,
    write=write,
    sniff=sniff,
    aliases=("webvtt",),
)
