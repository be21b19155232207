"""Datasets read and written a window of rows at a time: JSONL and Parquet.

A dataset is rows with ``id`` and ``segments`` (Whisper-style, float seconds), as
JSON Lines or as Parquet (``segments`` a ``list<struct<start, end, text>>``, as Hugging
Face datasets store them).  It is cut into :class:`Rows` windows of about
``WINDOW_BYTES`` of input, read lazily, so memory stays flat however big the file;
a window pickles cheaply (raw lines, or Arrow IPC bytes) and is decoded where it is
processed.  For a run that spreads a dataset over processes, :func:`partitions` cuts it
into parts that each process reads itself (byte ranges, row groups).  pyarrow is
imported only for Parquet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ParseError, UsageError
from .formats.base import ReadContext
from .formats.json_segments import rows_to_tracks
from .model import Track

if TYPE_CHECKING:
    import pyarrow as pa

#: Input per window: small enough that a window a worker never holds much, big enough
#: that handing it over costs little next to the work.
WINDOW_BYTES = 128 << 10

#: Dataset formats (``Rows.kind``) by file extension.
DATASET_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def dataset_kind(path: str, format: str | None = None) -> str | None:
    """``"jsonl"`` or ``"parquet"`` for a dataset file (from ``format`` or the extension).

    >>> dataset_kind("talks.parquet"), dataset_kind("talks.srt"), dataset_kind("x", "ndjson")
    ('parquet', None, 'jsonl')
    """
    if format is not None:
        return DATASET_KINDS.get("." + format.lower().lstrip("."))
    return DATASET_KINDS.get(os.path.splitext(path)[1].lower())


@dataclass(frozen=True)
class Rows:
    """Consecutive rows of a dataset: JSONL ``(row, line, bytes)`` triples, or one
    Arrow record batch as IPC bytes whose first row is ``first_row``."""

    source: str
    kind: str
    lines: tuple[tuple[int, int, bytes], ...] = ()
    arrow: bytes = b""
    first_row: int = 1
    count: int = 0
    encoding: str | None = None

    @property
    def size(self) -> int:
        """Bytes of input, how much work the window roughly is."""
        return len(self.arrow) + sum(len(raw) for _, _, raw in self.lines)

    @property
    def key(self) -> str:
        """A name for the window, unique within its dataset: its first row."""
        return f"r{self.lines[0][0] if self.lines else self.first_row}"


@dataclass(frozen=True)
class Partition:
    """Part of a dataset that the process converting it reads itself: bytes
    ``[start, end)`` of a JSONL file (its rows numbered from the range's start), or row
    groups of a Parquet file whose first row is ``first_row``."""

    index: int
    source: str
    kind: str
    start: int = 0
    end: int | None = None
    groups: range | None = None
    first_row: int = 1
    #: Bytes of input (uncompressed, for Parquet): how much work it roughly is.
    size: int = 0
    encoding: str | None = None
    columns: tuple[str, ...] | None = None

    @property
    def key(self) -> str:
        """A name for the partition, unique within its dataset."""
        return f"p{self.index}"

    def windows(self, tally: dict[str, int] | None = None) -> Iterator[Rows]:
        """Its rows, a window at a time; ``tally`` gets a JSONL range's counts of
        ``rows`` and ``lines``."""
        if self.kind == "parquet":
            columns = list(self.columns) if self.columns is not None else None
            return parquet_windows(
                self.source, row_groups=self.groups, first_row=self.first_row, columns=columns
            )
        return jsonl_windows(
            self.source, start=self.start, end=self.end, encoding=self.encoding, tally=tally
        )


def dataset_size(path: str, kind: str) -> int:
    """Bytes of input: the file's size, or a Parquet file's uncompressed size."""
    if kind == "parquet":
        meta = open_parquet(path).metadata
        return sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))
    try:
        return os.path.getsize(path)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", source=path) from None


def partitions(
    path: str,
    kind: str,
    part_bytes: int,
    *,
    encoding: str | None = None,
    columns: list[str] | None = None,
    split_bytes: int | None = None,
    window_bytes: int = WINDOW_BYTES,
) -> Iterator[Partition | Rows]:
    """The dataset in parts of about ``part_bytes`` of input, in order, for processes
    that read their own part: byte ranges of a JSONL file, runs of Parquet row groups.

    A row group is the least a Parquet reader can be asked for, so a part is never less
    than one.  A row group of ``split_bytes`` or more (and of two parts at least) is read
    here instead and handed out as :class:`Rows` windows of ``window_bytes``: a file
    written as a few big row groups (pyarrow writes one by default) is still spread over
    the workers.
    """
    cols = tuple(columns) if columns is not None else None
    if kind != "parquet":
        total = dataset_size(path, kind)
        step = max(1, part_bytes)
        for i, start in enumerate(range(0, max(total, 1), step)):
            end = min(start + step, total)
            yield Partition(
                i, path, kind, start=start, end=end, size=end - start, encoding=encoding
            )
        return
    meta = open_parquet(path).metadata
    split = max(split_bytes, 2 * part_bytes) if split_bytes is not None else None
    index = first = size = 0
    row = 1  # the first row of group ``first``

    def run(end: int) -> Partition:
        return Partition(
            index, path, kind, groups=range(first, end), first_row=row, size=size, columns=cols
        )

    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        if split is not None and group.total_byte_size >= split:
            if g > first:  # the run of small groups before it
                yield run(g)
                index += 1
                row += sum(meta.row_group(i).num_rows for i in range(first, g))
            yield from parquet_windows(
                path,
                row_groups=range(g, g + 1),
                first_row=row,
                columns=columns,
                window_bytes=window_bytes,
            )
            row += group.num_rows
            first, size = g + 1, 0
            continue
        size += group.total_byte_size
        if size >= part_bytes or g == meta.num_row_groups - 1:
            yield run(g + 1)
            index += 1
            row += sum(meta.row_group(i).num_rows for i in range(first, g + 1))
            first, size = g + 1, 0


def windows(
    path: str,
    kind: str,
    *,
    encoding: str | None = None,
    only_id: str | None = None,
    columns: list[str] | None = None,
    window_bytes: int = WINDOW_BYTES,
) -> Iterator[Rows]:
    """The whole dataset as :class:`Rows` windows, in order."""
    if kind == "parquet":
        return parquet_windows(path, columns=columns, window_bytes=window_bytes)
    return jsonl_windows(path, encoding=encoding, only_id=only_id, window_bytes=window_bytes)


def jsonl_windows(
    path: str,
    *,
    start: int = 0,
    end: int | None = None,
    encoding: str | None = None,
    only_id: str | None = None,
    window_bytes: int = WINDOW_BYTES,
    tally: dict[str, int] | None = None,
) -> Iterator[Rows]:
    """Windows of the rows that start in bytes ``[start, end)`` of a JSONL file.

    Row and line numbers count from the start of the range (from 1); lines are not
    decoded here.  With ``only_id``, lines that cannot hold that id are left out.
    ``tally`` (if given) gets the range's count of ``rows`` and ``lines`` at the end.
    """
    needle = f'"{only_id}"'.encode(encoding or "utf-8") if only_id is not None else None
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below; a generator holds it open)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", source=path) from None
    with fh:
        pos = start
        if start > 0:
            # The row that straddles ``start`` belongs to the range before.
            fh.seek(start - 1)
            pos = start - 1 + len(fh.readline())
        batch: list[tuple[int, int, bytes]] = []
        size = row = line_no = 0
        for raw in fh:
            if end is not None and pos >= end:
                break
            pos += len(raw)
            line_no += 1
            if not raw.strip():
                continue
            row += 1
            if needle is not None and needle not in raw:
                continue
            batch.append((row, line_no, raw))
            size += len(raw)
            if size >= window_bytes:
                yield Rows(path, "jsonl", tuple(batch), count=len(batch), encoding=encoding)
                batch, size = [], 0
        if batch:
            yield Rows(path, "jsonl", tuple(batch), count=len(batch), encoding=encoding)
        if tally is not None:
            tally.update(rows=row, lines=line_no)


def open_parquet(path: str) -> Any:
    """A ``pyarrow.parquet.ParquetFile``; unreadable files are a :class:`ParseError`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path, pre_buffer=False)
    except OSError as exc:  # pyarrow's own errors subclass OSError or ArrowException
        raise ParseError(f"cannot read as Parquet: {exc}", source=path) from None
    except pa.ArrowException as exc:
        raise ParseError(f"cannot read as Parquet: {exc}", source=path) from None
    if "segments" not in pf.schema_arrow.names:
        raise ParseError("no 'segments' column", source=path)
    return pf


