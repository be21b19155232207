"""WebVTT by the WHATWG parser algorithm, case by case, and against Chromium's reader.

Each case gives the cues a lenient read keeps (what a browser shows) and, for strict
reads, the line of the error (None: the strict read gives the same cues).
"""

from __future__ import annotations

import pytest

import subtools
from subtools import Cue, ParseError, ParseNotice, Track
from subtools.formats.cuetext import clean_text
from subtools.formats.vtt import plain_text

from .browser import needs_chromium
from .chromium import parse_in_chromium

Cues = list[tuple[int, int, str]]
A = (1000, 2000, "a")
B = (3000, 4000, "b")

# name: (file, cues read leniently, line of the strict error or None)
CASES: dict[str, tuple[str, Cues, int | None]] = {
    "plain": ("WEBVTT\n\n00:01.000 --> 00:02.000\na\n", [A], None),
    "no empty line between cues": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:03.000 --> 00:04.000\nb\n",
        [A, B],
        None,
    ),
    "identifier line of the next cue without an empty line": (
        "WEBVTT\n\n1\n00:01.000 --> 00:02.000\na\n2\n00:03.000 --> 00:04.000\nb\n",
        [(1000, 2000, "a\n2"), B],
        None,
    ),
    "text block with no timing line": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\na\n\nstray\ntext\n\n00:03.000 --> 00:04.000\nb\n",
        [A, B],
        6,
    ),
    "header then a whitespace-only line": ("WEBVTT\n \n00:01.000 --> 00:02.000\na\n", [A], None),
    "timing line right after the signature": ("WEBVTT\n00:01.000 --> 00:02.000\na\n", [A], None),
    "header lines then a timing line": (
        "WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\na\n",
        [A],
        None,
    ),
    "signature followed by a tab and text": (
        "WEBVTT\tfile\n\n00:01.000 --> 00:02.000\na\n",
        [A],
        None,
    ),
    "NUL becomes U+FFFD": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\na\x00b\n",
        [(1000, 2000, "a\ufffdb")],
        None,
    ),
    "vertical tab is not whitespace": ("WEBVTT\n\n00:01.000\x0b--> 00:02.000\nvt\n", [], 3),
    "form feed is whitespace": ("WEBVTT\n\n\f00:01.000 -->\f00:02.000\na\n", [A], None),
    "no whitespace around the arrow": ("WEBVTT\n\n00:01.000-->00:02.000\na\n", [A], None),
    "lines of --> between cues": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\na\n\n-->\n-->\n\n00:03.000 --> 00:04.000\nb\n",
        [A, B],
        6,
    ),
    "two timing lines in a row": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n00:03.000 --> 00:04.000\nb\n",
        [(1000, 2000, ""), B],
        None,
    ),
    "comment, style and region blocks": (
        "WEBVTT\n\nNOTE a comment\nover two lines\n\nSTYLE\n::cue { color: red }\n\n"
        "REGION\nid:r1 width:40%\n\n00:01.000 --> 00:02.000\na\n\nNOTE\n\n"
        "STYLE\n::cue { color: blue }\n",
        [A],
        None,
    ),
    "NOTE as a cue identifier": ("WEBVTT\n\nNOTE\n00:01.000 --> 00:02.000\na\n", [A], None),
    # Dropped as blocks whose timing line cannot be read: nothing that is kept is lost.
    "comment with an arrow": (
        "WEBVTT\n\nNOTE This contains --> an arrow\n\n00:01.000 --> 00:02.000\na\n",
        [A],
        None,
    ),
    "style block with an arrow": (
        "WEBVTT\n\nSTYLE\n/* --> */\n::cue { color: white }\n\n00:01.000 --> 00:02.000\na\n",
        [A],
        None,
    ),
    "NOTE before a timing line that cannot be read": (
        "WEBVTT\n\nNOTE\n00:01,000 --> 00:02.000\nlost\n\n00:03.000 --> 00:04.000\nb\n",
        [B],
        4,
    ),
    "comment ended by a timing line": (
        "WEBVTT\n\nNOTE x\ny\n00:01.000 --> 00:02.000\na\n",
        [A],
        None,
    ),
    "hours of one digit": (
        "WEBVTT\n\n1:00:01.000 --> 1:00:02.000\na\n",
        [(3601000, 3602000, "a")],
        None,
    ),
    "minutes of 60 without hours": ("WEBVTT\n\n60:01.000 --> 60:02.000\na\n", [], 3),
    "seconds of 60": ("WEBVTT\n\n00:60.000 --> 01:02.000\na\n", [], 3),
    "end before start is kept": (
        "WEBVTT\n\n00:02.000 --> 00:01.000\na\n",
        [(2000, 1000, "a")],
        None,
    ),
    "settings right after the end time": ("WEBVTT\n\n00:01.000 --> 00:02.000abc\na\n", [A], None),
    # A fraction of four digits is not three digits and settings: the cue is dropped.
    "end time with four digits of fraction": (
        "WEBVTT\n\n00:01.000 --> 00:02.0005 line:0\nlost\n\n00:03.000 --> 00:04.000\nb\n",
        [B],
        3,
    ),
    "a bad inline timestamp is a tag": (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<00:61:00.000>a &amp; b\n",
        [(1000, 2000, "a & b")],
        None,
    ),
    "bad timing line, then its text": (
        "WEBVTT\n\n00:01.000 --> 00:0x.000\nlost\n\n00:03.000 --> 00:04.000\nb\n",
        [B],
        3,
    ),
}

