"""Readers and writers on the tricky cases real files have."""

from __future__ import annotations

import codecs
import io
import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import subtools
from subtools import Cue, ParseError, Track
from subtools.formats import detect_format
from subtools.formats.cuetext import strip_spans

SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello\nworld\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n"


def test_srt_basic() -> None:
    track = subtools.loads(SRT, "srt")
    assert track.cues == (Cue(1000, 2500, "Hello\nworld"), Cue(3000, 4000, "Bye"))


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n"])
def test_srt_line_ends_and_bom(eol: str) -> None:
    data = codecs.BOM_UTF8 + SRT.replace("\n", eol).encode()
    track = subtools.load(io.BytesIO(data), "srt")
    assert [c.text for c in track] == ["Hello\nworld", "Bye"]


def test_srt_missing_final_blank_line_and_trailing_spaces() -> None:
    track = subtools.loads("1\n00:00:01,000 --> 00:00:02,000  \n  spaced  ", "srt")
    assert track.cues == (Cue(1000, 2000, "spaced"),)


@pytest.mark.parametrize("enc", ["cp1252", "latin-1", "utf-16", "utf-8"])
def test_srt_legacy_encodings(enc: str) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nCrème brûlée, façade, naïve: déjà vu à Noël\n"
    track = subtools.load(io.BytesIO(text.encode(enc)), "srt")
    assert track[0].text == "Crème brûlée, façade, naïve: déjà vu à Noël"


# One short cue each, as real files have them: a few lines are all a detector gets.
SHORT_LEGACY = [
    ("CE FILM RELATE DES ÉVÉNEMENTS\nQUI ONT EXISTÉ.", "cp1252"),
    ("Ça va?", "cp1252"),
    ("Où on croyait\ntout ce qui se disait à la télé.", "cp1252"),
    ("Grüße aus München, schön!", "cp1252"),
    ("¿Qué pasó? ¡Mañana!", "cp1252"),
    ("Горштак.", "cp1251"),
    ("Привет, как дела?", "koi8-r"),
    ("Zażółć gęślą jaźń.", "cp1250"),
    ("Zażółć gęślą jaźń.", "iso-8859-2"),
    ("Příliš žluťoučký kůň.", "cp1250"),
    ("Καλημέρα, τι κάνεις;", "cp1253"),
    ("שלום, מה שלומך?", "cp1255"),
    ("Teşekkürler, görüşürüz.", "cp1254"),
    ("你好，我们走吧。", "gb18030"),  # noqa: RUF001 (CJK text has full-width punctuation)
    ("你好，我們走吧。", "big5"),  # noqa: RUF001 (CJK text has full-width punctuation)
    ("こんにちは、元気ですか？", "shift_jis"),  # noqa: RUF001 (CJK text has full-width punctuation)
    ("안녕하세요, 잘 지내세요?", "euc-kr"),
    ("สวัสดีครับ", "cp874"),
]


@pytest.mark.parametrize(("text", "enc"), SHORT_LEGACY)
def test_short_files_in_legacy_encodings(text: str, enc: str) -> None:
    data = f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n".encode(enc)
    assert subtools.load(io.BytesIO(data), "srt")[0].text == text


def test_a_byte_a_code_page_leaves_undefined_keeps_its_value() -> None:
    """As browsers decode it: 0x81 is not in Windows-1252, and becomes U+0081."""
    data = "1\n00:00:01,000 --> 00:00:02,000\nCafé crème \x81\n".encode("latin-1")
    assert subtools.load(io.BytesIO(data), "srt")[0].text == "Café crème \x81"


def test_srt_hours_of_one_and_three_digits() -> None:
    track = subtools.loads("1\n0:00:01,000 --> 100:00:02,000\nlong\n", "srt")
    assert (track[0].start, track[0].end) == (1000, 360_002_000)


def test_srt_blank_line_inside_text_is_kept() -> None:
    track = subtools.loads(
        "1\n00:00:01,000 --> 00:00:02,000\nfirst\n\nsecond\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nthird\n",
        "srt",
    )
    assert [c.text for c in track] == ["first\nsecond", "third"]


def test_srt_negative_duration_is_read_for_repair() -> None:
    track = subtools.loads("1\n00:00:05,000 --> 00:00:02,000\nbackwards\n", "srt")
    assert track[0].duration == -3000


