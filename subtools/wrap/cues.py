"""Cues that read well: wrapped lines, long text split into cues, orphans merged.

``wrap(track, profile)`` returns a new track and the list of changes.  No word is ever
lost, added, reordered or altered: text is only cut at whitespace (or between CJK
characters), never inside a word or a hyphenated compound.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from dataclasses import dataclass

from ..changes import Change
from ..model import Cue, Track
from ..style import Profile, get_profile
from .lines import Spaced, Tokens, best_lines, text_width, two_lines_ascii
from .rules import BEFORE_CONNECTIVE, PLAIN, BreakRules, rules_for

#: What a cut that leaves a chunk of one or two words costs, on top of its rule's score.
_TINY = 60
#: A pause this long or shorter always allows merging an orphan into its neighbour.
_SHORT_PAUSE = 500
#: Even within a sentence, an orphan does not jump a pause longer than this.
_LONG_PAUSE = 1500


@dataclass(frozen=True)
class WrapResult:
    """The wrapped track and what changed (cue numbers are those of the input).

    ``changes`` lists the splits and orphan merges; ``rewrapped`` counts the cues whose
    line breaks alone changed.
    """

    track: Track
    changes: list[Change]
    rewrapped: int = 0


def wrap(track: Track, profile: Profile | str | None = None) -> WrapResult:
    """Wrap every cue's text, split cues too long for the profile, merge orphans.

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
    rules = rules_for(track.language or prof.language)
    changes: list[Change] = []
    out: list[Cue] = []
    origin: list[int] = []  # input cue number of each output cue
    rewrapped = 0
    limit, lines = prof.max_chars, prof.max_lines
    for number, cue in enumerate(track.cues, 1):
        text = cue.text
        if (
            "\n" not in text
            and len(text) <= limit
            and (text.isascii() or text_width(text) <= limit)
        ):
            out.append(cue)
            origin.append(number)
            continue
        if "\n" in text and _already_fits(text, limit, lines):
            out.append(cue)
            origin.append(number)
            continue
        pieces = _wrap_cue(cue, prof, rules)
        if len(pieces) == 1:
            rewrapped += 1
        else:
            changes.append(Change(number, "text", cue.text, [p.text for p in pieces], "split"))
        out.extend(pieces)
        origin.extend([number] * len(pieces))
    merged = _merge_orphans(out, origin, prof, rules, changes)
    return WrapResult(track.with_cues(merged), changes, rewrapped)


def merge_orphans(track: Track, profile: Profile | str | None = None) -> WrapResult:
    """Only the orphan pass of :func:`wrap`: merge or rebalance cues of one or two words."""
    prof = get_profile(profile)
    rules = rules_for(track.language or prof.language)
    changes: list[Change] = []
    cues = _merge_orphans(list(track.cues), list(range(1, len(track) + 1)), prof, rules, changes)
    return WrapResult(track.with_cues(cues) if changes else track, changes)


def _already_fits(text: str, limit: int, lines: int) -> bool:
    """Text whose own line breaks already keep the limits is left as written."""
    parts = text.split("\n")
    return len(parts) <= lines and all(
        p.strip() == p and p and text_width(p) <= limit for p in parts
    )


def _token_starts(cue: Cue, tk: Tokens) -> list[int]:
    """When every token starts: word timings when they match, else by spoken length."""
    if _words_match(cue, tk):
        return [cue.start] + [w.start for w in cue.words[1:]]
    return [_time_at(cue, tk, i) for i in range(tk.n)]


def _words_match(cue: Cue, tk: Tokens) -> bool:
    return len(cue.words) == tk.n and all(
        w.text == t for w, t in zip(cue.words, tk.toks, strict=True)
    )


