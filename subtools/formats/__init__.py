"""The format registry: names and extensions to format modules, plus load and save.

Each module in this package defines ``FORMAT``, a :class:`Format`; the registry
finds them, so adding a format is adding one file.  Format modules import their
heavy parsers (pysrt, webvtt-py) only when they read.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Iterator
from functools import cache
from typing import IO

from ..errors import ParseError, UsageError
from ..fileio import atomic_write, decode
from ..model import Track
from .base import Format, ParseWarning, ReadContext

__all__ = [
    "Format",
    "ParseWarning",
    "ReadContext",
    "all_formats",
    "detect_format",
    "format_for_path",
    "get_format",
    "iter_tracks",
    "iter_tracks_from_string",
    "save",
    "source_name",
]

Source = str | os.PathLike[str] | IO[str] | IO[bytes]


@cache
def all_formats() -> tuple[Format, ...]:
    """Every registered format, in sniffing order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, Format):
            found.append(fmt)
    return tuple(sorted(found, key=lambda f: (f.priority, f.name)))


@cache
def _by_name() -> dict[str, Format]:
    table: dict[str, Format] = {}
    for fmt in all_formats():
        for key in (fmt.name, *fmt.aliases, *(e.lstrip(".") for e in fmt.extensions)):
            table[key.lower()] = fmt
    return table


def get_format(name: str) -> Format:
    """A format by name, alias or extension.

    >>> get_format("webvtt").name
    'vtt'
    >>> get_format(".SRT").name
    'srt'
    """
    fmt = _by_name().get(name.lower().lstrip("."))
    if fmt is None:
        known = ", ".join(f.name for f in all_formats())
        raise UsageError(f"unknown format {name!r} (known: {known})")
    return fmt


def format_for_path(path: str | os.PathLike[str]) -> Format | None:
    """The format a file name's extension names, or None; a double extension that names
    a format of its own goes first.

    >>> format_for_path("talk.words.vtt").name, format_for_path("talk.en.vtt").name
    ('vtt-words', 'vtt')
    """
    stem, suffix = os.path.splitext(os.path.basename(os.fspath(path)).lower())
    if not suffix:
        return None
    inner = os.path.splitext(stem)[1]
    found = _by_name().get(f"{inner}{suffix}".lstrip(".")) if inner else None
    return found or _by_name().get(suffix.lstrip("."))


def detect_format(text: str) -> Format | None:
    """The format the text looks like, from its start, or None.

    >>> detect_format("WEBVTT\\n\\n00:01.000 --> 00:02.000\\nhi").name
    'vtt'
    """
    text = text.lstrip("\ufeff \t\r\n")
    for fmt in all_formats():
        if fmt.sniff is not None and fmt.read is not None and fmt.sniff(text):
            return fmt
    return None


def source_name(source: Source) -> str:
    """How errors name a source: the path, or an open file's name."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def _read_source(source: Source, name: str, encoding: str | None) -> str:
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise ParseError(f"cannot read: {exc.strerror}", source=name) from None
        return decode(data, name, encoding)
    raw = source.read()
    if isinstance(raw, bytes):
        return decode(raw, name, encoding)
    return raw


def iter_tracks(
    source: Source,
    format: str | None = None,
    *,
    id: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
    encoding: str | None = None,
) -> Iterator[Track]:
    """Every track in a file or stream (one, or one per row of a dataset)."""
    name = source_name(source)
    text = _read_source(source, name, encoding)
    fmt = get_format(format) if format else None
    if fmt is None and isinstance(source, (str, os.PathLike)):
        fmt = format_for_path(source)
    yield from iter_tracks_from_string(
        text, fmt.name if fmt else None, source=name, id=id, lenient=lenient, on_warning=on_warning
    )


def iter_tracks_from_string(
    text: str,
    format: str | None = None,
    *,
    source: str = "<string>",
    id: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
) -> Iterator[Track]:
    """Every track in a string; the format is detected from the content if not given."""
    if text.startswith("\ufeff"):
        # A byte-order mark read as text: decoding from bytes removes it, so must this.
        text = text[1:]
    fmt = get_format(format) if format else detect_format(text)
    if fmt is None:
        raise ParseError(
            "unrecognised content: not SRT, WebVTT, JSON or JSONL", source=source, line=1
        )
    if fmt.read is None:
        raise UsageError(f"{fmt.name} can be written but not read")
    ctx = ReadContext(source=source, lenient=lenient, on_warning=on_warning, only_id=id)
    found = False
    for track in fmt.read(text, ctx):
        found = True
        yield track
    if id is not None and not found:
        raise ParseError(f"no row with id {id!r}", source=source)


def save(track: Track, path: str | os.PathLike[str], format: str | None = None) -> None:
    """Write a track atomically; ``-`` writes to standard output."""
    if format is None:
        fmt = format_for_path(path)
        if fmt is None:
            raise UsageError(f"cannot tell the format from {os.fspath(path)!r}; name one")
    else:
        fmt = get_format(format)
    text = fmt.write_text(track)
    if os.fspath(path) == "-":
        sys.stdout.write(text)
        return
    atomic_write(path, text)
