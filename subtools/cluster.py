"""A dataset converted on a Dask cluster (``pip install 'subtools[dask]'``).

The dataset is cut into partitions that no process needs to read whole: runs of Parquet
row groups, or byte ranges of a JSONL file (a row belongs to the range its first byte is
in).  Each worker reads its partition a window at a time and writes each row's file to a
folder of its own under the output folder; this process, the client, then renames each
file into place under the name a local run gives it (names depend on the rows before,
which only the client sees in order).  So the output folder must be on a file system
the workers and the client share (any folder, for a local cluster), and the files are
byte for byte those of a local run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .batch import Done, Failed, Outcome, Recipe, columns_for, run_job
from .dataset import Names, jsonl_windows, open_parquet, parquet_windows
from .errors import ParseError, UsageError
from .fileio import atomic_write
from .formats import get_format

#: Partitions per worker: enough that the last ones finish close together.
PARTS_PER_WORKER = 8
#: No partition smaller than this: a task has a fixed cost on the cluster.
MIN_PART_BYTES = 1 << 20


@dataclass(frozen=True)
class Partition:
    """Part of a dataset: bytes ``[start, end)`` of a JSONL file, or row groups of a
    Parquet file whose first row is ``first_row``."""

    index: int
    source: str
    kind: str
    start: int = 0
    end: int | None = None
    groups: range | None = None
    first_row: int = 1


@dataclass
class PartDone:
    """What a worker did with its partition: its results (their text in files under
    ``output``), and how many rows and lines the partition had."""

    done: list[Outcome] = field(default_factory=list)
    rows: int = 0
    lines: int = 0


def partitions(path: str, kind: str, count: int) -> list[Partition]:
    """About ``count`` partitions of the dataset (fewer for a small one)."""
    if kind == "parquet":
        meta = open_parquet(path).metadata
        sizes = [meta.row_group(g).total_byte_size for g in range(meta.num_row_groups)]
        target = max(MIN_PART_BYTES, sum(sizes) // max(1, count))
        parts: list[Partition] = []
        first = size = 0
        first_row = 1
        for g, group_size in enumerate(sizes):
            size += group_size
            if size >= target or g == len(sizes) - 1:
                part = Partition(
                    len(parts), path, kind, groups=range(first, g + 1), first_row=first_row
                )
                parts.append(part)
                first_row += sum(meta.row_group(i).num_rows for i in part.groups or ())
                first, size = g + 1, 0
        return parts
    try:
        total = os.path.getsize(path)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", source=path) from None
    step = max(MIN_PART_BYTES, -(-total // max(1, count)))
    starts = range(0, max(total, 1), step)
    return [
        Partition(i, path, kind, start=s, end=min(s + step, total)) for i, s in enumerate(starts)
    ]


def convert_part(part: Partition, recipe: Recipe, lenient: bool, folder: str) -> PartDone:
    """Convert one partition in this process (a Dask worker), each result written to
    ``folder/<partition>-<n><ext>``; the first error ends the partition."""
    ext = get_format(recipe.to).extensions[0]
    tally: dict[str, int] = {}
    if part.kind == "parquet":
        windows = parquet_windows(
            part.source,
            row_groups=part.groups,
            first_row=part.first_row,
            columns=columns_for(recipe.to),
        )
    else:
        windows = jsonl_windows(part.source, start=part.start, end=part.end, tally=tally)
    out = PartDone()
    for window in windows:
        for done in run_job(window, recipe, lenient):
            if isinstance(done, Done) and done.text is not None:
                path = os.path.join(folder, f"{part.index}-{len(out.done)}{ext}")
                atomic_write(path, done.text)
                done.output, done.text = path, None
            out.done.append(done)
            if isinstance(done, Failed):
                return out
    out.rows, out.lines = tally.get("rows", 0), tally.get("lines", 0)
    return out


def convert_on_dask(
    path: str,
    kind: str,
    out_dir: str,
    recipe: Recipe,
    *,
    lenient: bool = False,
    scheduler: str | None = None,
) -> Iterator[Outcome]:
    """Every row of the dataset converted on the cluster, ``out_dir/<name><ext>`` in
    place for each; the results (``text`` None, ``output`` set) in input order, a strict
    run ending at the first error."""
    try:
        import distributed
    except ImportError:
        raise UsageError("the Dask engine needs Dask: pip install 'subtools[dask]'") from None
    dask: Any = distributed  # (untyped)
    recipe = replace(recipe, keep_changes=False, summarize=False)
    ext = get_format(recipe.to).extensions[0]
    os.makedirs(out_dir, exist_ok=True)
    cluster: Any = None
    if scheduler is None:
        cluster = dask.LocalCluster(
            n_workers=os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    client: Any = dask.Client(cluster if cluster is not None else scheduler)
    folder = tempfile.mkdtemp(prefix=".subtools-", dir=out_dir)
    futures: list[Any] = []
    try:
        workers = max(1, sum(client.nthreads().values()))
        parts = partitions(path, kind, workers * PARTS_PER_WORKER)
        futures = client.map(
            convert_part, parts, recipe=recipe, lenient=lenient, folder=folder, pure=False
        )
        names = Names()
        rows = lines = 0
        for part, future in zip(parts, futures, strict=True):
            got: PartDone = future.result()
            for done in got.done:
                if part.kind == "jsonl":  # numbered from the range's start
                    _shift(done, rows, lines)
                if isinstance(done, Done) and done.output is not None:
                    target = os.path.join(out_dir, names(done.base_name) + ext)
                    os.replace(done.output, target)
                    done.output = target
                yield done
                if isinstance(done, Failed):
                    return
            rows, lines = rows + got.rows, lines + got.lines
    finally:
        client.cancel(futures)
        shutil.rmtree(folder, ignore_errors=True)
        client.close()
        if cluster is not None:
            cluster.close()


def _shift(done: Outcome, rows: int, lines: int) -> None:
    """Renumber a result of a JSONL partition from the start of the file."""
    if isinstance(done, Done) and done.row is not None:
        done.row += rows
    done.warnings = [_shifted(w, rows, lines) for w in done.warnings]
    if isinstance(done, Failed) and isinstance(done.error, ParseError):
        done.error = _shifted(done.error, rows, lines)


def _shifted(error: ParseError, rows: int, lines: int) -> ParseError:
    if error.row is None and error.line is None:
        return error
    return type(error)(
        error.message,
        source=error.source,
        line=None if error.line is None else error.line + lines,
        row=None if error.row is None else error.row + rows,
        row_id=error.row_id,
        segment=error.segment,
    )
