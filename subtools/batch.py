"""Many tracks at once: files, or a dataset's rows a window at a time, results in input
order, in this process or spread over worker processes (:mod:`subtools.parallel`).

A job is a file path or a :class:`~subtools.dataset.Rows` window; what comes of it is
an :data:`Outcome` for each track (:class:`Done`: its formatted output, the changes when
asked for, the warnings before it), :class:`Failed` for the error that stopped the job,
and :class:`Warned` for warnings after its last track; so what the caller sees (and
prints) is exactly what a serial run gives.

>>> from subtools.style import get_profile
>>> out = convert_dataset("examples/transcripts.jsonl", None, "srt", get_profile("netflix"))
>>> [(d.row, d.id, d.cues > 0) for d in out if isinstance(d, Done)][:2]
[(1, 'waK7AD-AEyc', True), (2, 'H3Bhlan0mE0', True)]
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from .dataset import Names, Rows, dataset_kind, tracks, windows
from .errors import ParseError, SubtoolsError, UsageError
from .formats import get_format, iter_tracks
from .formats.base import ReadContext
from .model import Track
from .parallel import ordered_map, worker_count
from .style import OverlapStrategy, Profile

if TYPE_CHECKING:
    # Only named in annotations: a raw conversion makes no changes, and need not load them.
    from .changes import Change


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
    work = _Work(recipe, lenient)
    n = worker_count(workers)
    if recipe.profile is None:
        # Without wrapping and repair a track is a few ms of work: less than handing it
        # to a worker and its text back costs.
        n = 1
    elif n > 1:
        from . import pipeline  # noqa: F401  (forked workers start with it imported)
    return ordered_map(work, jobs, workers=n, cost=_size)


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


def _size(job: Job | Rows) -> int:
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
) -> Iterator[Outcome]:
    """Every row of a dataset (JSONL or Parquet) converted, ``out_dir/<id>.<ext>``
    written for each when ``out_dir`` is given; the results (and warnings) in input order.

    ``engine="dask"`` runs on a Dask cluster (``scheduler``: its address; none: a local
    cluster of processes), which needs ``subtools[dask]``; the files, named and written
    the same way, are written by the workers.  ``profile=None`` converts raw.
    """
    recipe = Recipe(to, profile, keep_changes=False, summarize=False)
    kind = dataset_kind(path, format)
    if kind is None:
        raise UsageError(f"{path}: not a dataset (JSONL or Parquet)")
    if engine == "dask":
        if out_dir is None:
            raise UsageError("a run on Dask writes its results: give out_dir")
        from .cluster import convert_on_dask

        return convert_on_dask(path, kind, out_dir, recipe, lenient=lenient, scheduler=scheduler)
    if engine != "local":
        raise UsageError(f"unknown engine {engine!r} (local or dask)")
    results = run(
        windows(path, kind, columns=columns_for(to)), recipe, lenient=lenient, workers=workers
    )
    if out_dir is None:
        return results
    return write_files(results, out_dir, get_format(to).extensions[0])


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
    """Write each finished track to ``out_dir/<name><ext>`` atomically (names from
    :class:`~subtools.dataset.Names`), its ``output`` set; pass every result on.

    ``check`` sees each path first and may refuse it by raising.
    """
    from .fileio import atomic_write

    names = Names()
    made = False
    for done in results:
        # A track with no cues gets no file, and input that gives nothing no folder.
        if isinstance(done, Done) and done.text is not None and done.cues:
            if not made:
                os.makedirs(out_dir, exist_ok=True)
                made = True
            path = os.path.join(out_dir, names(done.base_name) + ext)
            if check is not None:
                check(path)
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
            from .dataset import column_values

            return column_values(col.combine_chunks() if hasattr(col, "chunks") else col)
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
