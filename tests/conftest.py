"""Shared helpers: running the CLI as a user would, the dataset slices, damaged tracks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from subtools import Cue, Track

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SLICE = DATA / "transcripts-slice.jsonl"
# The full shared dataset is used when present beside the project (never required).
SHARED = ROOT.parent / "shared" / "data" / "transcripts.jsonl"
#: Findings that mean broken timing, which repair must always leave none of.
TIMING_KINDS = frozenset(
    {"overlap", "out_of_order", "negative_duration", "zero_duration", "gap_too_short"}
)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> Result:
    """Run ``python -m subtools`` in a child process, exactly as a user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "subtools", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def dataset_files() -> list[Path]:
    files = [SLICE]
    if SHARED.exists():
        files.append(SHARED)
    return files


def dataset_rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(params=dataset_files(), ids=lambda p: p.name)
def dataset(request: pytest.FixtureRequest) -> Path:
    """The in-repo slice, and the full shared dataset when it is there."""
    return request.param  # type: ignore[no-any-return]


def moved(track: Track, scale: float = 1.0, shift: int = 0) -> Track:
    """The track with every time multiplied by ``scale``, then ``shift`` ms added."""
    return track.with_cues(
        Cue(round(c.start * scale) + shift, round(c.end * scale) + shift, c.text) for c in track
    )