def _wrap_cue(cue: Cue, prof: Profile, rules: BreakRules) -> list[Cue]:
    """One cue wrapped, or split when its text or its time is too long for one cue."""
    text = cue.text
    duration = cue.end - cue.start
    too_long = duration > prof.max_duration
    if prof.max_lines == 2 and text.isascii() and "  " not in text and text.isprintable():
        two = two_lines_ascii(text, prof.max_chars, rules)
        if two is not None:
            if not too_long:
                return [Cue(cue.start, cue.end, two, cue.words)]
            if "\n" in two and not cue.words:
                # Two lines shown too long: each line becomes a cue, cut at the break the
                # line rules chose, the time shared by length.
                top, bottom = two.split("\n")
                edge = cue.start + round(duration * (len(top) + 1) / (len(text) + 1))
                first, second = edge - cue.start, cue.end - edge
                if max(first, second) <= prof.max_duration and min(first, second) >= min(
                    prof.min_duration, duration // 2
                ):
                    return [Cue(cue.start, edge, top), Cue(edge, cue.end, bottom)]
        elif not cue.words:
            pieces = _split_ascii(cue, prof, rules)
            if pieces is not None:
                return pieces
    tk = Tokens.of(text)
    if tk.n == 0:
        return [cue]
    if tk.fits(0, tk.n, prof.max_chars, prof.max_lines) and (
        not too_long or tk.width(0, tk.n) <= prof.max_chars
    ):
        return [Cue(cue.start, cue.end, _lines(tk, 0, tk.n, prof, rules), cue.words)]
    return _split(cue, tk, prof, rules)


def split_cue(cue: Cue, profile: Profile | str | None = None) -> list[Cue]:
    """A cue cut into pieces that each fit the profile's text and duration limits.

    >>> piece_times = [(c.start, c.end) for c in split_cue(Cue(0, 12_000, "word " * 30))]
    >>> piece_times
    [(0, 6000), (6000, 12000)]
    """
    prof = get_profile(profile)
    tk = Tokens.of(cue.text)
    if tk.n < 2:
        return [cue]
    return _split(cue, tk, prof, rules_for(prof.language))


def _split(cue: Cue, tk: Tokens, prof: Profile, rules: BreakRules) -> list[Cue]:
    duration = max(cue.end - cue.start, 0)
    cuts = split_points(tk, prof, rules, duration)
    bounds = [0, *cuts, tk.n]
    pairs = list(itertools.pairwise(bounds))
    if _words_match(cue, tk):
        times = _word_times(cue, pairs)
        return [
            Cue(s, e, _lines(tk, a, b, prof, rules), cue.words[a:b])
            for (a, b), (s, e) in zip(pairs, times, strict=True)
        ]
    edges = _min_duration_edges([cue.start, *(_time_at(cue, tk, i) for i in cuts), cue.end], prof)
    return [
        Cue(s, e, _lines(tk, a, b, prof, rules))
        for (a, b), s, e in zip(pairs, edges, edges[1:], strict=False)
    ]


def _split_ascii(cue: Cue, prof: Profile, rules: BreakRules) -> list[Cue] | None:
    """:func:`_split` for single-spaced ASCII text and two-line cues.

    Most long segments are this case.  The cuts are chosen as :func:`_choose_cuts`
    chooses them, on the words of the string (:class:`Spaced`, whose ``ends`` are the
    tokens' prefix sums), which saves building tokens; each space's score is looked up
    once for the cuts and the lines of every piece.  Returns None when it cannot place
    the cuts; the general path then decides.
    """
    if cue.text[0] == " " or cue.text[-1] == " ":
        return None  # an empty word at an end: the general path strips it
    sp = Spaced(cue.text, rules)
    ends = sp.ends
    total = ends[-1]  # the length plus one
    limit = prof.max_chars
    duration = max(cue.end - cue.start, 0)
    reach = total * prof.max_duration / duration if duration > prof.max_duration else total
    k = max(2, math.ceil(total / (2 * limit + 1)), math.ceil(duration / prof.max_duration))
    while k <= len(sp.words):
        cuts = _cuts_ascii(sp, k, limit, reach)
        if cuts is not None:
            break
        k += 1
    else:
        return None
    # cut j is the space after word j; the next piece starts at ends[j]
    edges = [cue.start, *(cue.start + round(duration * ends[j] / total) for j in cuts), cue.end]
    edges = _min_duration_edges(edges, prof)
    pieces = []
    first = 0
    for i, stop in enumerate([*(j + 1 for j in cuts), len(sp.words)]):
        chunk = sp.two_lines(first, stop, limit)
        if chunk is None:
            return None
        pieces.append(Cue(edges[i], edges[i + 1], chunk))
        first = stop
    return pieces


