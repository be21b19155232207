"""How far snapping to speech edges can fix jittered boundaries at all.

    python benchmarks/edge_bound.py [--talks] [--words]

For each case of ``align_real.py`` (the clean recordings, with and without gaps; with
``--talks`` the spoken talks too), its ±350 ms jittered subtitles, and the edges Silero
and webrtcvad find in the audio (``Speech.edges()``, what ``align --fix`` moves
boundaries to): the share of boundaries within 100 ms of their truth if each one went to
whichever onset (a start) or offset (an end) within 500 ms is nearest its truth, or
stayed where it was when none is nearer. No rule can pick better from those edges, so
this is the ceiling of the default ``--fix`` on jitter; only other evidence (the words,
``--words``) can go over it.

With ``--words`` (pocketsphinx installed), each cue with text is also force-aligned as
``align --words`` does it (:func:`~subtools.media.words.align_words` on the jittered
cues), and its first word's start and last word's end are options too, whatever the
alignment's score: the ceiling of ``--fix --words`` from the words and the edges
together.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
from align_real import Case, boundary_error, case_list, damage

from subtools.media.decode import pcm_chunks
from subtools.media.speech import analyse
from subtools.model import Cue, Track

REACH_MS, NEAR_MS = 500, 100


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--talks", action="store_true", help="add the two synthetic talks")
    ap.add_argument("--words", action="store_true", help="the words' edges as options too")
    args = ap.parse_args()
    # Per group: boundaries near with the edges, and of the cases with text (the ones
    # ``--words`` runs on) those near with the edges, with the words, and their count.
    total = {group: [0, 0, 0, 0, 0] for group in ("gaps", "gapless", "talks")}
    speech = {}
    for case in case_list(args.talks):
        if case.recording not in speech:
            speech[case.recording] = analyse(str(case.media))
        onsets, offsets = speech[case.recording].edges()
        jittered = damage(case, "jitter").cues
        words = word_edges(case, jittered) if args.words and case.has_text else None
        near = near_words = n = 0
        for k, (i, s, e) in enumerate(jittered):
            for side, t, truth, edges in (
                (0, s, case.truth[i][0], onsets),
                (1, e, case.truth[i][1], offsets),
            ):
                if truth is None:
                    continue
                options = [t, *edges[np.abs(edges - t) <= REACH_MS].tolist()]
                best = min(abs(boundary_error(x, truth)) for x in options)
                near += best <= NEAR_MS
                said = words[k] if words is not None else None
                if said is not None:
                    best = min(best, abs(boundary_error(said[side], truth)))
                near_words += best <= NEAR_MS
                n += 1
        group = "talks" if case.talk else "gapless" if case.name.endswith("gapless") else "gaps"
        sums = total[group]
        sums[0] += near
        sums[1] += n
        if words is not None:
            sums[2] += near
            sums[3] += near_words
            sums[4] += n
        with_words = f", with the words {near_words / n:6.1%}" if words is not None else ""
        print(f"{case.name:22s} {near / n:6.1%}{with_words} of {n} boundaries")
    for group, (near, n, text_near, near_words, text_n) in total.items():
        if not n:
            continue
        line = f"== {group:8s} {near / n:6.1%} of {n} boundaries"
        if text_n:
            line += (
                f"; the cases with text: {text_near / text_n:6.1%},"
                f" with the words {near_words / text_n:6.1%} of {text_n}"
            )
        print(line)


def word_edges(case: Case, cues: Sequence[tuple[int, int, int]]) -> list[tuple[int, int] | None]:
    """Per jittered cue, its first word's start and last word's end, or None."""
    from subtools.media.words import align_words

    track = Track(tuple(Cue(s, e, case.cues[i][2]) for i, s, e in cues))
    pcm = np.frombuffer(b"".join(pcm_chunks(str(case.media))), np.int16)
    return [
        (found.words[0].start, found.words[-1].end) if found.words else None
        for found in align_words(track, pcm)
    ]


if __name__ == "__main__":
    main()
