"""The one error hierarchy of subtools.

Every error the library raises on purpose is a :class:`SubtoolsError`, so a caller
can catch one type.  Errors about input carry the place: the source and the line
(SRT/WebVTT/JSONL) or the row and segment (JSON datasets).
"""

from __future__ import annotations


class SubtoolsError(Exception):
    """Root of all subtools errors."""


class UsageError(SubtoolsError):
    """A call that cannot be done as asked (unknown format, bad option value)."""


class ParseError(SubtoolsError):
    """Input that cannot be read, with the place where it went wrong.

    >>> err = ParseError("end before start", source="talk.json", row=3, row_id="abc", segment=7)
    >>> str(err)
    'talk.json: row 3 (id abc), segment 7: end before start'
    >>> str(ParseError("bad timestamp", source="a.srt", line=12))
    'a.srt:12: bad timestamp'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        row: int | None = None,
        row_id: str | None = None,
        segment: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.row = row
        self.row_id = row_id
        self.segment = segment

    @property
    def place(self) -> str:
        """Where the problem is, as ``file:line`` or ``file: row N (id X), segment M``."""
        src = self.source or "<input>"
        if self.line is not None:
            return f"{src}:{self.line}"
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (id {self.row_id})" if self.row_id else ""))
        if self.segment is not None:
            parts.append(f"segment {self.segment}")
        return f"{src}: {', '.join(parts)}" if parts else src

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments are not restored by the default pickling of exceptions.
        return (
            _rebuild_parse_error,
            (type(self), self.message, self.source, self.line, self.row, self.row_id, self.segment),
        )


class ParseNotice(ParseError):
    """Input read in a way worth knowing, with nothing skipped: a cue that starts
    without the blank line before it, say.  Reported, never raised.

    >>> str(ParseNotice("a new cue starts without a blank line before it", source="a.srt", line=7))
    'a.srt:7: a new cue starts without a blank line before it'
    """


def _rebuild_parse_error(
    cls: type[ParseError],
    message: str,
    source: str | None,
    line: int | None,
    row: int | None,
    row_id: str | None,
    segment: int | None,
) -> ParseError:
    return cls(message, source=source, line=line, row=row, row_id=row_id, segment=segment)


class WriteError(SubtoolsError):
    """An output file that cannot be written (the input is never touched)."""


class MediaError(SubtoolsError):
    """Media that cannot be fetched or decoded."""
