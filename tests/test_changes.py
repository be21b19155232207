"""The change record: every change names a cue of the input and the cues of the output that
hold its text, through every step and round; cues with the same times and text are one cue,
whichever way the track goes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track
from subtools.changes import Change
from subtools.dedupe import dedupe
from subtools.pipeline import ProcessResult, process
from subtools.repair import repair
from subtools.style import PROFILES
from subtools.wrap import wrap

from .conftest import run_cli

LONG = (
    "So this is the first sentence of a long segment that needs splitting. "
    "Then there is a second one, which is also quite long and has a clause. "
    "And a third one ends it all."
)


def test_report_of_a_small_input_is_numbered_by_the_input() -> None:
    # Cue 1 is split in three, cue 2 (an orphan) joins the last piece, cue 3 is cue 2
    # again; the gaps repair widens are between the pieces of cue 1.
    track = Track(
        (Cue(0, 12_000, LONG), Cue(12_300, 12_500, "Right."), Cue(12_300, 12_500, "Right."))
    )
    result = process(track)
    assert [(c.start, c.end) for c in result.track] == [(0, 4858), (4941, 9870), (9953, 12_500)]
    assert result.track[2].text == "And a third one ends it all. Right."
    assert result.origin == (1, 1, 1)
    assert [(c.cue, c.rule, c.output) for c in result.changes] == [
        (3, "duplicate", (3,)),  # its copy, cue 2, joined the last piece of cue 1
        (1, "split", (1, 2, 3)),
        (2, "orphan-merge", (3,)),
        (1, "gap", (1,)),
        (1, "gap", (2,)),
    ]
    assert [(c.old, c.new) for c in result.changes if c.rule == "gap"] == [
        (4941, 4858),
        (9953, 9870),
    ]


def test_repair_after_a_split_names_the_input_cue() -> None:
    # Two input cues; wrap makes four: repair's changes to the last name cue 2, not 4.
    track = Track((Cue(0, 12_000, LONG), Cue(11_900, 14_000, "And the next cue overlaps it.")))
    result = process(track)
    assert len(result.track) > 2
    assert {c.cue for c in result.changes} <= {1, 2}
    overlap = [c for c in result.changes if c.rule == "overlap"]
    assert overlap and all(c.cue == 1 for c in overlap)  # the last piece of cue 1 is trimmed
    assert result.origin[-1] == 2
    assert [c.output for c in overlap] == [(len(result.track) - 1,)]


def test_split_cue_and_repaired_next_cue_name_input_and_output() -> None:
    # Cue 1 is split in three; cue 2, too short, is lengthened: it is cue 4 of the output.
    track = Track((Cue(0, 12_000, LONG), Cue(12_000, 12_400, "And the next cue is short.")))
    result = process(track)
    assert [c.text.split("\n")[0] for c in result.track] == [
        "So this is the first sentence",
        "Then there is a second one,",
        "And a third one ends it all.",
        "And the next cue is short.",
    ]
    assert [c.describe() for c in result.changes if c.rule != "split"] == [
        "cue 1: end 4941 -> 4858 (gap)",
        "cue 1 (now 2): end 9953 -> 9870 (gap)",
        "cue 1 (now 3): end 12000 -> 11917 (gap)",
        "cue 2 (now 4): end 12400 -> 12833 (min_duration)",
        "cue 2 (now 4): end 12833 -> 13300 (reading_speed)",
    ]
    assert result.changes[0].describe().startswith("cue 1 (now 1-3): text 'So this")


def test_orphan_joining_one_piece_of_a_split_cue_names_that_piece() -> None:
    track = Track(
        (
            Cue(0, 9000, "One sentence here. And a second sentence that is long enough to split."),
            Cue(8000, 11_000, "Next."),
        )
    )
    result = process(track)
    assert [c.text for c in result.track] == [
        "One sentence here. And a second sentence",
        "that is long enough to split. Next.",
    ]
    assert [(c.cue, c.rule, c.output) for c in result.changes] == [
        (1, "split", (1, 2)),
        (2, "orphan-merge", (2,)),  # the second piece, not the first
        (1, "gap", (1,)),
    ]


def test_order_fix_names_old_and_new_places() -> None:
    track = Track(
        (
            Cue(5000, 7000, "The second line comes first."),
            Cue(1000, 3000, "The first line comes second."),
            Cue(8000, 9000, "A third."),
        )
    )
    result = process(track)
    assert result.origin == (2, 1, 3)
    assert [c.describe() for c in result.changes] == [
        "cue 2 (now 1): position 2 -> 1 (order)",
        "cue 1 (now 2): position 1 -> 2 (order)",
    ]


def test_fix_report_gives_the_output_cues(tmp_path: Path) -> None:
    src = tmp_path / "two.srt"
    src.write_text(
        f"1\n00:00:00,000 --> 00:00:12,000\n{LONG}\n\n"
        "2\n00:00:12,000 --> 00:00:12,400\nAnd the next cue is short.\n"
    )
    report = tmp_path / "report.json"
    res = run_cli("fix", str(src), "-o", str(tmp_path / "out.srt"), "--report", str(report))
    assert res.code == 0, res.err
    changes = json.loads(report.read_text())["changes"]
    assert [(c["cue"], c["output"], c["rule"]) for c in changes][-2:] == [
        (2, [4], "min_duration"),
        (2, [4], "reading_speed"),
    ]


_cue = st.builds(
    lambda start, length, words: Cue(start, start + length, " ".join(words)),
    st.integers(0, 60_000),
    st.integers(-500, 15_000),
    st.lists(st.sampled_from(["the", "cat", "sat.", "on", "mats,", "and", "yes"]), max_size=40),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_cue, max_size=8), st.sampled_from(sorted(PROFILES)))
def test_changes_only_name_cues_of_the_input(cues: list[Cue], name: str) -> None:
    track = Track(tuple(cues))
    numbers = set(range(1, len(track) + 1))
    for result in (
        process(track, name),
        process(track, name, rolling=True),
        wrap(track, name),
        repair(track, name),
        dedupe(track, rolling=True),
    ):
        assert {c.cue for c in result.changes} <= numbers
        assert len(result.origin) == len(result.track)
        assert set(result.origin) <= numbers
        if isinstance(result, ProcessResult):
            assert all(c.output is not None for c in result.changes)
            assert {k for c in result.changes for k in c.output or ()} <= set(
                range(1, len(result.track) + 1)
            )


@st.composite
def _distinct_words(draw: st.DrawFn) -> Track:
    """Cues whose words are each found once in the track (``w1``, ``w2``, ... with
    punctuation), so that a word tells which input cue it came from."""
    specs = draw(
        st.lists(
            st.tuples(
                st.integers(0, 60_000),
                st.integers(-500, 15_000),
                st.lists(st.sampled_from(["", "", "", ".", ","]), max_size=40),
                st.booleans(),
            ),
            max_size=8,
        )
    )
    cues, n = [], 0
    for start, length, marks, twice in specs:
        words = [f"w{n + k}{mark}" for k, mark in enumerate(marks)]
        n += len(marks)
        cues.append(Cue(start, start + length, " ".join(words)))
        if twice and words:  # the same cue twice over: one is a duplicate
            cues.append(cues[-1])
    return Track(tuple(cues))


def _words(text: object) -> set[str]:
    return set(re.findall(r"w\d+", str(text)))


@settings(max_examples=200, deadline=None)
@given(_distinct_words(), st.sampled_from(sorted(PROFILES)), st.sampled_from(["trim", "shift"]))
def test_output_cues_named_hold_the_text_changed(track: Track, name: str, overlap: str) -> None:
    result = process(track, name, overlap)  # type: ignore[arg-type]
    # Input cues whose texts were joined (or are the same) count as one: a change to the
    # cue they make is named by one of them.
    group = list(range(len(track) + 1))

    def find(n: int) -> int:
        while group[n] != n:
            n = group[n]
        return n

    owners: dict[str, int] = {}
    for number, cue in enumerate(track, 1):
        for word in _words(cue.text):
            group[find(owners.setdefault(word, number))] = find(number)
    for change in result.changes:
        if change.field == "text" and isinstance(change.old, list):
            for word in _words(change.old):
                group[find(owners[word])] = find(change.cue)
    for change in result.changes:
        assert 1 <= change.cue <= len(track)
        assert change.output is not None
        assert all(1 <= k <= len(result.track) for k in change.output)
        held = set().union(
            *(_words(c.text) for n, c in enumerate(track, 1) if find(n) == find(change.cue))
        )
        if change.field == "text":
            held |= _words(change.old) | _words(change.new)
        # Every cue named holds part of that text (a cue with no words may have joined
        # one, and a change to the two be named by it).
        for k in change.output:
            assert not held or _words(result.track[k - 1].text) & held, (change, result.track)
        if not change.output:  # gone with no text to put elsewhere
            assert not _words(track[change.cue - 1].text) and change.new is None, change


def test_describe_names_output_cues_only_where_they_differ() -> None:
    assert Change(2, "end", 1, 2, "gap", (2,)).describe() == "cue 2: end 1 -> 2 (gap)"
    assert Change(2, "end", 1, 2, "gap", (1, 3)).describe() == "cue 2 (now 1, 3): end 1 -> 2 (gap)"
    assert (
        Change(2, "text", "", None, "empty", ()).describe()
        == "cue 2 (removed): text '' -> None (empty)"
    )


def test_exact_duplicates_are_one_cue_in_every_path(tmp_path: Path) -> None:
    cue = "00:00:01,000 --> 00:00:01,500\nThank you.\n"
    srt = f"1\n{cue}\n2\n{cue}"
    src = tmp_path / "twice.srt"
    src.write_text(srt)
    assert [c.text for c in process(subtools.load(src)).track] == ["Thank you."]
    res = run_cli("convert", str(src), "--to", "txt")
    assert res.code == 0, res.err
    assert res.out.split("\n")[0] == "Thank you." and res.out.count("Thank") == 1
    out = tmp_path / "fixed.srt"
    res = run_cli("fix", str(src), "-o", str(out))
    assert res.code == 0, res.err
    assert [c.text for c in subtools.load(out)] == ["Thank you."]
