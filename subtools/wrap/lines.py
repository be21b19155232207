"""Breaking text into lines: tokens, display widths and the best break points.

Text is held as tokens with prefix sums of their display widths, so the width of any
run of tokens is one subtraction and the lines a run needs are a few bisections.
Widths are display columns: CJK characters are two wide, and a CJK run may break
between characters (never before closing punctuation).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate, pairwise

from .rules import BEFORE_CONNECTIVE, CLAUSE, ENGLISH, INTRA, PLAIN, SENTENCE, BreakRules

#: Characters that may not start a line (they close a CJK phrase).
_NO_LINE_START = frozenset(
    "、。，．！？：；」』）】〉》〕｝〗〙〛ー…‥・ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)


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
    """Display columns of a line.

    >>> text_width("hello"), text_width("字幕です")
    (5, 8)
    """
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


class Tokens:
    """Tokens of a text, with spaces between them or not (inside a CJK run).

    ``spaced[i]`` tells whether a space comes before token ``i``; ``spaced[n]`` is 1 so
    that every token is followed by a separator in the prefix sums.
    """

    __slots__ = ("n", "pre", "spaced", "toks")

    def __init__(
        self, toks: list[str], spaced: list[int] | None = None, widths: Sequence[int] | None = None
    ) -> None:
        self.toks = toks
        self.n = n = len(toks)
        if spaced is None:
            spaced = [1] * (n + 1)
        self.spaced = spaced
        w = widths if widths is not None else [len(t) for t in toks]
        # pre[i] = width of tokens[:i], each followed by its separator
        self.pre = [0, *accumulate(w[i] + spaced[i + 1] for i in range(n))]

    @classmethod
    def of(cls, text: str) -> Tokens:
        """Tokens of a text; whitespace (and line breaks) separate words.

        >>> Tokens.of("a b\\nc").toks
        ['a', 'b', 'c']
        >>> Tokens.of("字幕、です。").toks
        ['字', '幕、', 'で', 'す。']
        """
        words = text.split()
        if text.isascii():
            return cls(words)
        toks: list[str] = []
        spaced: list[int] = []
        for word in words:
            first = True
            for piece in _cjk_pieces(word):
                if not first and piece[0] in _NO_LINE_START:
                    toks[-1] += piece
                    continue
                toks.append(piece)
                spaced.append(1 if first else 0)
                first = False
        spaced.append(1)
        if spaced:
            spaced[0] = 1
        return cls(toks, spaced, [text_width(t) for t in toks])

    def width(self, a: int, b: int) -> int:
        """Display width of tokens ``a:b`` on one line."""
        return self.pre[b] - self.pre[a] - self.spaced[b]

    def join(self, a: int, b: int) -> str:
        toks, spaced = self.toks, self.spaced
        if spaced[a + 1 : b].count(0) == 0:
            return " ".join(toks[a:b])
        out = [toks[a]]
        for i in range(a + 1, b):
            if spaced[i]:
                out.append(" ")
            out.append(toks[i])
        return "".join(out)

    def line_end(self, a: int, limit: int) -> int:
        """The end of the longest line from token ``a`` within ``limit`` (at least one token)."""
        pre = self.pre
        b = bisect_right(pre, pre[a] + limit + 1, a + 1) - 1
        while b > a and self.width(a, b) > limit:
            b -= 1
        return b if b > a else a + 1

    def lines_needed(self, a: int, b: int, limit: int, most: int) -> int:
        """Lines tokens ``a:b`` need at ``limit`` columns (greedy is optimal), up to most+1."""
        count = 0
        while a < b:
            count += 1
            if count > most:
                return count
            a = min(self.line_end(a, limit), b)
        return count

    def fits(self, a: int, b: int, limit: int, lines: int) -> bool:
        return self.lines_needed(a, b, limit, lines) <= lines

    def break_score(self, i: int, rules: BreakRules) -> int:
        """How good a break before token ``i`` is (lower is better)."""
        if not self.spaced[i]:
            last = self.toks[i - 1][-1]
            if last in rules.sentence_end:
                return SENTENCE
            if last in rules.clause_end:
                return CLAUSE
            return INTRA
        return rules.score(self.toks[i - 1], self.toks[i])


def best_lines(
    tk: Tokens, a: int, b: int, limit: int, max_lines: int, rules: BreakRules
) -> list[str]:
    """Tokens ``a:b`` as lines: one if they fit, else the best breaks by the rules.

    Breaks are ranked by rule first (sentence end, clause end, before a connective,
    plain, after a word a line must not end on), then by balance, a longer bottom line
    winning a tie.  A token wider than the limit stands alone on its line.
    """
    if tk.width(a, b) <= limit or b - a == 1:
        return [tk.join(a, b)]
    if max_lines >= 2:
        pre = tk.pre
        lo = max(a + 1, bisect_left(pre, pre[b] - tk.spaced[b] - limit))
        hi = min(b - 1, tk.line_end(a, limit))
        best_key: tuple[int, int, int] | None = None
        best_i = -1
        for i in range(lo, hi + 1):
            top, bottom = tk.width(a, i), tk.width(i, b)
            if top > limit or bottom > limit:
                continue
            key = (tk.break_score(i, rules), abs(top - bottom), top > bottom)
            if best_key is None or key < best_key:
                best_key, best_i = key, i
        if best_i > 0:
            return [tk.join(a, best_i), tk.join(best_i, b)]
    return _dp_lines(tk, a, b, limit, max_lines, rules)


def space_score(text: str, q: int, p: int, rules: BreakRules) -> int:
    """The rule score of a break at the space ``text[p]``; ``q`` is the space before it
    (-1 at the start).  The string form of :meth:`Tokens.break_score`.

    >>> space_score("the paper. So", 3, 10, ENGLISH), space_score("at the paper", 2, 6, ENGLISH)
    (0, 100)
    """
    # The memo dicts are read directly; the methods fill them for words not seen yet.
    word = text[q + 1 : p]
    score = rules._after.get(word)
    if score is None:
        score = rules.after(word)
    if score >= 0:
        return score
    r = text.find(" ", p + 1)
    nxt = text[p + 1 : r] if r > 0 else text[p + 1 :]
    good = rules._before.get(nxt)
    if good is None:
        good = rules.starts_well(nxt)
    return BEFORE_CONNECTIVE if good else PLAIN


def two_lines_ascii(text: str, limit: int, rules: BreakRules) -> str | None:
    """:func:`best_lines` for ASCII text with single spaces, on the string itself.

    Most captions are this case, and walking the spaces of the string is several times
    faster than building tokens.  Returns None when two lines cannot hold the text.

    >>> print(two_lines_ascii("So today we look at the paper, which is about learning.", 42,
    ...                       ENGLISH))
    So today we look at the paper,
    which is about learning.
    """
    n = len(text)
    if n <= limit:
        return text
    lo = n - 1 - limit
    if lo > limit:
        return None
    # The memo dicts are read directly; the methods fill them for words not seen yet.
    best_key = 1 << 30
    best = -1
    p = text.rfind(" ", lo, limit + 1)
    while p >= lo and p != -1:
        q = text.rfind(" ", 0, p)
        top, bottom = p, n - 1 - p
        key = space_score(text, q, p, rules) * 1000 + (abs(top - bottom) << 1) + (top > bottom)
        if key < best_key:
            best_key, best = key, p
        p = q
    if best < 0:
        return None
    return f"{text[:best]}\n{text[best + 1 :]}"


class Spaced:
    """Single-spaced ASCII text as words, where each space is and how good a break there
    is: the string form of :class:`Tokens`, for the cue splitter's fast path.

    Space ``j`` follows word ``j``; ``ends[j]`` is where word ``j + 1`` starts (so the
    space is at ``ends[j] - 1``, and ``ends[-1]`` is the length plus one), and
    ``scores[j]`` is the rule score of a break there.  Every score of the text is
    looked up once, in one pass, and serves both choosing the cuts and breaking the
    lines of every piece.

    >>> sp = Spaced("So we look at the paper. It is new.", ENGLISH)
    >>> sp.scores
    [100, 100, 20, 100, 100, 0, 100, 40]
    >>> print(sp.two_lines(0, len(sp.words), 24))
    So we look at the paper.
    It is new.
    """

    __slots__ = ("ends", "scores", "text", "words")

    def __init__(self, text: str, rules: BreakRules) -> None:
        self.text = text
        self.words = words = text.split(" ")
        self.ends = list(accumulate([len(w) + 1 for w in words]))
        after, before = rules._after, rules._before
        scores: list[int]
        try:
            # The memo dicts read directly: this is the inner loop of splitting.
            scores = [
                s if (s := after[w]) >= 0 else (BEFORE_CONNECTIVE if before[nxt] else PLAIN)
                for w, nxt in pairwise(words)
            ]
        except KeyError:  # words not seen yet: the methods fill the memos
            scores = [
                s
                if (s := rules.after(w)) >= 0
                else (BEFORE_CONNECTIVE if rules.starts_well(nxt) else PLAIN)
                for w, nxt in pairwise(words)
            ]
        self.scores = scores

    def two_line_end(self, first: int, limit: int) -> int:
        """Where two greedy lines of at most ``limit`` from word ``first`` end: the
        position of the space after them, or the length of the text."""
        ends = self.ends
        n = ends[-1] - 1
        end = ends[first - 1] if first else 0
        for _ in range(2):
            if n - end <= limit:
                return n
            j = bisect_right(ends, end + limit + 1) - 1  # the last space within the line
            if j < first:
                if first > len(ends) - 2:
                    return n
                j = first  # a word longer than a line stands alone
            end = ends[j]
            first = j + 1
        return end - 1

    def two_lines(self, first: int, stop: int, limit: int) -> str | None:
        """Words ``first:stop`` as :func:`two_lines_ascii` breaks them."""
        ends, scores = self.ends, self.scores
        a = ends[first - 1] if first else 0
        b = ends[stop - 1] - 1
        n = b - a
        if n <= limit:
            return self.text[a:b]
        lo = n - 1 - limit
        if lo > limit:
            return None
        best_key = 1 << 30
        best = -1
        j = min(bisect_right(ends, a + limit + 1) - 1, stop - 2)
        while j >= first:
            top = ends[j] - 1 - a
            if top < lo:
                break
            bottom = n - 1 - top
            key = scores[j] * 1000 + (abs(top - bottom) << 1) + (top > bottom)
            if key < best_key:
                best_key, best = key, j
            j -= 1
        if best < 0:
            return None
        p = ends[best] - 1
        return f"{self.text[a:p]}\n{self.text[p + 1 : b]}"


def _dp_lines(
    tk: Tokens, a: int, b: int, limit: int, max_lines: int, rules: BreakRules
) -> list[str]:
    """More than two lines, or lines around an over-long word: fewest lines, best breaks."""
    need = max(tk.lines_needed(a, b, limit, b - a), 1)
    lines = max(min(max_lines, b - a), need)
    if need < lines:
        lines = need
    inf = float("inf")
    # cost[k][i]: best cost of tokens a:i in k lines
    cost = [[inf] * (b + 1) for _ in range(lines + 1)]
    back = [[0] * (b + 1) for _ in range(lines + 1)]
    cost[0][a] = 0.0
    target = tk.width(a, b) / lines
    for k in range(1, lines + 1):
        for i in range(a + 1, b + 1):
            for j in range(i - 1, a - 1, -1):
                if cost[k - 1][j] == inf:
                    continue
                w = tk.width(j, i)
                if w > limit and i - j > 1:
                    break
                c = cost[k - 1][j] + abs(w - target) / 100
                if i < b:
                    c += tk.break_score(i, rules)
                if c < cost[k][i]:
                    cost[k][i], back[k][i] = c, j
    out: list[str] = []
    i, k = b, lines
    while k > 0:
        j = back[k][i]
        out.append(tk.join(j, i))
        i, k = j, k - 1
    return out[::-1]


def _cjk_pieces(word: str) -> list[str]:
    """A word cut between wide characters; runs of narrow characters stay together."""
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
    tk = Tokens.of(text)
    if tk.n == 0:
        return ""
    return "\n".join(best_lines(tk, 0, tk.n, max_chars, max_lines, rules or ENGLISH))
