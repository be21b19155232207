"""WebVTT (.vtt): read with webvtt-py, one block at a time; written directly.

Cue text is plain text in the model: on read, tags (``<i>``, ``<c>``, ``<v Name>``,
inline ``<00:00:01.000>`` times) are removed and entities unescaped; inline times
become word timings.  On write ``&``, ``<`` and ``>`` are escaped, so ``-->`` can
never appear in cue text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from ..model import Cue, Track
from ..timecode import format_timestamp
from .base import Format, ReadContext
from .blocks import iter_blocks
from .srt import cue_text
from .vtt_words import inline_words

if TYPE_CHECKING:
    import webvtt

_TAG = re.compile(r"<[^>]*>")
# webvtt-py also accepts one-digit minutes and one- or two-digit milliseconds, which
# make ".5" mean 5 ms; only the WebVTT timestamp shape is accepted here.
_TS = r"(?:\d+:)?[0-5]\d:[0-5]\d\.\d{3}"
_TIMING = re.compile(rf"\s*{_TS}\s*-->\s*{_TS}(?:\s.*)?$")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plain_text(raw: str) -> str:
    """Cue payload without tags, entities decoded.

    >>> plain_text("<v Bob>Fish &amp; <i>chips</i></v>")
    'Fish & chips'
    """
    if "<" in raw:
        raw = _TAG.sub("", raw)
    if "&" in raw:
        import html  # rare in captions, so not loaded up front

        raw = html.unescape(raw)
    return raw


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    from webvtt.models import Timestamp
    from webvtt.vtt import WebVTTCueBlock

    def to_ms(value: str) -> int:
        return int(Timestamp.from_string(value).in_milliseconds())

    blocks = iter_blocks(text, blank_ends=False)
    header = next(blocks, None)
    if header is None or header[0] != 1 or not header[1][0].startswith("WEBVTT"):
        raise ParseError(
            "not a WebVTT file: the first line must start with 'WEBVTT'", source=ctx.source, line=1
        )
    language = None
    for line in header[1][1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "language" and value.strip():
            language = value.strip()

    cues: list[Cue] = []
    for first, lines in blocks:
        head = lines[0]
        if not head.strip():
            # Whitespace-only lines between cues: nothing to read.
            if len(lines) == 1 or not any(ln.strip() for ln in lines):
                continue
            lines = [ln for ln in lines if ln.strip()] if "-->" not in head else lines
            head = lines[0]
        if head.startswith(("NOTE", "STYLE", "REGION")) and not any("-->" in ln for ln in lines):
            continue
        if not WebVTTCueBlock.is_valid(lines):
            arrow = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
            if arrow is not None:
                ctx.problem(
                    ParseError(
                        f"malformed cue timing {lines[arrow].strip()!r}",
                        source=ctx.source,
                        line=first + arrow,
                    )
                )
            elif cues:
                prev = cues[-1]
                extra = "\n".join(plain_text(ln).strip() for ln in lines)
                cues[-1] = prev.replace(text=f"{prev.text}\n{extra}")
            else:
                ctx.problem(
                    ParseError(
                        "not a cue, comment, style or region block", source=ctx.source, line=first
                    )
                )
            continue
        timing_at = 0 if "-->" in head else 1
        if not _TIMING.match(lines[timing_at]):
            ctx.problem(
                ParseError(
                    f"malformed cue timing {lines[timing_at].strip()!r} "
                    "(expected [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm)",
                    source=ctx.source,
                    line=first + timing_at,
                )
            )
            continue
        block = WebVTTCueBlock.from_lines(lines)
        start, end = to_ms(block.start), to_ms(block.end)
        words = inline_words("\n".join(block.payload), start, end)
        body = "\n".join(t for t in (plain_text(ln).strip() for ln in block.payload) if t)
        cues.append(Cue(start, end, body, words))
    yield Track(tuple(cues), source=ctx.source, language=language)


def escape(text: str) -> str:
    """Text safe for a WebVTT cue payload.

    >>> escape("a --> b & <c>")
    'a --&gt; b &amp; &lt;c&gt;'
    """
    return text.translate(_ESCAPES)


def write(track: Track) -> str:
    ts = format_timestamp
    nl = "\n"
    parts = ["WEBVTT\n"]
    parts.extend(
        f"{ts(c.start, '.')} --> {ts(c.end, '.')}\n"
        f"{escape(c.text if nl not in c.text else cue_text(c.text))}\n"
        for c in track.cues
    )
    return "\n".join(parts)


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
