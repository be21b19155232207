"""`subtools fix` and `subtools check` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from subtools import Cue, Track

from .conftest import SLICE, TIMING_KINDS, run_cli

BROKEN = Track(
    (
        Cue(5000, 9000, "This cue runs into the next one and goes on for a long while after it"),
        Cue(1000, 2000, "Out of order."),
        Cue(8000, 8000, "Zero."),
        Cue(10_000, 9_000, "Backwards in time."),
        Cue(12_000, 12_050, "Short"),
        Cue(12_100, 14_000, "close behind"),
    )
)


def test_fix_repairs_reports_and_is_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "broken.srt"
    BROKEN.save(src)
    before = src.read_bytes()
    out, report = tmp_path / "fixed.srt", tmp_path / "changes.json"
    res = run_cli("fix", str(src), "-o", str(out), "--report", str(report))
    assert res.code == 0, res.err
    assert src.read_bytes() == before
    line = res.err.strip()
    assert line.startswith(f"subtools: {out}: ") and "overlap" in line and "\n" not in line
    body = json.loads(report.read_text())
    assert body["source"] == str(src) and body["profile"] == "netflix"
    assert {"cue", "field", "old", "new", "rule"} <= set(body["changes"][0])
    assert {c["rule"] for c in body["changes"]} >= {
        "order",
        "overlap",
        "zero_duration",
        "negative_duration",
    }
    again = tmp_path / "again.srt"
    res = run_cli("fix", str(out), "-o", str(again))
    assert res.code == 0
    assert again.read_bytes() == out.read_bytes()
    checked = run_cli("check", str(out), "--json")
    kinds = set(json.loads(checked.out)["summary"])
    assert not kinds & {
        "overlap",
        "out_of_order",
        "negative_duration",
        "zero_duration",
        "gap_too_short",
        "line_too_long",
        "too_many_lines",
    }


def test_fix_many_files_into_a_folder_in_other_formats(tmp_path: Path) -> None:
    inputs = []
    for i in range(5):
        p = tmp_path / f"part{i}.srt"
        BROKEN.save(p)
        inputs.append(str(p))
    res = run_cli("fix", *inputs, "--out-dir", str(tmp_path / "out"), "--to", "vtt")
    assert res.code == 0, res.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"part{i}.vtt" for i in range(5)
    ]
    assert len(res.err.strip().splitlines()) == 5


def test_fix_never_writes_over_an_input(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    BROKEN.save(src)
    before = src.read_bytes()
    res = run_cli("fix", str(src), "--out-dir", str(tmp_path))
    assert res.code == 2 and "never overwrites" in res.err
    assert src.read_bytes() == before
    assert run_cli("fix", str(src), "-o", str(src)).code == 2


def test_overlap_strategy_flag(tmp_path: Path) -> None:
    src = tmp_path / "o.srt"
    Track((Cue(0, 3000, "one two"), Cue(2000, 5000, "three four"))).save(src)
    res = run_cli("fix", str(src), "-o", "-", "--overlap", "merge", "--to", "txt")
    assert res.code == 0 and res.out.split() == ["one", "two", "three", "four"]
    assert run_cli("fix", str(src), "-o", "-", "--overlap", "nope").code == 2


def test_check_human_output_and_exit_codes(tmp_path: Path) -> None:
    src = tmp_path / "broken.srt"
    BROKEN.save(src)
    res = run_cli("check", str(src))
    assert res.code == 1
    lines = res.out.strip().splitlines()
    assert lines[0].startswith(f"{src}: cue 1 at 0:05.000: out_of_order:")
    assert lines[-1].startswith(f"{src}: ") and "findings" in lines[-1]
    clean = tmp_path / "clean.srt"
    Track((Cue(0, 2000, "Fine."), Cue(3000, 5000, "Also fine."))).save(clean)
    res = run_cli("check", str(clean))
    assert res.code == 0 and "no findings" in res.out
    assert run_cli("check", str(tmp_path / "missing.srt")).code == 2
    garbage = tmp_path / "garbage.srt"
    garbage.write_text("not subtitles\n")
    res = run_cli("check", str(garbage))
    assert res.code == 2 and "garbage.srt:1" in res.err


def test_check_json_report(tmp_path: Path) -> None:
    src = tmp_path / "broken.srt"
    BROKEN.save(src)
    res = run_cli("check", str(src), "--json", "--profile", "bbc")
    body = json.loads(res.out)
    assert set(body) == {"source", "profile", "findings", "summary"}
    assert body["profile"] == "bbc"
    f = body["findings"][0]
    assert set(f) == {"cue", "start_ms", "end_ms", "kind", "message", "fixable"}
    assert sum(body["summary"].values()) == len(body["findings"])


def test_single_long_word_is_a_finding_not_fixable(tmp_path: Path) -> None:
    src = tmp_path / "w.srt"
    Track((Cue(0, 3000, "Pneumonoultramicroscopicsilicovolcanoconiosis-related"),)).save(src)
    body = json.loads(run_cli("check", str(src), "--json").out)
    long = [f for f in body["findings"] if f["kind"] == "line_too_long"]
    assert long and long[0]["fixable"] is False


def test_default_convert_of_the_slice_passes_check(tmp_path: Path) -> None:
    res = run_cli("convert", str(SLICE), "--out-dir", str(tmp_path), "--to", "srt")
    assert res.code == 0, res.err
    for path in tmp_path.glob("*.srt"):
        body = json.loads(run_cli("check", str(path), "--json").out)
        broken = TIMING_KINDS | {"line_too_long", "too_many_lines", "empty"}
        assert not set(body["summary"]) & broken, (path, body["summary"])
