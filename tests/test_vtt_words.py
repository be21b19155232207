"""Word-level WebVTT: inline timestamps written from Cue.words, checked against the
spec's cue-text grammar, read back into Cue.words, and read by a browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track, Word, WriteError
from subtools.formats.vtt_words import cue_payload

from .browser import needs_chromium
from .conftest import run_cli
from .test_chapters import browser_cues

# The WebVTT spec's cue timestamp (hours optional, two or more digits), and what else a
# payload of plain text with timestamps may hold: text without "<", and "&" only as
# the start of the entities the writer uses.
SPEC_TIMESTAMP = re.compile(r"<(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})>")
SPEC_TEXT = re.compile(r"(?:[^<&]|&(?:amp|lt|gt);)*")


def spec_ms(m: re.Match[str]) -> int:
    h, mi, s, ms = m.groups()
    return ((int(h or 0) * 60 + int(mi)) * 60 + int(s)) * 1000 + int(ms)


def check_grammar(vtt: str) -> list[list[int]]:
    """Every cue's timestamps, after checking the payload against the spec: only text
    and timestamps, each timestamp above the cue's start, the one before, and below its
    end."""
    found = []
    for block in vtt.split("\n\n")[1:]:
        timing, payload = block.split("\n", 1)
        start_s, end_s = timing.split(" --> ")
        start = spec_ms(SPEC_TIMESTAMP.fullmatch(f"<{start_s}>"))  # type: ignore[arg-type]
        end = spec_ms(SPEC_TIMESTAMP.fullmatch(f"<{end_s}>"))  # type: ignore[arg-type]
        times = []
        for i, piece in enumerate(SPEC_TIMESTAMP.split(payload.rstrip("\n"))[::5]):
            assert SPEC_TEXT.fullmatch(piece), (i, piece)
        for m in SPEC_TIMESTAMP.finditer(payload):
            t = spec_ms(m)
            assert start < t < end and (not times or t > times[-1]), (start, times, t, end)
            times.append(t)
        found.append(times)
    return found


word_texts = st.text(st.sampled_from("aZé9,.!?&<>;'\"-中ü#"), min_size=1, max_size=6)


@st.composite
def timed_cues(draw: st.DrawFn) -> Cue:
    """A cue whose words have distinct starts, each ending at or before the next one's
    start: the times inline timestamps hold exactly."""
    n = draw(st.integers(1, 6))
    texts = draw(st.lists(word_texts, min_size=n, max_size=n))
    # Per word: the wait before it (none for a first word at the cue's start), its length.
    steps = draw(
        st.lists(st.tuples(st.integers(0, 900), st.integers(1, 900)), min_size=n, max_size=n)
    )
    start = draw(st.integers(0, 10_000_000))
    words, at = [], start
    for i, (text, (wait, length)) in enumerate(zip(texts, steps, strict=True)):
        w_start = at + (wait if i == 0 else max(wait, 1) if at == words[-1].start else wait)
        words.append(Word(w_start, w_start + length, text))
        at = w_start + length
    end = at + draw(st.integers(0, 900))
    newline = draw(st.integers(0, n - 1))
    text = "".join(("\n" if i == newline else " ") + t if i else t for i, t in enumerate(texts))
    return Cue(start, end, text, tuple(words))


@settings(max_examples=200, deadline=None)
@given(st.lists(timed_cues(), min_size=1, max_size=4))
def test_words_are_written_to_the_grammar_and_read_back_exactly(cues: list[Cue]) -> None:
    cues.sort(key=lambda c: c.start)
    track = Track(tuple(cues))
    vtt = track.to_string("vtt-words")
    check_grammar(vtt)
    back = subtools.loads(vtt, "vtt")
    assert [(c.start, c.end, c.text) for c in back] == [(c.start, c.end, c.text) for c in cues]
    # A cue of one word that spans it needs no timestamp: it reads back as a plain cue.
    assert [c.words for c in back] == [
        () if [(w.start, w.end) for w in c.words] == [(c.start, c.end)] else c.words for c in cues
    ]


@settings(max_examples=200, deadline=None)
@given(timed_cues(), st.integers(-5000, 5000), st.integers(-5000, 5000))
def test_word_times_outside_the_cue_keep_to_the_grammar(cue: Cue, early: int, late: int) -> None:
    # Repair may move a cue's edges past its words: the timestamps stay inside the cue.
    start = max(0, cue.start + late)
    moved = cue.replace(start=start, end=max(start, cue.end - early) + 1)
    check_grammar(Track((moved,)).to_string("vtt-words"))


def test_a_pause_after_a_word_keeps_its_end() -> None:
    cue = Cue(
        1000,
        4000,
        "Fish &\nchips",
        (Word(1000, 1500, "Fish"), Word(1500, 1800, "&"), Word(2600, 3100, "chips")),
    )
    assert (
        cue_payload(cue)
        == "Fish <00:00:01.500>&amp;<00:00:01.800>\n<00:00:02.600>chips<00:00:03.100>"
    )
    assert subtools.loads(Track((cue,)).to_string("vtt-words"))[0].words == cue.words


def test_cues_written_without_timestamps_read_back_and_write_again() -> None:
    # Words at their cue's start (a timestamp there is outside the grammar), a cue too
    # short to hold a timestamp and a cue without words get none: read back, their words
    # span the cue, and the file is written the same from them.
    track = Track(
        (
            Cue(
                345000,
                356000,
                "Right. Now,",
                (Word(345000, 345000, "Right."), Word(345000, 345000, " Now,")),
            ),
            Cue(356000, 356001, "so it", (Word(356000, 356001, "so"), Word(356000, 356001, " it"))),
            Cue(357000, 358000, "plain & simple"),
            Cue(
                358000,
                360000,
                "timed words",
                (Word(358000, 359000, "timed"), Word(359200, 360000, " words")),
            ),
        )
    )
    written = track.to_string("vtt-words")
    assert [b.split("\n")[1] for b in written.split("\n\n")[1:]] == [
        "Right. Now,",
        "so it",
        "plain &amp; simple",
        "timed<00:05:59.000> <00:05:59.200>words",
    ]
    back = subtools.loads(written, "vtt-words")
    assert back.to_string("vtt-words") == written
    assert [[(w.start, w.end, w.text) for w in c.words] for c in back][:3] == [
        [(345000, 356000, "Right."), (345000, 356000, "Now,")],
        [(356000, 356001, "so"), (356000, 356001, "it")],
        [(357000, 358000, "plain"), (357000, 358000, "&"), (357000, 358000, "simple")],
    ]
    assert back[3].words == (track[3].words[0], Word(359200, 360000, "words"))
    # Read as plain WebVTT, only inline timestamps give words.
    assert [bool(c.words) for c in subtools.loads(written, "vtt")] == [False] * 3 + [True]


def test_tracks_without_word_times_are_refused(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="no word timings"):
        Track((Cue(0, 1000, "plain"),)).to_string("vtt-words")
    wrong = Cue(0, 1000, "Hello world", (Word(0, 500, "Hello"), Word(500, 900, "there")))
    with pytest.raises(WriteError, match=r"cue 1 .*do not spell its text"):
        Track((wrong,)).to_string("vtt-words")
    # Words of whitespace alone are written as nothing: no word timings either.
    with pytest.raises(WriteError, match="no word timings"):
        Track((Cue(0, 1000, "", (Word(0, 500, " "), Word(500, 900, ""))),)).to_string("vtt-words")
    srt = tmp_path / "a.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n")
    res = run_cli("convert", str(srt), "--to", "vtt-words")
    assert res.code == 1 and len(res.err.splitlines()) == 1 and "no word timings" in res.err
    assert res.out == ""


def whisper_segment(end: float, *words: tuple[str, float, float]) -> dict[str, object]:
    """A Whisper segment with word timestamps: (word, start, end) each."""
    return {
        "start": words[0][1],
        "end": end,
        "text": "".join(f" {w}" for w, _, _ in words),
        "words": [{"start": a, "end": b, "word": f" {w}"} for w, a, b in words],
    }


WHISPER = {
    "text": " Hello there, General Kenobi. You are a bold one.",
    "language": "en",
    "segments": [
        whisper_segment(
            3.2,
            ("Hello", 0.5, 0.9),
            ("there,", 0.9, 1.3),
            ("General", 1.8, 2.3),
            ("Kenobi.", 2.3, 3.2),
        ),
        whisper_segment(
            5.1,
            ("You", 3.6, 3.8),
            ("are", 3.8, 4.0),
            ("a", 4.0, 4.1),
            ("bold", 4.1, 4.6),
            ("one.", 4.6, 5.0),
        ),
    ],
}


def test_cli_convert_a_whisper_result_to_word_level_webvtt(tmp_path: Path) -> None:
    src = tmp_path / "whisper.json"
    src.write_text(json.dumps(WHISPER))
    wanted = [
        (round(w["start"] * 1000), round(w["end"] * 1000), w["word"].strip())
        for seg in WHISPER["segments"]
        for w in seg["words"]  # type: ignore[attr-defined]
    ]
    for extra in ([], ["--raw"]):
        out = tmp_path / "talk.vtt"
        res = run_cli("convert", str(src), "--to", "vtt-words", "-o", str(out), *extra)
        assert res.code == 0, res.err
        check_grammar(out.read_text())
        words = [(w.start, w.end, w.text) for c in subtools.load(out) for w in c.words]
        assert words == wanted
    # The double extension names the format, and reads back as WebVTT.
    res = run_cli("convert", str(src), "-o", str(tmp_path / "talk.words.vtt"))
    assert res.code == 0 and "<00:00:01.800>General" in (tmp_path / "talk.words.vtt").read_text()
    assert subtools.load(tmp_path / "talk.words.vtt")[0].words[2].start == 1800
    res = run_cli("convert", str(src), "--out-dir", str(tmp_path / "dir"), "--to", "vtt-words")
    assert res.code == 0 and (tmp_path / "dir" / "whisper.words.vtt").exists()


@needs_chromium
def test_chromium_reads_the_word_times_we_wrote(tmp_path: Path) -> None:
    track = subtools.loads(json.dumps(WHISPER)).with_cues(
        [
            *subtools.loads(json.dumps(WHISPER)).cues,
            Cue(
                6000,
                9000,
                "Fish &\nchips <now>",
                (
                    Word(6000, 6500, "Fish"),
                    Word(6500, 6800, "&"),
                    Word(7600, 8100, "chips"),
                    Word(8100, 8400, "<now>"),
                ),
            ),
        ]
    )
    seen = browser_cues(tmp_path, {"words": ("subtitles", track.to_string("vtt-words"))})
    cues = seen["words"]
    assert isinstance(cues, list) and len(cues) == len(track)
    for cue, got in zip(track, cues, strict=True):
        assert (round(got["start"] * 1000), round(got["end"] * 1000)) == (cue.start, cue.end)
        # Words as the browser has them: text after a timestamp starts then, and lasts
        # until the next timestamp (or the cue's end).
        at, spans = cue.start, []
        for kind, value in got["html"]:
            if kind == "timestamp":
                at = spec_ms(SPEC_TIMESTAMP.fullmatch(f"<{value}>"))  # type: ignore[arg-type]
                if spans and spans[-1][1] is None:
                    spans[-1][1] = at
            else:
                for text in value.split():
                    spans.append([at, None, text])
        words = [(a, b if b is not None else cue.end, t) for a, b, t in spans]
        # Words between the same two timestamps share the span; here each has its own.
        assert words == [(w.start, w.end, w.text) for w in cue.words]
