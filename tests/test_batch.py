"""Batch runs: the same results on every core as in one process, in input order."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from subtools import batch, parallel
from subtools.dataset import Rows
from subtools.errors import SubtoolsError
from subtools.style import get_profile

from .conftest import SLICE


def _dataset(tmp_path: Path, bad_row: int | None = None, copies: int = 1) -> Path:
    rows = [json.loads(line) for line in SLICE.read_text(encoding="utf-8").splitlines()]
    rows = (rows * 3 * copies)[: 6 * copies]
    for n, row in enumerate(rows):
        row["id"] = f"row{n}"
    if bad_row is not None:
        rows[bad_row]["segments"][0]["end"] = "soon"
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _jobs(path: Path) -> list[batch.Job | Rows]:
    # One row a window, so that even six rows spread over the workers.
    from subtools.dataset import jsonl_windows

    return list(jsonl_windows(str(path), window_bytes=1))


def test_parallel_run_equals_serial_run(tmp_path: Path) -> None:
    jobs = _jobs(_dataset(tmp_path))
    recipe = batch.Recipe("srt", get_profile("netflix"), keep_changes=True)
    assert len(jobs) == 6
    serial = list(batch.run(jobs, recipe))
    parallel_ = list(batch.run(jobs, recipe, workers=2))
    assert [(d.row, d.id) for d in parallel_] == [(n + 1, f"row{n}") for n in range(6)]
    assert [(d.id, d.text, d.changes) for d in parallel_] == [
        (d.id, d.text, d.changes) for d in serial
    ]
    assert all(d.changes for d in serial)


def test_changes_stay_in_the_worker_unless_asked_for(tmp_path: Path) -> None:
    jobs = _jobs(_dataset(tmp_path))
    kept = list(batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2))
    bare = batch.Recipe("srt", get_profile("netflix"), keep_changes=False, summarize=False)
    dropped = list(batch.run(jobs, bare, workers=2))
    assert [d.text for d in dropped] == [d.text for d in kept]
    assert all(d.changes for d in kept)
    assert not any(d.changes or d.unresolved or d.summary for d in dropped)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_strict_run_stops_at_the_first_bad_row(tmp_path: Path, workers: int) -> None:
    jobs = _jobs(_dataset(tmp_path, bad_row=3))
    results = list(batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=workers))
    assert len(results) == 4
    assert [type(d) for d in results] == [batch.Done] * 3 + [batch.Failed]
    assert [d.id for d in results[:3]] == ["row0", "row1", "row2"]  # type: ignore[union-attr]
    failed = results[-1]
    assert isinstance(failed, batch.Failed)
    assert "row 4" in str(failed.error)
    assert "segment 1" in str(failed.error)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_lenient_run_tells_tracks_from_warnings(tmp_path: Path, workers: int) -> None:
    good = _dataset(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n[]\n", encoding="utf-8")  # no row: warnings and no track
    jobs = list(batch.jobs_for([str(good), str(bad)]))
    recipe = batch.Recipe("srt", get_profile("netflix"))
    results = list(batch.run(jobs, recipe, lenient=True, workers=workers))
    assert [type(d) for d in results] == [batch.Done] * 6 + [batch.Warned]
    warned = results[-1]
    assert isinstance(warned, batch.Warned) and warned.source == str(bad)
    assert [w.line for w in warned.warnings] == [1, 2]


def test_the_library_runs_in_this_process_unless_asked_for_workers() -> None:
    assert [r for _, r in parallel.ordered_map(_pid, range(5))] == [os.getpid()] * 5
    pids = {r for _, r in parallel.ordered_map(_pid, range(20), workers=2)}
    assert os.getpid() not in pids


def _pid(_: int) -> int:
    return os.getpid()


def test_results_come_in_input_order_whatever_the_job_sizes() -> None:
    sizes = [1, 50, 3, 40, 2, 7, 30, 1, 1, 25]
    got = list(parallel.ordered_map(_spin, sizes, workers=2, cost=lambda n: n))
    assert got == [(n, n * n) for n in sizes]


def _spin(n: int) -> int:
    sum(range(n * 20_000))  # work of about that size
    return n * n


def test_jobs_are_read_a_window_ahead_at_most() -> None:
    read: list[int] = []

    def jobs() -> Iterator[int]:
        for i in range(1000):
            read.append(i)
            yield i

    results = parallel.ordered_map(_pid, jobs(), workers=2)
    next(results)
    assert len(read) <= 2 * parallel.JOBS_PER_WORKER + 1
    results.close()  # type: ignore[attr-defined]
    assert len(read) < 1000


def test_a_bug_in_a_worker_is_raised_here(tmp_path: Path, monkeypatch) -> None:
    jobs = _jobs(_dataset(tmp_path))
    parent = os.getpid()
    real = batch.run_job

    def flaky(job: batch.Job | Rows, recipe: batch.Recipe, lenient: bool) -> list[batch.Outcome]:
        if os.getpid() != parent:
            raise RuntimeError("bug")
        return real(job, recipe, lenient)

    monkeypatch.setattr(batch, "run_job", flaky)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    with pytest.raises(RuntimeError, match="bug"):
        list(results)


@pytest.mark.skipif(os.name != "posix", reason="kills a worker with SIGKILL")
def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path, monkeypatch) -> None:
    jobs = _jobs(_dataset(tmp_path))
    parent = os.getpid()
    real = batch.run_job

    def dying(job: batch.Job | Rows, recipe: batch.Recipe, lenient: bool) -> list[batch.Outcome]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
        return real(job, recipe, lenient)

    monkeypatch.setattr(batch, "run_job", dying)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    with pytest.raises(SubtoolsError, match="worker process died"):
        list(results)


def test_raw_runs_stay_in_this_process(tmp_path: Path, monkeypatch) -> None:
    jobs = _jobs(_dataset(tmp_path))

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool for raw conversion")

    monkeypatch.setattr(parallel, "_pooled", no_pool)
    assert len(list(batch.run(jobs, batch.Recipe("srt"), workers=2))) == 6