BAD_SIGNATURES = {
    "WEBVTTfoo": "WEBVTTfoo\n\n00:01.000 --> 00:02.000\na\n",
    "form feed": "WEBVTT\f\n\n00:01.000 --> 00:02.000\na\n",
    "no-break space": "WEBVTT\xa0\n\n00:01.000 --> 00:02.000\na\n",
    "WEBVTT-file": "WEBVTT-file\n\n00:01.000 --> 00:02.000\na\n",
    "leading space": " WEBVTT\n\n00:01.000 --> 00:02.000\na\n",
}


def _cues(track: subtools.Track) -> Cues:
    return [(c.start, c.end, c.text) for c in track]


@pytest.mark.parametrize("name", list(CASES))
def test_lenient_read(name: str) -> None:
    text, expected, _ = CASES[name]
    errors: list[ParseError] = []
    track = subtools.loads(text, "vtt", lenient=True, on_warning=errors.append)
    assert _cues(track) == expected
    skipped = [e for e in errors if not isinstance(e, ParseNotice)]
    assert all(e.line is not None for e in errors)
    # every lost block is reported, one warning each
    if CASES[name][2] is not None:
        assert skipped and skipped[0].line == CASES[name][2]


@pytest.mark.parametrize("name", list(CASES))
def test_strict_read(name: str) -> None:
    text, expected, error_line = CASES[name]
    if error_line is None:
        assert _cues(subtools.loads(text, "vtt")) == expected
        return
    with pytest.raises(ParseError) as caught:
        subtools.loads(text, "vtt")
    assert caught.value.line == error_line and caught.value.source == "<string>"


@pytest.mark.parametrize("text", list(BAD_SIGNATURES.values()), ids=list(BAD_SIGNATURES))
def test_bad_signature_is_refused(text: str) -> None:
    for lenient in (False, True):
        with pytest.raises(ParseError, match="WEBVTT"):
            subtools.loads(text, "vtt", lenient=lenient)


def test_cue_without_empty_line_before_is_reported_not_merged() -> None:
    notices: list[ParseError] = []
    text = CASES["no empty line between cues"][0]
    track = subtools.loads(text, "vtt", on_warning=notices.append)
    assert len(track) == 2
    assert [(type(n), n.line) for n in notices] == [(ParseNotice, 5)]


def test_bom_in_a_string_and_in_bytes() -> None:
    import io

    text = "\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\na\n"
    assert _cues(subtools.loads(text)) == [A]
    assert _cues(subtools.load(io.BytesIO(text.encode("utf-8")))) == [A]


def test_identifiers_and_settings_are_kept_and_written_back() -> None:
    text = (
        "WEBVTT\n\nintro\n00:01.000 --> 00:02.000 align:start\tline:0\na\n\n"
        "00:03.000 --> 00:04.000\nb\n"
    )
    track = subtools.loads(text)
    assert track.cues == (
        Cue(1000, 2000, "a", identifier="intro", settings="align:start line:0"),
        Cue(3000, 4000, "b"),
    )
    written = track.to_string("vtt")
    assert "intro\n00:00:01.000 --> 00:00:02.000 align:start line:0\na\n" in written
    assert subtools.loads(written).cues == track.cues
    # A blank line would end the block: an identifier of whitespace is not written.
    blank = Track((Cue(0, 1000, "a", identifier="\r"), Cue(1000, 2000, "b", identifier=" \n")))
    assert blank.to_string("vtt") == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na\n\n00:00:01.000 --> 00:00:02.000\nb\n"
    )


