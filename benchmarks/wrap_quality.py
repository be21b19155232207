"""Wrap quality over the shared dataset: subtools against a greedy baseline.

    python benchmarks/wrap_quality.py

The baseline is what most tools do: ``textwrap`` at 42 columns, lines paired into cues
(each cue's time shared by characters). Both are measured the same way:
lines over the limit, cues over two lines, the share of two-line cues whose first line
ends on an article, preposition, conjunction or pronoun, the share of one-word cues,
and the reading speed distribution.
"""

from __future__ import annotations

import statistics
import textwrap

from _common import TRANSCRIPTS, need

import subtools
from subtools import Cue, Track
from subtools.wrap import wrap
from subtools.wrap.rules import BAD_LINE_ENDS, STRIP

LIMIT = 42


def greedy(track: Track) -> list[Cue]:
    out = []
    for cue in track:
        lines = textwrap.wrap(cue.text, LIMIT, break_long_words=False, break_on_hyphens=False)
        if not lines:
            continue
        groups = [lines[i : i + 2] for i in range(0, len(lines), 2)]
        total = sum(len(" ".join(g)) for g in groups) or 1
        t = cue.start
        for g in groups:
            d = round((cue.end - cue.start) * len(" ".join(g)) / total)
            out.append(Cue(t, t + d, "\n".join(g)))
            t += d
    return out


def measure(cues: list[Cue]) -> dict[str, float]:
    lines = [ln for c in cues for ln in c.text.split("\n")]
    two = [c for c in cues if c.text.count("\n") == 1]
    bad = sum(
        1 for c in two if c.text.split("\n")[0].split()[-1].strip(STRIP).lower() in BAD_LINE_ENDS
    )
    one_word = sum(1 for c in cues if len(c.text.split()) == 1)
    cps = [len(c.text.replace("\n", " ")) / (c.duration / 1000) for c in cues if c.duration > 0]
    return {
        "cues": len(cues),
        "lines over 42": sum(1 for ln in lines if len(ln) > LIMIT),
        "long single words": sum(1 for ln in lines if len(ln) > LIMIT and " " not in ln),
        "cues over 2 lines": sum(1 for c in cues if c.text.count("\n") >= 2),
        "bad first-line end %": 100 * bad / max(len(two), 1),
        "one-word cues %": 100 * one_word / max(len(cues), 1),
        "cps median": statistics.median(cps),
        "cps p90": statistics.quantiles(cps, n=10)[-1],
        "cues over 20 cps %": 100 * sum(1 for v in cps if v > 20) / len(cps),
    }


def main() -> None:
    tracks = subtools.load_all(need(TRANSCRIPTS))
    ours = [c for t in tracks for c in wrap(t).track]
    base = [c for t in tracks for c in greedy(t)]
    words_in = [w for t in tracks for w in t.words]
    words_out = [w for c in ours for w in c.text.split()]
    m_ours, m_base = measure(ours), measure(base)
    print(f"{len(tracks)} rows, {sum(len(t) for t in tracks)} segments\n")
    print(f"{'':24s} {'subtools':>10s} {'greedy':>10s}")
    for key in m_ours:
        a, b = m_ours[key], m_base[key]
        fmt = "{:10.2f}" if isinstance(a, float) and not float(a).is_integer() else "{:10.0f}"
        print(f"{key:24s} {fmt.format(a)} {fmt.format(b)}")
    ratio = m_ours["bad first-line end %"] / max(m_base["bad first-line end %"], 1e-9)
    print(f"\nbad-break share, subtools/greedy: {ratio:.3f} (goal: at most 0.25)")
    print(f"words out == words in: {words_out == words_in}")


if __name__ == "__main__":
    main()
