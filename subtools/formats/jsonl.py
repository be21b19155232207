"""JSON Lines datasets: one row object a line, each with ``id`` and ``segments``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ParseError
from ..model import Track
from .base import Format, ReadContext
from .json_segments import decode_json, rows_to_tracks, segment_dicts


def split_rows(text: str, only_id: str | None = None) -> list[tuple[int, int, str]]:
    """``(row number, line number, line)`` of every non-blank line, without decoding.

    With ``only_id``, lines that cannot hold that id are left out: picking one row need
    not decode every other row.
    """
    rows = []
    number = 0
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        number += 1
        if only_id is not None and f'"{only_id}"' not in line:
            continue
        rows.append((number, line_no, line))
    return rows


def decode_rows(rows: Iterable[tuple[int, int, str]], ctx: ReadContext) -> Iterator[Track]:
    """Tracks from the lines :func:`split_rows` gave, errors placed by row and line."""

    def objects() -> Iterator[tuple[int, int | None, Any]]:
        for number, line_no, line in rows:
            try:
                yield number, line_no, decode_json(line, ctx, line_offset=line_no - 1)
            except ParseError as exc:
                ctx.problem(ParseError(exc.message, source=ctx.source, line=line_no))

    return rows_to_tracks(objects(), ctx)


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    return decode_rows(split_rows(text, ctx.only_id), ctx)


def write(track: Track) -> str:
    row: dict[str, Any] = {
        k: v
        for k, v in (("id", track.id), ("title", track.title), ("language", track.language))
        if v is not None
    }
    row.update(track.meta)
    row["segments"] = segment_dicts(track)
    return json.dumps(row, ensure_ascii=False) + "\n"


def sniff(text: str) -> bool:
    # One whole object on the first line and more after it: plain JSON would fail on that.
    first, sep, rest = text.partition("\n")
    if not (first.startswith("{") and sep and rest.strip()):
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


FORMAT = Format(
    name="jsonl",
    extensions=(".jsonl", ".ndjson"),
    description="JSON Lines dataset, one row with id and segments per line",
    read=read,
    write=write,
    sniff=sniff,
    multi=True,
    priority=10,
)