def test_hours_out_of_range_are_an_error_not_a_crash() -> None:
    text = "WEBVTT\n\n9999999999999:00:01.000 --> 9999999999999:00:02.000\nbig\n"
    with pytest.raises(ParseError, match="out of range"):
        subtools.loads(text)
    assert len(subtools.loads(text, lenient=True, on_warning=lambda e: None)) == 0


def test_unpadded_timestamps_are_read_and_reported_once() -> None:
    """Microsoft Teams writes ``0:0:3.54``: not WebVTT (a browser drops the cues), but
    dropping a meeting's whole transcript would lose it: read, with one notice."""
    text = (
        "WEBVTT\n\n6e2b1f0c/12-0\n0:0:0.0 --> 0:0:3.540\n<v Jane Doe>Good morning.</v>\n\n"
        "6e2b1f0c/17-0\n0:0:3.540 --> 0:0:7.23\n<v John>Morning.</v>\n\n"
        "0:1:5.2 --> 1:2:7.950\n<v Jane Doe>Thanks.</v>\n\n"
        "00:01.00 --> 00:02.000\ntwo digits\n"
    )
    for lenient in (False, True):
        notices: list[ParseError] = []
        track = subtools.loads(text, "vtt", lenient=lenient, on_warning=notices.append)
        assert _cues(track) == [
            (0, 3540, "Good morning."),
            (3540, 7230, "Morning."),
            (65200, 3727950, "Thanks."),
            (1000, 2000, "two digits"),
        ]
        assert [(type(n), n.line) for n in notices] == [(ParseNotice, 4)]
    # Minutes and seconds stay under 60, and a fraction has at most three digits.
    for bad in ("0:60.0 --> 1:00.0", "0:0:1.0000 --> 0:0:2.0"):
        with pytest.raises(ParseError, match="malformed cue timing"):
            subtools.loads(f"WEBVTT\n\n{bad}\nx\n", "vtt")


def test_whitespace_lines_between_blocks_are_empty_lines() -> None:
    # As Netflix's files have them between the header's comments and the first cue: a
    # browser reads the cue, but drops its identifier with the whitespace before it.
    text = "WEBVTT\n\nNOTE Netflix\n\n          \n\n   \t\n1\n00:01.000 --> 00:02.000\na\n"
    notices: list[ParseError] = []
    track = subtools.loads(text, "vtt", on_warning=notices.append)
    assert _cues(track) == [A] and track[0].identifier == "1"
    assert notices == []
    # Inside a cue, a line of whitespace is the cue's text.
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\na\n  \nb\n"
    assert _cues(subtools.loads(text, "vtt")) == [(1000, 2000, "a\nb")]


def test_header_and_empty_files() -> None:
    for text in ("WEBVTT", "WEBVTT\n", "WEBVTT - title\n\n", "WEBVTT\nKind: captions\n"):
        assert len(subtools.loads(text, "vtt")) == 0


@needs_chromium
def test_the_cues_chromium_gives() -> None:
    """Times and text of every case agree with Chromium's <track> reader."""
    names = list(CASES) + list(BAD_SIGNATURES)
    files = [CASES[n][0] for n in CASES] + list(BAD_SIGNATURES.values())
    for name, parsed in zip(names, parse_in_chromium(files), strict=True):
        if name in BAD_SIGNATURES:
            assert parsed == "error", name
            continue
        browser = [(s, e, clean_text(plain_text(t))) for _, s, e, t in parsed]
        assert browser == CASES[name][1], name


def test_a_character_reference_of_thousands_of_digits_is_a_replacement_character() -> None:
    """Past U+10FFFF a reference is U+FFFD; int() of 5,000 digits would raise."""
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\na &#" + "9" * 5000 + "; b &#0000000065;\n"
    assert subtools.loads(text, "vtt")[0].text == "a \ufffd b A"