def _cuts_ascii(sp: Spaced, k: int, limit: int, reach: float) -> list[int] | None:
    """The spaces (by word number) to cut the text at into ``k`` pieces, or None."""
    ends, scores = sp.ends, sp.scores
    last_space = len(ends) - 2
    total = ends[-1]
    n = total - 1
    cuts: list[int] = []
    first = 0  # the first word of the current chunk
    start = 0  # and its first character
    # A cut at or after the second-last space of the text leaves the rest one or two words.
    few_after = ends[last_space - 1] - 1 if last_space >= 1 else -1
    for remaining in range(k, 1, -1):
        hi = min(sp.two_line_end(first, limit), int(start + reach) - 1)
        rest_capacity = (remaining - 1) * min(2 * limit + 1, reach)
        ideal = start + (total - start) / remaining
        size = max(ideal - start, 1.0)
        best_cost = float("inf")
        best = -1
        # A cut at or before the second space of the chunk leaves it one or two words.
        if first > last_space:
            few_before = n
        else:
            few_before = ends[first + 1] - 1 if first + 1 <= last_space else -1
        # Candidates, as _choose_cuts takes them: from the first space past 0.6 of a
        # chunk after the ideal position (or the furthest reachable one) back to 0.6 of
        # a chunk before it.
        j = min(bisect_right(ends, ideal + 0.6 * size), bisect_right(ends, hi + 1) - 1)
        j = min(j, last_space - (remaining - 2))
        floor = ideal - 0.6 * size
        while j >= first:
            x = ends[j]
            if total - x > rest_capacity or x < floor:
                break
            if x < ideal and (ideal - x) / size * 40 >= best_cost:
                break  # below the ideal, costs only grow from here
            cost = scores[j] + abs(x - ideal) / size * 40
            if x <= few_before + 1 or x > few_after:
                cost += _TINY
            if cost < best_cost:
                best_cost, best = cost, j
            j -= 1
        if best < 0:
            return None
        cuts.append(best)
        first, start = best + 1, ends[best]
    if sp.two_line_end(first, limit) < n or total - start > reach + 1:
        return None
    return cuts


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


def _lines(tk: Tokens, a: int, b: int, prof: Profile, rules: BreakRules) -> str:
    """Tokens ``a:b`` wrapped, through the fast path when it applies."""
    if prof.max_lines == 2:
        text = tk.join(a, b)
        if text.isascii():
            two = two_lines_ascii(text, prof.max_chars, rules)
            if two is not None:
                return two
    return "\n".join(best_lines(tk, a, b, prof.max_chars, prof.max_lines, rules))


