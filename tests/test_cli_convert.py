"""`subtools convert` end to end, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pysrt

from .conftest import ROOT, SLICE, dataset_rows, run_cli


def test_version_and_help() -> None:
    res = run_cli("--version")
    assert res.code == 0 and res.out.startswith("subtools ")
    res = run_cli("convert", "--help")
    assert res.code == 0 and "--out-dir" in res.out and "--raw" in res.out


def test_stdin_to_stdout_detects_format() -> None:
    data = json.dumps([{"start": 0.5, "end": 1.5, "text": " Hi"}]).encode()
    res = run_cli("convert", "-", "--raw", "--to", "vtt", stdin=data)
    assert res.code == 0
    assert res.out == "WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHi\n"


def test_output_format_from_extension(tmp_path: Path) -> None:
    out = tmp_path / "x.vtt"
    res = run_cli("convert", str(SLICE), "--id", "waK7AD-AEyc", "--raw", "-o", str(out))
    assert res.code == 0, res.err
    assert out.read_text().startswith("WEBVTT\n")


def test_out_dir_writes_one_file_per_row_without_progress_bar_when_piped(tmp_path: Path) -> None:
    res = run_cli("convert", str(SLICE), "--raw", "--out-dir", str(tmp_path / "d"), "--to", "srt")
    assert res.code == 0, res.err
    ids = [str(r["id"]) for r in dataset_rows(SLICE)]
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(f"{i}.srt" for i in ids)
    assert "\r" not in res.err and "%" not in res.err
    assert res.err.strip() == f"subtools: wrote {len(ids)} files to {tmp_path / 'd'}"


def test_quick_start_example_writes_valid_srt(tmp_path: Path) -> None:
    out = tmp_path / "talk.srt"
    res = run_cli(
        "convert", "examples/transcripts.jsonl", "--id", "H3Bhlan0mE0", "-o", str(out), cwd=ROOT
    )
    assert res.code == 0, res.err
    subs = pysrt.open(str(out))
    assert len(subs) > 0 and subs[0].start.ordinal >= 0


def test_example_script_runs(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "examples/library_usage.py", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "H3Bhlan0mE0.vtt").exists()


def test_fast_start_imports_nothing_heavy(tmp_path: Path) -> None:
    out = tmp_path / "o.vtt"
    code = (
        "import sys, subtools\n"
        "from subtools.cli import main as m\n"
        "try:\n    m.main(['convert', '--help'])\nexcept SystemExit:\n    pass\n"
        f"m.main(['convert', {str(SLICE)!r}, '--id', 'waK7AD-AEyc', '-o', {str(out)!r}])\n"
        "heavy = [x for x in ('yt_dlp', 'numpy', 'ffmpeg', 'imageio_ffmpeg', 'webrtcvad',"
        " 'pyarrow', 'dask', 'distributed')"
        " if x in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY="
    assert out.exists()


def test_raw_conversion_loads_no_step_it_does_not_run(tmp_path: Path) -> None:
    # A raw conversion of a dataset to a folder wraps, repairs and reads chapters never:
    # their modules stay out of its start-up.
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "from subtools.cli import main as m\n"
        f"m.main(['convert', {str(SLICE)!r}, '--out-dir', {str(out)!r}, '--raw'])\n"
        "steps = ('subtools.chapters', 'subtools.changes', 'subtools.pipeline', 'subtools.wrap')\n"
        "print('LOADED=' + ','.join(x for x in steps if x in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "LOADED="
    assert len(list(out.iterdir())) == len(dataset_rows(SLICE))
