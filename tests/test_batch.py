"""Batch runs: the same results on every core as in one process, in input order."""

from __future__ import annotations

import json
from pathlib import Path

from subtools import batch
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


def test_a_strict_run_stops_at_the_first_bad_row(tmp_path: Path) -> None:
    path = _dataset(tmp_path, bad_row=3)
    jobs = batch.jobs_for([str(path)], workers=2)
    results = list(batch.run(jobs, batch.Recipe("srt", get_profile("netflix")), workers=2))
    assert [d.id for d in results[:3]] == ["row0", "row1", "row2"]
    assert results[-1].error is not None
    assert "row 4" in str(results[-1].error)
    assert "segment 1" in str(results[-1].error)
