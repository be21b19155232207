"""Property tests: write then read gives the same track, for every format written.

Two properties.  For clean tracks (what readers produce) reading what was written gives
the track back.  For any track the library can hold (any text, CR, blank and
whitespace lines, hours of six digits, an end before the start, identifiers and
settings of any characters, no cues at all) what is written reads back to a track that
is written the same, byte for byte, and holds the same cues as far as the format can;
word-level WebVTT, which needs words that spell their cues' text, refuses any other track.
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track, WriteError
from subtools.formats.cuetext import clean_text
from subtools.formats.srt import srt_text
from subtools.formats.vtt import identifier_line, settings_text
from subtools.model import Word
from subtools.timecode import MAX_MS, format_timestamp

HOURS_100 = 100 * 3600 * 1000

# Text lines: any printable unicode, including &, <, > and "-->", with no surrounding
# whitespace and no empty lines (SRT and WebVTT end a block at an empty line).
_line = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
_special = st.sampled_from(
    ["a --> b", "Q&A", "<i>x</i>", "1 < 2 > 0", "&amp;", "-->", "1", "NOTE x"]
)
_text = st.lists(st.one_of(_line, _special), min_size=1, max_size=3).map("\n".join)


@st.composite
def tracks(draw: st.DrawFn) -> Track:
    n = draw(st.integers(0, 8))
    cues = []
    for _ in range(n):
        start = draw(st.integers(0, HOURS_100))
        end = draw(st.integers(start, HOURS_100 + 999))
        cues.append(Cue(start, end, draw(_text)))
    return Track(tuple(cues))


@settings(max_examples=300, deadline=None)
@given(tracks(), st.sampled_from(["srt", "vtt", "json"]))
def test_write_then_read_is_identity(track: Track, fmt: str) -> None:
    again = subtools.loads(track.to_string(fmt), fmt)
    assert again.cues == track.cues


WRITTEN = ["srt", "vtt", "vtt-words", "json", "jsonl"]

_any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_time = st.one_of(st.integers(0, 4 * 3600 * 1000), st.integers(0, MAX_MS))
_word = st.builds(Word, _time, _time, _any_text)


def _spelling(text: str) -> st.SearchStrategy[list[Word]]:
    """The text's own words at any times, with Whisper's leading space or without; a
    word of whitespace alone for text without words."""
    return st.tuples(
        *(
            st.builds(Word, _time, _time, st.sampled_from(["", " "]).map(lambda p, t=t: p + t))
            for t in text.split() or [""]
        )
    ).map(list)


@st.composite
def any_tracks(draw: st.DrawFn) -> Track:
    cues = []
    # Words of any text, or words that spell each cue's text (what word-level WebVTT
    # writes; it refuses the others).
    spelled = draw(st.booleans())
    for _ in range(draw(st.integers(0, 6))):
        text = draw(st.one_of(_any_text, _text, st.sampled_from(["", "\n", " a\r\n\nb ", "x\ry"])))
        words = draw(_spelling(text) if spelled else st.lists(_word, max_size=3))
        cues.append(
            Cue(
                draw(_time),
                draw(_time),
                text,
                tuple(words),
                draw(st.one_of(st.just(""), _any_text)),
                draw(st.one_of(st.just(""), _any_text)),
            )
        )
    return Track(tuple(cues), id=draw(st.one_of(st.none(), _any_text)))


def _kept(cue: Cue, fmt: str) -> tuple[object, ...]:
    """What a format holds of a cue, as its reader gives it back."""
    if fmt == "srt":
        return (cue.start, cue.end, srt_text(cue.text))
    if fmt in ("vtt", "vtt-words"):
        nul = str.maketrans({"\0": "\ufffd"})
        return (
            cue.start,
            cue.end,
            clean_text(cue.text).translate(nul),
            identifier_line(cue.identifier).translate(nul),
            settings_text(cue.settings).translate(nul),
        )
    words = tuple((w.start, w.end, w.text.strip()) for w in cue.words)
    return (cue.start, cue.end, cue.text.strip(), words, cue.identifier, cue.settings)


@settings(max_examples=400, deadline=None)
@given(any_tracks(), st.sampled_from(WRITTEN))
def test_any_track_reads_back_to_the_same_output(track: Track, fmt: str) -> None:
    try:
        written = track.to_string(fmt)
    except WriteError:
        # Word-level WebVTT needs words, and words that spell their cue's text.
        assert fmt == "vtt-words" and not _spelled(track)
        return
    again = subtools.loads(written, fmt)
    assert again.to_string(fmt) == written
    assert [_kept(c, fmt) for c in again] == [_kept(c, fmt) for c in track]
    if fmt == "vtt-words":
        # Every cue's words come back, spelling its text; the content reads as WebVTT.
        assert all(_letters(w.text for w in c.words) == _letters([c.text]) for c in again)
        assert subtools.loads(written).to_string("vtt") == track.to_string("vtt")
    else:
        # and the format is recognised from the content, an empty track included
        assert subtools.loads(written).to_string(fmt) == written


def _letters(texts: Iterable[str]) -> str:
    return "".join("".join(t.split()) for t in texts)


def _spelled(track: Track) -> bool:
    """Whether some cue has words and every cue's words spell its text."""
    return any(_letters(w.text for w in c.words) for c in track) and all(
        not c.words or _letters(w.text for w in c.words) == _letters([c.text]) for c in track
    )


@given(st.integers(0, 10 * HOURS_100))
def test_timestamp_fields_are_in_range(ms: int) -> None:
    hms, milli = format_timestamp(ms).split(",")
    h, m, s = hms.split(":")
    assert len(milli) == 3 and 0 <= int(m) < 60 and 0 <= int(s) < 60
    assert ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(milli) == ms


@given(st.floats(0, 360000, allow_nan=False))
def test_seconds_round_once(seconds: float) -> None:
    track = subtools.from_segments([{"start": seconds, "end": seconds, "text": "x"}])
    assert track[0].start == round(seconds * 1000)


@st.composite
def word_timed_tracks(draw: st.DrawFn) -> Track:
    """Tracks whose cues' words spell their text, as word-level WebVTT needs."""
    cues = []
    for _ in range(draw(st.integers(1, 5))):
        start = draw(_time)
        end = draw(st.integers(start, min(start + 60_000, MAX_MS)))
        text = draw(_text)
        tokens = text.split()
        times = sorted(
            draw(
                st.lists(
                    st.integers(start, end), min_size=2 * len(tokens), max_size=2 * len(tokens)
                )
            )
        )
        words = tuple(Word(times[2 * i], times[2 * i + 1], t) for i, t in enumerate(tokens))
        cues.append(Cue(start, end, text, words, draw(st.one_of(st.just(""), _any_text))))
    return Track(tuple(cues))


@settings(max_examples=200, deadline=None)
@given(word_timed_tracks())
def test_word_level_webvtt_reads_back_to_the_same_output(track: Track) -> None:
    written = track.to_string("vtt-words")
    again = subtools.loads(written, "vtt-words")
    assert again.to_string("vtt-words") == written
    assert [(c.start, c.end, c.text) for c in again] == [
        (c.start, c.end, clean_text(c.text)) for c in track
    ]
