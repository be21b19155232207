"""The boundary rules of ``align --fix`` on speech made by hand: where speech is and
what each detector hears are set frame by frame, so each rule is checked alone."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from subtools import Cue, Track, Word
from subtools.media import Speech, align, fix

LOUD, QUIET = 160, 20  # envelope bytes: half-dB steps


def speech_of(
    spans: list[tuple[int, int]],
    total: int,
    heard: list[tuple[int, int]] = (),
) -> Speech:
    """Speech (ms spans) that Silero and the envelope agree on; webrtcvad hears the
    same spans and, besides, ``heard``."""
    frames = np.zeros(total // 10, np.uint8)
    env = np.full(total, QUIET, np.uint8)
    quick = np.zeros(total // 10, np.uint8)
    for a, b in spans:
        frames[a // 10 : b // 10] = 255
        env[a:b] = LOUD
        quick[a // 10 : b // 10] = 255
    for a, b in heard:
        quick[a // 10 : b // 10] = 255
    return Speech(frames.tobytes(), env.tobytes(), total, "silero", quick.tobytes())


SPANS = [(1000, 3000), (4000, 6000), (7000, 9000), (10_000, 12_000)]
#: Cues on their speech after the ones a test is about, so no global correction applies.
MORE = [(7000, 9000), (10_000, 12_000), (13_000, 15_000)]


def near(got: list[tuple[int, int]], want: list[tuple[int, int]], ms: int = 5) -> bool:
    """Edges are placed on the envelope to the ms, a few ms from the frames."""
    return len(got) == len(want) and all(
        abs(a - c) <= ms and abs(b - d) <= ms for (a, b), (c, d) in zip(got, want, strict=True)
    )


def fixed(cues: list[tuple[int, int]], speech: Speech, **kw: object) -> list[tuple[int, int]]:
    track = Track(tuple(Cue(s, e, f"cue {i}") for i, (s, e) in enumerate(cues)))
    out = fix(track, align(track, speech), speech, **kw)  # type: ignore[arg-type]
    return [(c.start, c.end) for c in out.track]


def test_a_start_in_silence_moves_to_its_onset() -> None:
    speech = speech_of(SPANS, 14_000)
    cues = [(700, 3000), (4000, 6000), (7000, 9000), (10_000, 12_000)]
    assert near(fixed(cues, speech)[:1], [(1000, 3000)])


def test_a_start_stays_where_the_quick_detector_hears_speech_before_the_onset() -> None:
    # Both detectors must call the stretch silence before a start moves over it: a
    # breath or a quiet first syllable that only webrtcvad hears is where people
    # start cues (meeting annotations do).
    speech = speech_of(SPANS, 14_000, heard=[(700, 1000)])
    cues = [(700, 3000), (4000, 6000), (7000, 9000), (10_000, 12_000)]
    assert fixed(cues, speech)[0] == (700, 3000)


def test_the_quick_detector_holding_on_after_speech_does_not_keep_a_start() -> None:
    # webrtcvad goes on hearing the previous cue's speech for a while after it ends;
    # the start given in that stretch is still in the pause, and moves to its onset.
    spans = [(1000, 3000), (3250, 6000), *MORE]
    speech = speech_of(spans, 17_000, heard=[(3000, 3100)])
    assert near(fixed([(1000, 3000), (3070, 6000), *MORE], speech), spans)


def test_an_end_in_the_next_cues_speech_moves_back_over_a_short_pause() -> None:
    # Both boundaries sit in speech after a 150 ms pause: the end in the next cue's
    # speech (back to the offset), the start in its own (back to the onset).
    spans = [(1000, 3000), (3150, 6000), *MORE]
    speech = speech_of(spans, 17_000)
    assert near(fixed([(1000, 3300), (3450, 6000), *MORE], speech), spans)


def test_an_end_does_not_move_into_speech_that_the_next_cue_holds() -> None:
    # The speech after the end runs past the next cue's start, which stays where it
    # is (webrtcvad hears the pause after that speech, so the start does not move over
    # it): that speech is the next cue's, and the end stays too.
    speech = speech_of([(1000, 3600), (3750, 6000), *MORE], 17_000, heard=[(3600, 3760)])
    cues = [(1000, 3350), (3500, 6000), *MORE]
    assert fixed(cues, speech) == cues


def test_cues_that_touch_in_a_file_with_gaps_are_two_boundaries() -> None:
    # The file's cues have gaps, so two that touch in the pause between their speech
    # were moved there: each boundary goes back to its own edge.
    speech = speech_of(SPANS, 14_000)
    cues = [(1000, 3500), (3500, 6000), (7000, 9000), (10_000, 12_000)]
    out = fixed(cues, speech)
    assert near(out[:2], [(1000, 3000), (4000, 6000)])


def test_cues_written_to_touch_keep_their_join_in_the_pause() -> None:
    speech = speech_of(SPANS, 14_000)
    cues = [(1000, 3500), (3500, 6500), (6500, 9500), (9500, 12_000)]
    assert fixed(cues, speech) == cues


def test_a_hesitation_does_not_place_a_boundary_and_words_keep_a_start() -> None:
    speech = speech_of(SPANS, 14_000)
    cues = [(1000, 3000), (4000, 6000), (7000, 9000), (10_000, 12_000)]
    words: list[tuple[Word, ...] | None] = [None] * 4
    # "um" found 600 ms early (in the neighbour's silence): the start keeps to the speech.
    words[1] = (Word(3400, 3600, "Um,"), Word(4000, 6000, "right"))
    # A cue given late and long, whose one word is short: its word sets its start,
    # and as the word alone is under the minimum duration, the end lingers after it
    # rather than the start going back.
    cues[2] = (7400, 8400)
    words[2] = (Word(7050, 7300, "yes"),)
    out = fixed(cues, speech, words=words, min_duration_ms=833)
    assert near(out[1:2], [(4000, 6000)])
    assert out[2] == (7050, 7050 + 833)


def test_a_word_said_in_both_neighbours_is_left_to_the_cue_it_fits() -> None:
    # "Hello?" - "Hello?": the first cue's word is found on the second's speech, 3 s on.
    speech = speech_of(SPANS, 14_000)
    cues = [(1000, 3000), (4000, 6000), (7000, 9000), (10_000, 12_000)]
    words: list[tuple[Word, ...] | None] = [
        (Word(4010, 5990, "Hello?"),),
        (Word(4000, 6000, "Hello?"),),
        None,
        None,
    ]
    assert near(fixed(cues, speech, words=words), cues)


def test_a_join_in_the_pause_its_words_leave_stays() -> None:
    # Cues written to touch, each join in the middle of its pause; under noise the
    # words' starts are found late (the first sound masked), 300 ms into the speech.
    speech = speech_of(SPANS, 14_000)
    cues = [(1000, 3500), (3500, 6500), (6500, 9500), (9500, 12_000)]
    words: list[tuple[Word, ...] | None] = [
        (Word(s + 300, s + 600, "so"), Word(e - 300, e, "on")) for s, e in SPANS
    ]
    out = fixed(cues, speech, words=words)
    assert [a for a, _ in out[1:]] == [b for _, b in out[:-1]] == [3500, 6500, 9500]


def test_words_move_boundaries_as_far_as_the_file_is_off() -> None:
    # Speech that runs on (a phone call's turns): no edge near the boundaries, so only
    # the words can place them.
    speech = speech_of([(1000, 20_000)], 22_000)
    truth = [(1000, 3000), (3000, 5000), (5000, 7000), (7000, 9000), (9000, 11_000)]
    # The words scatter about the truth by 40 ms either way.
    words: list[tuple[Word, ...] | None] = [
        (Word(s + 40 * (-1) ** i, s + 500, "so"), Word(e - 500, e - 40 * (-1) ** i, "on"))
        for i, (s, e) in enumerate(truth)
    ]
    # A correct file: its boundaries are within the words' error of them, and stay.
    assert fixed(truth, speech, words=words, word_error_ms=60) == truth
    # Precise words (an error of 30 ms against a 40 ms scatter) move it some of the way.
    some = fixed(truth, speech, words=words, word_error_ms=30)
    assert some != truth
    assert all(abs(a - c) < 40 for (a, _), (c, _) in zip(some, truth, strict=True))
    # A jittered file (every boundary 300 ms off) follows its words nearly all the way.
    jittered = [(s + 300 * (-1) ** i, e - 300 * (-1) ** i) for i, (s, e) in enumerate(truth)]
    out = fixed(jittered, speech, words=words, word_error_ms=60)
    assert all(abs(a - c) <= 60 for (a, _), (c, _) in zip(out, truth, strict=True))
    # A file right but for one cue 800 ms late: that cue takes its words, the rest stay.
    late = [*truth[:2], (5800, 7800), *truth[3:]]
    out = fixed(late, speech, words=words, word_error_ms=60)
    assert out[2] == (words[2][0].start, words[2][-1].end)  # type: ignore[index]
    assert out[:2] + out[3:] == truth[:2] + truth[3:]


def test_words_that_scatter_around_the_speech_edges_do_not_move_a_correct_file() -> None:
    # Music under the speech: the aligner places the words 150 ms either side of where
    # the detector's edges are. The annotator started each cue 120 ms before its speech
    # and ended it 120 ms after (no edge within 100 ms of a boundary to hold it).
    spans = [(1000 + 2500 * k, 2500 + 2500 * k) for k in range(8)]
    speech = speech_of(spans, 22_000)
    truth = [(s - 120, e + 120) for s, e in spans]
    words: list[tuple[Word, ...] | None] = [
        (Word(s + 150 * (-1) ** k, s + 400, "so"), Word(e - 400, e + 150 * (-1) ** k, "on"))
        for k, (s, e) in enumerate(spans)
    ]
    assert near(fixed(truth, speech, words=words, word_error_ms=30), truth)
    # The same words placed precisely (15 ms from the edges) do move a jittered file.
    precise: list[tuple[Word, ...] | None] = [
        (Word(s + 15 * (-1) ** k, s + 400, "so"), Word(e - 400, e - 15 * (-1) ** k, "on"))
        for k, (s, e) in enumerate(spans)
    ]
    jittered = [(s - 300 * (-1) ** k, e + 300 * (-1) ** k) for k, (s, e) in enumerate(spans)]
    out = fixed(jittered, speech, words=precise, word_error_ms=30)
    assert all(abs(a - s) <= 40 for (a, _), (s, _) in zip(out, spans, strict=True))


@given(
    edges=st.lists(st.integers(0, 3000), min_size=2, max_size=40, unique=True),
    heard=st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 400)), max_size=8),
)
def test_speech_edges_are_in_order(edges: list[int], heard: list[tuple[int, int]]) -> None:
    """Placed edges never swallow a pause: onset < offset <= next onset, always."""
    times = sorted(e * 10 for e in edges)
    spans = [(a, b) for a, b in zip(times[0::2], times[1::2], strict=False) if b > a]
    speech = speech_of(spans, 31_000, heard=[(a * 10, a * 10 + d * 10) for a, d in heard])
    on, off = speech.edges()
    seq = np.empty(2 * len(on), np.int64)
    seq[0::2], seq[1::2] = on, off
    assert (np.diff(seq) > 0).all()