VTT = """WEBVTT
Kind: captions
Language: en

NOTE a comment

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:02.500 align:start position:10%
<v Roger>Fish &amp; <i>chips</i></v>

01:00:03.000 --> 01:00:04.000 line:0
<c.yellow>Bye</c> &lt;3
"""


def test_vtt_settings_tags_entities_identifier() -> None:
    track = subtools.loads(VTT)
    assert track.language == "en"
    assert track.cues == (
        Cue(1000, 2500, "Fish & chips", identifier="intro", settings="align:start position:10%"),
        Cue(3_603_000, 3_604_000, "Bye <3", settings="line:0"),
    )


def test_vtt_inline_times_become_words() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"
        "we<00:00:01.500><c> look</c><00:00:02.000><c> here</c>\n"
    )
    cue = subtools.loads(text)[0]
    assert cue.text == "we look here"
    assert [(w.start, w.text) for w in cue.words] == [(1000, "we"), (1500, "look"), (2000, "here")]


def test_vtt_crlf_bom_missing_final_newline() -> None:
    data = codecs.BOM_UTF8 + b"WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nhi"
    assert subtools.load(io.BytesIO(data), "vtt").cues == (Cue(1000, 2000, "hi"),)


def test_vtt_writer_escapes() -> None:
    out = Track((Cue(0, 1000, "a --> b & <c>"),)).to_string("vtt")
    assert "-->" not in out.split("\n", 3)[3]
    assert subtools.loads(out)[0].text == "a --> b & <c>"


def test_whisper_result_keeps_words_and_language() -> None:
    result = {
        "text": " Hi there",
        "language": "en",
        "segments": [
            {
                "id": 0,
                "seek": 0,
                "start": 0.0,
                "end": 1.0,
                "text": " Hi there",
                "tokens": [1],
                "words": [
                    {"word": " Hi", "start": 0.0, "end": 0.4, "probability": 0.9},
                    {"word": " there", "start": 0.4, "end": 1.0, "probability": 0.8},
                ],
            }
        ],
    }
    track = subtools.loads(json.dumps(result))
    assert track.language == "en"
    assert [(w.start, w.end, w.text) for w in track[0].words] == [
        (0, 400, "Hi"),
        (400, 1000, "there"),
    ]
    again = subtools.loads(track.to_string("json"))
    assert again.cues == track.cues


def test_whisperx_words_without_times_are_timed_between_their_neighbours() -> None:
    """WhisperX leaves numbers and symbols without times: the segment is kept whole,
    each such word timed between the words around it, with one notice."""
    result = {
        "segments": [
            {
                "start": 0.5,
                "end": 3.2,
                "text": " It costs 20 dollars.",
                "words": [
                    {"word": "It", "start": 0.5, "end": 0.7, "score": 0.9},
                    {"word": "costs", "start": 0.8, "end": 1.2, "score": 0.8},
                    {"word": "20"},
                    {"word": "dollars.", "start": 2.1, "end": 3.2, "score": 0.7},
                ],
            },
            {"start": 3.5, "end": 5.0, "text": " 5%", "words": [{"word": "5%"}]},
        ],
        "language": "en",
    }
    notices: list[subtools.ParseError] = []
    track = subtools.loads(json.dumps(result), on_warning=notices.append)
    assert [(w.start, w.end, w.text) for c in track for w in c.words] == [
        (500, 700, "It"),
        (800, 1200, "costs"),
        (1200, 2100, "20"),
        (2100, 3200, "dollars."),
        (3500, 5000, "5%"),
    ]
    assert [(type(n), n.segment) for n in notices] == [(subtools.ParseNotice, 1)]
    assert "2 words without times" in str(notices[0])
    # One time without the other is not that case: an error.
    result["segments"][1]["words"] = [{"word": "5%", "start": 3.5}]  # type: ignore[index]
    with pytest.raises(subtools.ParseError, match="segment 2: word 1: missing 'end'"):
        subtools.loads(json.dumps(result))


