"""Fetch, decode, speech detection, alignment, fix and the HTML report, without network.

The audio is made here (see synth.py) with known speech spans; downloads go to a server
on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import subtools
from subtools import Cue, MediaError, Track
from subtools.media import WebRtcDetector, align, analyse, fix, render
from subtools.media.decode import ffmpeg_exe, pcm_chunks
from subtools.media.download import Section, fetch, youtube_id

from .browser import CHROMIUM, dump_dom, flags, needs_chromium
from .conftest import moved, run_cli
from .httpserve import serve
from .synth import spans_for, talk, write_wav

SPANS = spans_for(40)
TOTAL = SPANS[-1][1] + 2.0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A talk of 40 utterances, as WAV and as AAC in MP4 (what yt-dlp usually brings)."""
    folder = tmp_path_factory.mktemp("media")
    wav = write_wav(folder / "talk.wav", talk(SPANS, TOTAL))
    m4a = folder / "talk.m4a"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "64k", str(m4a)],
        check=True,
    )
    return m4a


@pytest.fixture(scope="module")
def speech(media: Path) -> subtools.media.Speech:
    # The made-up voice is a harmonic buzz: webrtcvad hears speech in it, a neural
    # detector (rightly) does not. Real speech is tested in test_align_real.py.
    return analyse(str(media), WebRtcDetector())


def truth() -> Track:
    return Track(
        tuple(
            Cue(round(a * 1000), round(b * 1000), f"utterance {i}")
            for i, (a, b) in enumerate(SPANS, 1)
        )
    )


# -- decoding and speech ----------------------------------------------------------------


def test_decode_streams_16k_mono(media: Path) -> None:
    total = sum(len(c) for c in pcm_chunks(str(media), chunk_ms=500))
    assert abs(total / 32 - TOTAL * 1000) < 100  # 32 bytes a ms


@pytest.mark.parametrize("name", ["talk.m4a", "monologue.opus"])
def test_decode_gives_ffmpegs_own_samples(media: Path, name: str) -> None:
    """Gathering decoded frames into larger ones (to save ffmpeg CPU) changes no sample:
    the bytes are those of ffmpeg's plain conversion to 16 kHz mono."""
    path = media if name == "talk.m4a" else Path(__file__).parent / "data" / name
    plain = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar", "16000"]
    want = subprocess.run([*plain, "-f", "s16le", "-"], capture_output=True, check=True).stdout
    assert b"".join(pcm_chunks(str(path), chunk_ms=700)) == want


def test_decode_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "noise.m4a"
    bad.write_bytes(b"not media at all" * 100)
    with pytest.raises(MediaError) as err:
        list(pcm_chunks(str(bad)))
    assert "\n" not in str(err.value) and "noise.m4a" in str(err.value)
    with pytest.raises(MediaError):
        list(pcm_chunks(str(tmp_path / "missing.m4a")))


def test_speech_edges_within_a_few_ms(speech: subtools.media.Speech) -> None:
    onsets, offsets = speech.edges()
    for a, b in SPANS:
        assert np.abs(onsets - a * 1000).min() <= 15
        assert np.abs(offsets - b * 1000).min() <= 15


def test_activity_smoothing() -> None:
    from subtools.media.speech import Speech

    frames = bytes([255] * 30 + [0] * 10 + [255] * 30 + [0] * 50 + [255] * 5 + [0] * 50)
    s = Speech(frames, bytes(len(frames) * 10), len(frames) * 10, "test")
    act = s.activity(fill_ms=150, min_ms=100)
    assert act[30:40].all()  # a 100 ms gap is filled
    assert not act[120:125].any()  # a 50 ms burst is dropped


def test_energy_detector_plugs_in(media: Path) -> None:
    from subtools.media.speech import EnergyDetector

    s = analyse(str(media), EnergyDetector())
    assert s.detector == "energy"
    result = align(moved(truth(), shift=1500), s)
    assert abs(result.offset_ms + 1500) <= 20


# -- alignment --------------------------------------------------------------------------


