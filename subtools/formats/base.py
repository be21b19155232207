"""What a format module provides, and the context a reader works in."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import ParseError, ParseNotice
from ..model import Track


class ParseWarning(UserWarning):
    """An item skipped in lenient mode (when no ``on_warning`` callback is given)."""


@dataclass
class ReadContext:
    """Where the text came from and what to do with bad items.

    Strict (the default): the first bad item raises :class:`ParseError`.
    Lenient: each bad item is skipped, reported once through ``on_warning``
    (or :mod:`warnings` when there is no callback), and counted in ``skipped``.
    In both modes a :class:`ParseNotice` (nothing skipped) goes the same way.
    """

    source: str = "<input>"
    lenient: bool = False
    on_warning: Callable[[ParseError], None] | None = None
    only_id: str | None = None
    skipped: int = field(default=0, init=False)

    def problem(self, error: ParseError) -> None:
        """Raise the error, or in lenient mode report it and count the skip."""
        if not self.lenient:
            raise error
        self.skipped += 1
        self._report(error)

    def notice(self, notice: ParseNotice) -> None:
        """Report something read in an unusual way, in either mode; nothing was skipped."""
        self._report(notice)

    def _report(self, error: ParseError) -> None:
        if self.on_warning is not None:
            self.on_warning(error)
        else:
            warnings.warn(str(error), ParseWarning, stacklevel=4)


Reader = Callable[[str, ReadContext], Iterator[Track]]
Writer = Callable[[Track], str]


@dataclass(frozen=True)
class Format:
    """One subtitle format: its names, file extensions, reader and writer."""

    name: str
    extensions: tuple[str, ...]
    description: str
    read: Reader | None = None
    write: Writer | None = None
    sniff: Callable[[str], bool] | None = None
    aliases: tuple[str, ...] = ()
    #: Whether one file may hold many tracks (a dataset).
    multi: bool = False
    #: Sniffing order: lower goes first, so a specific test can run before a loose one.
    priority: int = 50

    def write_text(self, track: Track) -> str:
        """The track in this format (raises for a read-only format)."""
        if self.write is None:
            from ..errors import UsageError

            raise UsageError(f"{self.name} cannot be written")
        return self.write(track)
