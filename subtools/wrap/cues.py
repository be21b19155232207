"""Cues that read well: wrapped lines, long text split into cues, orphans merged.

``wrap(track, profile)`` returns a new track and the list of changes.  No word is ever
lost, added, reordered or altered: text is only cut at whitespace (or between CJK
characters), never inside a word or a hyphenated compound.

Every text goes one way, whatever its script: :class:`~subtools.wrap.lines.Tokens`,
breaks scored by the rules, lines by :func:`~subtools.wrap.lines.best_lines`, cuts by
:func:`split_points`.  Splitting is linear in the length of the text for a profile.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ..changes import Change, StepResult
from ..model import Cue, Track
from ..style import Profile, get_profile
from .lines import Tokens, best_lines, line_breaks, text_width
from .rules import BreakRules, rules_for

#: What a piece of one or two words costs, on top of its cut's rule score.
_TINY: Final = 60
#: What a piece costs for each share of the even size it is off by: a piece of twice
#: (or none of) the even size costs as much as the worst break saves over the best.
_BALANCE: Final = 20
#: A pause this long or shorter always allows merging an orphan into its neighbour.
_SHORT_PAUSE: Final = 500
#: Even within a sentence, an orphan does not jump a pause longer than this.
_LONG_PAUSE: Final = 1500


@dataclass(frozen=True)
class WrapResult(StepResult):
    """The wrapped track and what changed (cue numbers are those of the input).

    ``changes`` lists the splits and orphan merges; ``rewrapped`` counts the cues whose
    line breaks alone changed.
    """

    rewrapped: int = 0


def wrap(
    track: Track, profile: Profile | str | None = None, origin: Sequence[int] | None = None
) -> WrapResult:
    """Wrap every cue's text, split cues too long for the profile, merge orphans.

    ``origin`` numbers the cues as the changes name them (default 1, 2, ...).

    >>> from subtools import Cue, Track
    >>> text = ("Today we look at a paper about semi-supervised learning. It combines two "
    ...         "older methods in a simple way, and it works surprisingly well.")
    >>> out = wrap(Track((Cue(0, 9000, text),))).track
    >>> for cue in out:
    ...     print(cue.start, cue.end, cue.text.replace("\\n", " | "))
    0 3772 Today we look at a paper | about semi-supervised learning.
    3772 9000 It combines two older methods in a simple | way, and it works surprisingly well.
    """
    prof = get_profile(profile)
    texts = wrap_cues(track, prof, origin)
    orphans = merge_orphans(texts.track, prof, texts.origin)
    changes = texts.changes + orphans.changes
    return WrapResult(orphans.track, changes, orphans.origin, orphans.merged, texts.rewrapped)


def wrap_cues(
    track: Track, profile: Profile | str | None = None, origin: Sequence[int] | None = None
) -> WrapResult:
    """The first pass of :func:`wrap`: each cue's text wrapped, a cue too long for the
    profile split; no orphan merged."""
    prof = get_profile(profile)
    rules = rules_for(track.language or prof.language)
    numbers = StepResult.numbers(track, origin)
    changes: list[Change] = []
    out: list[Cue] = []
    out_origin: list[int] = []
    rewrapped = 0
    limit, lines = prof.max_chars, prof.max_lines
    for number, cue in zip(numbers, track.cues, strict=True):
        if _already_fits(cue.text, limit, lines):
            out.append(cue)
            out_origin.append(number)
            continue
        pieces = _wrap_cue(cue, prof, rules)
        if len(pieces) > 1:
            changes.append(Change(number, "text", cue.text, [p.text for p in pieces], "split"))
        elif pieces[0].text != cue.text or pieces[0] != cue:  # the text first: quicker
            rewrapped += 1
        out.extend(pieces)
        out_origin.extend([number] * len(pieces))
    return WrapResult(track.with_cues(out), changes, tuple(out_origin), rewrapped=rewrapped)


def merge_orphans(
    track: Track, profile: Profile | str | None = None, origin: Sequence[int] | None = None
) -> WrapResult:
    """The second pass of :func:`wrap`: merge or rebalance cues of one or two words."""
    prof = get_profile(profile)
    rules = rules_for(track.language or prof.language)
    changes: list[Change] = []
    numbers = list(StepResult.numbers(track, origin))
    joined: list[tuple[int, int]] = []
    cues = _merge_orphans(list(track.cues), numbers, prof, rules, changes, joined)
    return WrapResult(track.with_cues(cues) if changes else track, changes, tuple(numbers), joined)


def _already_fits(text: str, limit: int, lines: int) -> bool:
    """Text on one line within the limit, or whose own line breaks already keep the
    limits, is left as written."""
    if "\n" not in text:
        return text_width(text) <= limit
    parts = text.split("\n")
    return len(parts) <= lines and all(
        p.strip() == p and p and text_width(p) <= limit for p in parts
    )


def _wrap_cue(cue: Cue, prof: Profile, rules: BreakRules) -> list[Cue]:
    """One cue wrapped, or split when its text or its time is too long for one cue."""
    tk = Tokens.of(cue.text, rules)
    if tk.n == 0:
        return [cue]
    breaks = line_breaks(tk, 0, tk.n, prof.max_chars, prof.max_lines)
    if breaks is not None:
        if not breaks or cue.end - cue.start <= prof.max_duration:
            text = "\n".join(tk.lines(0, tk.n, breaks))
            return [Cue(cue.start, cue.end, text, cue.words)]
        if len(breaks) == 1 and not cue.words:
            pieces = _lines_as_cues(cue, tk, breaks[0], prof)
            if pieces is not None:
                return pieces
    return _split(cue, tk, prof)


def _lines_as_cues(cue: Cue, tk: Tokens, cut: int, prof: Profile) -> list[Cue] | None:
    """Two lines shown too long: each line a cue, cut at the break the line rules chose,
    the time shared by length; None when a piece would break the duration limits."""
    edge = _time_at(cue, tk, cut)
    first, second = edge - cue.start, cue.end - edge
    duration = cue.end - cue.start
    if max(first, second) > prof.max_duration or min(first, second) < min(
        prof.min_duration, duration // 2
    ):
        return None
    return [Cue(cue.start, edge, tk.join(0, cut)), Cue(edge, cue.end, tk.join(cut, tk.n))]


def split_cue(cue: Cue, profile: Profile | str | None = None) -> list[Cue]:
    """A cue cut into pieces that each fit the profile's text and duration limits.

    >>> piece_times = [(c.start, c.end) for c in split_cue(Cue(0, 12_000, "word " * 30))]
    >>> piece_times
    [(0, 6000), (6000, 12000)]
    """
    prof = get_profile(profile)
    tk = Tokens.of(cue.text, rules_for(prof.language))
    if tk.n < 2:
        return [cue]
    return _split(cue, tk, prof)


def _split(cue: Cue, tk: Tokens, prof: Profile) -> list[Cue]:
    duration = max(cue.end - cue.start, 0)
    cuts = split_points(tk, prof, duration)
    pairs = list(itertools.pairwise([0, *cuts, tk.n]))
    if _words_match(cue, tk):
        times = _word_times(cue, pairs)
        return [
            Cue(s, e, _lines(tk, a, b, prof), cue.words[a:b])
            for (a, b), (s, e) in zip(pairs, times, strict=True)
        ]
    edges = _min_duration_edges([cue.start, *(_time_at(cue, tk, i) for i in cuts), cue.end], prof)
    return [
        Cue(s, e, _lines(tk, a, b, prof))
        for (a, b), s, e in zip(pairs, edges, edges[1:], strict=False)
    ]


def _lines(tk: Tokens, a: int, b: int, prof: Profile) -> str:
    return "\n".join(best_lines(tk, a, b, prof.max_chars, prof.max_lines))


def _token_starts(cue: Cue, tk: Tokens) -> list[int]:
    """When every token starts: word timings when they match, else by spoken length."""
    if _words_match(cue, tk):
        return [cue.start] + [w.start for w in cue.words[1:]]
    return [_time_at(cue, tk, i) for i in range(tk.n)]


def _words_match(cue: Cue, tk: Tokens) -> bool:
    return len(cue.words) == tk.n and all(
        w.text == t for w, t in zip(cue.words, tk.toks, strict=True)
    )


def _time_at(cue: Cue, tk: Tokens, i: int) -> int:
    """When token ``i`` starts, sharing the cue's time by spoken length (characters)."""
    return cue.start + round((cue.end - cue.start) * tk.pre[i] / (tk.pre[tk.n] or 1))