@pytest.mark.parametrize("shift", [-30_000, -3217, 0, 850, 29_000])
def test_offset_found_to_10_ms(speech: subtools.media.Speech, shift: int) -> None:
    subs = moved(truth(), shift=shift).with_cues(
        c for c in moved(truth(), shift=shift) if c.start >= 0
    )
    result = align(subs, speech)
    assert abs(result.offset_ms + shift) <= 10
    assert result.drift == 1.0
    assert result.confidence > 0.3


def test_framerate_drift_found(speech: subtools.media.Speech) -> None:
    result = align(moved(truth(), scale=25 / 23.976), speech)
    assert abs(result.drift - 23.976 / 25) <= 0.0005
    assert abs(result.offset_ms) <= 20


def test_split_reported(speech: subtools.media.Speech) -> None:
    base = truth()
    half = len(base) // 2
    cues = list(base[:half]) + [Cue(c.start + 3000, c.end + 3000, c.text) for c in base[half:]]
    result = align(Track(tuple(cues)), speech)
    assert result.splits, result.window_offsets
    assert any(abs(s.offset_after_ms - s.offset_before_ms) > 2000 for s in result.splits)


def test_per_cue_report_and_verdicts(speech: subtools.media.Speech) -> None:
    subs = truth()
    cues = list(subs)
    cues[5] = Cue(cues[5].start + 400, cues[5].end, cues[5].text)  # one start 400 ms late
    result = align(Track(tuple(cues)), speech)
    report = result.to_dict()
    assert set(report) >= {"offset_ms", "drift", "confidence", "within", "splits", "cues"}
    assert set(report["within"]) == {"100", "250", "500"}
    six = report["cues"][5]
    assert six["index"] == 6 and six["verdict"] == "off"
    assert abs(six["start_delta_ms"] + 400) <= 20
    assert report["cues"][0]["verdict"] == "ok"


def test_fix_brings_jittered_boundaries_back(speech: subtools.media.Speech) -> None:
    rng = np.random.default_rng(3)
    base = truth()
    jittered = base.with_cues(
        Cue(c.start + int(rng.integers(-350, 351)), c.end + int(rng.integers(-350, 351)), c.text)
        for c in base
    )
    result = fix(jittered, align(jittered, speech), speech)
    good = [abs(a.start - b.start) <= 100 for a, b in zip(result.track, base, strict=True)]
    good += [abs(a.end - b.end) <= 100 for a, b in zip(result.track, base, strict=True)]
    assert sum(good) / len(good) >= 0.9
    out = result.track
    for a, b in itertools.pairwise(out):
        assert a.start < a.end <= b.start


def test_fix_applies_drift_and_offset(speech: subtools.media.Speech) -> None:
    subs = moved(truth(), scale=25 / 23.976, shift=2000)
    result = fix(subs, align(subs, speech), speech)
    assert result.applied_offset
    errors = [abs(a.start - b.start) for a, b in zip(result.track, truth(), strict=True)]
    assert np.median(errors) <= 20


# -- command line -----------------------------------------------------------------------


def test_cli_align_json_fix_and_html(media: Path, tmp_path: Path) -> None:
    subs = tmp_path / "late.srt"
    moved(truth(), shift=2500).save(subs)
    out, html = tmp_path / "fixed.vtt", tmp_path / "report.html"
    res = run_cli(
        "align",
        str(subs),
        str(media),
        "--detector",
        "webrtc",
        "--json",
        "--fix",
        "-o",
        str(out),
        "--html",
        str(html),
    )
    assert res.code == 0, res.err
    report = json.loads(res.out)
    assert abs(report["offset_ms"] + 2500) <= 10
    assert len(report["cues"]) == len(SPANS)
    fixed = subtools.load(out)
    assert abs(fixed[0].start - truth()[0].start) <= 20
    page = html.read_text()
    assert page.count('class="cue ') == len(SPANS)
    # self-contained: nothing is loaded from anywhere
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page) and "<link" not in page


