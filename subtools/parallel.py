"""One function, in this process or on a pool of worker processes, results in input order.

:func:`ordered_map` is the whole interface: the standard library's
:class:`~concurrent.futures.ProcessPoolExecutor` does the work, a window of jobs at a time.
The window bounds memory (jobs waiting, results waiting for their turn), and within each
window the biggest jobs are handed out first, so no long job is left to run alone at the
end.  A worker that dies (killed, out of memory) breaks the pool, which the executor
notices at once: it becomes one :class:`~subtools.errors.SubtoolsError`, never a hang.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from .errors import SubtoolsError

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

#: Jobs in flight per worker: enough that a worker never waits for the next job while
#: this process writes results, few enough that memory stays bounded.
JOBS_PER_WORKER = 4


def worker_count(workers: int | None) -> int:
    """``workers``, or every core for None (at least one).

    >>> worker_count(3)
    3
    >>> worker_count(None) >= 1
    True
    """
    if workers is None:
        return os.cpu_count() or 1
    return max(1, workers)


def ordered_map(
    fn: Callable[[T], R],
    jobs: Iterable[T],
    *,
    workers: int | None = 1,
    cost: Callable[[T], int] | None = None,
) -> Generator[tuple[T, R], None, None]:
    """``(job, fn(job))`` for every job, in input order.

    With one worker (the default) everything runs here, one job at a time.  With more,
    ``fn`` and the jobs must pickle; at most ``JOBS_PER_WORKER`` jobs a worker are read
    ahead, and ``cost`` (a job's size) orders each window, biggest first.  Closing the
    iterator early cancels what has not started.

    >>> list(ordered_map(len, ["a", "bbb"]))
    [('a', 1), ('bbb', 3)]
    """
    n = worker_count(workers)
    it = iter(jobs)
    if n == 1:
        yield from ((job, fn(job)) for job in it)
        return
    window = n * JOBS_PER_WORKER
    first = list(islice(it, window))
    if len(first) <= 1:  # a pool costs more than one job saves
        yield from ((job, fn(job)) for job in first)
        return
    yield from _pooled(fn, first, it, n, window, cost)


def _pooled(
    fn: Callable[[T], R],
    first: list[T],
    rest: Iterator[T],
    n: int,
    window: int,
    cost: Callable[[T], int] | None,
) -> Generator[tuple[T, R], None, None]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[tuple[T, Future[R]]] = deque()

    def submit(batch: list[T]) -> None:
        order = sorted(range(len(batch)), key=lambda i: -cost(batch[i])) if cost else None
        futures = {i: pool.submit(fn, batch[i]) for i in order or range(len(batch))}
        pending.extend((job, futures[i]) for i, job in enumerate(batch))

    pool = ProcessPoolExecutor(
        min(n, len(first)), mp_context=multiprocessing.get_context(), initializer=_worker_signals
    )
    try:
        submit(first)
        # The next half-window is read and queued while the first half is still running,
        # so the workers never wait on this process between windows.
        half = max(1, window // 2)
        while pending:
            if len(pending) <= half:
                submit(list(islice(rest, window - len(pending))))
            job, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                raise SubtoolsError(
                    "a worker process died (killed, or out of memory?); the run stopped"
                ) from None
            yield job, result
    finally:  # done, failed or closed early: what has not started never will
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_signals() -> None:
    """A worker dies of SIGTERM, as the pool expects when it stops a broken run: a
    handler inherited from the caller (the command line's, which cleans up its temp
    files) would make it unwind instead, and wait forever on a queue nobody reads."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
