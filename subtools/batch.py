"""Many tracks at once: dataset rows or files, each read, processed and formatted, on
every core, the results coming back in input order.

Workers share nothing: each gets raw JSONL lines or a file path and returns the
formatted output, the changes and any warnings, so what the caller sees (and prints)
is exactly what a serial run gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from .changes import Change
from .errors import ParseError, SubtoolsError
from .formats import get_format, iter_tracks
from .formats.base import ReadContext
from .model import Track
from .style import OverlapStrategy, Profile

#: Below this many jobs a pool costs more than it saves.
_MIN_PARALLEL_JOBS = 4


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

    def apply(self, track: Track) -> Done:
        changes: list[Change] = []
        summary = None
        unresolved: dict[str, list[int]] = {}
        if self.dedupe:
            from .autocaptions import dedupe_rolling

            deduped = dedupe_rolling(track)
            track, changes = deduped.track, list(deduped.changes)
        if self.profile is not None:
            from .pipeline import process

            result = process(track, self.profile, self.overlap)
            track = result.track
            changes += result.changes
            summary = result.summary() if self.summarize else None
            unresolved = result.repaired.unresolved
        text = get_format(self.to).write_text(track)
        if not self.keep_changes:
            # A worker pickles what it returns: tens of thousands of changes cost more
            # to send back than the text.
            changes, unresolved = [], {}
        return Done(
            track.source or "", track.id, text, changes, summary, unresolved, cues=len(track)
        )


@dataclass
class Done:
    """One finished track (or the error that stopped its input)."""

    source: str
    id: str | None
    text: str | None
    changes: list[Change] = field(default_factory=list)
    summary: str | None = None
    unresolved: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[ParseError] = field(default_factory=list)
    error: SubtoolsError | None = None
    cues: int = 0


@dataclass(frozen=True)
class Job:
    """A file to read, or some rows of a JSONL dataset (row, line, text)."""

    source: str
    format: str | None = None
    rows: tuple[tuple[int, int, str], ...] | None = None
    encoding: str | None = None

    @property
    def size(self) -> int:
        """Roughly how much work the job is (bytes of input)."""
        if self.rows is not None:
            return sum(len(line) for _, _, line in self.rows)
        try:
            return os.path.getsize(self.source)
        except OSError:
            return 0


def jobs_for(
    paths: Iterable[str],
    format: str | None = None,
    encoding: str | None = None,
    workers: int | None = None,
) -> list[Job]:
    """Jobs for the inputs: a JSONL dataset is cut into its rows, so that one big dataset
    spreads over the cores too."""
    jobs: list[Job] = []
    n_workers = workers or os.cpu_count() or 1
    for path in paths:
        fmt = get_format(format) if format else None
        if fmt is None:
            from .formats import format_for_path

            fmt = format_for_path(path)
        if fmt is not None and fmt.name == "jsonl" and n_workers > 1:
            from .fileio import decode
            from .formats.jsonl import split_rows

            try:
                with open(path, "rb") as fh:
                    text = decode(fh.read(), path, encoding)
            except OSError as exc:
                raise ParseError(f"cannot read: {exc.strerror}", source=path) from None
            # One row a job: rows differ a lot in size (one talk can be a tenth of a
            # dataset), and small jobs, the biggest first, keep both cores busy to the end.
            jobs.extend(Job(path, "jsonl", (row,)) for row in split_rows(text))
        else:
            jobs.append(Job(path, format, encoding=encoding))
    return jobs


def run(
    jobs: list[Job], recipe: Recipe, *, lenient: bool = False, workers: int | None = None
) -> Iterator[Done]:
    """Every track of every job, done by the recipe, in input order.

    A strict run stops at the first error: the :class:`Done` that carries it is the
    last one yielded.
    """
    work = partial(_run_job, recipe=recipe, lenient=lenient)
    n = min(workers or os.cpu_count() or 1, len(jobs))
    # Without wrapping and repair a track is a few ms of work: less than starting a
    # process and sending its text back costs.
    if n <= 1 or len(jobs) < _MIN_PARALLEL_JOBS or recipe.profile is None:
        for job in jobs:
            yield from _until_error(work(job))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork starts workers in milliseconds with everything already imported: import what
    # the recipe needs here, once, rather than in every worker.
    from . import pipeline  # noqa: F401

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context(method)) as pool:
        # Longest jobs first (they finish last otherwise); results still come in order.
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)
        futures = {i: pool.submit(work, jobs[i]) for i in order}
        for i in range(len(jobs)):
            for done in futures[i].result():
                yield done
                if done.error is not None:
                    pool.shutdown(cancel_futures=True)
                    return


def _until_error(done_list: list[Done]) -> Iterator[Done]:
    for done in done_list:
        yield done
        if done.error is not None:
            return


def _run_job(job: Job, recipe: Recipe, lenient: bool) -> list[Done]:
    warnings: list[ParseError] = []
    out: list[Done] = []
    try:
        if job.rows is not None:
            from .formats.jsonl import decode_rows

            ctx = ReadContext(source=job.source, lenient=lenient, on_warning=warnings.append)
            tracks: Iterator[Track] = decode_rows(job.rows, ctx)
        else:
            tracks = iter_tracks(
                job.source,
                job.format,
                lenient=lenient,
                on_warning=warnings.append,
                encoding=job.encoding,
            )
        for track in tracks:
            done = recipe.apply(track)
            done.warnings, warnings = warnings, []
            out.append(done)
    except SubtoolsError as exc:
        out.append(Done(job.source, None, None, warnings=warnings, error=exc))
        return out
    if warnings:
        out.append(Done(job.source, None, None, warnings=warnings))
    return out