def test_cli_align_text_summary(media: Path, tmp_path: Path) -> None:
    subs = tmp_path / "ok.srt"
    truth().save(subs)
    res = run_cli("align", str(subs), str(media), "--detector", "webrtc")
    assert res.code == 0 and res.out.startswith("offset ")


def test_cli_align_errors(media: Path, tmp_path: Path) -> None:
    subs = tmp_path / "ok.srt"
    truth().save(subs)
    res = run_cli("align", str(subs), str(tmp_path / "nope.m4a"))
    assert res.code == 1 and len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err
    assert run_cli("align", str(subs)).code == 2
    assert run_cli("align", str(subs), str(media), "--fix").code == 2


# -- the report in a real browser --------------------------------------------------------


@needs_chromium
def test_html_report_renders_in_headless_chromium(
    media: Path, speech: subtools.media.Speech, tmp_path: Path
) -> None:
    subs = moved(truth(), shift=700)
    page = tmp_path / "report.html"
    page.write_text(render(subs, align(subs, speech), speech, "synthetic talk"))
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    assert dom.count('class="cue ') == len(SPANS)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            CHROMIUM or "",
            *flags(tmp_path / "profile"),
            "--window-size=1200,600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.exists() and shot.stat().st_size > 5000


# -- fetching through yt-dlp, from a server on 127.0.0.1 ----------------------------------


def test_fetch_generic_url_then_cache_hit(media: Path, tmp_path: Path) -> None:
    served = tmp_path / "www"
    served.mkdir()
    shutil.copy(media, served / "talk.m4a")
    cache = tmp_path / "cache"
    seen: list[tuple[int, int | None]] = []
    with serve(served) as base:
        path = fetch(f"{base}/talk.m4a", cache_dir=cache, progress=lambda a, b: seen.append((a, b)))
        assert path.read_bytes() == media.read_bytes()
        assert seen and seen[-1][0] == media.stat().st_size
        (served / "talk.m4a").unlink()  # a second fetch must not need it
        again = fetch(f"{base}/talk.m4a", cache_dir=cache)
    assert again == path


def test_fetch_section(media: Path, tmp_path: Path) -> None:
    with serve(media.parent) as base:
        path = fetch(f"{base}/{media.name}", cache_dir=tmp_path, section="10-20")
    total = sum(len(c) for c in pcm_chunks(str(path)))
    assert 9_000 <= total / 32 <= 11_500


def test_fetch_bare_youtube_id_is_a_cache_hit_without_network(tmp_path: Path) -> None:
    (tmp_path / "eYgPJ_7BkEw.m4a").write_bytes(b"cached")
    assert fetch("eYgPJ_7BkEw", cache_dir=tmp_path) == tmp_path / "eYgPJ_7BkEw.m4a"
    assert youtube_id("https://www.youtube.com/watch?v=eYgPJ_7BkEw&t=10") == "eYgPJ_7BkEw"
    assert Section.parse("1:00-1:30") == Section(60.0, 90.0)


def test_cli_fetch_prints_the_path_and_errors_are_one_line(media: Path, tmp_path: Path) -> None:
    with serve(media.parent) as base:
        res = run_cli("fetch", f"{base}/{media.name}", "--cache-dir", str(tmp_path))
        assert res.code == 0, res.err
        assert Path(res.out.strip()).exists() and res.err == ""
        missing = run_cli("fetch", f"{base}/missing.m4a", "--cache-dir", str(tmp_path))
    for res in (
        missing,
        run_cli("fetch", "http://127.0.0.1:9/talk.m4a", "--cache-dir", str(tmp_path)),
        run_cli("fetch", "notaurl://what", "--cache-dir", str(tmp_path)),
    ):
        assert res.code == 1, res.err
        assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err
    assert run_cli("fetch", "x", "--section", "20-10").code == 2


def test_media_stack_is_not_imported_by_the_library() -> None:
    code = (
        "import sys, subtools; subtools.Track; "
        "print('yt_dlp' in sys.modules, 'numpy' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False False"
