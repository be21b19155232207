"""Reading tracks: from files, strings and segment lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import ParseError, UsageError
from .formats import Source, iter_tracks, iter_tracks_from_string, source_name
from .formats.base import ReadContext
from .formats.json_segments import Place, parse_segments
from .model import Track


def load(
    source: Source,
    format: str | None = None,
    *,
    id: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
    encoding: str | None = None,
) -> Track:
    """One track from a path or an open file; the format comes from the extension or content.

    A dataset (JSONL, or a JSON list of rows) needs ``id`` unless it has one row.
    Strict by default: bad input raises :class:`ParseError` naming the place.
    With ``lenient=True`` bad items are skipped and each is passed to ``on_warning``.

    >>> import io
    >>> track = load(io.StringIO("1\\n00:00:01,000 --> 00:00:02,500\\nHello\\n"))
    >>> track[0].start, track[0].end, track[0].text
    (1000, 2500, 'Hello')
    """
    tracks = iter_tracks(
        source, format, id=id, lenient=lenient, on_warning=on_warning, encoding=encoding
    )
    return one_track(tracks, source_name(source))


def load_all(
    source: Source,
    format: str | None = None,
    *,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
    encoding: str | None = None,
) -> list[Track]:
    """Every track in a file: one per dataset row, or the single track of a subtitle file."""
    return list(
        iter_tracks(source, format, lenient=lenient, on_warning=on_warning, encoding=encoding)
    )


def loads(
    text: str,
    format: str | None = None,
    *,
    id: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
) -> Track:
    """One track from a string; the format is detected when not given.

    >>> loads('[{"start": 0.5, "end": 1.25, "text": " Hi"}]')[0]
    Cue(start=500, end=1250, text='Hi', words=())
    """
    tracks = iter_tracks_from_string(text, format, id=id, lenient=lenient, on_warning=on_warning)
    return one_track(tracks, "<string>")


def from_segments(segments: Iterable[Mapping[str, Any]], **meta: Any) -> Track:
    """A track from Whisper-style segments (float seconds); each becomes one cue.

    >>> track = from_segments([{"start": 5.5600000000000005, "end": 7.0, "text": " Hello"}])
    >>> track[0]
    Cue(start=5560, end=7000, text='Hello', words=())
    """
    ctx = ReadContext(source=str(meta.get("source") or "<segments>"))
    cues = parse_segments(list(segments), Place(ctx))
    return Track(tuple(cues), **meta)


def one_track(
    tracks: Iterable[Track],
    name: str,
    several: str = "pick one with id=, or read them all with load_all()",
) -> Track:
    """The only track of ``tracks``; a dataset of several rows is a usage error saying
    what to do instead (``several``)."""
    it = iter(tracks)
    first = next(it, None)
    if first is None:
        raise ParseError("no track in input", source=name)
    if next(it, None) is not None:
        raise UsageError(f"{name} holds several tracks (a dataset): {several}")
    return first
