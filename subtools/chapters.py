"""Chapters: the timestamp list of a video description, checked by YouTube's rules.

A description such as::

    OUTLINE:
    0:00 - Intro & Overview
    2:30 - Reinforcement Learning vs Hebbian Plasticity
    1:02:30 - Immune Repertoire Classification

holds a chapter list when its timestamps follow the rules YouTube applies: the first
is 0:00, there are at least three, they ascend, and every chapter lasts at least ten
seconds.  A list that breaks one is refused with a :class:`ChapterError` naming the rule.
Each chapter ends where the next starts; the last at the media's duration when it is
known.  Times are integer milliseconds, as everywhere in subtools.

Writers give a WebVTT chapters track (``<track kind="chapters">``), an ffmpeg metadata
file (``;FFMETADATA1``, what ffmpeg and mkvmerge take), JSON, and the description
format back; :func:`load_chapters` reads each of them.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import ParseError, UsageError
from .fileio import split_lines
from .model import Track
from .timecode import format_timestamp, seconds_to_ms

__all__ = [
    "CHAPTER_FORMATS",
    "RULES",
    "Chapter",
    "ChapterError",
    "NoChapters",
    "chapter_format",
    "chapters_for_track",
    "load_chapters",
    "parse_chapters",
    "parse_time",
    "read_chapters",
    "write_chapters",
]

#: YouTube's rules for a chapter list, by the name errors give them.
RULES = {
    "starts-at-zero": "the first chapter starts at 0:00",
    "at-least-three": "there are at least three chapters",
    "ascending": "the times ascend",
    "ten-seconds": "every chapter lasts at least 10 seconds",
}
_MIN_CHAPTERS = 3
_MIN_LENGTH_MS = 10_000


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter: start and end in ms (``end`` None when the media's length is unknown)."""

    start: int
    end: int | None
    title: str


class ChapterError(ParseError):
    """A description whose chapter list cannot be used; ``rule`` names the rule it breaks
    (a key of :data:`RULES`), or is None for other problems (a chapter past the end)."""

    rule: str | None = None

    def __init__(self, message: str, *, rule: str | None = None, **place: Any) -> None:
        super().__init__(message, **place)
        self.rule = rule

    def __reduce__(self) -> tuple[object, ...]:
        # ParseError pickles its place; the rule is restored from the object's state.
        rebuild, args = super().__reduce__()[:2]
        return (rebuild, args, {"rule": self.rule})


class NoChapters(ChapterError):
    """A description with no timestamp list at all."""


# M:SS or H:MM:SS; minutes may pass 59 only when there is no hour.
_TIME = r"(?:(?P<h>\d{1,2}):(?P<hm>[0-5]\d)|(?P<m>\d{1,3})):(?P<s>[0-5]\d)"
_SEP = r"(?:\s*[-–—|:]\s*|\s+)"  # noqa: RUF001 (the en and em dashes are separators)
_BULLET = r"(?:[-*•·▶►]\s*)?"
# A title starts and ends with a non-space: the shortest such title that lets the rest
# match is the shortest title at all (one ending in a space leaves a shorter one), and
# the pattern tries what follows only after a non-space.  With a bare ``\S.*?`` it tried
# it after each character, scanning the spaces ahead again: 18 s on a line of 20,000.
_TITLE = r"(?P<title>\S(?:.*?\S)??)"
_LEADING = re.compile(rf"^\s*{_BULLET}[\[(]?{_TIME}[\])]?{_SEP}{_TITLE}\s*$")
_TRAILING = re.compile(rf"^\s*{_BULLET}{_TITLE}{_SEP}[\[(]?{_TIME}[\])]?\s*$")
# In a description whose line breaks were lost (as some datasets keep them): a time that
# stands alone between spaces.
_INLINE = re.compile(rf"(?<![\w:.,/]){_TIME}(?![\w:/])")
# Where the last title of a flattened list ends: a link, or the next "Label:" of the text.
_AFTER_LAST = re.compile(r"\s(?:https?://|www\.|\w+:\s)")
_STRIP = " \t-–—|:"  # noqa: RUF001


def _ms(m: re.Match[str]) -> int:
    if m["h"] is not None:
        return ((int(m["h"]) * 60 + int(m["hm"])) * 60 + int(m["s"])) * 1000
    return (int(m["m"]) * 60 + int(m["s"])) * 1000


