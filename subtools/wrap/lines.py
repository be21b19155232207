"""Breaking text into lines: tokens, display widths and the best break points.

Text is held as tokens with prefix sums of their display widths, so the width of any
run of tokens is one subtraction and the lines a run needs are a few bisections.
Widths are display columns: CJK characters are two wide, and a CJK run may break
between characters (never before closing punctuation).  Every break is scored by
:meth:`BreakRules.score <subtools.wrap.rules.BreakRules.score>`, whatever the script.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate, pairwise
from typing import Final

from .rules import ENGLISH, BreakRules

#: Characters that may not start a line (they close a CJK phrase).
_NO_LINE_START: Final = frozenset(
    "、。，．！？：；」』）】〉》〕｝〗〙〛ー…‥・ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)

_ASCII_RUNS: Final = re.compile(r"[\x00-\x7f]+")


def char_width(ch: str) -> int:
    """Display columns of one character: 2 for East Asian wide and full-width, 0 for
    combining marks and format characters, else 1.

    The standard library's Unicode tables answer this directly (wcwidth's finer points,
    such as emoji sequences, do not matter for caption line length, and importing it
    costs more than wrapping a talk).

    >>> char_width("字"), char_width("a"), char_width("\u0301")
    (2, 1, 0)
    """
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Display columns of a line (for ASCII, its length: a shortcut, same answer).

    >>> text_width("hello"), text_width("字幕です")
    (5, 8)
    """
    if text.isascii():
        return len(text)
    # Each ASCII character is one column: only the others are looked up.
    others = _ASCII_RUNS.sub("", text)
    return len(text) - len(others) + sum(map(char_width, others))


class Tokens:
    """Tokens of a text, with spaces between them or not (inside a CJK run), and the
    rules that score a break between two of them.

    ``spaced[i]`` tells whether a space comes before token ``i``; ``spaced[n]`` is 1 so
    that every token is followed by a separator in the prefix sums ``pre``.
    """

    __slots__ = ("all_spaced", "n", "pre", "rules", "spaced", "toks")

    def __init__(
        self,
        toks: list[str],
        spaced: list[int] | None = None,
        widths: Sequence[int] | None = None,
        rules: BreakRules = ENGLISH,
    ) -> None:
        self.toks = toks
        self.n = n = len(toks)
        if spaced is None:
            spaced = [1] * (n + 1)
        self.spaced = spaced
        self.rules = rules
        # pre[i] = width of tokens[:i], each followed by its separator
        if widths is None:  # every token spaced, its width its length
            self.all_spaced = True
            self.pre = pre = [0]
            at = 0
            for tok in toks:
                at += len(tok) + 1
                pre.append(at)
        else:
            self.all_spaced = 0 not in spaced
            self.pre = [0, *accumulate(widths[i] + spaced[i + 1] for i in range(n))]

    @classmethod
    def of(cls, text: str, rules: BreakRules = ENGLISH) -> Tokens:
        """Tokens of a text; whitespace (and line breaks) separate words.

        >>> Tokens.of("a b\\nc").toks
        ['a', 'b', 'c']
        >>> Tokens.of("字幕、です。").toks
        ['字', '幕、', 'で', 'す。']
        """
        words = text.split()
        if text.isascii():  # a shortcut: ASCII has no wide characters, the same tokens
            return cls(words, None, None, rules)
        # A token's pieces are joined once: adding each to the token in turn would copy
        # it each time, quadratic in a run of closing punctuation ("字、、、…").
        pieces: list[list[str]] = []
        spaced: list[int] = []
        for word in words:
            first = True
            for piece in _cjk_pieces(word):
                if not first and piece[0] in _NO_LINE_START:
                    pieces[-1].append(piece)
                    continue
                pieces.append([piece])
                spaced.append(1 if first else 0)
                first = False
        spaced.append(1)
        if spaced:
            spaced[0] = 1
        toks = [p[0] if len(p) == 1 else "".join(p) for p in pieces]
        return cls(toks, spaced, [text_width(t) for t in toks], rules)

    def width(self, a: int, b: int) -> int:
        """Display width of tokens ``a:b`` on one line."""
        return self.pre[b] - self.pre[a] - self.spaced[b]

    def join(self, a: int, b: int) -> str:
        """Tokens ``a:b`` as one line of text."""
        toks, spaced = self.toks, self.spaced
        if self.all_spaced or spaced[a + 1 : b].count(0) == 0:
            return " ".join(toks[a:b])
        out = [toks[a]]
        for i in range(a + 1, b):
            if spaced[i]:
                out.append(" ")
            out.append(toks[i])
        return "".join(out)

    def lines(self, a: int, b: int, breaks: list[int]) -> list[str]:
        """Tokens ``a:b`` as lines, each of ``breaks`` starting one."""
        if len(breaks) == 1:  # two lines, as most are: no pairs to build
            return [self.join(a, breaks[0]), self.join(breaks[0], b)]
        return [self.join(i, j) for i, j in pairwise([a, *breaks, b])]

    def score(self, i: int) -> int:
        """How good a break before token ``i`` is (lower is better), by the rules."""
        return self.rules.score(self.toks[i - 1], self.toks[i], self.spaced[i] == 1)

    def line_end(self, a: int, limit: int) -> int:
        """The end of the longest line from token ``a`` within ``limit`` (at least one token)."""
        pre, spaced = self.pre, self.spaced
        b = bisect_right(pre, pre[a] + limit + 1, a + 1) - 1
        # The bisection counts a separator after the line, so only a line that ends
        # without one (inside a CJK run) can be over the limit.
        while b > a and not spaced[b] and self.width(a, b) > limit:
            b -= 1
        return b if b > a else a + 1

    def lines_end(self, a: int, limit: int, lines: int) -> int:
        """The end of the most tokens from ``a`` that ``lines`` lines hold (greedy is
        optimal), at least one token."""
        b = a
        for _ in range(lines):
            if b >= self.n:
                break
            b = self.line_end(b, limit)
        return max(b, a + 1)

    def lines_start(self, b: int, limit: int, lines: int) -> int:
        """The start of the most tokens before ``b`` that ``lines`` lines hold, at least
        one token: :meth:`lines_end` backwards (a line is one bisection this way)."""
        pre, spaced = self.pre, self.spaced
        a = b
        for _ in range(lines):
            if a <= 0:
                break
            a = min(bisect_left(pre, pre[a] - spaced[a] - limit), a - 1)
        return min(a, b - 1)

    def fits(self, a: int, b: int, limit: int, lines: int) -> bool:
        """Whether tokens ``a:b`` fit in ``lines`` lines of ``limit`` columns."""
        return b <= self.lines_end(a, limit, lines)