def _word_times(cue: Cue, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Chunk times from word timings; the first and last chunk keep the cue's edges."""
    words = cue.words
    out = []
    for a, b in pairs:
        start = cue.start if a == 0 else words[a].start
        end = cue.end if b == len(words) else min(words[b - 1].end, words[b].start)
        out.append((start, max(start, end)))
    return out


# -- cuts ------------------------------------------------------------------------------


def split_points(tk: Tokens, prof: Profile, duration: int) -> list[int]:
    """Where to cut the tokens into cues that each fit the profile.

    The number of cues is the least that holds the text and keeps each cue, its time
    shared by spoken length, within the maximum duration.  Among the cuts into that
    many cues, the cheapest wins: each cut costs its rule score (sentence ends first,
    then clause ends, then the best rule-based break), each piece its distance from
    an even share of the text, and more when it holds only one or two words.

    >>> tk = Tokens.of("This is one sentence. And here is another one, with a clause.")
    >>> split_points(tk, get_profile("netflix").but(max_chars=20), 5000)
    [4]
    """
    total = tk.pre[tk.n]
    reach = total * prof.max_duration / duration if duration > prof.max_duration else total
    return _cheapest_cuts(tk, _Pieces(tk, prof.max_chars, prof.max_lines, reach))


class _Pieces:
    """Which runs of tokens one cue can hold: ``limit`` columns by ``lines`` lines, and
    at most ``reach`` of the prefix sums (its share of the time).  A single token is
    always a piece."""

    __slots__ = ("ends", "limit", "lines", "reach", "tk")

    def __init__(self, tk: Tokens, limit: int, lines: int, reach: float) -> None:
        self.tk, self.limit, self.lines, self.reach = tk, limit, lines, reach
        # The ends already found: the layers' edges are asked for again by the cuts.
        self.ends: dict[int, int] = {}

    def end(self, a: int) -> int:
        """The end of the longest piece from token ``a``."""
        b = self.ends.get(a)
        if b is None:
            tk = self.tk
            time_end = bisect_right(tk.pre, tk.pre[a] + self.reach, a + 1) - 1
            b = self.ends[a] = max(min(tk.lines_end(a, self.limit, self.lines), time_end), a + 1)
        return b

    def start(self, b: int) -> int:
        """The start of the longest piece ending before token ``b``."""
        tk = self.tk
        time_start = bisect_left(tk.pre, tk.pre[b] - self.reach, 0, b)
        return min(max(tk.lines_start(b, self.limit, self.lines), time_start), b - 1)

    def layers(self) -> list[range]:
        """The positions the m-th cut may take in a cutting into the fewest pieces, for
        every m (the first is the start, the last the end): between where m pieces
        reach from the start at most and where the rest reach from the end at most
        (longest-first is optimal both ways, so these are exact)."""
        n = self.tk.n
        ahead = [0]
        while ahead[-1] < n:
            ahead.append(self.end(ahead[-1]))
        behind = [n]
        # The first cut is the start (one piece from it reaches every position of the
        # second layer, as that layer ends where the first piece ends).
        for _ in range(len(ahead) - 2):
            behind.append(self.start(behind[-1]))
        behind.append(0)
        behind.reverse()
        return [range(lo, hi + 1) for lo, hi in zip(behind, ahead, strict=True)]


def _cheapest_cuts(tk: Tokens, pieces: _Pieces) -> list[int]:
    """The cheapest cuts into the fewest pieces (see :func:`split_points`)."""
    first_end = pieces.end(0)
    if first_end < tk.n:
        # Two pieces, as most cut cues are: where the longest last piece starts is at or
        # before where the longest first one ends; the cuts between are :meth:`layers`'
        # middle layer, without the layers' walk.
        last_start = pieces.start(tk.n)
        if last_start <= first_end:
            return [_cheapest_cut(tk, range(last_start, first_end + 1))]
    return _layered_cuts(tk, pieces, pieces.layers())


def _cheapest_cut(tk: Tokens, layer: range) -> int:
    """The cut of :func:`_layered_cuts` into two pieces, found with fewer candidates.

    The same costs in the same float expressions, tried outward from the even cut: the
    pieces' balance terms alone only grow outward, so a side ends where they exceed the
    best cost; of equal costs the first cut wins, as there.
    """
    pre, n = tk.pre, tk.n
    rules, toks, spaced = tk.rules, tk.toks, tk.spaced  # tk.score(j), without a call
    target = pre[n] / 2
    per_unit = _BALANCE / target
    best, best_cost = -1, float("inf")
    mid = bisect_left(pre, target, layer.start, layer.stop)
    for side in (range(mid, layer.stop), range(mid - 1, layer.start - 1, -1)):
        for j in side:
            first = abs(pre[j] - target) * per_unit  # the pieces' balance terms
            second = abs(pre[n] - (pre[j] + target)) * per_unit
            if first + second > best_cost:
                break
            if j <= 2:
                first += _TINY
            c = first + rules.score(toks[j - 1], toks[j], spaced[j] == 1) + second
            if n - j <= 2:
                c += _TINY
            if c < best_cost or (c == best_cost and j < best):
                best, best_cost = j, c
    return best


def _layered_cuts(tk: Tokens, pieces: _Pieces, layers: list[range]) -> list[int]:
    """The cheapest cuts into the fewest pieces: a shortest path from layer to layer of
    :meth:`_Pieces.layers` (a few positions per cut), so the work is linear in the text."""
    pre, n = tk.pre, tk.n
    rules, toks, spaced = tk.rules, tk.toks, tk.spaced  # tk.score(j), without a call
    target = pre[n] / (len(layers) - 1)
    per_unit = _BALANCE / target
    inf = float("inf")
    costs = [0.0]
    backs: list[list[int]] = []
    for before, layer in itertools.pairwise(layers):
        lo, hi = layer.start, layer.stop - 1
        into: list[float] = [inf] * len(layer)
        back = [0] * len(layer)
        # Each start's pieces reach a run of this layer (the layers do not overlap, and
        # every piece into the end fits: the layers are where the fewest pieces go).
        # Over the starts in order, the first of equal costs wins.
        for j, cost in zip(before, costs, strict=True):
            base = cost + (rules.score(toks[j - 1], toks[j], spaced[j] == 1) if j else 0)
            even = pre[j] + target
            for i in range(lo, (hi if hi == n else min(pieces.end(j), hi)) + 1):
                c = base + abs(pre[i] - even) * per_unit
                if i - j <= 2:
                    c += _TINY
                if c < into[i - lo]:
                    into[i - lo], back[i - lo] = c, j
        costs = into
        backs.append(back)
    cuts = []
    i = n
    for m in range(len(backs) - 1, 0, -1):
        i = backs[m][i - layers[m + 1].start]
        cuts.append(i)
    return cuts[::-1]


# -- times -----------------------------------------------------------------------------


def _min_duration_edges(edges: list[int], prof: Profile) -> list[int]:
    """Piece edges moved so that no piece is under the minimum duration, when the whole
    span is long enough for every piece to have it (else as they are)."""
    pieces = len(edges) - 1
    if edges[-1] - edges[0] < pieces * prof.min_duration or all(
        y - x >= prof.min_duration for x, y in itertools.pairwise(edges)
    ):
        return edges
    return _even_out(edges, prof.min_duration)


def _even_out(edges: list[int], minimum: int) -> list[int]:
    """Move inner edges so that every piece lasts at least ``minimum`` (water-filling):
    the shortest pieces get the minimum, the others share what is left in proportion.

    >>> _even_out([0, 100, 5000, 6000], 833)
    [0, 833, 5124, 6000]
    """
    durations = [b - a for a, b in itertools.pairwise(edges)]
    order = sorted(range(len(durations)), key=durations.__getitem__)
    flexible = float(sum(durations))
    free = flexible
    scale = 1.0
    fixed = 0
    # The shortest pieces are fixed in turn, until the next one, scaled, keeps the minimum.
    while fixed < len(order):
        scale = free / flexible if flexible else 0.0
        if durations[order[fixed]] * scale >= minimum:
            break
        free -= minimum
        flexible -= durations[order[fixed]]
        fixed += 1
    at_minimum = set(order[:fixed])
    out = [edges[0]]
    acc = float(edges[0])
    for i, d in enumerate(durations[:-1]):
        acc += minimum if i in at_minimum else d * scale
        out.append(round(acc))
    out.append(edges[-1])
    return out


# -- orphans ---------------------------------------------------------------------------


def _is_orphan(cue: Cue, limit: int) -> bool:
    words = cue.text.split(maxsplit=2)  # a third word is enough to say no
    return 0 < len(words) <= 2 and text_width(" ".join(words)) <= limit // 2


def _ends_sentence(text: str, rules: BreakRules) -> bool:
    end = text.rstrip().rstrip(rules.closers)
    return bool(end) and end[-1] in rules.sentence_end


def _merge_options(
    prev: Cue | None, cue: Cue, nxt: Cue | None, short_pause: int, rules: BreakRules
) -> list[int]:
    """The neighbours an orphan may join, best first (-1: the cue before, 1: the one
    after): same sentence, then shortest pause, then the one before."""
    options = []
    if prev is not None:
        gap = cue.start - prev.end
        same = not _ends_sentence(prev.text, rules)
        if gap <= short_pause or (same and gap <= _LONG_PAUSE):
            options.append((not same, max(gap, 0), -1))
    if nxt is not None:
        gap = nxt.start - cue.end
        same = not _ends_sentence(cue.text, rules)
        if gap <= short_pause or (same and gap <= _LONG_PAUSE):
            options.append((not same, max(gap, 0), 1))
    return [side for _, _, side in sorted(options)]


def _merge_orphans(
    cues: list[Cue],
    origin: list[int],
    prof: Profile,
    rules: BreakRules,
    changes: list[Change],
    joined_to: list[tuple[int, int]],
) -> list[Cue]:
    """Merge each cue of one or two short words into a neighbour of the same sentence or
    across a short pause; when the neighbour is full, rebalance the two cues instead.
    ``origin`` (the input number of each cue) is kept in step with the cues, and each
    merge noted in ``joined_to`` (see :attr:`StepResult.merged`)."""
    limit = prof.max_chars
    short_pause = max(prof.chain_gap, _SHORT_PAUSE)
    # The cues before the current one, and those after it reversed (the next on top), each
    # with its input number: a merge changes only these ends, where replacing two cues by
    # one in the middle of a list would move the rest of it, quadratic in the cues.
    done: list[Cue] = []
    done_from: list[int] = []
    ahead = cues[::-1]
    ahead_from = origin[::-1]
    while ahead:
        cue, number = ahead.pop(), ahead_from.pop()
        merged = False
        if _is_orphan(cue, limit):
            prev = done[-1] if done else None
            nxt = ahead[-1] if ahead else None
            for side in _merge_options(prev, cue, nxt, short_pause, rules):
                first, second = (prev, cue) if side < 0 else (cue, nxt)
                assert first is not None and second is not None
                joined = _join(first, second, prof, rules)
                if joined is None:
                    continue
                rule = "orphan-merge" if len(joined) == 1 else "orphan-rebalance"
                changes.append(
                    Change(
                        number, "text", [first.text, second.text], [c.text for c in joined], rule
                    )
                )
                # What comes of the pair goes back ahead, to be looked at again: a merged
                # cue may still be short enough to take another orphan.
                if side < 0:
                    if len(joined) == 1:
                        done.pop()
                        joined_to.append((number, done_from[-1]))
                        ahead.append(joined[0])
                        ahead_from.append(done_from.pop())
                    else:
                        done[-1] = joined[0]
                        ahead.append(joined[1])
                        ahead_from.append(number)
                elif len(joined) == 1:
                    ahead[-1] = joined[0]
                    joined_to.append((ahead_from[-1], number))
                    ahead_from[-1] = number
                else:
                    done.append(joined[0])
                    done_from.append(number)
                    ahead[-1] = joined[1]
                merged = True
                break
        if not merged:
            done.append(cue)
            done_from.append(number)
    origin[:] = done_from
    return done


def _join(first: Cue, second: Cue, prof: Profile, rules: BreakRules) -> list[Cue] | None:
    """The two cues as one, or rebalanced as two in which neither is an orphan; None if
    neither keeps the profile."""
    tk = Tokens.of(f"{first.text} {second.text}", rules)
    start, end = min(first.start, second.start), max(first.end, second.end)
    words = first.words + second.words if first.words and second.words else ()
    if tk.fits(0, tk.n, prof.max_chars, prof.max_lines) and end - start <= prof.max_duration:
        return [Cue(start, end, _lines(tk, 0, tk.n, prof), words)]
    # Rebalance: cut the joined words once more, as splitting would.
    tk1, tk2 = Tokens.of(first.text, rules), Tokens.of(second.text, rules)
    cuts = split_points(tk, prof, end - start)
    if tk1.n + tk2.n != tk.n or len(cuts) != 1:
        return None
    cut = cuts[0]
    if cut == tk1.n or min(cut, tk.n - cut) < 3:
        return None
    # Words move across: the new boundary is where the first word of the second cue is
    # spoken (inside the first cue's time when words move forward, the second's if back).
    if cut < tk1.n:
        edge = _token_starts(first, tk1)[cut]
    else:
        edge = _token_starts(second, tk2)[cut - tk1.n]
    a = Cue(first.start, edge, _lines(tk, 0, cut, prof))
    b = Cue(edge, second.end, _lines(tk, cut, tk.n, prof))
    if max(a.duration, b.duration) > prof.max_duration or min(a.duration, b.duration) < 0:
        return None
    return [a, b]
