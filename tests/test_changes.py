"""The change record: every change names a cue of the input, through every step and round;
cues with the same times and text are one cue, whichever way the track goes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import subtools
from subtools import Cue, Track
from subtools.dedupe import dedupe
from subtools.pipeline import process
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
    assert [(c.cue, c.rule) for c in result.changes] == [
        (3, "duplicate"),
        (1, "split"),
        (2, "orphan-merge"),
        (1, "gap"),
        (1, "gap"),
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
        wrap(track, name),
        repair(track, name),
        dedupe(track, rolling=True),
    ):
        assert {c.cue for c in result.changes} <= numbers
        assert len(result.origin) == len(result.track)
        assert set(result.origin) <= numbers


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
