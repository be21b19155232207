"""``mux``: subtitle tracks and chapters put into a video made here, checked with ffmpeg."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import subtools
from subtools.chapters import read_chapters
from subtools.media.decode import ffmpeg_exe
from subtools.media.mux import media_duration

from .conftest import run_cli

SRT = """1
00:00:00,500 --> 00:00:02,250
Hello there.

2
00:00:03,000 --> 00:00:05,999
Two lines
of text & more.

3
00:00:12,345 --> 00:00:14,000
Later on.
"""
VTT = """WEBVTT

00:00:01.000 --> 00:00:04.500
Hallo zusammen.

00:00:21.125 --> 00:00:23.875
Bis bald.
"""
DESCRIPTION = "OUTLINE:\n0:00 - Intro & Overview\n0:10 - The middle\n0:20 - The end\n"


def ffmpeg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30 s video (H.264 and AAC in MP4), subtitles in two languages, a chapter list."""
    folder = tmp_path_factory.mktemp("mux")
    made = ffmpeg(
        "-v", "error",
        "-f", "lavfi", "-i", "testsrc=duration=30:size=96x64:rate=10",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
        "-c:v", "libx264", "-g", "20", "-c:a", "aac", "-shortest",
        str(folder / "talk.mp4"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (folder / "talk.en.srt").write_text(SRT)
    (folder / "talk.de.vtt").write_text(VTT)
    (folder / "description.txt").write_text(DESCRIPTION)
    return folder


def streams(path: Path) -> list[tuple[str, str, str]]:
    """(kind, codec, language) of every stream, as ffmpeg lists them."""
    listing = ffmpeg("-i", str(path)).stderr
    return [
        (kind, codec, lang or "")
        for lang, kind, codec in re.findall(
            r"Stream #0:\d+(?:\[\w+\])?(?:\((\w+)\))?: (\w+): (\w+)", listing
        )
    ]


def packets(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each audio and video stream's packets, (size, md5), in order: copied as they are.
    (Containers interleave the streams differently, so they are compared one by one.)"""
    out = ffmpeg(
        "-i", str(path), "-map", "0:v", "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"
    ).stdout  # fmt: skip
    found: dict[str, list[tuple[str, str]]] = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            # stream, dts, pts, duration, size, md5 (then any side data)
            stream, _, _, _, size, md5 = (f.strip() for f in line.split(",")[:6])
            found.setdefault(stream, []).append((size, md5))
    return found


def subtitle_cues(path: Path, index: int) -> list[tuple[int, int, str]]:
    srt = ffmpeg("-v", "error", "-i", str(path), "-map", f"0:s:{index}", "-f", "srt", "-").stdout
    return [(c.start, c.end, c.text) for c in subtools.loads(srt, "srt")]


def cues_of(path: Path) -> list[tuple[int, int, str]]:
    return [(c.start, c.end, c.text) for c in subtools.load(path)]


@pytest.mark.parametrize(
    ("ext", "codecs"), [(".mp4", ["mov_text", "mov_text"]), (".mkv", ["subrip", "webvtt"])]
)
def test_mux_copies_streams_and_adds_subtitles_and_chapters(
    inputs: Path, tmp_path: Path, ext: str, codecs: list[str]
) -> None:
    video, out = inputs / "talk.mp4", tmp_path / f"out{ext}"
    before = video.read_bytes()
    res = run_cli(
        "mux", str(video), str(inputs / "talk.en.srt"), str(inputs / "talk.de.vtt"),
        "--chapters", str(inputs / "description.txt"), "-o", str(out),
    )  # fmt: skip
    assert res.code == 0, res.err
    assert video.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [out.name]  # no temporary file left behind

    listed = streams(out)
    assert [(k, c) for k, c, _ in listed if k != "Subtitle"][:2] == [
        ("Video", "h264"),
        ("Audio", "aac"),
    ]
    subs = [(c, lang) for k, c, lang in listed if k == "Subtitle"]
    assert subs == [(codecs[0], "eng"), (codecs[1], "deu")]
    # Copied, not re-encoded: every audio and video packet is the same bytes.
    copied = packets(video)
    assert sorted(copied) == ["0", "1"] and min(len(p) for p in copied.values()) >= 300
    assert packets(out) == copied

    assert subtitle_cues(out, 0) == cues_of(inputs / "talk.en.srt")
    assert subtitle_cues(out, 1) == cues_of(inputs / "talk.de.vtt")

    meta = ffmpeg("-v", "error", "-i", str(out), "-f", "ffmetadata", "-").stdout
    chapters = [(c.start, c.end, c.title) for c in read_chapters(meta)]
    duration = media_duration(str(video))
    assert chapters == [
        (0, 10_000, "Intro & Overview"),
        (10_000, 20_000, "The middle"),
        (20_000, duration, "The end"),
    ]
    titles = ffmpeg("-i", str(out)).stderr
    assert "talk.en" in titles and "talk.de" in titles


def test_language_option_and_any_subtitle_format(inputs: Path, tmp_path: Path) -> None:
    whisper = tmp_path / "whisper.json"
    whisper.write_text('[{"start": 1.25, "end": 2.5, "text": " Hi."}]')
    out = tmp_path / "out.mkv"
    res = run_cli(
        "mux", str(inputs / "talk.mp4"), str(whisper), "--language", "pt-BR", "-o", str(out)
    )
    assert res.code == 0, res.err
    assert [(c, lang) for k, c, lang in streams(out) if k == "Subtitle"] == [("subrip", "por")]
    assert subtitle_cues(out, 0) == [(1250, 2500, "Hi.")]
    assert (
        run_cli(
            "mux", str(inputs / "talk.mp4"), str(whisper), "--language", "xx!", "-o", str(out)
        ).code
        == 2
    )


def test_mux_refuses_its_inputs_and_reports_ffmpeg_in_one_line(
    inputs: Path, tmp_path: Path
) -> None:
    video, subs = inputs / "talk.mp4", inputs / "talk.en.srt"
    before = video.read_bytes()
    for target in (video, subs, inputs / "description.txt"):
        res = run_cli(
            "mux", str(video), str(subs), "--chapters", str(inputs / "description.txt"),
            "-o", str(target),
        )  # fmt: skip
        assert res.code == 2 and "never overwrites" in res.err, res.err
    assert video.read_bytes() == before
    # WebM takes VP8/VP9 and Opus/Vorbis, not H.264: ffmpeg refuses, in one line.
    res = run_cli("mux", str(video), str(subs), "-o", str(tmp_path / "out.webm"))
    assert res.code == 1 and len(res.err.strip().splitlines()) == 1, res.err
    assert "ffmpeg" in res.err and "Traceback" not in res.err
    assert os.listdir(tmp_path) == []
    for args in ([str(subs), str(subs)], [str(tmp_path / "missing.mp4"), str(subs)]):
        res = run_cli("mux", *args, "-o", str(tmp_path / "out.mkv"))
        assert res.code == 1 and len(res.err.strip().splitlines()) == 1, res.err
        assert "no audio or video stream" in res.err or "no such file" in res.err
    res = run_cli("mux", str(video), str(subs), "-o", str(tmp_path / "out.avi"))
    assert res.code == 2 and ".mkv" in res.err
    # A chapter list past the end of the media is reported, not kept.
    late = tmp_path / "late.txt"
    late.write_text("0:00 A\n0:20 B\n0:40 C\n")
    res = run_cli(
        "mux", str(video), str(subs), "--chapters", str(late), "-o", str(tmp_path / "o.mkv")
    )
    assert res.code == 1 and "past the end of the media" in res.err
    assert not (tmp_path / "o.mkv").exists()
