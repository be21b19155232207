"""A copy of a dataset with a caption column added, every other column as it was.

JSONL rows are copied byte for byte, the new field spliced in before the closing brace;
Parquet record batches get one more column and are written to a new file with the
input's schema (and its metadata) plus that column.  The copy streams a window at a
time and appears only when whole (a temp file, then rename).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import IO, Any

from .batch import Done, Failed, Outcome, Recipe, run_jobs
from .dataset import Rows, caption_field, open_parquet, record_batch, windows
from .errors import ParseError, UsageError
from .fileio import atomic_output


def copy_with_captions(
    source: str,
    kind: str,
    output: str,
    out_kind: str,
    recipe: Recipe,
    *,
    column: str = "captions",
    lenient: bool = False,
    workers: int | None = 1,
    on_warning: Callable[[ParseError], None] | None = None,
    encoding: str | None = None,
) -> int:
    """Write ``output``: the dataset ``source`` with ``column`` holding each row's
    captions as ``recipe`` makes them (null for a row skipped in lenient mode).

    Returns the number of rows written.  The copy keeps the input's format.
    """
    if out_kind != kind:
        raise UsageError(f"a copy keeps the dataset's format: write {kind}, not {out_kind}")
    recipe = replace(recipe, column=column, keep_changes=False, summarize=False)
    schema = None
    if kind == "parquet":
        schema = _schema_with(open_parquet(source).schema_arrow, column)
    jobs = windows(source, kind, encoding=encoding)
    rows = 0
    results = run_jobs(jobs, recipe, lenient=lenient, workers=workers)
    with atomic_output(output) as fh, contextlib.closing(results):
        write = (
            _parquet_writer(fh, schema, column) if schema is not None else _jsonl_writer(fh, column)
        )
        for window, outcomes in results:
            assert isinstance(window, Rows)  # (a dataset's jobs are all windows)
            write(window, _captions(outcomes, on_warning))
            rows += window.count
        write(None, {})
    return rows


def _captions(
    outcomes: list[Outcome], on_warning: Callable[[ParseError], None] | None
) -> dict[int, str]:
    captions: dict[int, str] = {}
    for done in outcomes:
        for warning in done.warnings:
            if on_warning is not None:
                on_warning(warning)
        if isinstance(done, Failed):
            raise done.error
        if isinstance(done, Done) and done.text is not None and done.row is not None:
            captions[done.row] = done.text
    return captions


Writer = Callable[[Rows | None, dict[int, str]], None]


def _jsonl_writer(fh: IO[bytes], column: str) -> Writer:
    key = json.dumps(column, ensure_ascii=False).encode() + b": "

    def write(window: Rows | None, captions: dict[int, str]) -> None:
        if window is None:
            return
        for number, _, raw in window.lines:
            body = raw.rstrip(b" \t\r\n")
            end = raw[len(body) :] or b"\n"
            if body.endswith(b"}"):
                # Not a row object (lenient mode skipped it): copied unchanged.
                inner = body[:-1].rstrip()
                sep = b"" if inner.endswith(b"{") else b", "
                value = json.dumps(captions.get(number), ensure_ascii=False).encode()
                body = inner + sep + key + value + b"}"
            fh.write(body + end)

    return write


def _schema_with(schema: Any, column: str) -> Any:
    """The input schema plus the caption column; Hugging Face's feature list (kept in
    the schema's metadata) names it too, so ``datasets`` reads the copy as it is."""
    import pyarrow as pa

    caption_field(column, schema.names)
    meta = dict(schema.metadata or {})
    hf = meta.get(b"huggingface")
    if hf is not None:
        info = json.loads(hf)
        features = info.get("info", {}).get("features")
        if isinstance(features, dict):
            features[column] = {"dtype": "string", "_type": "Value"}
            meta[b"huggingface"] = json.dumps(info).encode()
    return schema.append(pa.field(column, pa.string())).with_metadata(meta)


def _parquet_writer(fh: IO[bytes], schema: Any, column: str) -> Writer:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = pq.ParquetWriter(fh, schema)

    def write(window: Rows | None, captions: dict[int, str]) -> None:
        if window is None:
            writer.close()
            return
        batch = record_batch(window)
        first = window.first_row
        texts = pa.array([captions.get(first + i) for i in range(batch.num_rows)], pa.string())
        columns = [*batch.columns, texts]
        writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))

    return write
