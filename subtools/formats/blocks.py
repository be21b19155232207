"""Blank-line-separated blocks with their line numbers, shared by SRT and WebVTT."""

from __future__ import annotations

from collections.abc import Iterator

from ..fileio import split_lines


def iter_blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` for each block; whitespace-only lines separate too.

    >>> list(iter_blocks("a\\nb\\n\\n \\nc"))
    [(1, ['a', 'b']), (5, ['c'])]
    """
    block: list[str] = []
    first = 0
    for number, line in enumerate(split_lines(text), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block
