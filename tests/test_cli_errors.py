"""The command line never prints a traceback: closed and broken streams, bad numbers,
signals, bad input; and nothing is written for input that gave nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SLICE, run_cli

SRT = "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\n00:00:03,000 --> 00:00:04,000\nBye.\n"


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PY": sys.executable},
        check=False,
    )


@pytest.fixture
def srt_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.srt"
    path.write_text(SRT)
    return path


def test_closed_stdin(tmp_path: Path) -> None:
    res = _shell('"$PY" -m subtools convert - <&-', tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "standard input is closed" in res.stderr


def test_closed_stdout(srt_file: Path) -> None:
    for command in ("convert in.srt", "check in.srt", "check in.srt --json"):
        res = _shell(f'"$PY" -m subtools {command} >&-', srt_file.parent)
        assert "Traceback" not in res.stderr, command
        assert res.returncode in (0, 1), (command, res.stderr)
    res = _shell('"$PY" -m subtools convert in.srt >&-', srt_file.parent)
    assert res.returncode == 1 and "standard output is closed" in res.stderr


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    rows = [{"start": i, "end": i + 0.01, "text": "x " * 80} for i in range(3000)]
    src = tmp_path / "many.json"
    src.write_text(json.dumps(rows))
    for command in ("check many.json", "convert many.json --raw"):
        res = _shell(f'"$PY" -m subtools {command} | head -1; echo "${{PIPESTATUS[0]}}"', tmp_path)
        assert "Traceback" not in res.stderr and "Broken pipe" not in res.stderr, res.stderr
        assert res.stdout.splitlines()[-1] in ("0", "1", "141"), res.stdout


@pytest.mark.parametrize(
    "flag", [("--fps", "nan"), ("--min-gap", "inf"), ("--max-cps", "nan"), ("--fps", "0")]
)
def test_nan_and_infinite_flags_are_usage_errors(srt_file: Path, flag: tuple[str, str]) -> None:
    for command in ("convert", "check"):
        res = run_cli(command, str(srt_file), *flag)
        assert res.code == 2 and "Traceback" not in res.err, res.err
        assert flag[0] in res.err


def test_sigterm_leaves_no_temp_files(tmp_path: Path) -> None:
    """SIGTERM is handled as Ctrl-C: the temp file being written is removed."""
    for run, delay in enumerate((0.8, 1.2, 1.6)):
        out = tmp_path / f"out{run}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "subtools", "convert", str(SLICE), "--out-dir", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err
        assert proc.returncode in (0, 143, -signal.SIGTERM), err
        assert not (out.exists() and [p for p in out.iterdir() if p.name.startswith(".")])


def test_lenient_input_that_gave_nothing_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text(json.dumps([{"start": "x", "end": 1, "text": "a"}]))
    out = tmp_path / "out.srt"
    res = run_cli("convert", str(src), "--lenient", "--raw", "-o", str(out))
    assert res.code == 1 and not out.exists()
    assert "no cues" in res.err and "Traceback" not in res.err
    row = json.dumps({"id": "r1", "segments": [{"start": "x", "end": 1, "text": "a"}]})
    good = json.dumps({"id": "r2", "segments": [{"start": 0, "end": 1, "text": "a"}]})
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(f"{row}\n{good}\n")
    res = run_cli("convert", str(dataset), "--lenient", "--out-dir", str(tmp_path / "dir"))
    assert res.code == 0, res.err
    assert sorted(p.name for p in (tmp_path / "dir").iterdir()) == ["r2.srt"]
    assert "r1: no cues, nothing written" in res.err


def test_out_dir_is_not_made_for_unreadable_input(tmp_path: Path) -> None:
    src = tmp_path / "bad.srt"
    src.write_text("not subtitles\n")
    for command in ("convert", "fix"):
        res = run_cli(command, str(src), "--out-dir", str(tmp_path / command))
        assert res.code == 1 and not (tmp_path / command).exists(), res.err


def test_fix_reads_standard_input() -> None:
    res = run_cli("fix", "-", "-o", "-", stdin=SRT.encode())
    assert res.code == 0, res.err
    assert "Hello there." in res.out and "Bye." in res.out
    res = run_cli("fix", "-", "x.srt", "--out-dir", "d", stdin=SRT.encode())
    assert res.code == 2


def test_a_cue_without_the_empty_line_before_it_is_a_warning_not_a_skip(tmp_path: Path) -> None:
    src = tmp_path / "tight.srt"
    src.write_text(SRT.replace("\n\n", "\n"))
    res = run_cli("convert", str(src), "--raw", "--to", "txt")
    assert res.code == 0 and res.out == "Hello there.\nBye.\n"
    assert "tight.srt:4: a new cue starts without an empty line" in res.err
    assert "skipped" not in res.err


def test_crashing_inputs_of_old_are_one_line_errors(tmp_path: Path) -> None:
    cases = {
        "big.vtt": "WEBVTT\n\n99999999999:00:01.000 --> 99999999999:00:02.000\nx\n",
        "inline.vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\na <00:61:00.000>b\n",
        "huge.json": '[{"start": 1e308, "end": 1e308, "text": "x"}]',
        "digits.json": '[{"start": ' + "9" * 5000 + ', "end": 1, "text": "x"}]',
        "int400.json": '[{"start": ' + "9" * 400 + ', "end": 1, "text": "x"}]',
    }
    for name, content in cases.items():
        src = tmp_path / name
        src.write_text(content)
        for extra in ((), ("--lenient",)):
            res = run_cli("convert", str(src), "--raw", *extra)
            assert "Traceback" not in res.err and res.code in (0, 1), (name, res.err)
            assert len(res.err.strip().splitlines()) <= 2, (name, res.err)
