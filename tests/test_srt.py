"""SRT in the shapes real files have; each read as other readers read it."""

from __future__ import annotations

import io

import pysubs2
import pytest

import subtools
from subtools import ParseError, ParseNotice

from .conftest import run_cli

SHAPES = {
    "-- >": "1\n00:00:27,000 -- > 00:00:30,730\nhello\n",
    "- >": "1\n00:00:27,000 - > 00:00:30,730\nhello\n",
    "full-width colon and comma": (
        "1\n00\uff1a00\uff1a27\uff0c000 --> 00\uff1a00\uff1a30\uff0c730\nhello\n"
    ),
    "no number": "00:00:27,000 --> 00:00:30,730\nhello\n",
    "dot for the comma": "1\n00:00:27.000 --> 00:00:30.730\nhello\n",
    # The srt library reads these too; webvtt-py's samples have the colon.
    "colon for the comma": "1\n00:00:27:000 --> 00:00:30:730\nhello\n",
    "full-width and ideographic full stops": (
        "1\n00:00:27\uff0e000 --> 00:00:30\u3002730\nhello\n"
    ),
}


@pytest.mark.parametrize("text", list(SHAPES.values()), ids=list(SHAPES))
def test_timing_line_shapes(text: str) -> None:
    track = subtools.loads(text)
    assert [(c.start, c.end, c.text) for c in track] == [(27000, 30730, "hello")]


def test_no_milliseconds() -> None:
    track = subtools.loads("1\n00:00:27 --> 00:00:30\nhello\n")
    assert (track[0].start, track[0].end) == (27000, 30000)


def test_fractions_of_one_and_two_digits_are_decimal_as_pysubs2_reads_them() -> None:
    text = "1\n00:29:27,46 --> 00:29:28,5\nhello\n"
    ours = subtools.loads(text)[0]
    theirs = pysubs2.SSAFile.from_string(text, format_="srt")[0]
    assert (ours.start, ours.end) == (theirs.start, theirs.end) == (1767460, 1768500)


def test_two_cues_without_an_empty_line_are_two_cues() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\none\n2\n00:00:03,000 --> 00:00:04,000\ntwo\n"
    notices: list[ParseError] = []
    track = subtools.loads(text, on_warning=notices.append)
    assert [(c.start, c.text) for c in track] == [(1000, "one"), (3000, "two")]
    assert [(type(n), n.line) for n in notices] == [(ParseNotice, 4)]
    theirs = pysubs2.SSAFile.from_string(text, format_="srt")
    assert [e.plaintext for e in theirs] == ["one", "two"]


def test_hours_of_four_digits_and_more_round_trip() -> None:
    track = subtools.loads("1\n1000:00:01,000 --> 123456:00:02,000\nlong\n")
    assert (track[0].start, track[0].end) == (3_600_001_000, 444_441_602_000)
    assert subtools.loads(track.to_string("srt")).cues == track.cues


def test_hours_out_of_range_are_an_error() -> None:
    with pytest.raises(ParseError, match=":2: malformed"):
        subtools.loads("1\n" + "9" * 5000 + ":00:01,000 --> 00:00:02,000\nx\n", "srt")


def test_a_text_line_shaped_like_a_timing_line_is_written_so_it_stays_text() -> None:
    track = subtools.Track((subtools.Cue(0, 1000, "see\n00:00:01,000 --> 00:00:02,000"),))
    written = track.to_string("srt")
    again = subtools.loads(written)
    assert len(again) == 1 and again.to_string("srt") == written


@pytest.mark.parametrize("eol", ["\r", "\r\n"])
def test_errors_name_the_line_from_a_string_stdin_or_a_file(tmp_path, eol: str) -> None:  # type: ignore[no-untyped-def]
    text = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,0000 --> 00:00:04,000\nx\n"
    text = text.replace("\n", eol)
    with pytest.raises(ParseError) as caught:
        subtools.loads(text)
    assert caught.value.line == 6
    with pytest.raises(ParseError) as caught:
        subtools.load(io.BytesIO(text.encode()))
    assert caught.value.line == 6
    path = tmp_path / "bad.srt"
    path.write_bytes(text.encode())
    from_file = run_cli("convert", str(path), "--raw")
    from_stdin = run_cli("convert", "-", "--raw", stdin=text.encode())
    assert "bad.srt:6: malformed timing line" in from_file.err
    assert ":6: malformed timing line" in from_stdin.err and from_stdin.code == 1


def test_a_stray_line_before_a_cue_loses_only_itself() -> None:
    """As pysubs2 and ffmpeg read it: the timing line after a stray line starts a cue."""
    text = (
        "foobar\n00:00:01,000 --> 00:00:10,000\nThis subtitle is invalid\n\n"
        "2\n00:00:11,000 --> 00:00:12,000\nok\n"
    )
    warnings: list[ParseError] = []
    track = subtools.loads(text, "srt", lenient=True, on_warning=warnings.append)
    assert [(c.start, c.end, c.text) for c in track] == [
        (1000, 10000, "This subtitle is invalid"),
        (11000, 12000, "ok"),
    ]
    assert [w.line for w in warnings] == [1]
    with pytest.raises(ParseError) as caught:
        subtools.loads(text, "srt")
    assert caught.value.line == 1


def test_an_arrow_in_text_after_an_empty_line_stays_text() -> None:
    """As pysubs2, the srt library and ffmpeg read it: without a digit it is no timing."""
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nHello\n\nGo --> there\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nWorld\n"
    )
    track = subtools.loads(text, "srt")
    assert [c.text for c in track] == ["Hello\nGo --> there", "World"]


def test_lenient_keeps_every_good_cue_around_a_bad_one() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,000 ==> 00:00:04,000\nlost\n\n"
        "3\n00:00:05,000 -- > 00:00:06,000\nc\n"
    )
    warnings: list[ParseError] = []
    track = subtools.loads(text, "srt", lenient=True, on_warning=warnings.append)
    assert [c.text for c in track] == ["a", "c"]
    assert [w.line for w in warnings] == [6]