def parse_time(value: str) -> int:
    """A time as descriptions and options write it, to ms: ``M:SS``, ``H:MM:SS`` (a
    fraction of a second allowed) or plain seconds.

    >>> parse_time("1:02:30"), parse_time("2:30.5"), parse_time("90")
    (3750000, 150500, 90000)
    """
    text = value.strip()
    m = re.fullmatch(rf"{_TIME}(?P<frac>\.\d{{1,3}})?", text)
    if m:
        frac = m["frac"] or ""
        return _ms(m) + (int(frac[1:].ljust(3, "0")) if frac else 0)
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(f"not a time: {value!r} (expected H:MM:SS, M:SS or seconds)") from None
    if not 0 <= seconds < float("inf"):
        raise UsageError(f"not a time: {value!r}")
    return seconds_to_ms(seconds)


def _clock(ms: int) -> str:
    """``M:SS`` or ``H:MM:SS``, as descriptions write times (whole seconds).

    >>> _clock(150_000), _clock(3_750_000)
    ('2:30', '1:02:30')
    """
    s = ms // 1000
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _listed(text: str) -> list[tuple[int, int, str]]:
    """``(line number, start, title)`` of every line that starts with a time and has a
    title; only if there is none, of every line that ends with one (``Intro - 0:00``),
    so that prose ending in a time ("recorded at 10:30") stays out of a usual list."""
    lines = split_lines(text)
    for shape in (_LEADING, _TRAILING):
        found = []
        for number, line in enumerate(lines, 1):
            m = shape.match(line)
            title = m["title"].strip(_STRIP) if m else ""
            if m and title:
                found.append((number, _ms(m), title))
        if found:
            return found
    return []


def _flattened(text: str) -> list[tuple[int, int, str]]:
    """The list of a description whose line breaks were lost: each title runs to the next
    time, the last to the first link or label after it.  Starts at a 0:00."""
    marks = [m for m in _INLINE.finditer(text) if m.end() < len(text)]
    first = next((i for i, m in enumerate(marks) if _ms(m) == 0), None)
    if first is None:
        return []
    marks = marks[first:]
    found = []
    line, counted = 1, 0  # line numbers counted on from the mark before: linear
    for i, m in enumerate(marks):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        if i + 1 < len(marks):
            title = text[m.end() : marks[i + 1].start()]
        else:
            rest = text[m.end() :]
            cut = _AFTER_LAST.search(rest, 1)
            title = rest[: cut.start()] if cut else rest
        found.append((line, _ms(m), title.strip(_STRIP)))
    return found


def parse_chapters(
    text: str, duration: int | None = None, *, source: str = "<description>"
) -> tuple[Chapter, ...]:
    """The chapter list of a description, checked by YouTube's rules.

    ``duration`` (ms) ends the last chapter; without it the last chapter's end is None.
    Raises :class:`NoChapters` when there is no timestamp list, and
    :class:`ChapterError` naming the rule a list breaks.

    >>> desc = "OUTLINE:\\n0:00 - Intro\\n2:30 - Method\\n1:02:30 | Results"
    >>> for c in parse_chapters(desc, duration=4_000_000):
    ...     print(c.start, c.end, c.title)
    0 150000 Intro
    150000 3750000 Method
    3750000 4000000 Results
    >>> parse_chapters("0:00 Intro\\n0:05 Too soon\\n1:00 Fine")
    Traceback (most recent call last):
    ...
    subtools.chapters.ChapterError: <description>:2: not a chapter list by YouTube's rules: \
every chapter lasts at least 10 seconds ('Intro' lasts 0:05)
    """
    found = _listed(text) or _flattened(text)
    if not found:
        raise NoChapters("no chapter list (no line starts with a time such as 0:00)", source=source)

    def broken(rule: str, detail: str, line: int) -> ChapterError:
        return ChapterError(
            f"not a chapter list by YouTube's rules: {RULES[rule]} ({detail})",
            rule=rule,
            source=source,
            line=line,
        )

    line, start, title = found[0]
    if start != 0:
        raise broken("starts-at-zero", f"it starts at {_clock(start)}", line)
    if len(found) < _MIN_CHAPTERS:
        raise broken("at-least-three", f"found {len(found)}", found[-1][0])
    for (_, a, prev), (line, b, title) in itertools.pairwise(found):
        if b <= a:
            raise broken("ascending", f"{_clock(b)} {title!r} follows {_clock(a)}", line)
        if b - a < _MIN_LENGTH_MS:
            raise broken("ten-seconds", f"{prev!r} lasts {_clock(b - a)}", line)
    chapters = [
        Chapter(a, found[i + 1][1] if i + 1 < len(found) else duration, title)
        for i, (_, a, title) in enumerate(found)
    ]
    if duration is not None:
        lines = [ln for ln, _, _ in found]
        past = [(ln, c) for ln, c in zip(lines, chapters, strict=True) if c.start >= duration]
        if past:
            line, c = past[0]
            raise ChapterError(
                f"{len(past)} chapter{'s' if len(past) > 1 else ''} past the end of the media "
                f"({_clock(duration)}): {c.title!r} starts at {_clock(c.start)}",
                source=source,
                line=line,
            )
        last = chapters[-1]
        if duration - last.start < _MIN_LENGTH_MS:
            detail = f"{last.title!r} lasts {_clock(duration - last.start)} to the end"
            raise broken("ten-seconds", detail, found[-1][0])
    return tuple(chapters)