def test_whisper_cpp_json() -> None:
    """whisper.cpp's ``-oj`` output: times in milliseconds under ``offsets``."""
    result = {
        "systeminfo": "AVX = 1",
        "model": {"type": "base"},
        "params": {"model": "models/ggml-base.en.bin", "language": "en"},
        "result": {"language": "en"},
        "transcription": [
            {
                "timestamps": {"from": "00:00:00,000", "to": "00:00:03,500"},
                "offsets": {"from": 0, "to": 3500},
                "text": " And so my fellow Americans,",
            },
            {
                "timestamps": {"from": "00:00:03,500", "to": "00:00:07,000"},
                "offsets": {"from": 3500, "to": 7000},
                "text": " ask not what your country can do for you.",
            },
        ],
    }
    track = subtools.loads(json.dumps(result))
    assert track.language == "en"
    assert [(c.start, c.end, c.text) for c in track] == [
        (0, 3500, "And so my fellow Americans,"),
        (3500, 7000, "ask not what your country can do for you."),
    ]
    del result["transcription"][0]["offsets"]["to"]  # type: ignore[index]
    with pytest.raises(subtools.ParseError, match="segment 1: expected 'offsets'"):
        subtools.loads(json.dumps(result))
    skipped: list[subtools.ParseError] = []
    lenient = subtools.loads(json.dumps(result), lenient=True, on_warning=skipped.append)
    assert len(lenient) == 1 and len(skipped) == 1


def test_dataset_rows_as_json_list_and_jsonl() -> None:
    rows = [
        {
            "id": "a",
            "title": "A",
            "tags": ["x"],
            "segments": [{"start": 0, "end": 1, "text": "one"}],
        },
        {"id": "b", "segments": [{"start": 1.0005, "end": 2, "text": " two "}]},
    ]
    as_list = subtools.load_all(io.StringIO(json.dumps(rows)))
    as_lines = subtools.load_all(io.StringIO("\n".join(json.dumps(r) for r in rows) + "\n"))
    for tracks in (as_list, as_lines):
        assert [t.id for t in tracks] == ["a", "b"]
        assert tracks[0].title == "A" and tracks[0].meta["tags"] == ["x"]
        assert tracks[1][0] == Cue(1000, 2000, "two")
    picked = subtools.loads("\n".join(json.dumps(r) for r in rows), id="b")
    assert picked.id == "b"


def test_float_artifacts_round_once() -> None:
    track = subtools.from_segments(
        [{"start": 5.5600000000000005, "end": 13.280000000000001, "text": " x"}]
    )
    assert (track[0].start, track[0].end) == (5560, 13280)


def test_jsonl_round_trip_keeps_metadata() -> None:
    track = Track((Cue(0, 1500, "hi"),), id="vid", title="T", meta={"tags": ["a"]})
    again = subtools.loads(track.to_string("jsonl"))
    assert (again.id, again.title, again.meta["tags"], again.cues) == (
        "vid",
        "T",
        ["a"],
        track.cues,
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("WEBVTT\n\n", "vtt"),
        (SRT, "srt"),
        ('[{"start":0,"end":1,"text":"a"}]', "json"),
        ('{"id": "a", "segments": []}\n{"id": "b", "segments": []}\n', "jsonl"),
    ],
)
def test_detect_format(text: str, name: str) -> None:
    fmt = detect_format(text)
    assert fmt is not None and fmt.name == name


def test_text_writer() -> None:
    track = Track((Cue(0, 1, "a\nb"), Cue(1, 2, "c")))
    assert track.to_string("txt") == "a b\nc\n"


def test_errors_are_picklable_and_carry_the_place() -> None:
    err = ParseError("bad", source="f.json", row=2, row_id="x", segment=5)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "f.json: row 2 (id x), segment 5: bad"
    assert isinstance(again, subtools.SubtoolsError)


def test_interop_pysrt_and_webvtt() -> None:
    track = Track((Cue(1000, 2500, "Hello\nworld"), Cue(3000, 4000, "a & b")))
    subs = track.to_pysrt()
    assert subs[0].start.ordinal == 1000 and subs[1].text == "a & b"
    assert Track.from_pysrt(subs).cues == track.cues
    vtt = track.to_webvtt()
    assert vtt.captions[0].start_time.in_milliseconds() == 1000
    assert Track.from_webvtt(vtt).cues == track.cues


def test_save_is_atomic_and_named_by_extension(tmp_path) -> None:  # type: ignore[no-untyped-def]
    track = Track((Cue(0, 1000, "x"),))
    path = tmp_path / "out.vtt"
    track.save(path)
    assert path.read_text().startswith("WEBVTT")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.vtt"]


@given(st.text(alphabet="<>{}[]()a♪ \n", max_size=30))
def test_strip_spans_is_the_pattern_it_replaces(text: str) -> None:
    """The linear scan removes what the (quadratic) patterns would."""
    assert strip_spans(text, "<>{}") == re.sub(r"<[^>]*>|\{[^}]*\}", "", text)
    assert strip_spans(text, "[]()", " ") == re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text)
