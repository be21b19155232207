"""JSON: a list of segments, a Whisper result, or a dataset (a list of rows).

* ``[{"start": 0.0, "end": 2.5, "text": " Hi", "words": [...]}, ...]``: one track.
* ``{"text": ..., "segments": [...], "language": "en"}`` (Whisper): one track,
  word timestamps kept.
* ``[{"id": ..., "segments": [...], ...}, ...]``: one track per row, the row's
  other fields kept as metadata.
* ``{"transcription": [{"offsets": {"from": 0, "to": 3500}, "text": ...}, ...]}``
  (whisper.cpp's ``-oj``, times in milliseconds): one track.

Times are float seconds here and become integer milliseconds once, with ``round()``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

from ..errors import ParseError, ParseNotice
from ..model import Cue, Track, Word, fill_untimed
from ..timecode import MAX_MS, MAX_SECONDS, is_finite_number, seconds_to_ms
from .base import Format, ReadContext

#: Fields of a row that become Track attributes rather than ``meta``.
_TRACK_FIELDS: Final = ("id", "title", "language")


class Place:
    """Where segments come from (a row of a dataset, or a bare list), for the errors."""

    __slots__ = ("ctx", "row", "row_id")

    def __init__(self, ctx: ReadContext, row: int | None = None, row_id: str | None = None):
        self.ctx = ctx
        self.row = row
        self.row_id = row_id

    def error(self, message: str, segment: int | None = None) -> ParseError:
        return ParseError(
            message, source=self.ctx.source, row=self.row, row_id=self.row_id, segment=segment
        )

    def notice(self, message: str, segment: int | None = None) -> ParseNotice:
        return ParseNotice(
            message, source=self.ctx.source, row=self.row, row_id=self.row_id, segment=segment
        )


def _time(seg: Mapping[str, Any], key: str) -> int | str:
    """The time in ms, or a message saying what is wrong with it."""
    if key not in seg:
        return f"missing {key!r}"
    value = seg[key]
    if not is_finite_number(value):
        if isinstance(value, float):
            return f"{key} is {value}, not a finite number"
        return f"{key} must be a number of seconds, not {type(value).__name__} {value!r}"
    if value < 0:
        return f"negative {key} {value}"
    if value > MAX_SECONDS:
        return f"{key} {value} is out of range (a million hours or more)"
    return seconds_to_ms(value)


def _words(raw: Any, bounds: tuple[int, int]) -> tuple[tuple[Word, ...], int] | str:
    """A segment's words, and how many of them had no times; or what is wrong.

    A word with neither time (WhisperX leaves numbers and symbols so, its aligner
    having no sounds for them) is timed between the words around it (``bounds``: the
    segment's span where a neighbour is missing); a word with one time, or a time that
    is not a number of seconds, is an error.
    """
    if not isinstance(raw, list):
        return f"words must be a list, not {type(raw).__name__}"
    texts: list[str] = []
    spans: list[tuple[int, int] | None] = []
    for i, w in enumerate(raw, 1):
        if not isinstance(w, Mapping):
            return f"word {i} is not an object"
        text = w.get("word", w.get("text"))
        if not isinstance(text, str):
            return f"word {i} has no text"
        texts.append(text.strip())
        if w.get("start") is None and w.get("end") is None:
            spans.append(None)
            continue
        start, end = _time(w, "start"), _time(w, "end")
        if isinstance(start, str) or isinstance(end, str):
            return f"word {i}: {start if isinstance(start, str) else end}"
        spans.append((start, end))
    filled = fill_untimed(spans, bounds)
    return tuple(Word(s, e, t) for (s, e), t in zip(filled, texts, strict=True)), spans.count(None)


def parse_segments(raw: Any, place: Place) -> list[Cue]:
    """Cues from a list of segment objects, validating each one."""
    if not isinstance(raw, list):
        raise place.error(f"segments must be a list, not {type(raw).__name__}")
    cues: list[Cue] = []
    append = cues.append
    number = _NUMBER
    untimed = first = 0  # words without times, and the first segment with one
    top = MAX_SECONDS
    for n, seg in enumerate(raw, 1):
        # Fast path for the common, well-formed segment; anything else is checked in full
        # by _segment, which also words the error.  The range test is False for NaN.
        # The rounding is seconds_to_ms, inlined: this loop is most of reading a dataset.
        if (
            type(seg) is dict
            and "start" in seg
            and "end" in seg
            and "words" not in seg
            and "identifier" not in seg
            and "settings" not in seg
        ):
            start, end, text = seg["start"], seg["end"], seg.get("text")
            if (
                type(start) in number
                and type(end) in number
                and type(text) is str
                and 0 <= start <= top
                and 0 <= end <= top
            ):
                append(Cue(round(start * 1000), round(end * 1000), text.strip()))
                continue
        read = _segment(seg)
        if isinstance(read, str):
            place.ctx.problem(place.error(read, segment=n))
            continue
        cue, missing = read
        append(cue)
        if missing:
            untimed += missing
            first = first or n
    if untimed:
        place.ctx.notice(
            place.notice(
                f"{untimed} word{'s' if untimed != 1 else ''} without times (as WhisperX "
                "leaves numbers and symbols): timed between the words around them",
                segment=first,
            )
        )
    return cues


_NUMBER: Final = (int, float)


def _segment(seg: Any) -> tuple[Cue, int] | str:
    """The cue of one segment and how many of its words had no times, or a message
    saying what is wrong with it."""
    if not isinstance(seg, Mapping):
        return f"segment must be an object, not {type(seg).__name__}"
    start, end = _time(seg, "start"), _time(seg, "end")
    text = seg.get("text")
    if isinstance(start, str):
        return start
    if isinstance(end, str):
        return end
    if "text" not in seg:
        return "missing 'text'"
    if not isinstance(text, str):
        return f"text must be a string, not {type(text).__name__}"
    # An end before the start is kept, as the subtitle readers keep it: repair gives
    # such a cue the time its text needs, and --raw writes it as it was.
    words: tuple[Word, ...] = ()
    untimed = 0
    if seg.get("words") is not None:
        read = _words(seg["words"], (start, max(start, end)))
        if isinstance(read, str):
            return read
        words, untimed = read
    extra: dict[str, str] = {}
    for key in ("identifier", "settings"):
        value = seg.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key} must be a string, not {type(value).__name__}"
        if value:
            extra[key] = value
    return Cue(start, end, text.strip(), words, **extra), untimed


def track_from_object(obj: Mapping[str, Any], place: Place, source: str) -> Track:
    """A track from a Whisper result or a dataset row."""
    if "segments" not in obj:
        raise place.error("row has no 'segments'")
    cues = parse_segments(obj["segments"], place)
    attrs = {k: obj[k] if isinstance(obj.get(k), str) else None for k in _TRACK_FIELDS}
    meta = {k: v for k, v in obj.items() if k != "segments" and k not in _TRACK_FIELDS}
    return Track(tuple(cues), source=source, meta=meta, **attrs)


def _whisper_cpp(obj: Mapping[str, Any], place: Place, source: str) -> Track:
    """whisper.cpp's JSON: each entry's ``offsets`` (``from``, ``to``: ms) and ``text``.

    >>> text = '{"result": {"language": "en"}, "transcription": [{"offsets": {"from": 0, '
    >>> text += '"to": 3500}, "text": " And so"}]}'
    >>> track = _whisper_cpp(json.loads(text), Place(ReadContext()), "a.json")
    >>> track.cues, track.language
    ((Cue(start=0, end=3500, text='And so', words=()),), 'en')
    """
    raw = obj["transcription"]
    if not isinstance(raw, list):
        raise place.error(f"transcription must be a list, not {type(raw).__name__}")
    cues: list[Cue] = []
    for n, entry in enumerate(raw, 1):
        offsets = entry.get("offsets") if isinstance(entry, Mapping) else None
        times: list[Any] = (
            [offsets.get(k) for k in ("from", "to")] if isinstance(offsets, Mapping) else []
        )
        text = entry.get("text") if isinstance(entry, Mapping) else None
        if not (
            len(times) == 2
            and all(is_finite_number(t) and 0 <= t <= MAX_MS for t in times)
            and isinstance(text, str)
        ):
            place.ctx.problem(
                place.error(
                    "expected 'offsets' with 'from' and 'to' (milliseconds) and a 'text'",
                    segment=n,
                )
            )
            continue
        cues.append(Cue(round(times[0]), round(times[1]), text.strip()))
    result = obj.get("result")
    language = result.get("language") if isinstance(result, Mapping) else None
    return Track(
        tuple(cues), source=source, language=language if isinstance(language, str) else None
    )


def decode_json(text: str, ctx: ReadContext, line_offset: int = 0) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"invalid JSON: {exc.msg} (column {exc.colno})",
            source=ctx.source,
            line=exc.lineno + line_offset,
        ) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply", source=ctx.source) from None
    except ValueError:
        # Integers of thousands of digits: Python refuses to convert them.
        raise ParseError("invalid JSON: a number too long to read", source=ctx.source) from None


def rows_to_tracks(
    rows: Iterator[tuple[int, int | None, Any]], ctx: ReadContext
) -> Iterator[Track]:
    """Tracks from ``(row number, line, row object)``; honours ``ctx.only_id``."""
    for number, line, row in rows:
        if not isinstance(row, Mapping):
            ctx.problem(
                ParseError(
                    f"row must be an object, not {type(row).__name__}",
                    source=ctx.source,
                    row=number,
                    line=line,
                )
            )
            continue
        row_id = row.get("id")
        row_id = str(row_id) if row_id is not None else None
        if ctx.only_id is not None and row_id != ctx.only_id:
            continue
        place = Place(ctx, row=number, row_id=row_id)
        try:
            yield track_from_object(row, place, ctx.source)
        except ParseError as exc:
            ctx.problem(exc)
        if ctx.only_id is not None:
            return


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    data = decode_json(text, ctx)
    if isinstance(data, list):
        if data and isinstance(data[0], Mapping) and "segments" in data[0]:
            yield from rows_to_tracks(((i, None, row) for i, row in enumerate(data, 1)), ctx)
            return
        yield Track(tuple(parse_segments(data, Place(ctx))), source=ctx.source)
        return
    if isinstance(data, Mapping):
        if ctx.only_id is not None and str(data.get("id")) != ctx.only_id:
            return
        if "transcription" in data and "segments" not in data:
            yield _whisper_cpp(data, Place(ctx), ctx.source)
            return
        yield track_from_object(data, Place(ctx), ctx.source)
        return
    raise ParseError(
        f"expected a list of segments or an object with 'segments', not {type(data).__name__}",
        source=ctx.source,
    )


def segment_dicts(track: Track) -> list[dict[str, Any]]:
    """The track as Whisper-style segments (float seconds, exact for whole ms)."""
    out = []
    for cue in track.cues:
        text = cue.text
        if text[:1].isspace() or text[-1:].isspace():
            text = text.strip()  # as the reader strips it
        seg: dict[str, Any] = {"start": cue.start / 1000, "end": cue.end / 1000, "text": text}
        if cue.words:
            seg["words"] = [
                {"start": w.start / 1000, "end": w.end / 1000, "word": w.text.strip()}
                for w in cue.words
            ]
        if cue.identifier:
            seg["identifier"] = cue.identifier
        if cue.settings:
            seg["settings"] = cue.settings
        out.append(seg)
    return out


def write(track: Track) -> str:
    return json.dumps(segment_dicts(track), ensure_ascii=False, indent=1) + "\n"


def sniff(text: str) -> bool:
    return text[:1] in ("[", "{")


FORMAT = Format(
    name="json",
    extensions=(".json",),
    description="JSON segments, a Whisper result, or a dataset of rows",
    read=read,
    write=write,
    sniff=sniff,
    multi=True,
)
