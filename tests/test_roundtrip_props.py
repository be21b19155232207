"""Property tests: write then read gives the same track, for SRT, WebVTT and JSON."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track
from subtools.timecode import format_timestamp

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
