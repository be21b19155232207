"""Other readers as oracles: what we write, they read back exactly (times in ms, text).

Runs over the in-repo dataset slice, and over the full shared dataset when it is present.
"""

from __future__ import annotations

import html
import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pysrt
import pysubs2
import pytest
import srt
import webvtt

import subtools
from subtools.timecode import seconds_to_ms

from .conftest import dataset_rows, run_cli

Expected = list[tuple[int, int, str]]
_MS = timedelta(milliseconds=1)


def _expected(row: dict) -> Expected:  # type: ignore[type-arg]
    return [
        (seconds_to_ms(s["start"]), seconds_to_ms(s["end"]), s["text"].strip())
        for s in row["segments"]
    ]


def _written(dataset: Path, tmp_path: Path, fmt: str) -> list[tuple[Path, Expected]]:
    out_dir = tmp_path / fmt
    res = run_cli("convert", str(dataset), "--raw", "--out-dir", str(out_dir), "--to", fmt)
    assert res.code == 0, res.err
    pairs = []
    for row in dataset_rows(dataset):
        pairs.append((out_dir / f"{row['id']}.{fmt}", _expected(row)))
    return pairs


def test_pysrt_reads_our_srt(dataset: Path, tmp_path: Path) -> None:
    for path, expected in _written(dataset, tmp_path, "srt"):
        subs = pysrt.open(str(path), encoding="utf-8")
        assert [(s.start.ordinal, s.end.ordinal, s.text) for s in subs] == expected, path


def test_srt_library_reads_our_srt(dataset: Path, tmp_path: Path) -> None:
    for path, expected in _written(dataset, tmp_path, "srt"):
        subs = list(srt.parse(path.read_text(encoding="utf-8")))
        got = [(s.start // _MS, s.end // _MS, s.content) for s in subs]
        assert got == expected, path


def test_pysubs2_reads_our_srt_and_vtt(dataset: Path, tmp_path: Path) -> None:
    for fmt in ("srt", "vtt"):
        for path, expected in _written(dataset, tmp_path, fmt):
            subs = pysubs2.load(str(path), encoding="utf-8")
            got = [(e.start, e.end, e.plaintext) for e in subs]
            if fmt == "vtt":
                # pysubs2 reads WebVTT with its SRT parser, which leaves entities as written.
                got = [(s, e, t.replace("&amp;", "&")) for s, e, t in got]
            assert got == expected, path


def test_webvtt_py_reads_our_vtt(dataset: Path, tmp_path: Path) -> None:
    for path, expected in _written(dataset, tmp_path, "vtt"):
        vtt = webvtt.read(str(path))
        got = [
            (c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.text)
            for c in vtt.captions
        ]
        # webvtt-py strips tags but leaves entities; the text must match once they are decoded.
        assert [(s, e, html.unescape(t)) for s, e, t in got] == expected, path


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_ffmpeg_reads_our_files(dataset: Path, tmp_path: Path, fmt: str) -> None:
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    for path, expected in _written(dataset, tmp_path, fmt):
        proc = subprocess.run(
            [exe, "-v", "error", "-i", str(path), "-f", "srt", "-"], capture_output=True, check=True
        )
        # ffmpeg re-emits what it parsed as SRT; the `srt` library reads that back.
        subs = list(srt.parse(proc.stdout.decode("utf-8")))
        got = [(s.start // _MS, s.end // _MS, s.content) for s in subs]
        assert got == expected, (path, proc.stderr)


def test_library_round_trip_over_dataset(dataset: Path) -> None:
    for track in subtools.load_all(dataset):
        for fmt in ("srt", "vtt", "json"):
            again = subtools.loads(track.to_string(fmt), fmt)
            assert again.cues == track.cues, (track.id, fmt)


def test_from_string_io() -> None:
    track = subtools.load(io.StringIO('[{"start": 0, "end": 1.5, "text": "x"}]'))
    assert track[0].end == 1500
