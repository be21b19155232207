"""Batch runs: the same results on every core as in one process, in input order."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

from subtools import batch
from subtools.errors import SubtoolsError
from subtools.style import get_profile

from .conftest import SLICE


def _dataset(tmp_path: Path, bad_row: int | None = None) -> Path:
    rows = [json.loads(line) for line in SLICE.read_text(encoding="utf-8").splitlines()]
    rows = (rows * 3)[:6]
    for n, row in enumerate(rows):
        row["id"] = f"row{n}"
    if bad_row is not None:
        rows[bad_row]["segments"][0]["end"] = "soon"
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_parallel_run_equals_serial_run(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    recipe = batch.Recipe("srt", get_profile("netflix"), keep_changes=True)
    jobs = batch.jobs_for([str(path)], workers=2)
    assert len(jobs) == 6
    serial = list(batch.run(jobs, recipe, workers=1))
    parallel = list(batch.run(jobs, recipe, workers=2))
    assert gc.get_freeze_count() == 0  # frozen for the fork, thawed after the run
    assert [d.id for d in parallel] == [f"row{n}" for n in range(6)]
    assert [(d.id, d.text, d.changes) for d in parallel] == [
        (d.id, d.text, d.changes) for d in serial
    ]
    assert all(d.changes for d in serial)


def test_changes_stay_in_the_worker_unless_asked_for(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    kept = list(batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2))
    bare = batch.Recipe("srt", get_profile("netflix"), keep_changes=False, summarize=False)
    dropped = list(batch.run(jobs, bare, workers=2))
    assert [d.text for d in dropped] == [d.text for d in kept]
    assert all(d.changes for d in kept)
    assert not any(d.changes or d.unresolved or d.summary for d in dropped)


@pytest.mark.parametrize("way", ["serial", "forked", "pooled"])
def test_a_strict_run_stops_at_the_first_bad_row(tmp_path: Path, monkeypatch, way: str) -> None:
    path = _dataset(tmp_path, bad_row=3)
    jobs = batch.jobs_for([str(path)], workers=2)
    monkeypatch.setattr(batch, "_FORK", way != "pooled")
    workers = 1 if way == "serial" else 2
    recipe = batch.Recipe("srt", get_profile("netflix"))
    results = list(batch.run(jobs, recipe, workers=workers))
    assert len(results) == 4
    assert [d.id for d in results[:3]] == ["row0", "row1", "row2"]
    assert results[-1].error is not None
    assert "row 4" in str(results[-1].error)
    assert "segment 1" in str(results[-1].error)


def test_every_way_of_running_gives_the_same(tmp_path: Path, monkeypatch) -> None:
    path = _dataset(tmp_path)
    recipe = batch.Recipe("srt", get_profile("netflix"))
    jobs = batch.jobs_for([str(path)], workers=3)
    serial = [(d.id, d.text) for d in batch.run(jobs, recipe, workers=1)]
    assert [(d.id, d.text) for d in batch.run(jobs, recipe, workers=3)] == serial
    monkeypatch.setattr(batch, "_FORK", False)  # the process pool of macOS and Windows
    assert [(d.id, d.text) for d in batch.run(jobs, recipe, workers=2)] == serial


def test_a_bug_in_a_worker_is_raised_here(tmp_path: Path, monkeypatch) -> None:
    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    real = batch._run_job

    def flaky(job: batch.Job, recipe: batch.Recipe, lenient: bool) -> list[batch.Done]:
        if job is jobs[-1]:  # the first job a worker takes (from the back)
            raise RuntimeError("bug")
        return real(job, recipe, lenient)

    monkeypatch.setattr(batch, "_run_job", flaky)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    with pytest.raises(RuntimeError, match="bug"):
        list(results)


def test_workers_left_behind_are_collected(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    first = next(iter(results))
    assert first.id == "row0"
    results.close()  # type: ignore[attr-defined]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_workers_of_results_never_read_are_collected(tmp_path: Path) -> None:
    import gc

    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    del results
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path, monkeypatch) -> None:
    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    parent = os.getpid()
    real = batch._run_job

    def dying(job: batch.Job, recipe: batch.Recipe, lenient: bool) -> list[batch.Done]:
        if os.getpid() != parent:
            os._exit(9)  # killed, as by the out-of-memory killer
        return real(job, recipe, lenient)

    monkeypatch.setattr(batch, "_run_job", dying)
    results = batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2)
    with pytest.raises(SubtoolsError, match="ended without its results"):
        list(results)


def test_a_very_large_run_goes_in_rounds(tmp_path: Path, monkeypatch) -> None:
    path = _dataset(tmp_path)
    jobs = batch.jobs_for([str(path)], workers=2)
    recipe = batch.Recipe("srt", get_profile("netflix"))
    whole = [(d.id, d.text) for d in batch.run(jobs, recipe, workers=2)]
    monkeypatch.setattr(batch, "_ROUND_BYTES", 1)  # every _MIN_PARALLEL_JOBS jobs a round
    assert [len(r) for r in batch._rounds(jobs)] == [4, 2]
    assert [(d.id, d.text) for d in batch.run(jobs, recipe, workers=2)] == whole
