"""Many tracks at once: dataset rows or files, each read, processed and formatted, on
every core, the results coming back in input order.

A job is raw JSONL lines or a file path; its result is the formatted output, the
changes (when asked for) and any warnings, so what the caller sees (and prints) is
exactly what a serial run gives.  This process works too: it takes jobs from the front,
in input order, and hands each result on as it is done, while forked workers take jobs
from the back and send theirs when none is left.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator
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
    last one yielded.  Worker processes start when this is called; iterate the result
    to the end (or close it) to collect them.
    """
    work = partial(_run_job, recipe=recipe, lenient=lenient)
    n = min(workers or os.cpu_count() or 1, len(jobs))
    # Without wrapping and repair a track is a few ms of work: less than starting a
    # process and sending its text back costs.
    if n <= 1 or len(jobs) < _MIN_PARALLEL_JOBS or recipe.profile is None:
        return _until_error(_serial(jobs, work))
    # Workers start with everything already imported: import what the recipe needs
    # here, once, rather than in every worker.
    from . import pipeline  # noqa: F401

    runner = _forked if _FORK else _pooled
    rounds = _rounds(jobs)
    if len(rounds) == 1:
        return _until_error(runner(jobs, work, n))
    return _until_error(_in_rounds(jobs, rounds, work, n, runner))


def _until_error(results: Generator[Done, None, None]) -> Iterator[Done]:
    """The results up to the first that carries an error (a strict run stops there).

    Closing the producer is what stops it: serial work is never done, workers are
    stopped and collected, a pool's queued jobs are cancelled.
    """
    with contextlib.closing(results):
        for done in results:
            yield done
            if done.error is not None:
                return


#: Input handled per round of a parallel run: results wait in memory until their turn
#: to be written comes, so a very large dataset goes a bounded piece at a time.
_ROUND_BYTES = 64 << 20


def _rounds(jobs: list[Job]) -> list[range]:
    """Consecutive runs of jobs of about ``_ROUND_BYTES`` of input each (at least one
    job, and at least _MIN_PARALLEL_JOBS where there are that many)."""
    rounds: list[range] = []
    first = size = 0
    for i, job in enumerate(jobs):
        size += job.size
        if size >= _ROUND_BYTES and i + 1 - first >= _MIN_PARALLEL_JOBS:
            rounds.append(range(first, i + 1))
            first, size = i + 1, 0
    if first < len(jobs):
        rounds.append(range(first, len(jobs)))
    return rounds


def _in_rounds(
    jobs: list[Job],
    rounds: list[range],
    work: Callable[[Job], list[Done]],
    n: int,
    runner: Callable[[list[Job], Callable[[Job], list[Done]], int], Generator[Done, None, None]],
) -> Generator[Done, None, None]:
    for part in rounds:
        yield from runner(jobs[part.start : part.stop], work, min(n, len(part)))


#: Where fork is safe, workers are forked directly: a run of a dataset is a few hundred
#: milliseconds, and importing multiprocessing and concurrent.futures alone costs a
#: tenth of that.  macOS (whose system libraries are not fork-safe) and Windows (no
#: fork) get a process pool.
_FORK = hasattr(os, "fork") and sys.platform != "darwin"


def _serial(jobs: list[Job], work: Callable[[Job], list[Done]]) -> Generator[Done, None, None]:
    for job in jobs:
        yield from work(job)


