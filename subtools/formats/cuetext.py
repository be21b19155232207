"""Cue text as the line-based formats (SRT, WebVTT) hold it.

In the model a cue's lines are stripped of surrounding whitespace and none is empty:
an empty line ends a block in both formats.  Readers make their text so; writers
make any text so before writing it, which is what lets every written file read back
to the same track.
"""

from __future__ import annotations

from ..fileio import split_lines


def clean_text(text: str) -> str:
    """Lines stripped, empty lines dropped, CR and CRLF taken for line ends.

    >>> clean_text(" a \\r\\n\\n  \\nb\\rc"), clean_text("plain"), clean_text("a\\nb")
    ('a\\nb\\nc', 'plain', 'a\\nb')
    """
    # Writers call this for every cue, and nearly all text is clean already: the tests
    # are ordered so that clean text costs a few string operations.
    if "\r" not in text:
        if "\n" not in text:
            if text and (text[0].isspace() or text[-1].isspace()):
                return text.strip()
            return text
        if all(ln and not ln[0].isspace() and not ln[-1].isspace() for ln in text.split("\n")):
            return text
    return "\n".join(s for s in (line.strip() for line in split_lines(text)) if s)


def strip_spans(text: str, pairs: str, repl: str = "") -> str:
    """``text`` with each span from an opening character to the first closing one after
    it replaced by ``repl``; ``pairs`` gives the openers and closers in turn (``"<>{}"``).

    The same as substituting the pattern ``<[^>]*>|\\{[^}]*\\}``, in linear time: the
    pattern takes quadratic time on a long line of openers that are never closed.

    >>> strip_spans("<i>Fish</i> {\\\\an8}& chips <", "<>{}")
    'Fish & chips <'
    >>> strip_spans("[laughs] yes (sighs)", "[]()", " ")
    '  yes  '
    """
    closers = dict(zip(pairs[0::2], pairs[1::2], strict=True))
    # Where the next opener of each kind is (-1: none left); each is looked up again
    # only when a span swallowed it, so every part of the text is scanned once a kind.
    ahead = {c: text.find(c) for c in closers}
    out: list[str] = []
    pos = 0
    while True:
        at, opener = min(((i, c) for c, i in ahead.items() if i >= 0), default=(-1, ""))
        if at < 0:
            break
        end = text.find(closers[opener], at + 1)
        if end < 0:
            # No closer after this opener, so none after any later one of its kind.
            del ahead[opener]
            continue
        out.append(text[pos:at])
        out.append(repl)
        pos = end + 1
        for c, i in ahead.items():
            if 0 <= i < pos:
                ahead[c] = text.find(c, pos)
    out.append(text[pos:])
    return "".join(out)