def best_lines(tk: Tokens, a: int, b: int, limit: int, max_lines: int) -> list[str]:
    """Tokens ``a:b`` as lines: one if they fit, else the best breaks by the rules.

    Breaks are ranked by rule first (sentence end, clause end, before a connective,
    plain, after a word a line must not end on), then by balance, a longer bottom line
    winning a tie.  A token wider than the limit stands alone on its line.

    >>> best_lines(Tokens.of("We look at the paper today, and then we talk."), 0, 10, 30, 2)
    ['We look at the paper today,', 'and then we talk.']
    """
    breaks = line_breaks(tk, a, b, limit, max_lines)
    if breaks is None:  # more lines than asked for: as few as hold the text
        breaks = _many_lines(tk, a, b, limit)
    return tk.lines(a, b, breaks)


def line_breaks(tk: Tokens, a: int, b: int, limit: int, max_lines: int) -> list[int] | None:
    """Where :func:`best_lines` breaks tokens ``a:b`` (the tokens that start a line), or
    None when ``max_lines`` lines cannot hold them."""
    if tk.width(a, b) <= limit or b - a == 1:
        return []
    if max_lines >= 2:
        i = _two_line_break(tk, a, b, limit)
        if i is not None:
            return [i]
    if not tk.fits(a, b, limit, max_lines):
        return None
    return _many_lines(tk, a, b, limit)


def _two_line_break(tk: Tokens, a: int, b: int, limit: int) -> int | None:
    """The best break of tokens ``a:b`` into two lines within the limit, if any."""
    pre, spaced = tk.pre, tk.spaced
    # The candidates: from the first whose bottom line fits to the last whose top line
    # may (the test below decides, for a line ending inside a CJK run).
    lo = bisect_left(pre, pre[b] - spaced[b] - limit, a + 1, b)
    hi = bisect_right(pre, pre[a] + limit + 1, a + 1, b) - 1
    best_key: tuple[int, int, bool] | None = None
    best = None
    # tk.score(i) without a call in between; rules.score(), not a bound method kept in
    # a local, which the compiled build would call through Python.
    rules, toks = tk.rules, tk.toks
    start, end = pre[a], pre[b] - spaced[b]
    for i in range(lo, hi + 1):
        top, bottom = pre[i] - start - spaced[i], end - pre[i]  # the lines' widths
        if top > limit or bottom > limit:
            continue
        key = (rules.score(toks[i - 1], toks[i], spaced[i] == 1), abs(top - bottom), top > bottom)
        if best_key is None or key < best_key:
            best_key, best = key, i
    return best


def _many_lines(tk: Tokens, a: int, b: int, limit: int) -> list[int]:
    """More than two lines, or lines around an over-long word: fewest lines, best breaks."""
    lines = 0
    end = a
    while end < b:
        end, lines = min(tk.line_end(end, limit), b), lines + 1
    inf = float("inf")
    # cost[k][i]: best cost of tokens a:i in k lines
    cost = [[inf] * (b + 1) for _ in range(lines + 1)]
    back = [[0] * (b + 1) for _ in range(lines + 1)]
    cost[0][a] = 0.0
    target = tk.width(a, b) / lines
    for k in range(1, lines + 1):
        for i in range(a + 1, b + 1):
            rule = tk.score(i) if i < b else 0
            for j in range(i - 1, a - 1, -1):
                w = tk.width(j, i)
                if w > limit and i - j > 1:
                    break
                c = cost[k - 1][j] + abs(w - target) / 100 + rule
                if c < cost[k][i]:
                    cost[k][i], back[k][i] = c, j
    out: list[int] = []
    i, k = b, lines
    while k > 1:
        i, k = back[k][i], k - 1
        out.append(i)
    return out[::-1]


def _cjk_pieces(word: str) -> list[str]:
    """A word cut between wide characters; runs of narrow characters stay together."""
    if word.isascii():  # a shortcut: no wide characters, the same one piece
        return [word]
    pieces: list[str] = []
    run = ""
    for ch in word:
        if char_width(ch) == 2 or ch in _NO_LINE_START:
            if run:
                pieces.append(run)
                run = ""
            pieces.append(ch)
        else:
            run += ch
    if run:
        pieces.append(run)
    return pieces


def wrap_text(
    text: str, max_chars: int = 42, max_lines: int = 2, rules: BreakRules | None = None
) -> str:
    """Text broken into lines of at most ``max_chars`` columns where it can be.

    >>> print(wrap_text("We look at the paper today, and then we will talk about the results."))
    We look at the paper today,
    and then we will talk about the results.
    """
    tk = Tokens.of(text, rules or ENGLISH)
    if tk.n == 0:
        return ""
    return "\n".join(best_lines(tk, 0, tk.n, max_chars, max_lines))