def chapters_for_track(
    track: Track, description: str | None = None, duration: int | None = None
) -> tuple[Chapter, ...]:
    """The chapters of a dataset row: its ``description`` (or the one given), the last
    chapter ending at ``duration`` if given, else at the end of the last cue.

    >>> from subtools import Cue
    >>> row = Track((Cue(0, 40_000, "..."),), id="abc",
    ...             meta={"description": "0:00 A\\n0:10 B\\n0:20 C"})
    >>> [c.end for c in chapters_for_track(row)]
    [10000, 20000, 40000]
    """
    text = description if description is not None else track.meta.get("description")
    where = f"{track.source or '<input>'}: id {track.id}" if track.id else track.source
    source = f"{where or '<input>'}: description"
    if not isinstance(text, str) or not text.strip():
        raise NoChapters("no description", source=source)
    if duration is None and track.cues:
        duration = max(c.end for c in track.cues)
    return parse_chapters(text, duration, source=source)


# -- writers -----------------------------------------------------------------------------


def _ends(chapters: Iterable[Chapter]) -> list[tuple[int, int, str]]:
    out = []
    for c in chapters:
        if c.end is None:
            raise UsageError(
                f"the end of chapter {c.title!r} is unknown: give the media's duration "
                "(--duration or --media)"
            )
        out.append((c.start, c.end, c.title))
    return out


def to_webvtt(chapters: Iterable[Chapter]) -> str:
    """A WebVTT chapters track: one cue per chapter, numbered, the title as its text.

    >>> print(to_webvtt([Chapter(0, 12_000, "Intro & Overview")]), end="")
    WEBVTT
    <BLANKLINE>
    1
    00:00:00.000 --> 00:00:12.000
    Intro &amp; Overview
    """
    from .formats.vtt import escape

    cues = [
        f"{i}\n{format_timestamp(a, '.')} --> {format_timestamp(b, '.')}\n{escape(t)}\n"
        for i, (a, b, t) in enumerate(_ends(chapters), 1)
    ]
    return "\n".join(["WEBVTT\n", *cues])


_FFMETA_SPECIAL = re.compile(r"([=;#\\\n])")