def parquet_windows(
    path: str,
    *,
    row_groups: range | None = None,
    first_row: int = 1,
    columns: list[str] | None = None,
    window_bytes: int = WINDOW_BYTES,
) -> Iterator[Rows]:
    """Windows of a Parquet file's rows (of ``row_groups``, else all), read one record
    batch at a time."""
    import pyarrow as pa

    pf = open_parquet(path)
    meta = pf.metadata
    groups = row_groups if row_groups is not None else range(meta.num_row_groups)
    rows = sum(meta.row_group(g).num_rows for g in groups)
    size = sum(meta.row_group(g).total_byte_size for g in groups)
    batch_rows = max(1, window_bytes * rows // size) if size else 1024
    if columns is not None:
        columns = [c for c in pf.schema_arrow.names if c in columns]
    for batch in pf.iter_batches(
        batch_size=batch_rows, row_groups=list(groups), columns=columns, use_threads=False
    ):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        yield Rows(
            path,
            "parquet",
            arrow=sink.getvalue().to_pybytes(),
            first_row=first_row,
            count=batch.num_rows,
        )
        first_row += batch.num_rows


def record_batch(rows: Rows) -> pa.RecordBatch:
    """The Arrow record batch a Parquet window carries."""
    import pyarrow as pa

    return pa.ipc.open_stream(rows.arrow).read_next_batch()


def _objects(rows: Rows, ctx: ReadContext) -> Iterator[tuple[int, int | None, Any]]:
    """``(row number, line, row object)`` for each row of the window."""
    if rows.kind == "parquet":
        batch = record_batch(rows)
        names = batch.schema.names
        columns = [batch.column(n).to_pylist() for n in names]
        for i, values in enumerate(zip(*columns, strict=True)):
            yield rows.first_row + i, None, dict(zip(names, values, strict=True))
        return
    encoding = rows.encoding or "utf-8"
    for number, line_no, raw in rows.lines:
        try:
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf") and encoding == "utf-8":
                raw = raw[3:]
            obj = json.loads(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            ctx.problem(
                ParseError(f"not valid {encoding}: {exc.reason}", source=ctx.source, line=line_no)
            )
            continue
        except ValueError as exc:
            where = f" (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            ctx.problem(
                ParseError(f"invalid JSON: {message}{where}", source=ctx.source, line=line_no)
            )
            continue
        except RecursionError:
            ctx.problem(
                ParseError("invalid JSON: nested too deeply", source=ctx.source, line=line_no)
            )
            continue
        yield number, line_no, obj


def tracks(rows: Rows, ctx: ReadContext) -> Iterator[tuple[int, Track]]:
    """``(row number, track)`` for each good row of the window; bad rows go to
    ``ctx.problem`` (raised, or skipped with a warning when lenient)."""
    for number, line, obj in _objects(rows, ctx):
        for track in rows_to_tracks(iter([(number, line, obj)]), ctx):
            yield number, track


def iter_dataset(
    path: str,
    kind: str,
    *,
    id: str | None = None,
    lenient: bool = False,
    on_warning: Callable[[ParseError], None] | None = None,
    encoding: str | None = None,
) -> Iterator[Track]:
    """Every track of a dataset file, read a window at a time, in this process."""
    ctx = ReadContext(source=path, lenient=lenient, on_warning=on_warning, only_id=id)
    found = False
    for window in windows(path, kind, encoding=encoding, only_id=id):
        for _, track in tracks(window, ctx):
            found = True
            yield track
    if id is not None and not found:
        raise ParseError(f"no row with id {id!r}", source=path)


def safe_name(value: str) -> str:
    """A file name from a row id or file stem: nothing in it can leave the folder.

    >>> safe_name("../etc/passwd"), safe_name("a b")
    ('_etc_passwd', 'a_b')
    """
    cleaned = "".join(c if c.isalnum() or c in "-_.@+=" else "_" for c in value).lstrip(".")
    return cleaned or "_"


class Names:
    """Output names for rows in input order: the id made safe, ``-2``, ``-3``, ... added
    to a name already given (the same names however the rows were spread over workers).

    A name is never given twice, even where an id looks like an added number:

    >>> names = Names()
    >>> [names("a"), names("b"), names("a"), names("a")]
    ['a', 'b', 'a-2', 'a-3']
    >>> names = Names()
    >>> [names("a"), names("a"), names("a-2")]
    ['a', 'a-2', 'a-2-2']
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}
        self._given: set[str] = set()

    def __call__(self, base: str) -> str:
        name = safe_name(base)
        count = self._seen.get(name, 0) + 1
        candidate = name if count == 1 else f"{name}-{count}"
        while candidate in self._given:  # each base's count only grows: linear overall
            count += 1
            candidate = f"{name}-{count}"
        self._seen[name] = count
        self._given.add(candidate)
        return candidate


def caption_field(column: str, existing: Mapping[str, Any] | list[str]) -> None:
    """Refuse a caption column that would replace one the dataset has."""
    if column in existing:
        raise UsageError(f"the dataset already has a column {column!r}; name another")
