"""How far snapping to speech edges can fix jittered boundaries at all.

    python benchmarks/edge_bound.py [--talks]

For each case of ``align_real.py`` (the clean recordings, with and without gaps; with
``--talks`` the spoken talks too), its ±350 ms jittered subtitles, and the edges Silero
and webrtcvad find in the audio (``Speech.edges()``, what ``align --fix`` moves
boundaries to): the share of boundaries within 100 ms of their truth if each one went to
whichever onset (a start) or offset (an end) within 500 ms is nearest its truth, or
stayed where it was when none is nearer. No rule can pick better from those edges, so
this is the ceiling of the default ``--fix`` on jitter; only other evidence (the words,
``--words``) can go over it.
"""

from __future__ import annotations

import argparse

import numpy as np
from align_real import boundary_error, case_list, damage

from subtools.media.speech import analyse

REACH_MS, NEAR_MS = 500, 100


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--talks", action="store_true", help="add the two synthetic talks")
    args = ap.parse_args()
    total = {"gaps": [0, 0], "gapless": [0, 0], "talks": [0, 0]}
    speech = {}
    for case in case_list(args.talks):
        if case.recording not in speech:
            speech[case.recording] = analyse(str(case.media))
        onsets, offsets = speech[case.recording].edges()
        near = n = 0
        for i, s, e in damage(case, "jitter").cues:
            for t, truth, edges in ((s, case.truth[i][0], onsets), (e, case.truth[i][1], offsets)):
                if truth is None:
                    continue
                options = [t, *edges[np.abs(edges - t) <= REACH_MS].tolist()]
                best = min(abs(boundary_error(x, truth)) for x in options)
                near += best <= NEAR_MS
                n += 1
        group = "talks" if case.talk else "gapless" if case.name.endswith("gapless") else "gaps"
        total[group][0] += near
        total[group][1] += n
        print(f"{case.name:22s} {near / n:6.1%} of {n} boundaries")
    for group, (near, n) in total.items():
        if n:
            print(f"== {group:8s} {near / n:6.1%} of {n} boundaries")


if __name__ == "__main__":
    main()