def to_ffmetadata(chapters: Iterable[Chapter]) -> str:
    """An ffmpeg metadata file (``-i chapters.txt -map_chapters 1``), times in ms.

    >>> print(to_ffmetadata([Chapter(0, 12_000, "Q&A; more")]), end="")
    ;FFMETADATA1
    <BLANKLINE>
    [CHAPTER]
    TIMEBASE=1/1000
    START=0
    END=12000
    title=Q&A\\; more
    """
    parts = [";FFMETADATA1\n"]
    for a, b, t in _ends(chapters):
        title = _FFMETA_SPECIAL.sub(r"\\\1", t)
        parts.append(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={a}\nEND={b}\ntitle={title}\n")
    return "\n".join(parts)


def to_json(chapters: Iterable[Chapter]) -> str:
    """``[{"start", "end", "title"}]`` in seconds, as subtools writes segments.

    >>> to_json([Chapter(0, None, "Intro")])
    '[{"start": 0.0, "end": null, "title": "Intro"}]\\n'
    """
    rows = [
        {"start": c.start / 1000, "end": None if c.end is None else c.end / 1000, "title": c.title}
        for c in chapters
    ]
    return json.dumps(rows, ensure_ascii=False) + "\n"


def to_description(chapters: Iterable[Chapter]) -> str:
    """The list as a description writes it (whole seconds).

    >>> print(to_description([Chapter(0, 1, "Intro"), Chapter(3_750_000, None, "End")]), end="")
    0:00 - Intro
    1:02:30 - End
    """
    return "".join(f"{_clock(c.start)} - {c.title}\n" for c in chapters)


@dataclass(frozen=True)
class ChapterFormat:
    """A chapter file format: its name, file extension and writer."""

    name: str
    extension: str
    write: Callable[[Iterable[Chapter]], str]


#: The chapter formats by name (and alias).
CHAPTER_FORMATS = {
    "vtt": ChapterFormat("vtt", ".vtt", to_webvtt),
    "ffmetadata": ChapterFormat("ffmetadata", ".ffmetadata", to_ffmetadata),
    "json": ChapterFormat("json", ".json", to_json),
    "txt": ChapterFormat("txt", ".txt", to_description),
}
_ALIASES = {"webvtt": "vtt", "ffmeta": "ffmetadata", "description": "txt"}


def chapter_format(name: str) -> ChapterFormat:
    """A chapter format by name, alias or extension.

    >>> chapter_format(".ffmeta").name, chapter_format("description").extension
    ('ffmetadata', '.txt')
    """
    key = name.lower().lstrip(".")
    fmt = CHAPTER_FORMATS.get(_ALIASES.get(key, key))
    if fmt is None:
        known = ", ".join(CHAPTER_FORMATS)
        raise UsageError(f"unknown chapter format {name!r} (known: {known})")
    return fmt


def write_chapters(chapters: Iterable[Chapter], format: str) -> str:
    """The chapters in a format by name: ``vtt``, ``ffmetadata``, ``json`` or ``txt``."""
    return chapter_format(format).write(chapters)


# -- readers -----------------------------------------------------------------------------


def _from_ffmetadata(text: str, source: str) -> tuple[Chapter, ...]:
    chapters = []
    fields: dict[str, str] | None = None
    blocks: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(split_lines(text), 1):
        if line.startswith("["):
            fields = {} if line.strip() == "[CHAPTER]" else None
            if fields is not None:
                blocks.append((number, fields))
        elif fields is not None and "=" in line and not line.startswith((";", "#")):
            pair = re.split(r"(?<!\\)=", line, maxsplit=1)
            if len(pair) < 2:  # every "=" escaped: part of a key, no value
                message = f"not a KEY=value line: {line.strip()[:60]!r}"
                raise ParseError(message, source=source, line=number)
            fields[pair[0].strip().lower()] = re.sub(r"\\(.)", r"\1", pair[1])
    for number, f in blocks:
        try:
            num, den = (int(x) for x in f.get("timebase", "1/1000").split("/"))
            start, end = (round(int(f[k]) * num * 1000 / den) for k in ("start", "end"))
        except (KeyError, ValueError, ZeroDivisionError):
            raise ParseError(
                "a [CHAPTER] needs START, END and a TIMEBASE such as 1/1000",
                source=source,
                line=number,
            ) from None
        chapters.append(Chapter(start, end, f.get("title", "")))
    return tuple(chapters)


def _from_json(text: str, source: str) -> tuple[Chapter, ...]:
    try:
        rows = json.loads(text)
        return tuple(
            Chapter(
                seconds_to_ms(r["start"]),
                None if r.get("end") is None else seconds_to_ms(r["end"]),
                str(r["title"]),
            )
            for r in rows
        )
    except (ValueError, TypeError, KeyError):
        raise ParseError(
            'expected a JSON list of {"start", "end", "title"} (seconds)', source=source
        ) from None


def read_chapters(
    text: str, duration: int | None = None, *, source: str = "<chapters>"
) -> tuple[Chapter, ...]:
    """Chapters from any format the writers give: ffmetadata, WebVTT, JSON, or a
    description (checked by YouTube's rules, the last chapter ending at ``duration``).

    >>> [c.title for c in read_chapters(to_webvtt([Chapter(0, 5, "A"), Chapter(5, 9, "B")]))]
    ['A', 'B']
    """
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(";FFMETADATA"):
        return _from_ffmetadata(text, source)
    if head.startswith("WEBVTT"):
        from .api import loads

        cues = loads(text, "vtt").cues
        return tuple(Chapter(c.start, c.end, c.text.replace("\n", " ")) for c in cues)
    if head.startswith("["):
        return _from_json(text, source)
    return parse_chapters(text, duration, source=source)


def load_chapters(path: str | os.PathLike[str], duration: int | None = None) -> tuple[Chapter, ...]:
    """:func:`read_chapters` of a file."""
    from .fileio import decode

    name = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", source=name) from None
    return read_chapters(decode(data, name), duration, source=name)
