"""Many tracks at once: files, or a dataset's rows a window at a time, results in input
order, in this process or spread over worker processes (:mod:`subtools.parallel`).

A job is a file path or a :class:`~subtools.dataset.Rows` window; a dataset written to
a folder runs as parts that each worker reads and writes itself (:func:`write_dataset`),
here, on a pool or on Dask alike.  What comes of a job is an :data:`Outcome` for each
track (:class:`Done`: its formatted output, the changes when asked for, the warnings
before it), :class:`Failed` for the error that stopped the job, and :class:`Warned` for
warnings after its last track; so what the caller sees (and prints) is exactly what a
serial run gives.

>>> from subtools.style import get_profile
>>> out = convert_dataset("examples/transcripts.jsonl", None, "srt", get_profile("netflix"))
>>> [(d.row, d.id, d.cues > 0) for d in out if isinstance(d, Done)][:2]
[(1, 'waK7AD-AEyc', True), (2, 'H3Bhlan0mE0', True)]
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeAlias

from .dataset import (
    WINDOW_BYTES,
    Names,
    Partition,
    Rows,
    dataset_kind,
    dataset_size,
    partitions,
    tracks,
    windows,
)
from .errors import ParseError, SubtoolsError, UsageError
from .formats import get_format, iter_tracks
from .formats.base import ReadContext
from .model import Track
from .parallel import JOBS_PER_WORKER, ordered_map, worker_count
from .style import OverlapStrategy, Profile

if TYPE_CHECKING:
    # Only named in annotations: a raw conversion makes no changes, and need not load them.
    from .changes import Change


#: Parts of a dataset per local worker, each of at most ``MAX_PART_BYTES`` (and at
#: least a window) of input: see :func:`write_dataset`.
PARTS_PER_WORKER = 16
MAX_PART_BYTES = 4 << 20


@dataclass(frozen=True)
class Recipe:
    """What to do with each track: the output format, and the profile (None: raw)."""

    to: str
    profile: Profile | None = None
    overlap: OverlapStrategy = "trim"
    dedupe: bool = False
    #: Whether each result carries its list of changes (for a report), and a one-line
    #: summary of them; without either the workers send back only the text.
    keep_changes: bool = True
    summarize: bool = True
    #: A dataset copy's caption column: a row that already has that field is refused,
    #: since the copy would lose its value.
    column: str | None = None

    @property
    def extension(self) -> str:
        """The output files' extension, with its dot."""
        return get_format(self.to).extensions[0]

    def apply(self, track: Track) -> Done:
        changes: list[Change] = []
        summary = None
        unresolved: dict[str, list[int]] = {}
        if self.column is not None and self.column in (*track.meta, "id", "segments"):
            raise UsageError(f"the dataset already has a column {self.column!r}; name another")
        # A worker pickles what it returns: tens of thousands of changes cost more to
        # send back than the text, and numbering them costs time; only asked, then.
        if self.profile is not None:
            from .pipeline import process

            result = process(track, self.profile, self.overlap, True if self.dedupe else None)
            track = result.track
            if self.keep_changes:
                changes, unresolved = result.changes, result.unresolved
            summary = result.summary() if self.summarize else None
        elif self.dedupe:
            from .autocaptions import dedupe_rolling
            from .changes import Lineage

            lineage = Lineage(track)
            deduped = dedupe_rolling(track)
            lineage.add(deduped)
            track = deduped.track
            if self.keep_changes:
                changes = lineage.changes()
        text = get_format(self.to).write_text(track)
        return Done(
            track.source or "", track.id, text, changes, summary, unresolved, cues=len(track)
        )


@dataclass
class Done:
    """One finished track: its text in the output format (None once a worker has
    written it to ``output``), the warnings of its input before it, and when asked for
    its changes and their summary."""

    source: str
    id: str | None
    text: str | None
    changes: list[Change] = field(default_factory=list)
    summary: str | None = None
    unresolved: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[ParseError] = field(default_factory=list)
    cues: int = 0
    #: The dataset row (from 1) the track came from.
    row: int | None = None
    #: The file it was written to, if any.
    output: str | None = None

    @property
    def base_name(self) -> str:
        """What its output file is named after: the row's id, else the input's name."""
        from pathlib import Path

        return self.id or Path(self.source).stem or "stdin"


@dataclass
class Failed:
    """The error that stopped a job (its input), and the warnings before it."""

    source: str
    error: SubtoolsError
    warnings: list[ParseError] = field(default_factory=list)


@dataclass
class Warned:
    """Warnings of a job that came after its last track (lenient: items skipped)."""

    source: str
    warnings: list[ParseError]


