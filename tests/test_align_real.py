"""Alignment on a recording of a real person: an unscripted monologue (52 s, Opus)
with reference phrase timings from a forced aligner, carried in tests/data/.

Misaligned subtitles are made from the reference: shifted, stretched, jittered, with
the gaps between cues closed (as Whisper's segments are), and with noise under the
speech; the checks are the promises `align` makes: find the shift, never apply a wrong
correction, never make a correct file worse, keep order, no overlaps, no cue too short.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track, Word
from subtools.media import SileroDetector, Speech, align, analyse, fix
from subtools.media.decode import ffmpeg_exe, pcm_chunks
from subtools.media.wordtimes import narrowband

from .conftest import moved, run_cli
from .synth import write_wav

DATA = Path(__file__).parent / "data"
MEDIA = DATA / "monologue.opus"


def reference() -> Track:
    cues = json.loads((DATA / "monologue.truth.json").read_text())["cues"]
    return Track(
        tuple(Cue(round(c["start"] * 1000), round(c["end"] * 1000), c["text"]) for c in cues)
    )


def gapless(track: Track) -> Track:
    """Each cue ends where the next starts, in the middle of the pause between them."""
    cues = list(track)
    out = []
    for i, c in enumerate(cues):
        start = c.start if i == 0 else (cues[i - 1].end + c.start) // 2
        end = c.end if i + 1 == len(cues) else (c.end + cues[i + 1].start) // 2
        out.append(Cue(start, end, c.text))
    return track.with_cues(out)


def within(a: Track, b: Track, ms: int = 100) -> float:
    good = [abs(x.start - y.start) <= ms for x, y in zip(a, b, strict=True)]
    good += [abs(x.end - y.end) <= ms for x, y in zip(a, b, strict=True)]
    return sum(good) / len(good)


@pytest.fixture(scope="module")
def speech() -> Speech:
    return analyse(str(MEDIA))


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    """The monologue with pink noise 10 dB under the speech."""
    pcm = np.frombuffer(b"".join(pcm_chunks(str(MEDIA))), np.int16).astype(np.float64)
    rng = np.random.default_rng(5)
    white = rng.normal(size=len(pcm))
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))  # 1/f power: pink
    pink = np.fft.irfft(spectrum, len(pcm))
    loud = np.abs(pcm) > np.percentile(np.abs(pcm), 50)
    speech_rms = np.sqrt(np.mean(pcm[loud] ** 2))
    pink *= speech_rms / np.sqrt(np.mean(pink**2)) / 10 ** (10 / 20)
    path = tmp_path_factory.mktemp("noisy") / "noisy.wav"
    return analyse(str(write_wav(path, (pcm + pink) / 32768)))


def test_the_clip_decodes() -> None:
    out = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(MEDIA), "-f", "null", "-"], check=False
    )
    assert out.returncode == 0


class _ShortBlocks(SileroDetector):
    BLOCK_S = 7  # the clip makes eight blocks, the last one short


class _ShortBlocksOneThread(_ShortBlocks):
    THREADS = 1


def _silero_bytes(detector: SileroDetector, pcm: bytes, chunk: int) -> bytes:
    out = b"".join(detector.frames(pcm[i : i + chunk]) for i in range(0, len(pcm), chunk))
    return out + detector.finish()


def test_silero_is_the_same_however_the_audio_comes_and_the_work_is_shared(
    speech: Speech,
) -> None:
    """Blocks run on threads of their own as the audio comes, and the last one is split
    over them; the probabilities must not depend on the chunks fed, on the threads or
    on which blocks were done when a chunk came."""
    pcm = b"".join(pcm_chunks(str(MEDIA)))
    frames = len(pcm) // 320
    one = _silero_bytes(_ShortBlocksOneThread(), pcm, 32_000)
    assert len(one) == frames
    assert _silero_bytes(_ShortBlocks(), pcm, 3_210) == one
    assert _silero_bytes(_ShortBlocks(), pcm, len(pcm)) == one
    # Whole blocks of the default size: the same bytes as analyse() found.
    assert _silero_bytes(SileroDetector(), pcm, 32_000) == speech.frames


@pytest.mark.parametrize("shift", [3200, -1700])
def test_shift_found_and_applied(speech: Speech, shift: int) -> None:
    truth = reference()
    result = align(moved(truth, shift=shift), speech)
    assert abs(result.offset_ms + shift) <= 50, result.to_dict()["evidence"]
    assert result.applied, result.reason
    fixed = fix(moved(truth, shift=shift), result, speech).track
    assert within(fixed, truth) >= 0.9


@pytest.mark.parametrize("shift", [3200, -1700])
def test_shift_found_on_gapless_cues(speech: Speech, shift: int) -> None:
    truth = gapless(reference())
    result = align(moved(truth, shift=shift), speech)
    boundaries = [e for e in result.evidence if e.kind == "boundaries"]
    assert boundaries and abs(boundaries[0].offset_ms + shift) <= 50
    assert abs(result.offset_ms + shift) <= 50
    if result.applied:
        fixed = fix(moved(truth, shift=shift), result, speech).track
        assert within(fixed, truth, 250) >= 0.9


def test_stretch_found(speech: Speech) -> None:
    result = align(moved(reference(), scale=25 / 23.976), speech)
    assert abs(result.drift - 23.976 / 25) <= 0.0005
    assert abs(result.offset_ms) <= 50


def test_correct_file_kept(speech: Speech) -> None:
    for truth in (reference(), gapless(reference())):
        result = align(truth, speech)
        fixed = fix(truth, result, speech)
        assert within(fixed.track, truth) >= 0.9


def test_noise_never_applies_a_wrong_correction(noisy: Speech) -> None:
    truth = reference()
    for subs, true_offset in ((truth, 0), (moved(truth, shift=3200), -3200)):
        for version in (subs, gapless(subs)):
            result = align(version, noisy)
            if result.applied:
                assert abs(result.offset_ms - true_offset) <= 250, result.to_dict()["evidence"]
            fixed = fix(version, result, noisy).track
            errors = [b.start - a.start for a, b in zip(version, fixed, strict=True)]
            assert abs(np.median(errors) - (true_offset if result.applied else 0)) <= 250


def test_report_says_what_each_estimate_found(speech: Speech) -> None:
    report = align(moved(reference(), shift=1000), speech).to_dict()
    assert {"evidence", "applied", "reason", "confidence"} <= set(report)
    kinds = {e["kind"] for e in report["evidence"]}
    assert {"activity", "boundaries", "loudness"} == kinds
    for e in report["evidence"]:
        assert set(e) == {"kind", "offset_ms", "clarity", "halves_agree"}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shift=st.integers(-5000, 5000),
    jitter=st.lists(st.integers(-700, 700), min_size=32, max_size=32),
    close_gaps=st.booleans(),
    scale=st.sampled_from([1.0, 25 / 23.976, 23.976 / 25]),
    found=st.lists(
        st.none() | st.tuples(st.integers(-3000, 3000), st.integers(0, 4000), st.booleans()),
        min_size=16,
        max_size=16,
    ),
)
def test_fix_invariants_under_random_damage(
    speech: Speech,
    shift: int,
    jitter: list[int],
    close_gaps: bool,
    scale: float,
    found: list[tuple[int, int, bool] | None],
) -> None:
    """Order, no overlaps and the minimum duration hold whatever the evidence says:
    damaged times, and word timings anywhere (a hesitation first, or not)."""
    truth = gapless(reference()) if close_gaps else reference()
    cues = []
    for i, c in enumerate(truth):
        start = max(round(c.start * scale) + shift + jitter[2 * i], 0)
        end = max(round(c.end * scale) + shift + jitter[2 * i + 1], start + 1)
        cues.append(Cue(start, end, c.text))
    cues.sort(key=lambda c: c.start)
    damaged = truth.with_cues(cues)
    words = [
        None
        if f is None
        else (
            Word(max(c.start + f[0], 0), max(c.start + f[0], 0) + 200, "um" if f[2] else "so"),
            Word(max(c.start + f[0], 0) + f[1], max(c.start + f[0], 0) + f[1] + 300, "end"),
        )
        for c, f in zip(damaged, found, strict=True)
    ]
    result = fix(damaged, align(damaged, speech), speech, min_duration_ms=833, words=words)
    out = list(result.track)
    assert [c.text for c in out] == [c.text for c in damaged]
    for a, b in itertools.pairwise(out):
        assert a.start <= b.start and a.end <= b.start  # order, no overlaps
    for before, after in zip(damaged, out, strict=True):
        assert after.end - after.start >= min(833, before.end - before.start)


def test_cli_words_times_the_words_and_fixes_from_them(tmp_path: Path) -> None:
    """``align --words`` on the first 14 s of the monologue, every boundary 300 ms off."""
    ref = json.loads((DATA / "monologue-start.json").read_text())
    truth = Track(
        tuple(Cue(round(c["start"] * 1000), round(c["end"] * 1000), c["text"]) for c in ref["cues"])
    )
    damaged = truth.with_cues(
        Cue(c.start + (300 if i % 2 else -300), c.end + (-300 if i % 2 else 300), c.text)
        for i, c in enumerate(truth)
    )
    subs, out = tmp_path / "late.srt", tmp_path / "fixed.srt"
    damaged.save(subs)
    media = str(DATA / "monologue-start.opus")
    res = run_cli("align", str(subs), media, "--words", "--json", "--fix", "-o", str(out))
    assert res.code == 0, res.err
    report = json.loads(res.out)
    # Wide-band audio: at least the 30 ms of clean speech (more as far as the words
    # scatter around the detected edges), under telephone band's 130.
    assert 30 <= report["word_error_ms"] < 130
    timed = [w for ws in report["words"] if ws for w in ws]
    assert len(timed) >= 0.8 * len(ref["words"])
    starts: dict[str, list[int]] = {}
    for w in ref["words"]:
        starts.setdefault(w["word"], []).append(round(w["start"] * 1000))
    near = [
        min(abs(w["start_ms"] - s) for s in starts[w["text"]]) <= 100
        for w in timed
        if w["text"] in starts
    ]
    assert sum(near) / len(near) >= 0.8
    fixed = subtools.load(out)
    assert within(fixed, truth) >= 0.75 > within(damaged, truth)
    for a, b in itertools.pairwise(fixed):
        assert a.end <= b.start


def test_telephone_band_audio_is_told_apart(tmp_path: Path) -> None:
    """The monologue's start as a phone line carries it (8 kHz, as a .wav at 8 kHz)."""
    phone = tmp_path / "phone.wav"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(DATA / "monologue-start.opus"),
            "-ar",
            "8000",
            str(phone),
        ],
        check=True,
    )
    wide = np.frombuffer(b"".join(pcm_chunks(str(DATA / "monologue-start.opus"))), np.int16)
    narrow = np.frombuffer(b"".join(pcm_chunks(str(phone))), np.int16)
    assert not narrowband(wide)
    assert narrowband(narrow)


