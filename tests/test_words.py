"""Word-level forced alignment on real speech (a committed slice of a recorded monologue).

``data/monologue-start.opus`` is the first 14.4 s of a man talking unscripted, fast, with
every word's span from a Montreal Forced Aligner alignment (``monologue-start.json``).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import shutil
import statistics
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from subtools import Cue, MediaError, Track
from subtools.media import words as words_module
from subtools.media.decode import pcm_chunks
from subtools.media.words import CueWords, align_words, spoken_words
from subtools.model import fill_untimed

from .conftest import DATA

CLIP = DATA / "monologue-start.opus"
REFERENCE = json.loads((DATA / "monologue-start.json").read_text())
needs_pocketsphinx = pytest.mark.skipif(
    importlib.util.find_spec("pocketsphinx") is None, reason="pocketsphinx is not installed"
)


def ms(seconds: float) -> int:
    return round(seconds * 1000)


TRUTH = Track(tuple(Cue(ms(c["start"]), ms(c["end"]), c["text"]) for c in REFERENCE["cues"]))
TRUE_WORDS = [(ms(w["start"]), ms(w["end"]), w["word"]) for w in REFERENCE["words"]]


@pytest.fixture(scope="module")
def pcm() -> np.ndarray:
    return np.frombuffer(b"".join(pcm_chunks(str(CLIP))), "<i2")


def errors(result: list[CueWords]) -> list[int]:
    """Start and end errors of every word against the reference (same words, same order)."""
    ours = [w for cw in result for w in cw.words]
    assert [w.text for w in ours] == [t for _, _, t in TRUE_WORDS]
    return [abs(w.start - s) for w, (s, _, _) in zip(ours, TRUE_WORDS, strict=True)] + [
        abs(w.end - e) for w, (_, e, _) in zip(ours, TRUE_WORDS, strict=True)
    ]


def check_invariants(track: Track, result: list[CueWords]) -> None:
    assert [cw.index for cw in result] == list(range(len(track)))
    for cw in result:
        assert 0.0 <= cw.score <= 1.0
        spans = [(w.start, w.end) for w in cw.words]
        assert all(s < e for s, e in spans), spans
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans


@needs_pocketsphinx
@pytest.mark.parametrize("workers", [1, 2])
def test_words_land_where_a_forced_aligner_put_them(pcm: np.ndarray, workers: int) -> None:
    result = align_words(TRUTH, pcm, workers=workers)
    check_invariants(TRUTH, result)
    errs = errors(result)
    assert statistics.median(errs) <= 30
    assert sum(e <= 100 for e in errs) / len(errs) >= 0.85
    assert all(cw.note == "" and cw.score > 0.5 for cw in result)


@needs_pocketsphinx
@pytest.mark.parametrize("damage", ["jitter", "shift +1000", "shift -1000"])
def test_roughly_right_cue_times_are_enough(pcm: np.ndarray, damage: str) -> None:
    rng = random.Random(7)
    if damage == "jitter":
        cues = [
            c.replace(
                start=max(0, c.start + rng.randint(-350, 350)), end=c.end + rng.randint(-350, 350)
            )
            for c in TRUTH
        ]
    else:
        d = int(damage.split()[1])
        cues = [c.replace(start=max(0, c.start + d), end=c.end + d) for c in TRUTH]
    track = TRUTH.with_cues(cues)
    result = align_words(track, pcm, workers=1)
    check_invariants(track, result)
    errs = errors(result)
    assert statistics.median(errs) <= 30
    assert sum(e <= 100 for e in errs) / len(errs) >= 0.8


@needs_pocketsphinx
def test_labels_tags_and_unknown_words(pcm: np.ndarray) -> None:
    """Labels and tags are not words; an unknown word is placed between its neighbours."""
    first = TRUTH[0]
    text = "Speaker 1: [Music] " + first.text.replace("acoustic", "acoustiqx (sic)")
    track = TRUTH.with_cues([first.replace(text=text), *TRUTH[1:]])
    result = align_words(track, pcm, workers=1)
    got = [w.text for w in result[0].words]
    assert got[:4] == ["this", "is", "the", "acoustiqx"]
    assert abs(result[0].words[0].start - TRUE_WORDS[0][0]) <= 100
    guessed = result[0].words[3]
    assert result[0].words[2].end <= guessed.start < guessed.end <= result[0].words[4].start
    assert result[0].score < 1.0


@needs_pocketsphinx
def test_cues_without_speech_or_audio(pcm: np.ndarray) -> None:
    track = Track((Cue(500, 900, "[Music]"), Cue(60_000, 61_000, "too late"), *TRUTH[1:2]))
    result = align_words(track, pcm, workers=1)
    assert result[0] == CueWords(0, (), 0.0, "no speakable words")
    assert result[1].words == () and result[1].score == 0.0 and result[1].note
    assert [w.text for w in result[2].words] == ["cares"]


def test_other_languages_are_declined() -> None:
    track = Track((Cue(0, 1000, "Bonjour"),))
    pcm = np.zeros(16_000, "<i2")
    assert align_words(track, pcm, language="fr") == [
        CueWords(0, (), 0.0, "word alignment supports English only")
    ]


def test_missing_pocketsphinx_is_one_line_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        words_module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "pocketsphinx" else real(name, *a),
    )
    with pytest.raises(MediaError, match=r'pip install "subtools\[words\]"'):
        align_words(TRUTH, np.zeros(16_000, "<i2"), workers=1)


def test_spoken_words_drop_labels_tags_and_punctuation() -> None:
    assert spoken_words(">> SPEAKER 2: Well... (laughs) it's 1999!") == [
        ("Well...", ["well"]),
        ("it's", ["it's"]),
        ("1999!", ["nineteen", "ninety", "nine"]),
    ]
    assert spoken_words("<i>Note:</i> two\n- Yes, sir.") == [
        ("two", ["two"]),
        ("Yes,", ["yes"]),
        ("sir.", ["sir"]),
    ]
    assert spoken_words("♪ la la ♪") == [("la", ["la"]), ("la", ["la"])]


@given(st.lists(st.text(st.characters(exclude_characters="<{"), max_size=12), max_size=8))
def test_spoken_words_keep_written_words_in_order(parts: list[str]) -> None:
    text = " ".join(parts)
    out = spoken_words(text)
    assert all(tokens and all(t == t.lower() and t.strip() for t in tokens) for _, tokens in out)
    at = 0
    for written, _ in out:  # pieces of the text, in order (tags and markup cut out)
        found = text.find(written, at)
        assert found >= 0, (written, text)
        at = found + len(written)


@given(
    st.lists(
        st.one_of(st.none(), st.tuples(st.integers(0, 300), st.integers(1, 300))),
        min_size=1,
        max_size=12,
    ).filter(lambda xs: any(x is not None for x in xs))
)
def test_skipped_words_get_ordered_spans(raw: list[tuple[int, int] | None]) -> None:
    spans: list[tuple[int, int] | None] = []
    t = 0
    for item in raw:  # found words in time order, with gaps
        if item is None:
            spans.append(None)
        else:
            gap, length = item
            spans.append((t + gap, t + gap + length))
            t += gap + length
    out = fill_untimed(spans)
    assert len(out) == len(spans)
    assert all(s <= e for s, e in out)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(out))
    found = [s for s in spans if s is not None]
    assert min(s for s, _ in out) >= found[0][0] and max(e for _, e in out) <= found[-1][1]


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed")
@needs_pocketsphinx
def test_made_up_speech(tmp_path: Path) -> None:
    """Speech made with espeak-ng: each sentence's words inside its own spoken span."""
    sentences = ["the quick brown fox jumps over the lazy dog", "hello world", "numbers like 42"]
    pieces, cues, t = [], [], 500
    for text in sentences:
        wav = tmp_path / "s.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
        audio = np.frombuffer(b"".join(pcm_chunks(str(wav))), "<i2")
        loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > 300)
        speech = audio[loud[0] : loud[-1] + 1]
        pieces += [np.zeros(t * 16 - sum(map(len, pieces)), "<i2"), speech]
        cues.append(Cue(t, t + len(speech) // 16, text))
        t += len(speech) // 16 + 700
    # Digital silence between the sentences, and inside them (espeak-ng's own pauses).
    pcm = np.concatenate([*pieces, np.zeros(16_000, "<i2")])
    track = Track(tuple(cues))
    shifted = track.with_cues(c.replace(start=c.start + 400, end=c.end + 400) for c in track)
    result = align_words(shifted, pcm, workers=1)
    check_invariants(shifted, result)
    for cw, cue in zip(result, track, strict=True):
        assert abs(cw.words[0].start - cue.start) <= 100
        assert abs(cw.words[-1].end - cue.end) <= 100
    assert [w.text for w in result[2].words] == ["numbers", "like", "42"]


def test_a_number_of_thousands_of_digits_is_not_spelled() -> None:
    """Not a number anyone says; int() of 5,000 digits would raise."""
    digits = "9" * 5000
    assert spoken_words(f"it is {digits} now") == [
        ("it", ["it"]),
        ("is", ["is"]),
        (digits, [digits]),
        ("now", ["now"]),
    ]
