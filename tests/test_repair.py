"""Timing repair: each pass, the strategies, properties on damaged tracks, the dataset."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track
from subtools.autocaptions import _repeated, dedupe_rolling, is_rolling
from subtools.check import check
from subtools.dedupe import dedupe
from subtools.pipeline import process
from subtools.repair import repair
from subtools.style import NETFLIX, YOUTUBE

from .conftest import DATA, TIMING_KINDS

P = NETFLIX
GAP = P.min_gap


def times(track: Track) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in track]


def test_sorts_dedupes_and_drops_empty_cues() -> None:
    t = Track(
        (Cue(5000, 6000, "b"), Cue(1000, 2000, "a"), Cue(1000, 2000, "a"), Cue(3000, 4000, "  "))
    )
    r = repair(t)
    assert [c.text for c in r.track] == ["a", "b"]
    assert {c.rule for c in r.changes} >= {"order", "duplicate", "empty"}


def test_negative_and_zero_durations_get_reading_time() -> None:
    r = repair(Track((Cue(1000, 500, "backwards"), Cue(9000, 9000, "zero"))))
    assert times(r.track) == [(1000, 1833), (9000, 9833)]


def test_overlap_trim_keeps_the_min_gap() -> None:
    r = repair(Track((Cue(0, 3000, "one"), Cue(2500, 5000, "two"))))
    assert times(r.track) == [(0, 2500 - GAP), (2500, 5000)]
    assert r.changes[0].rule == "overlap"


def test_overlap_trim_falls_back_to_split_when_too_short() -> None:
    r = repair(Track((Cue(0, 3000, "one"), Cue(500, 5000, "two"))))
    (a0, a1), (b0, b1) = times(r.track)
    assert b0 - a1 == GAP and a0 == 0 and b1 == 5000 and a1 > 500


@pytest.mark.parametrize("strategy", ["trim", "shift", "split", "merge"])
def test_every_strategy_leaves_no_overlap(strategy: str) -> None:
    t = Track((Cue(0, 3000, "one"), Cue(2000, 5000, "two"), Cue(4000, 8000, "three")))
    r = repair(t, overlap=strategy)  # type: ignore[arg-type]
    for a, b in zip(r.track, r.track[1:], strict=False):
        assert b.start - a.end >= GAP
    assert Counter(" ".join(c.text for c in r.track).split()) == Counter(["one", "two", "three"])


def test_shift_delays_the_next_cue() -> None:
    r = repair(Track((Cue(0, 3000, "one"), Cue(2000, 4000, "two"))), overlap="shift")
    assert times(r.track) == [(0, 3000), (3000 + GAP, 5000 + GAP)]


def test_same_span_cues_merge_keeping_both_texts() -> None:
    r = repair(Track((Cue(1000, 4000, "Speaker one"), Cue(1050, 4000, "Speaker two"))))
    assert len(r.track) == 1 and r.track[0].text == "Speaker one\nSpeaker two"


def test_chaining_closes_small_gaps_to_the_minimum() -> None:
    r = repair(Track((Cue(0, 2000, "one"), Cue(2300, 4000, "two"), Cue(6000, 8000, "three"))))
    assert times(r.track) == [(0, 2300 - GAP), (2300, 4000), (6000, 8000)]


def test_min_duration_uses_free_time_after_then_before() -> None:
    r = repair(Track((Cue(0, 1000, "one"), Cue(3000, 3300, "hi"), Cue(3500, 6000, "three"))))
    short = r.track[1]
    assert short.duration >= P.min_duration and short.end <= 3500 - GAP
    assert short.start >= r.track[0].end + GAP


def test_max_duration_trims_short_text_and_splits_long_text() -> None:
    r = repair(Track((Cue(0, 12_000, "[music]"),)))
    assert times(r.track) == [(0, 7000)]
    long = "this is a much longer text that needs two lines to be shown on screen"
    r = repair(Track((Cue(0, 12_000, long),)))
    assert len(r.track) == 2 and all(c.duration <= 7000 for c in r.track)
    assert " ".join(c.text for c in r.track).split() == long.split()


def test_reading_speed_is_extended_where_free_or_reported() -> None:
    fast = "a sentence far too long to read in such a short time"
    r = repair(Track((Cue(0, 1000, fast), Cue(10_000, 11_000, "next one"))))
    assert r.track[0].duration >= len(fast) * 1000 / 20
    blocked = repair(Track((Cue(0, 1000, fast), Cue(1083, 3000, "next one is here"))))
    assert blocked.unresolved["cps_too_high"] == [1]
    assert "still too fast to read" in blocked.summary()


def test_youtube_profile_lets_cues_touch() -> None:
    r = repair(Track((Cue(0, 2000, "one"), Cue(2000, 4000, "two"))), YOUTUBE)
    assert times(r.track) == [(0, 2000), (2000, 4000)]


# -- properties ---------------------------------------------------------------------------

_text = st.lists(
    st.sampled_from(
        [
            "we",
            "look",
            "at",
            "the",
            "paper",
            "today",
            "and",
            "it",
            "works",
            "really",
            "well",
            "okay.",
            "so,",
        ]
    ),
    min_size=0,
    max_size=25,
).map(" ".join)


@st.composite
def damaged(draw: st.DrawFn) -> Track:
    cues = []
    for _ in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, 60_000))
        end = start + draw(st.integers(-3000, 12_000))
        cues.append(Cue(start, max(end, 0), draw(_text)))
    if cues and draw(st.booleans()):
        cues.append(cues[draw(st.integers(0, len(cues) - 1))])  # an exact duplicate
    return Track(tuple(cues))


BROKEN_KINDS = {
    "overlap",
    "out_of_order",
    "negative_duration",
    "zero_duration",
    "gap_too_short",
    "empty",
}


def _expected_words(track: Track) -> Counter[str]:
    unique = {(c.start, c.end, c.text) for c in track}
    return Counter(w for _, _, text in unique for w in text.split())


@settings(max_examples=400, deadline=None)
@given(damaged(), st.sampled_from(["trim", "shift", "split", "merge"]))
def test_repair_invariants(track: Track, strategy: str) -> None:
    result = repair(track, overlap=strategy)  # type: ignore[arg-type]
    out = result.track
    for c in out:
        assert c.end > c.start
    for a, b in itertools.pairwise(out):
        assert a.start <= b.start
        assert b.start - a.end >= GAP
    assert Counter(w for c in out for w in c.text.split()) == _expected_words(track)
    again = repair(out, overlap=strategy)  # type: ignore[arg-type]
    assert again.track.cues == out.cues and not again.changes
    assert not {f.kind for f in check(out)} & BROKEN_KINDS


@settings(max_examples=200, deadline=None)
@given(damaged())
def test_pipeline_is_idempotent(track: Track) -> None:
    once = process(track).track
    twice = process(once)
    assert twice.track.cues == once.cues and not twice.changes


def test_dataset_converted_has_no_broken_timing(dataset: Path) -> None:
    for track in subtools.load_all(dataset):
        out = process(track).track
        kinds = {f.kind for f in check(out)}
        assert not kinds & TIMING_KINDS, (track.id, kinds)


# -- rolling auto-captions ----------------------------------------------------------------

ROLLING = DATA / "rolling-autocaptions.vtt"
SPOKEN = (DATA / "rolling-autocaptions.words.txt").read_text().split()


def test_rolling_fixture_is_read_as_written_and_deduped_as_a_step() -> None:
    written = subtools.load(ROLLING)
    assert written.words != SPOKEN  # reading changes no content
    # Word timings are the evidence: the dedupe step undoes them without being asked.
    track = dedupe(written).track
    assert track.words == SPOKEN
    assert dedupe(written, rolling=False).track == written
    assert process(written).track.words == SPOKEN
    for a, b in itertools.pairwise(track):
        assert a.end <= b.start
    # every line of several words keeps the word timings of its <c> tags
    timed = [c for c in track if len(c.text.split()) > 1]
    assert timed and all([w.text for w in c.words] == c.text.split() for c in timed)


def test_rolling_lines_converted_to_srt_are_deduped_with_the_flag(tmp_path: Path) -> None:
    # What a converter that knows nothing of rolling captions writes: every line twice.
    import re

    from .conftest import run_cli

    blocks = ROLLING.read_text().split("\n\n")[1:]
    srt = []
    for n, block in enumerate(b for b in blocks if "-->" in b):
        timing, *payload = block.split("\n")
        start, end = (t.replace(".", ",") for t in timing.split(" ")[0:3:2])
        text = "\n".join(re.sub(r"<[^>]+>", "", p).strip() for p in payload if p.strip())
        srt.append(f"{n + 1}\n{start} --> {end}\n{text}\n")
    src = tmp_path / "auto.srt"
    src.write_text("\n".join(srt))
    plain = subtools.load(src)
    assert is_rolling(plain) and plain.words != SPOKEN
    assert dedupe_rolling(plain).track.words == SPOKEN
    res = run_cli("convert", str(src), "--dedupe", "--to", "txt")
    assert res.code == 0, res.err
    assert res.out.split() == SPOKEN


def test_webvtt_auto_captions_are_recognised_without_the_flag() -> None:
    from .conftest import run_cli

    res = run_cli("convert", str(ROLLING), "--to", "txt")
    assert res.code == 0, res.err
    assert res.out.split() == SPOKEN


def test_check_finds_overlaps_between_cues_apart_in_the_file() -> None:
    # File order A, B, C; time order A, C, B: A and C overlap though not neighbours.
    track = Track((Cue(0, 5000, "A"), Cue(10_000, 12_000, "B"), Cue(4000, 6000, "C")))
    found = {(f.cue, f.kind): f.message for f in check(track)}
    assert found[(1, "overlap")] == "ends 1000 ms after cue 3 starts"
    assert (2, "out_of_order") in found
    assert not any(kind == "overlap" for cue, kind in found if cue != 1)
    assert not [f for f in check(repair(track).track) if f.kind in {"overlap", "out_of_order"}]


@given(st.lists(st.sampled_from("ab"), max_size=8), st.lists(st.sampled_from("ab"), max_size=8))
def test_repeated_lines_are_the_longest_suffix_that_is_a_prefix(
    prev: list[str], lines: list[str]
) -> None:
    """The linear search finds what trying every length from the longest would."""
    naive = next((k for k in range(min(len(prev), len(lines)), 0, -1) if lines[:k] == prev[-k:]), 0)
    assert _repeated(prev, lines) == naive
