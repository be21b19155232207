"""Blank-line-separated blocks with their line numbers, shared by SRT and WebVTT."""

from __future__ import annotations

from collections.abc import Iterator

from ..fileio import split_lines


def iter_blocks(text: str, blank_ends: bool = True) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` for each block.

    With ``blank_ends`` (SRT practice) a whitespace-only line ends a block too; WebVTT
    ends a block only at an empty line, and YouTube's captions put a lone space line
    inside their cues.

    >>> list(iter_blocks("a\\nb\\n\\n \\nc"))
    [(1, ['a', 'b']), (5, ['c'])]
    >>> list(iter_blocks("a\\n \\nb\\n\\nc", blank_ends=False))
    [(1, ['a', ' ', 'b']), (5, ['c'])]
    """
    block: list[str] = []
    first = 0
    for number, line in enumerate(split_lines(text), 1):
        if line.strip() if blank_ends else line:
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block