def split_points(
    tk: Tokens, prof: Profile, rules: BreakRules, duration: int, a: int = 0, b: int | None = None
) -> list[int]:
    """Where to cut tokens ``a:b`` into cues that each fit the profile.

    The number of cues is the least that holds the text and keeps each cue, its time
    shared by spoken length, within the maximum duration; each cut is chosen in turn
    near its share of the text, preferring sentence ends, then clause ends, then the
    best rule-based break.
    """
    b = tk.n if b is None else b
    limit, lines = prof.max_chars, prof.max_lines
    capacity = limit * lines
    width = tk.width(a, b)
    # The most text (in prefix-sum units) one cue may hold and stay within max_duration.
    total = tk.pre[b] - tk.pre[a]
    reach = total * prof.max_duration / duration if duration > prof.max_duration else total
    k = max(2, math.ceil((width + 1) / (capacity + 1)), math.ceil(duration / prof.max_duration))
    k = min(k, b - a)
    while True:
        cuts = _choose_cuts(tk, a, b, k, limit, lines, rules, reach)
        if cuts is not None:
            return cuts
        k += 1
        if k > b - a:
            # Every token alone (only reachable with absurd limits): one cue per token.
            return list(range(a + 1, b))


def _choose_cuts(
    tk: Tokens,
    a: int,
    b: int,
    k: int,
    limit: int,
    lines: int,
    rules: BreakRules,
    reach: float = float("inf"),
) -> list[int] | None:
    cuts: list[int] = []
    start = a
    pre, toks, spaced = tk.pre, tk.toks, tk.spaced
    after, starts_well = rules.after, rules.starts_well
    for remaining in range(k, 1, -1):
        # The furthest this chunk can reach (by lines, and by time), and the least it
        # must take so that the rest still fits in the remaining cues.
        end = start
        for _ in range(lines):
            end = tk.line_end(end, limit) if end < b else b
        end = min(end, max(bisect_right(pre, pre[start] + reach, start + 1) - 1, start + 1))
        hi = min(end, b - (remaining - 1))
        if hi <= start:
            return None
        rest_capacity = (remaining - 1) * min(limit * lines + 1, reach)
        ideal = pre[start] + (pre[b] - pre[start]) / remaining
        size = max(ideal - pre[start], 1.0)
        best: tuple[float, int] | None = None
        # Cuts further than 0.6 of a chunk from the ideal cost more than any rule saves.
        top = min(hi, bisect_right(pre, ideal + 0.6 * size, start + 1))
        for i in range(max(top, start + 1), start, -1):
            if pre[b] - pre[i] > rest_capacity or pre[i] < ideal - 0.6 * size:
                break
            if best is not None and pre[i] < ideal and (ideal - pre[i]) / size * 40 >= best[0]:
                break  # below the ideal, costs only grow from here
            # The cost of a cut: its rule, its distance from the ideal, and whether it
            # leaves a chunk of one or two words.
            if spaced[i]:
                rule = after(toks[i - 1])
                if rule < 0:
                    rule = BEFORE_CONNECTIVE if starts_well(toks[i]) else PLAIN
            else:
                rule = tk.break_score(i, rules)
            cost = rule + abs(pre[i] - ideal) / size * 40
            if i - start <= 2 or b - i <= 2:
                cost += _TINY
            if best is None or cost < best[0]:
                best = (cost, i)
        if best is None:
            return None
        cuts.append(best[1])
        start = best[1]
    if not tk.fits(start, b, limit, lines) or pre[b] - pre[start] > reach + 1:
        return None
    return cuts


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
    """Move inner edges so that every piece lasts at least ``minimum`` (water-filling).

    >>> _even_out([0, 100, 5000, 6000], 833)
    [0, 833, 5124, 6000]
    """
    durations: list[float] = [b - a for a, b in itertools.pairwise(edges)]
    total = sum(durations)
    fixed = [False] * len(durations)
    for _ in range(len(durations)):
        short = [i for i, d in enumerate(durations) if d < minimum and not fixed[i]]
        if not short:
            break
        for i in short:
            fixed[i] = True
        free = total - minimum * sum(fixed)
        flexible = sum(d for d, f in zip(durations, fixed, strict=True) if not f)
        durations = [
            minimum if f else (d * free / flexible if flexible else 0)
            for d, f in zip(durations, fixed, strict=True)
        ]
    out = [edges[0]]
    acc = float(edges[0])
    for d in durations[:-1]:
        acc += d
        out.append(round(acc))
    out.append(edges[-1])
    return out