#: What comes of a job, track by track, in order: a strict job's list ends at a Failed.
Outcome: TypeAlias = Done | Failed | Warned


@dataclass(frozen=True)
class Job:
    """A file to read whole (a subtitle file, JSON segments)."""

    source: str
    format: str | None = None
    encoding: str | None = None

    @property
    def size(self) -> int:
        """Roughly how much work the job is (bytes of input)."""
        try:
            return os.path.getsize(self.source)
        except OSError:
            return 0


def jobs_for(
    paths: Iterable[str],
    format: str | None = None,
    encoding: str | None = None,
    *,
    columns: list[str] | None = None,
) -> Iterator[Job | Rows]:
    """Jobs for the inputs, lazily: a dataset (JSONL, Parquet) is cut into windows of
    rows, so that one big dataset streams and spreads over the workers too."""
    for path in paths:
        kind = dataset_kind(path, format)
        if kind is not None:
            yield from windows(path, kind, encoding=encoding, columns=columns)
        else:
            yield Job(path, format, encoding=encoding)


def run_jobs(
    jobs: Iterable[Job | Rows],
    recipe: Recipe,
    *,
    lenient: bool = False,
    workers: int | None = 1,
) -> Generator[tuple[Job | Rows, list[Outcome]], None, None]:
    """Each job with what came of it, in input order (the first error ends a job's list,
    but not the run: see :func:`run`).  Close it to stop early."""
    return ordered_map(
        _Work(recipe, lenient), jobs, workers=_worker_count(recipe, workers), cost=_size
    )


def _worker_count(recipe: Recipe, workers: int | None) -> int:
    n = worker_count(workers)
    if recipe.profile is None:
        # Without wrapping and repair a track is a few ms of work: less than handing it
        # to a worker and its text back costs.
        return 1
    if n > 1:
        from . import pipeline  # noqa: F401  (forked workers start with it imported)
    return n


def run(
    jobs: Iterable[Job | Rows],
    recipe: Recipe,
    *,
    lenient: bool = False,
    workers: int | None = 1,
) -> Iterator[Outcome]:
    """Every track of every job, done by the recipe, in input order.

    In this process unless ``workers`` asks for more (None: every core).  A strict
    run stops at the first error: the :class:`Failed` that carries it is the last one.
    """
    with contextlib.closing(run_jobs(jobs, recipe, lenient=lenient, workers=workers)) as results:
        for _, outcomes in results:
            for outcome in outcomes:
                yield outcome
                if isinstance(outcome, Failed):
                    return


def _size(job: Job | Rows | Partition) -> int:
    return job.size


@dataclass(frozen=True)
class _Work:
    """:func:`run_job` with its settings, as a worker is sent it."""

    recipe: Recipe
    lenient: bool

    def __call__(self, job: Job | Rows) -> list[Outcome]:
        return run_job(job, self.recipe, self.lenient)


def run_job(job: Job | Rows, recipe: Recipe, lenient: bool) -> list[Outcome]:
    """What comes of one job in this process, track by track (the first error ends the
    list): the work of a local worker and of a Dask partition alike."""
    warnings: list[ParseError] = []
    out: list[Outcome] = []
    try:
        if isinstance(job, Rows):
            ctx = ReadContext(source=job.source, lenient=lenient, on_warning=warnings.append)
            numbered: Iterator[tuple[int | None, Track]] = tracks(job, ctx)
        else:
            numbered = (
                (None, t)
                for t in iter_tracks(
                    job.source,
                    job.format,
                    lenient=lenient,
                    on_warning=warnings.append,
                    encoding=job.encoding,
                )
            )
        for row, track in numbered:
            done = recipe.apply(track)
            done.row = row
            done.warnings, warnings = warnings, []
            out.append(done)
    except SubtoolsError as exc:
        out.append(Failed(job.source, exc, warnings))
        return out
    if warnings:
        out.append(Warned(job.source, warnings))
    return out


def convert_dataset(
    path: str,
    out_dir: str | None,
    to: str = "srt",
    profile: Profile | None = None,
    *,
    format: str | None = None,
    lenient: bool = False,
    workers: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    encoding: str | None = None,
) -> Iterator[Outcome]:
    """Every row of a dataset (JSONL or Parquet) converted, ``out_dir/<id>.<ext>``
    written for each when ``out_dir`` is given; the results (and warnings) in input order.

    ``engine="dask"`` runs on a Dask cluster (``scheduler``: its address; none: a local
    cluster of processes), which needs ``subtools[dask]``; the files are named and
    written the same way.  ``profile=None`` converts raw.
    """
    recipe = Recipe(to, profile, keep_changes=False, summarize=False)
    kind = dataset_kind(path, format)
    if kind is None:
        raise UsageError(f"{path}: not a dataset (JSONL or Parquet)")
    if out_dir is not None:
        return write_dataset(
            path,
            kind,
            out_dir,
            recipe,
            lenient=lenient,
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            encoding=encoding,
        )
    if engine != "local":
        raise UsageError("a run on Dask writes its results: give out_dir")
    jobs = windows(path, kind, columns=columns_for(to), encoding=encoding)
    return run(jobs, recipe, lenient=lenient, workers=workers)


