"""Cue text as the line-based formats (SRT, WebVTT) hold it.

In the model a cue's lines are stripped of surrounding whitespace and none is empty:
an empty line ends a block in both formats.  Readers make their text so; writers
make any text so before writing it, which is what lets every written file read back
to the same track.
"""

from __future__ import annotations

import re

from ..fileio import split_lines

# Anything clean_text would change: a CR, whitespace at either end of a line, an empty
# line.  One search decides, so clean text (nearly all of it) costs no more than that.
_UNCLEAN = re.compile(r"(?m)\r|^\s|\s$|^$")


def clean_text(text: str) -> str:
    """Lines stripped, empty lines dropped, CR and CRLF taken for line ends.

    >>> clean_text(" a \\r\\n\\n  \\nb\\rc"), clean_text("plain")
    ('a\\nb\\nc', 'plain')
    """
    if not _UNCLEAN.search(text):
        return text
    return "\n".join(s for s in (line.strip() for line in split_lines(text)) if s)