class _Ends:
    """The jobs not yet taken, shared by forked processes: this process takes them from
    the front, in input order, so it can hand each result on at once; the workers take
    them from the back.  They meet where the work is shared evenly, whatever each job
    costs (a job's size in bytes predicts its time only to within a third)."""

    def __init__(self, count: int) -> None:
        import mmap

        self._memory = mmap.mmap(-1, 16)  # shared with forked children
        self._ends = memoryview(self._memory).cast("q")
        self._ends[0], self._ends[1] = 0, count
        # A one-byte token in a pipe is the lock: whoever reads it holds it.
        self._lock_r, self._lock_w = os.pipe()
        os.write(self._lock_w, b".")

    def take(self, front: bool) -> int | None:
        """The next job from one end, or None when none is left."""
        os.read(self._lock_r, 1)
        try:
            first, stop = self._ends[0], self._ends[1]
            if first >= stop:
                return None
            if front:
                self._ends[0] = first + 1
                return first
            self._ends[1] = stop - 1
            return stop - 1
        finally:
            os.write(self._lock_w, b".")

    def close(self) -> None:
        if self._memory.closed:
            return
        self._ends.release()
        self._memory.close()
        os.close(self._lock_r)
        os.close(self._lock_w)


def _forked(
    jobs: list[Job], work: Callable[[Job], list[Done]], n: int
) -> Generator[Done, None, None]:
    ends = _Ends(len(jobs))
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    # Objects that exist now are left out of garbage collection until the run ends
    # (the documented way to fork): the workers' collections then neither walk them nor
    # copy the memory pages they sit on.
    gc.freeze()
    try:
        for _ in range(n - 1):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # a worker: jobs from the back, results down the pipe, gone
                try:
                    os.close(read_fd)
                    _child(jobs, ends, work, write_fd)
                finally:
                    os._exit(0)
            os.close(write_fd)
            children.append((pid, read_fd))
    except BaseException:
        _finish(children, ends)
        raise
    results = _collect(jobs, ends, work, children)
    # Should the caller drop the results without reading them, the workers still go.
    weakref.finalize(results, _finish, children, ends)
    return results


def _child(jobs: list[Job], ends: _Ends, work: Callable[[Job], list[Done]], fd: int) -> None:
    import pickle

    results: dict[int, list[Done]] | BaseException
    try:
        results = {}
        while (i := ends.take(front=False)) is not None:
            results[i] = work(jobs[i])
        payload = pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # a bug, or ^C: the parent raises it
        try:
            payload = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
        except Exception:
            payload = pickle.dumps(RuntimeError(f"worker failed: {exc!r}"))
    view = memoryview(payload)
    with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
        while view:
            view = view[os.write(fd, view) :]


def _collect(
    jobs: list[Job], ends: _Ends, work: Callable[[Job], list[Done]], children: list[tuple[int, int]]
) -> Generator[Done, None, None]:
    import pickle

    try:
        i = 0
        while (taken := ends.take(front=True)) is not None:
            i = taken + 1
            yield from work(jobs[taken])
        results: dict[int, list[Done]] = {}
        while children:
            pid, fd = children[0]
            pipe = os.fdopen(fd, "rb")
            children[0] = (pid, -1)  # the file closes the pipe from here on
            with pipe:
                payload = pipe.read()
            children.pop(0)
            os.waitpid(pid, 0)
            try:
                got = pickle.loads(payload)
            except Exception:  # nothing, or half of it: the worker was killed
                raise SubtoolsError("a worker process ended without its results") from None
            if isinstance(got, BaseException):
                raise got
            results.update(got)
        for j in range(i, len(jobs)):
            yield from results[j]
    finally:
        _finish(children, ends)


def _finish(children: list[tuple[int, int]], ends: _Ends) -> None:
    """Stop and collect workers whose results are no longer wanted; free the shared ends."""
    import signal

    for pid, fd in children:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    children.clear()
    ends.close()
    gc.unfreeze()


def _pooled(
    jobs: list[Job], work: Callable[[Job], list[Done]], n: int
) -> Generator[Done, None, None]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context()) as pool:
        try:
            # Longest jobs first (they finish last otherwise); results still come in order.
            order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)
            futures = {i: pool.submit(work, jobs[i]) for i in order}
            for i in range(len(jobs)):
                yield from futures[i].result()
        finally:  # stopped early: what has not started never will
            pool.shutdown(cancel_futures=True)


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