def write_dataset(
    path: str,
    kind: str,
    out_dir: str,
    recipe: Recipe,
    *,
    lenient: bool = False,
    workers: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    encoding: str | None = None,
    check: Callable[[str], None] | None = None,
) -> Iterator[Outcome]:
    """Every row of a dataset done by the recipe and written to ``out_dir/<name><ext>``
    (names as :func:`write_files` gives them); the results in input order, ``output``
    set, ``text`` None.

    Each process reads its own part of the dataset (:func:`~subtools.dataset.partitions`)
    and writes its files to a temp folder in ``out_dir``; this process renames each into
    place in input order, since a name depends on the rows before it.  So the files are
    the same, byte for byte and by name, in this process, on local workers or on Dask.
    """
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine {engine!r} (local or dask)")
    if recipe.keep_changes or recipe.summarize:
        recipe = replace(recipe, keep_changes=False, summarize=False)
    return _written(
        path, kind, out_dir, recipe, lenient, workers, engine, scheduler, encoding, check
    )


def _written(
    path: str,
    kind: str,
    out_dir: str,
    recipe: Recipe,
    lenient: bool,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    encoding: str | None,
    check: Callable[[str], None] | None,
) -> Generator[Outcome, None, None]:
    import shutil
    import tempfile

    total = dataset_size(path, kind)  # (an unreadable input fails before any folder)
    made = not os.path.isdir(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=".subtools-", dir=out_dir)
    work = partial(convert_part, recipe=recipe, lenient=lenient, folder=folder)
    columns = columns_for(recipe.to)
    parts: Generator[tuple[Partition | Rows, PartDone], None, None]
    if engine == "dask":
        from .cluster import map_on_dask

        parts = map_on_dask(work, path, kind, scheduler, encoding=encoding, columns=columns)
    else:
        n = _worker_count(recipe, workers)
        # Parts many enough that the workers finish close together, and big enough that
        # handing one over costs little next to its work.
        part = min(MAX_PART_BYTES, max(WINDOW_BYTES, total // (n * PARTS_PER_WORKER)))
        # A row group bigger than a share of the work is split here: else it would be
        # one worker's, and the others would wait.
        split = total // (n * JOBS_PER_WORKER) if n > 1 else None
        jobs = partitions(path, kind, part, encoding=encoding, columns=columns, split_bytes=split)
        parts = ordered_map(work, jobs, workers=n, cost=_size)
    written = False
    try:
        for outcome in write_files(_renumbered(parts), out_dir, recipe.extension, check):
            written = written or (isinstance(outcome, Done) and outcome.output is not None)
            yield outcome
            if isinstance(outcome, Failed):
                return
    finally:
        parts.close()  # the workers stop before their folder goes
        shutil.rmtree(folder, ignore_errors=True)
        if made and not written:  # input that gives nothing gets no folder
            with contextlib.suppress(OSError):
                os.rmdir(out_dir)


@dataclass
class PartDone:
    """What came of a part of a dataset: its results, each one's text in a file
    (``output``), and a JSONL range's count of rows and lines (to number the next)."""

    done: list[Outcome] = field(default_factory=list)
    rows: int = 0
    lines: int = 0


def convert_part(part: Partition | Rows, recipe: Recipe, lenient: bool, folder: str) -> PartDone:
    """Convert one part of a dataset in this process, each track's text written to
    ``folder/<part>-<n><ext>`` (a folder only its run uses, so no temp file is needed);
    the first error ends the part.  The work of a local worker and a Dask task alike."""
    tally: dict[str, int] = {}
    out = PartDone()
    for window in part.windows(tally) if isinstance(part, Partition) else [part]:
        for done in run_job(window, recipe, lenient):
            if isinstance(done, Done) and done.text is not None and done.cues:
                name = os.path.join(folder, f"{part.key}-{len(out.done)}{recipe.extension}")
                with open(name, "xb") as fh:
                    fh.write(done.text.encode("utf-8"))
                done.output, done.text = name, None
            out.done.append(done)
            if isinstance(done, Failed):
                return out
    out.rows, out.lines = tally.get("rows", 0), tally.get("lines", 0)
    return out


def _renumbered(parts: Iterable[tuple[Partition | Rows, PartDone]]) -> Iterator[Outcome]:
    """The results of the parts in order, a JSONL range's renumbered from the file's start."""
    rows = lines = 0
    for part, got in parts:
        for done in got.done:
            if isinstance(part, Partition) and part.kind == "jsonl":
                _shift(done, rows, lines)
            yield done
        rows, lines = rows + got.rows, lines + got.lines


def _shift(done: Outcome, rows: int, lines: int) -> None:
    """Renumber a result of a JSONL range from the start of the file."""
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


def columns_for(to: str) -> list[str] | None:
    """The dataset columns a conversion to ``to`` reads (None: all of them).

    >>> columns_for("srt"), columns_for("jsonl")
    (['id', 'title', 'language', 'segments'], None)
    """
    # A row written as a dataset row keeps every field; captions need only these.
    return None if get_format(to).multi else ["id", "title", "language", "segments"]


def write_files(
    results: Iterable[Outcome],
    out_dir: str,
    ext: str,
    check: Callable[[str], None] | None = None,
) -> Iterator[Outcome]:
    """Put each finished track in ``out_dir/<name><ext>`` (names from
    :class:`~subtools.dataset.Names`), its ``output`` set; pass every result on.

    A track's text is written atomically; a track a worker has already written to a
    file of its own (``text`` None, ``output`` set) is renamed into place.  ``check``
    sees each path first and may refuse it by raising.
    """
    from .fileio import atomic_write

    names = Names()
    made = False
    for done in results:
        # A track with no cues gets no file, and input that gives nothing no folder.
        if isinstance(done, Done) and done.cues and (done.text is not None or done.output):
            if not made:
                os.makedirs(out_dir, exist_ok=True)
                made = True
            path = os.path.join(out_dir, names(done.base_name) + ext)
            if check is not None:
                check(path)
            if done.text is None:
                os.replace(str(done.output), path)
            else:
                atomic_write(path, done.text)
            done.output = path
        yield done


def caption_batch(
    batch: Any,
    *,
    to: str = "vtt",
    profile: str | Profile | None = "netflix",
    column: str = "captions",
    lenient: bool = False,
) -> Any:
    """The same batch of dataset rows with a ``column`` of captions added, in the
    format ``to`` (wrapped and repaired by ``profile``; None: raw).

    The batch is a dict of columns (lists, or arrays with ``tolist``), as
    ``datasets.Dataset.map(batched=True)`` passes, or a pyarrow ``Table`` or
    ``RecordBatch``, as Ray Data's ``map_batches(batch_format="pyarrow")`` does; what
    comes back is of the same kind, the input left as it was.  A row needs
    ``segments``; a bad one raises :class:`ParseError`, or gets None with ``lenient``.

    >>> rows = {"id": ["a"], "segments": [[{"start": 0.0, "end": 1.5, "text": " Hi."}]]}
    >>> caption_batch(rows, to="srt")["captions"]
    ['1\\n00:00:00,000 --> 00:00:01,500\\nHi.\\n']
    """
    from .formats.json_segments import Place, track_from_object
    from .style import get_profile

    chosen = get_profile(profile) if isinstance(profile, str) else profile
    recipe = Recipe(to, chosen, keep_changes=False, summarize=False, column=column)
    arrow = hasattr(batch, "append_column") and hasattr(batch, "column_names")
    names = list(batch.column_names if arrow else batch.keys())
    if column in names:
        raise UsageError(f"the batch already has a column {column!r}; name another")
    if "segments" not in names:
        raise UsageError("the batch has no 'segments' column")

    def values(name: str) -> list[Any]:
        col = batch.column(name) if arrow else batch[name]
        if arrow:
            return list(col.to_pylist())
        return list(col.tolist() if hasattr(col, "tolist") else col)

    segments = values("segments")
    ids = values("id") if "id" in names else [None] * len(segments)
    ctx = ReadContext(source="<batch>", lenient=lenient)
    texts: list[str | None] = []
    for number, (row_id, segs) in enumerate(zip(ids, segments, strict=True), 1):
        if isinstance(segs, dict):  # a Sequence of structs, as older datasets give it
            segs = [
                dict(zip(segs, values, strict=True)) for values in zip(*segs.values(), strict=True)
            ]
        row = {"segments": segs} if row_id is None else {"id": str(row_id), "segments": segs}
        place = Place(ctx, row=number, row_id=row.get("id"))
        try:
            texts.append(recipe.apply(track_from_object(row, place, ctx.source)).text)
        except ParseError as exc:
            ctx.problem(exc)
            texts.append(None)
    if arrow:
        import pyarrow as pa

        return batch.append_column(column, pa.array(texts, pa.string()))
    return {**batch, column: texts}
