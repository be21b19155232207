"""JSON Lines datasets: one row object a line, each with ``id`` and ``segments``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import ParseError
from ..model import Track
from .base import Format, ReadContext
from .json_segments import _decode_json, rows_to_tracks, segment_dicts


def _rows(text: str, ctx: ReadContext) -> Iterator[tuple[int, int | None, Any]]:
    number = 0
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        number += 1
        # Picking one row by id need not decode every other row in full.
        if ctx.only_id is not None and f'"{ctx.only_id}"' not in line:
            continue
        try:
            yield number, line_no, _decode_json(line, ctx, line_offset=line_no - 1)
        except ParseError as exc:
            ctx.problem(ParseError(exc.message, source=ctx.source, line=line_no))


def read(text: str, ctx: ReadContext) -> Iterator[Track]:
    return rows_to_tracks(_rows(text, ctx), ctx)


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