# -- orphans ---------------------------------------------------------------------------


def _is_orphan(cue: Cue, limit: int) -> bool:
    text = cue.text
    # Cheap rejection first: this runs on every cue, and almost none is an orphan (a
    # text longer than a line is not one or two short words, whatever its spacing).
    if len(text) > limit:
        return False
    words = text.split()
    return 0 < len(words) <= 2 and text_width(" ".join(words)) <= limit // 2


def _ends_sentence(text: str, rules: BreakRules) -> bool:
    end = text.rstrip().rstrip(rules.closers)
    return bool(end) and end[-1] in rules.sentence_end


def _merge_orphans(
    cues: list[Cue], origin: list[int], prof: Profile, rules: BreakRules, changes: list[Change]
) -> list[Cue]:
    """Merge each cue of one or two short words into a neighbour of the same sentence or
    across a short pause; when the neighbour is full, rebalance the two cues instead."""
    limit = prof.max_chars
    short_pause = max(prof.chain_gap, _SHORT_PAUSE)
    out = list(cues)
    i = 0
    while i < len(out):
        cue = out[i]
        # (the length test is _is_orphan's first, here to skip the call for most cues)
        if len(cue.text) > limit or not _is_orphan(cue, limit):
            i += 1
            continue
        options = []
        if i > 0:
            gap = cue.start - out[i - 1].end
            same = not _ends_sentence(out[i - 1].text, rules)
            if gap <= short_pause or (same and gap <= _LONG_PAUSE):
                options.append((not same, max(gap, 0), i - 1))
        if i + 1 < len(out):
            gap = out[i + 1].start - cue.end
            same = not _ends_sentence(cue.text, rules)
            if gap <= short_pause or (same and gap <= _LONG_PAUSE):
                options.append((not same, max(gap, 0), i + 1))
        for _, _, j in sorted(options):
            lo = min(i, j)
            first, second = out[lo], out[lo + 1]
            joined = _join(first, second, prof, rules)
            if joined is None:
                continue
            rule = "orphan-merge" if len(joined) == 1 else "orphan-rebalance"
            changes.append(
                Change(origin[i], "text", [first.text, second.text], [c.text for c in joined], rule)
            )
            out[lo : lo + 2] = joined
            origin[lo : lo + 2] = origin[lo : lo + len(joined)]
            # A merged cue may still be short enough to take another orphan: look again.
            i = lo if len(joined) == 1 else lo + 1
            break
        else:
            i += 1
    return out


def _join(first: Cue, second: Cue, prof: Profile, rules: BreakRules) -> list[Cue] | None:
    """The two cues as one, or rebalanced as two in which neither is an orphan; None if
    neither keeps the profile."""
    limit, lines = prof.max_chars, prof.max_lines
    tk = Tokens.of(f"{first.text} {second.text}")
    start, end = min(first.start, second.start), max(first.end, second.end)
    words = first.words + second.words if first.words and second.words else ()
    if tk.fits(0, tk.n, limit, lines) and end - start <= prof.max_duration:
        return [Cue(start, end, "\n".join(best_lines(tk, 0, tk.n, limit, lines, rules)), words)]
    # Rebalance: cut the joined words once more, where the rules like it best.
    tk1, tk2 = Tokens.of(first.text), Tokens.of(second.text)
    if tk1.n + tk2.n != tk.n:
        return None
    cuts = _choose_cuts(tk, 0, tk.n, 2, limit, lines, rules)
    if cuts is None:
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
    a = Cue(first.start, edge, "\n".join(best_lines(tk, 0, cut, limit, lines, rules)))
    b = Cue(edge, second.end, "\n".join(best_lines(tk, cut, tk.n, limit, lines, rules)))
    if max(a.duration, b.duration) > prof.max_duration or min(a.duration, b.duration) < 0:
        return None
    return [a, b]
