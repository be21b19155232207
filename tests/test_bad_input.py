"""Bad input is data: one line naming the place, exit 1, no traceback, input untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from .conftest import run_cli

GOOD = {"start": 0.0, "end": 1.0, "text": " fine"}


def _row(segments: object, rid: str = "vid1") -> str:
    return json.dumps({"id": rid, "segments": segments})


# (file name, content, expected place, expected words in the message)
CASES = [
    (
        "trunc.json",
        '[{"start": 0, "end": 1, "text": "a"}, {"start": 1',
        "trunc.json:1",
        "invalid JSON",
    ),
    ("broken.jsonl", _row([GOOD]) + "\n{not json\n", "broken.jsonl:2", "invalid JSON"),
    ("nan.json", '[{"start": NaN, "end": 1, "text": "a"}]', "nan.json: segment 1", "finite"),
    (
        "inf.jsonl",
        '{"id": "vid1", "segments": [{"start": 0, "end": Infinity, "text": "x"}]}\n',
        "inf.jsonl: row 1 (id vid1), segment 1",
        "finite",
    ),
    (
        "neg.json",
        json.dumps([GOOD, {"start": -1.5, "end": 1, "text": "a"}]),
        "neg.json: segment 2",
        "negative start",
    ),
    (
        "huge.jsonl",
        _row([GOOD, GOOD, {"start": 1e308, "end": 1e308, "text": "a"}]) + "\n",
        "huge.jsonl: row 1 (id vid1), segment 3",
        "out of range",
    ),
    (
        "types.json",
        json.dumps([{"start": "0:01", "end": 2, "text": "a"}]),
        "types.json: segment 1",
        "must be a number",
    ),
    (
        "textnum.json",
        json.dumps([{"start": 0, "end": 2, "text": 42}]),
        "textnum.json: segment 1",
        "text must be a string",
    ),
    (
        "missing.json",
        json.dumps([{"start": 0, "text": "a"}]),
        "missing.json: segment 1",
        "missing 'end'",
    ),
    (
        "noseg.jsonl",
        _row([GOOD]) + "\n" + json.dumps({"id": "vid2", "title": "x"}) + "\n",
        "noseg.jsonl: row 2 (id vid2)",
        "no 'segments'",
    ),
    ("garbage.srt", "this is not\na subtitle file\n", "garbage.srt:1", "not an SRT cue"),
    (
        "badts.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,0000 --> 00:00:04,000\nx\n",
        "badts.srt:6",
        "malformed timing line",
    ),
    ("minutes.srt", "1\n00:61:01,000 --> 00:62:02,000\nok\n", "minutes.srt:2", "malformed"),
    ("trunc.srt", "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:0", "trunc.srt:6", "malformed"),
    ("nohead.vtt", "00:01.000 --> 00:02.000\nhi\n", "nohead.vtt:1", "WEBVTT"),
    (
        "badts.vtt",
        "WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03,000 --> 00:04.000\nx\n",
        "badts.vtt:6",
        "malformed cue timing",
    ),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("name", "content", "place", "words"), CASES, ids=[c[0] for c in CASES])
def test_one_line_exit_1_no_traceback(
    tmp_path: Path, name: str, content: str, place: str, words: str
) -> None:
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    before = _digest(src)
    out = tmp_path / "out.srt"
    res = run_cli("convert", str(src), "-o", str(out), "--raw")
    assert res.code == 1, res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    assert place in lines[0] and words in lines[0], lines[0]
    assert _digest(src) == before
    assert not out.exists()


def test_undecodable_binary_file(tmp_path: Path) -> None:
    src = tmp_path / "noise.srt"
    src.write_bytes(bytes(range(256)) * 8)
    res = run_cli("convert", str(src), "--raw")
    assert res.code == 1 and len(res.err.strip().splitlines()) == 1
    assert "noise.srt" in res.err and "Traceback" not in res.err


def test_lenient_skips_with_one_warning_each_and_a_count(tmp_path: Path) -> None:
    src = tmp_path / "mixed.json"
    src.write_text(
        json.dumps(
            [
                GOOD,
                {"start": 3, "end": "2", "text": "x"},
                {"start": 1, "text": "y"},
                {"start": 4, "end": 5, "text": "kept"},
            ]
        )
    )
    res = run_cli("convert", str(src), "--raw", "--lenient", "--to", "txt")
    assert res.code == 0
    assert res.out == "fine\nkept\n"
    warnings = [ln for ln in res.err.splitlines() if "warning" in ln]
    assert len(warnings) == 2
    assert "segment 2" in warnings[0] and "segment 3" in warnings[1]
    assert "skipped 2 bad items" in res.err


def test_lenient_srt_skips_a_bad_cue(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    src.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03 --> x\nbad\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\nalso ok\n"
    )
    res = run_cli("convert", str(src), "--raw", "--lenient", "--to", "txt")
    assert res.code == 0 and res.out == "ok\nalso ok\n"
    assert "a.srt:6" in res.err and "skipped 1 bad item" in res.err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("convert").code == 2
    assert run_cli("convert", "x.json", "--to", "docx").code == 2
    assert run_cli("frobnicate").code == 2


def test_missing_file_is_exit_1(tmp_path: Path) -> None:
    res = run_cli("convert", str(tmp_path / "nope.srt"))
    assert res.code == 1 and "nope.srt" in res.err and "no such file" in res.err


def test_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    src.write_text("1\n00:00:01,000 --> 00:00:02,000\nok\n")
    before = _digest(src)
    res = run_cli("convert", str(src), "-o", str(src))
    assert res.code == 2 and "never overwrites" in res.err
    assert _digest(src) == before


def test_dataset_needs_id_or_out_dir(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    src.write_text(_row([GOOD], "a") + "\n" + _row([GOOD], "b") + "\n")
    res = run_cli("convert", str(src))
    assert res.code == 2 and "--id" in res.err
    assert run_cli("convert", str(src), "--id", "zzz").code == 1
