"""Chapters: description lists parsed by YouTube's rules, written and read back, the CLI,
and a browser's reading of the WebVTT chapters track."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subtools import Cue, ParseError, Track
from subtools.chapters import (
    _BULLET,
    _LEADING,
    _SEP,
    _TIME,
    _TRAILING,
    CHAPTER_FORMATS,
    RULES,
    Chapter,
    ChapterError,
    NoChapters,
    chapters_for_track,
    parse_chapters,
    read_chapters,
    write_chapters,
)

from .browser import dump_dom, element_text, needs_chromium
from .conftest import SLICE, run_cli
from .httpserve import serve

SAMPLE = """OUTLINE:
0:00 - Intro & Overview
2:30 - Reinforcement Learning vs Hebbian Plasticity
1:02:30 - Immune Repertoire Classification
"""
EXPECTED = [
    (0, "Intro & Overview"),
    (150_000, "Reinforcement Learning vs Hebbian Plasticity"),
    (3_750_000, "Immune Repertoire Classification"),
]
TITLES = [t for _, t in EXPECTED]

VARIANTS = {
    "sample": SAMPLE,
    "en dash": SAMPLE.replace(" - ", " – "),  # noqa: RUF001
    "em dash": SAMPLE.replace(" - ", " — "),
    "pipe": SAMPLE.replace(" - ", " | "),
    "nothing between": SAMPLE.replace(" - ", " "),
    "colon": SAMPLE.replace(" - ", ": "),
    "no heading": SAMPLE.split("\n", 1)[1],
    "hours everywhere": "0:00:00 - Intro & Overview\n"
    "0:02:30 - Reinforcement Learning vs Hebbian Plasticity\n"
    "1:02:30 - Immune Repertoire Classification\n",
    "two-digit minutes": SAMPLE.replace("\n0:00 -", "\n00:00 -").replace("\n2:30", "\n02:30"),
    "brackets": "(0:00) Intro & Overview\n"
    "[2:30] Reinforcement Learning vs Hebbian Plasticity\n"
    "[1:02:30] Immune Repertoire Classification\n",
    "bullets": "".join(f"• {line}\n" for line in SAMPLE.splitlines()[1:]),
    "title first": "Chapters\n"
    + "".join(
        f"{t} - {c}\n" for (_, t), c in zip(EXPECTED, ["0:00", "2:30", "1:02:30"], strict=True)
    ),
    "crlf, blank lines, spaces": "Talk about plasticity.\r\n\r\n"
    + "\r\n\r\n".join(f"  {line}  " for line in SAMPLE.splitlines()),
    "in prose and links": "We look at a paper today; at 2:30 pm I said so.\n\n"
    + SAMPLE
    + "\nPaper: https://arxiv.org/abs/2008.02217\nTwitter: https://twitter.com/x\n",
    "line breaks lost": "We look at a paper today. "
    + SAMPLE.replace("\n", " ")
    + "Paper: https://arxiv.org/abs/2008.02217 Abstract: Hopfield networks are...",
}


@pytest.mark.parametrize("text", VARIANTS.values(), ids=list(VARIANTS))
def test_description_variants_parse_to_the_same_chapters(text: str) -> None:
    chapters = parse_chapters(text, duration=4_000_000)
    assert [(c.start, c.title) for c in chapters] == EXPECTED
    assert [c.end for c in chapters] == [150_000, 3_750_000, 4_000_000]


def test_the_last_chapter_ends_at_the_media_or_the_last_cue() -> None:
    assert parse_chapters(SAMPLE)[-1].end is None
    row = Track((Cue(0, 5000, "a"), Cue(4_000_000, 4_100_000, "b")), id="x")
    assert chapters_for_track(row, SAMPLE)[-1].end == 4_100_000
    assert chapters_for_track(row, SAMPLE, duration=4_200_000)[-1].end == 4_200_000
    assert chapters_for_track(row.replace(meta={"description": SAMPLE}))[-1].end == 4_100_000


BROKEN = {
    "late start": ("0:05 - Intro\n2:30 - B\n5:00 - C\n", "starts-at-zero", 1),
    "two": ("0:00 - Intro\n2:30 - B\n", "at-least-three", 2),
    "one": ("0:00 - Intro\n", "at-least-three", 1),
    "descending": ("0:00 - A\n5:00 - B\n2:30 - C\n", "ascending", 3),
    "repeated time": ("0:00 - A\n2:30 - B\n2:30 - C\n", "ascending", 3),
    "short chapter": ("0:00 - A\n0:05 - B\n1:00 - C\n", "ten-seconds", 2),
}


@pytest.mark.parametrize(("text", "rule", "line"), BROKEN.values(), ids=list(BROKEN))
def test_lists_breaking_a_rule_are_refused_naming_it(text: str, rule: str, line: int) -> None:
    with pytest.raises(ChapterError) as info:
        parse_chapters(text, source="desc.txt")
    assert info.value.rule == rule
    assert RULES[rule] in str(info.value)
    assert str(info.value).startswith(f"desc.txt:{line}: ")
    again = pickle.loads(pickle.dumps(info.value))  # batch workers send errors back
    assert (again.rule, str(again)) == (rule, str(info.value))


def test_the_last_chapter_is_checked_against_the_duration() -> None:
    with pytest.raises(ChapterError) as info:
        parse_chapters(SAMPLE, duration=3_755_000)
    assert info.value.rule == "ten-seconds" and "lasts 0:05 to the end" in str(info.value)
    with pytest.raises(ChapterError, match=r"past the end of the media \(1:00:00\)") as info:
        parse_chapters(SAMPLE, duration=3_600_000)
    assert info.value.rule is None and info.value.line == 4


def test_no_list_is_its_own_error() -> None:
    for text in ("A talk about Hopfield networks. Links: https://x.y", "", "at 2:30 pm we met"):
        with pytest.raises(NoChapters):
            parse_chapters(text)


titles = st.text(
    st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\n\r"),
    min_size=1,
    max_size=30,
).map(str.strip)


@st.composite
def chapter_lists(draw: st.DrawFn, whole_seconds: bool = False) -> list[Chapter]:
    n = draw(st.integers(3, 8))
    gaps = draw(st.lists(st.integers(10_000, 4_000_000), min_size=n, max_size=n))
    if whole_seconds:
        gaps = [g - g % 1000 for g in gaps]
    names = draw(st.lists(titles.filter(bool), min_size=n, max_size=n))
    starts = [sum(gaps[:i]) for i in range(n)]
    return [Chapter(s, s + g, t) for s, g, t in zip(starts, gaps, names, strict=True)]


@settings(max_examples=200, deadline=None)
@given(chapter_lists())
def test_vtt_ffmetadata_and_json_read_back_exactly(chapters: list[Chapter]) -> None:
    for fmt in ("vtt", "ffmetadata", "json"):
        assert list(read_chapters(write_chapters(chapters, fmt))) == chapters, fmt


@settings(max_examples=200, deadline=None)
@given(chapter_lists(whole_seconds=True))
def test_the_description_format_reads_back(chapters: list[Chapter]) -> None:
    # A description holds whole seconds and titles a list line can hold.
    chapters = [c for c in chapters if c.title[0].isalpha() and c.title[-1].isalnum()]
    if len(chapters) < 3:
        return
    first = chapters[0].start
    ends = [c.start - first for c in chapters[1:]] + [chapters[-1].end - first]
    chapters = [
        Chapter(c.start - first, end, c.title) for c, end in zip(chapters, ends, strict=True)
    ]
    text = write_chapters(chapters, "txt")
    assert list(read_chapters(text, chapters[-1].end)) == chapters


def test_writers_need_the_end_and_name_their_formats() -> None:
    from subtools.errors import UsageError

    chapters = parse_chapters(SAMPLE)
    with pytest.raises(UsageError, match="--duration or --media"):
        write_chapters(chapters, "vtt")
    assert json.loads(write_chapters(chapters, "json"))[-1]["end"] is None
    assert set(CHAPTER_FORMATS) == {"vtt", "ffmetadata", "json", "txt"}


# -- the command line -------------------------------------------------------------------


def _dataset(tmp_path: Path, description: str) -> tuple[Path, str, str]:
    rows = [json.loads(line) for line in SLICE.read_text().splitlines() if line.strip()]
    rows[0]["description"] = description
    path = tmp_path / "talks.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path, str(rows[0]["id"]), str(rows[1]["id"])


def test_cli_chapters_from_a_text_file(tmp_path: Path) -> None:
    desc = tmp_path / "desc.txt"
    desc.write_text(SAMPLE)
    res = run_cli("chapters", str(desc), "--duration", "1:10:00", "--to", "json")
    assert res.code == 0, res.err
    assert [(round(r["start"] * 1000), r["title"]) for r in json.loads(res.out)] == EXPECTED
    out = tmp_path / "chapters.ffmetadata"
    assert run_cli("chapters", str(desc), "--duration", "4200", "-o", str(out)).code == 0
    assert out.read_text().startswith(";FFMETADATA1\n")
    assert run_cli("chapters", str(desc), "--to", "txt").out == SAMPLE.split("\n", 1)[1]
    # WebVTT needs the last chapter's end: a usage error saying how to give it.
    res = run_cli("chapters", str(desc))
    assert res.code == 2 and "--duration" in res.err
    desc.write_text("0:00 - A\n0:05 - B\n1:00 - C\n")
    res = run_cli("chapters", str(desc), "--duration", "90")
    assert res.code == 1 and len(res.err.splitlines()) == 1
    assert f"{desc}:2: " in res.err and RULES["ten-seconds"] in res.err


def test_cli_chapters_of_dataset_rows(tmp_path: Path) -> None:
    data, with_list, without = _dataset(tmp_path, "Notes.\nOUTLINE:\n0:00 A\n0:30 B\n1:00 C")
    res = run_cli("chapters", str(data), "--id", with_list)
    assert res.code == 0, res.err
    assert res.out.count(" --> ") == 3 and "00:00:30.000 --> 00:01:00.000\nB" in res.out
    res = run_cli("chapters", str(data), "--id", without)
    assert res.code == 1 and len(res.err.splitlines()) == 1 and "no chapter list" in res.err
    res = run_cli("chapters", str(data), "--out-dir", str(tmp_path / "out"), "--to", "json")
    assert res.code == 0, res.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{with_list}.json"]
    rows = len(data.read_text().splitlines())
    assert res.err.count("warning: skipped") == rows - 1


def test_cli_convert_writes_chapters_beside_the_captions(tmp_path: Path) -> None:
    data, with_list, without = _dataset(tmp_path, "0:00 A\n0:30 B\n1:00 C")
    out = tmp_path / "one" / "talk.srt"
    out.parent.mkdir()
    res = run_cli("convert", str(data), "--id", with_list, "-o", str(out), "--chapters")
    assert res.code == 0, res.err
    assert (out.parent / "talk.chapters.vtt").read_text().count(" --> ") == 3
    res = run_cli("convert", str(data), "--out-dir", str(tmp_path / "all"), "--chapters")
    assert res.code == 0, res.err
    assert (tmp_path / "all" / f"{with_list}.chapters.vtt").exists()
    assert not (tmp_path / "all" / f"{without}.chapters.vtt").exists()
    assert (tmp_path / "all" / f"{without}.srt").exists()
    assert f"id {without}: description: no chapter list" in res.err
    res = run_cli(
        "convert", str(data), "--id", without, "-o", str(tmp_path / "x.srt"), "--chapters"
    )
    assert res.code == 1 and not (tmp_path / "x.srt").exists()


# -- in a browser -----------------------------------------------------------------------

PAGE = """<!doctype html><meta charset="utf-8"><title>tracks</title>
<video muted>%s</video>
<pre id="out">pending</pre>
<script>
// Each track's cues as the browser parsed them; timestamps inside cue text are the
// processing instructions getCueAsHTML() gives.
function nodes(frag) {
  const out = [];
  const walk = (n) => {
    for (const c of n.childNodes) {
      if (c.nodeType === Node.PROCESSING_INSTRUCTION_NODE) out.push([c.target, c.data]);
      else if (c.nodeType === Node.TEXT_NODE) out.push(["text", c.data]);
      else walk(c);
    }
  };
  walk(frag);
  return out;
}
const tracks = Array.from(document.querySelectorAll("track"));
const report = {};
let left = tracks.length;
for (const el of tracks) {
  el.track.mode = "hidden";
  const done = (ok) => {
    report[el.id] = ok ? Array.from(el.track.cues).map((c) => ({
      id: c.id, start: c.startTime, end: c.endTime, html: nodes(c.getCueAsHTML())})) : "error";
    if (--left === 0) document.getElementById("out").textContent = JSON.stringify(report);
  };
  el.addEventListener("load", () => done(true));
  el.addEventListener("error", () => done(false));
}
</script>
"""


def browser_cues(tmp_path: Path, files: dict[str, tuple[str, str]]) -> dict[str, object]:
    """Serve the files with a page holding one ``<track>`` each (id -> (kind, text)), and
    return what Chromium parsed."""
    www = tmp_path / "www"
    www.mkdir()
    tags = []
    for name, (kind, text) in files.items():
        (www / f"{name}.vtt").write_text(text, encoding="utf-8")
        tags.append(f'<track id="{name}" kind="{kind}" src="{name}.vtt" srclang="en">')
    (www / "page.html").write_text(PAGE % "".join(tags), encoding="utf-8")
    with serve(www) as base:
        dom = dump_dom(f"{base}/page.html", tmp_path / "profile", "--virtual-time-budget=10000")
    report: dict[str, object] = json.loads(element_text(dom, "out"))
    return report


@needs_chromium
def test_chromium_reads_the_chapters_track_with_our_times(tmp_path: Path) -> None:
    chapters = parse_chapters(VARIANTS["in prose and links"], duration=4_012_345)
    seen = browser_cues(tmp_path, {"chapters": ("chapters", write_chapters(chapters, "vtt"))})
    cues = seen["chapters"]
    assert isinstance(cues, list)
    got = [(c["id"], round(c["start"] * 1000), round(c["end"] * 1000), c["html"]) for c in cues]
    assert got == [(str(i), c.start, c.end, [["text", c.title]]) for i, c in enumerate(chapters, 1)]


def test_chapters_and_word_level_webvtt_load_no_media_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys, subtools, subtools.chapters, subtools.cli.chapters, subtools.cli.convert; "
        "subtools.all_formats(); "
        "print([m for m in ('yt_dlp', 'numpy', 'ffmpeg', 'langcodes') if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


_LINE_PIECES = ["0", "1", "5", ":", " ", "\t", "\xa0", "-", "–", "|", "a", "[", "]", "(", "*"]  # noqa: RUF001


@settings(max_examples=400)
@given(st.lists(st.sampled_from([*_LINE_PIECES, "0:00", "1:02:30", " - "]), max_size=10))
def test_chapter_line_patterns_match_as_the_quadratic_ones_did(pieces: list[str]) -> None:
    """A title that must end in a non-space finds what ``\\S.*?`` found (that took time
    quadratic in a run of spaces), with the same groups."""
    line = "".join(pieces)
    title = r"(?P<title>\S.*?)"
    before = (
        rf"^\s*{_BULLET}[\[(]?{_TIME}[\])]?{_SEP}{title}\s*$",
        rf"^\s*{_BULLET}{title}{_SEP}[\[(]?{_TIME}[\])]?\s*$",
    )
    for now, then in zip((_LEADING, _TRAILING), before, strict=True):
        a, b = now.match(line), re.match(then, line)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))


def test_an_ffmetadata_line_without_a_plain_equals_sign_is_reported() -> None:
    text = ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=10\ntitle\\=x\n"
    with pytest.raises(ParseError) as caught:
        read_chapters(text)
    assert caught.value.line == 6
