"""SubRip (.srt): read with pysrt, one block at a time; written directly.

pysrt parses each cue; the blocks are cut here so that an error names its line and a
lenient read can skip one cue and go on.  Writing formats integer milliseconds
directly: it is several times faster than building pysrt objects, and
``to_pysrt``/``from_pysrt`` remain for callers who want those objects.
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

if TYPE_CHECKING:
    import pysrt

# pysrt accepts minutes like 61 and any number of millisecond digits; a subtitle file
# with those is broken, so the timing line is checked before pysrt reads it.
_TS = r"\d{1,3}:[0-5]?\d:[0-5]?\d[,.]\d{3}"
_TIMING = re.compile(rf"\s*{_TS}\s*-->\s*{_TS}(?:\s.*)?$")


def _is_cue_block(lines: list[str]) -> bool:
    return "-->" in lines[0] or (len(lines) > 1 and "-->" in lines[1]) or lines[0].strip().isdigit()


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    from pysrt import SubRipItem, srtexc

    cues: list[Cue] = []
    for first, lines in iter_blocks(text):
        if not _is_cue_block(lines):
            if cues:
                # A blank line inside a cue's text: the text belongs to the cue before.
                prev = cues[-1]
                cues[-1] = prev.replace(text="\n".join([prev.text, *(ln.strip() for ln in lines)]))
                continue
            ctx.problem(
                ParseError(
                    "not an SRT cue: expected a number and a 'start --> end' line",
                    source=ctx.source,
                    line=first,
                )
            )
            continue
        timing_at = 0 if "-->" in lines[0] else 1
        line_no = first + timing_at
        if timing_at >= len(lines):
            ctx.problem(
                ParseError(
                    "cue number without a 'start --> end' line", source=ctx.source, line=first
                )
            )
            continue
        if not _TIMING.match(lines[timing_at]):
            ctx.problem(
                ParseError(
                    f"malformed timing line {lines[timing_at].strip()!r} "
                    "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)",
                    source=ctx.source,
                    line=line_no,
                )
            )
            continue
        try:
            item = SubRipItem.from_lines(lines)
        except (srtexc.Error, ValueError) as exc:
            ctx.problem(
                ParseError(
                    f"malformed cue: {exc or type(exc).__name__}", source=ctx.source, line=line_no
                )
            )
            continue
        body = "\n".join(ln.strip() for ln in item.text.split("\n")).strip()
        cues.append(Cue(item.start.ordinal, item.end.ordinal, body))
    yield Track(tuple(cues), source=ctx.source)


_BLANK_LINE = re.compile(r"(?:^|\n)[^\S\n]*(?:\n|$)")


def cue_text(text: str) -> str:
    """Cue text without blank lines, which would end an SRT or WebVTT block early.

    >>> cue_text("a\\n\\n b \\n  \\nc"), cue_text("a\\nb")
    ('a\\n b \\nc', 'a\\nb')
    """
    if "\n" not in text or not _BLANK_LINE.search(text):
        return text
    return "\n".join(line for line in text.split("\n") if line.strip())


def write(track: Track) -> str:
    ts = format_timestamp
    nl = "\n"
    return "\n".join(
        f"{n}\n{ts(c.start)} --> {ts(c.end)}\n{c.text if nl not in c.text else cue_text(c.text)}\n"
        for n, c in enumerate(track.cues, 1)
    )


def sniff(text: str) -> bool:
    lines = text[:2048].split("\n", 3)
    return (
        bool(lines)
        and _is_cue_block([ln.strip() for ln in lines[:2] if ln.strip()] or [""])
        and any(_TIMING.match(ln.strip()) for ln in lines[:2])
    )


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
