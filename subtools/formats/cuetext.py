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