def test_telephone_band_speech_is_told_apart_under_noise_over_the_whole_band() -> None:
    """Bursts of "speech" (noise from 300 Hz to 3.4 kHz, or over the whole band) every
    other half second, and white noise 10 dB under them everywhere."""
    rng = np.random.default_rng(0)
    rate, total = 16_000, 20 * 16_000

    def band(x: np.ndarray, top: float) -> np.ndarray:
        spec = np.fft.rfft(x)
        freqs = np.fft.rfftfreq(len(x), 1 / rate)
        spec[(freqs < 300) | (freqs > top)] = 0
        return np.fft.irfft(spec, len(x))

    on = (np.arange(total) // (rate // 2)) % 2 == 1
    frames = bytes(255 if on[k * 160] else 0 for k in range(total // 160))
    speech = Speech(frames, bytes(total // 16), total * 1000 // rate, "silero")
    noise = rng.normal(0, 1, total)
    for top, narrow in ((3400, True), (7900, False)):
        voice = band(rng.normal(0, 1, total), top) * on
        voice *= 3000 / np.sqrt(np.mean(voice[on] ** 2))
        pcm = (voice + noise * 3000 / np.sqrt(10)).astype(np.int16)
        assert not narrowband(pcm)  # the noise fills the band
        assert narrowband(pcm, speech=speech) is narrow


def test_a_tie_goes_to_the_kind_consistent_with_itself() -> None:
    """Babble under a meeting: the boundaries peak far off with halves that disagree,
    the loudness finds the shift with halves that agree. Before, the more trusted kind
    won every tie."""
    from subtools.media.alignment import Estimate, decide

    estimates = [
        Estimate("boundaries", 34_810, 0.17, False),
        Estimate("activity", -31_190, 0.04, False),
        Estimate("loudness", -3_120, 0.41, True),
    ]
    decision = decide(estimates)
    assert decision.offset_ms == -3_120
    assert decision.agreeing == ("loudness",)


def test_a_kind_alone_is_not_applied_when_another_nearly_agrees() -> None:
    """A jittered file: each kind lands somewhere near zero, none with another. The one
    whose halves agree is the answer, but applying it would move every cue for an
    offset the other kinds place 120 ms away."""
    from subtools.media.alignment import Estimate, decide

    ragged = [
        Estimate("boundaries", 160, 0.51, False),
        Estimate("activity", 40, 0.78, True),
        Estimate("loudness", -90, 0.31, False),
    ]
    decision = decide(ragged)
    assert decision.offset_ms == 40 and decision.confidence > 0.9
    assert not decision.applied and "near" in decision.reason
    # A contradiction far away is noise, not a near miss: gapless cues, where the
    # loudness is lost, are still moved by their boundaries alone.
    far = [Estimate("boundaries", -3_200, 0.57, True), Estimate("loudness", -7_430, 0.15, False)]
    assert decide(far).applied
