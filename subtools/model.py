"""The cue model: immutable cues and tracks with integer-millisecond times.

Every operation (wrap, repair, align) takes a :class:`Track` and returns a new
one; nothing here is changed in place.

The format registry builds on this module, so the methods that read and write formats
import it where they are used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import index
from os import PathLike
from types import FunctionType
from typing import IO, TYPE_CHECKING, Any, Final, SupportsIndex, final, overload

if TYPE_CHECKING:
    import pysrt
    import webvtt


@final
@dataclass(frozen=True, slots=True, init=False)
class Word:
    """One timed word (from Whisper word timestamps or word-timed captions).

    Times are integer milliseconds of any integer type (numpy's too), kept as ``int``;
    a float is refused:

    >>> Word(100, 250, "hi")
    Word(start=100, end=250, text='hi')
    >>> Word(0.1, 0.25, "hi")
    Traceback (most recent call last):
    ...
    TypeError: 'float' object cannot be interpreted as an integer
    """

    start: int
    end: int
    text: str

    def __init__(self, start: SupportsIndex, end: SupportsIndex, text: str) -> None:
        start_ms, end_ms = index(start), index(end)
        if _NATIVE:
            self.start = start_ms  # type: ignore[misc]
            self.end = end_ms  # type: ignore[misc]
            self.text = text  # type: ignore[misc]
        else:
            _set_word_start(self, start_ms)
            _set_word_end(self, end_ms)
            _set_word_text(self, text)

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return by_constructor(self)


def by_constructor(record: Any) -> tuple[type[Any], tuple[Any, ...]]:
    """``__reduce__`` of the frozen records (:class:`Word`, :class:`Cue`,
    :class:`Track`, profiles, break rules): rebuilt by their constructor from the
    fields it takes.  Compiled by mypyc (setup.py), a frozen dataclass cannot be
    unpickled field by field, as pickle does by default.

    >>> import pickle
    >>> pickle.loads(pickle.dumps(Word(0, 500, "hi")))
    Word(start=0, end=500, text='hi')
    """
    fields = dataclasses.fields(record)
    return (type(record), tuple(getattr(record, f.name) for f in fields if f.init))


#: Whether this module is compiled (setup.py; its functions are then built-in ones): a
#: record's ``__init__`` then stores its fields directly, which the pure build's frozen
#: dataclasses refuse (FrozenInstanceError), where they take the slots' own setters
#: instead.  The same values either way; ``tests/test_build.py`` holds the builds equal.
_NATIVE: Final = not isinstance(by_constructor, FunctionType)

_set_word_start, _set_word_end, _set_word_text = (
    vars(Word)[name].__set__ for name in ("start", "end", "text")
)


#: The least time a word without times is given when the gap it is put into allows.
MIN_WORD_MS: Final = 50


def fill_untimed(
    spans: Sequence[tuple[int, int] | None], bounds: tuple[int, int] | None = None
) -> list[tuple[int, int]]:
    """Spans for words without times (None): words a forced alignment skipped, or that a
    transcriber left untimed (WhisperX leaves numbers and symbols so).

    A run of them shares the gap between its timed neighbours (or ``bounds``, the
    cue's span, where a neighbour is missing), or, when the gap is too short for them,
    the time of the gap and those neighbours together.

    >>> fill_untimed([(0, 100), None, (300, 400)])
    [(0, 100), (100, 300), (300, 400)]
    >>> fill_untimed([(0, 300), None, (300, 400)])
    [(0, 133), (133, 266), (266, 400)]
    >>> fill_untimed([None, (100, 300)]), fill_untimed([None, (100, 300)], bounds=(0, 300))
    ([(100, 200), (200, 300)], [(0, 100), (100, 300)])
    """
    out: list[tuple[int, int] | None] = list(spans)
    k = 0
    while k < len(out):
        if out[k] is not None:
            k += 1
            continue
        j = k
        while j < len(out) and out[j] is None:
            j += 1
        prev, nxt = out[k - 1] if k else None, out[j] if j < len(out) else None
        if bounds is not None:
            lo = prev[1] if prev else bounds[0]
            hi = nxt[0] if nxt else bounds[1]
        else:
            lo = prev[1] if prev else nxt[0] if nxt else 0
            hi = nxt[0] if nxt else lo
        hi = max(hi, lo)
        first, last = k, j
        if hi - lo < MIN_WORD_MS * (j - k) and (prev or nxt):
            # Too little room: the neighbours share their time with the untimed words.
            first, last = (k - 1 if prev else k), (j + 1 if nxt else j)
            lo = prev[0] if prev else lo
            hi = max(nxt[1] if nxt else hi, lo)
        n = last - first
        for m in range(first, last):
            out[m] = (lo + (hi - lo) * (m - first) // n, lo + (hi - lo) * (m - first + 1) // n)
        k = j
    return [span for span in out if span is not None]


@final
@dataclass(frozen=True, slots=True, init=False, repr=False)
class Cue:
    """One caption: times in integer milliseconds, lines joined by ``"\\n"``.

    ``identifier`` and ``settings`` are WebVTT's cue identifier and cue settings
    (``align:start line:0``), kept as read so that WebVTT is written back with them;
    formats without them ignore them.

    >>> cue = Cue(1000, 2500, "Hello\\nworld")
    >>> cue.duration, cue.lines
    (1500, ['Hello', 'world'])
    >>> Cue(0, 1, "x", identifier="intro", settings="align:start")
    Cue(start=0, end=1, text='x', words=(), identifier='intro', settings='align:start')
    >>> Cue(0.5, 1, "x")
    Traceback (most recent call last):
    ...
    TypeError: 'float' object cannot be interpreted as an integer
    """

    start: int
    end: int
    text: str
    words: tuple[Word, ...] = ()
    identifier: str = ""
    settings: str = ""

    # Written out rather than generated: a frozen dataclass's own __init__ goes through
    # object.__setattr__ once per field, and setting the slots through their descriptors
    # does the same in half the time.  A dataset makes cues by the tens of thousands.
    # Times of any integer type (numpy's too) are kept as int, and a float is refused,
    # in the compiled build and the pure one alike (as :class:`Word`).
    def __init__(
        self,
        start: SupportsIndex,
        end: SupportsIndex,
        text: str,
        words: tuple[Word, ...] = (),
        identifier: str = "",
        settings: str = "",
    ) -> None:
        start_ms, end_ms = index(start), index(end)
        if _NATIVE:  # stores into the struct: a cue costs a third of the time
            self.start = start_ms  # type: ignore[misc]
            self.end = end_ms  # type: ignore[misc]
            self.text = text  # type: ignore[misc]
            self.words = words  # type: ignore[misc]
            self.identifier = identifier  # type: ignore[misc]
            self.settings = settings  # type: ignore[misc]
        else:
            _set_start(self, start_ms)
            _set_end(self, end_ms)
            _set_text(self, text)
            _set_words(self, words)
            _set_identifier(self, identifier)
            _set_settings(self, settings)

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return by_constructor(self)

    def __repr__(self) -> str:
        # The WebVTT-only fields are shown when set: most cues have neither.
        extra = "".join(
            f", {name}={value!r}"
            for name, value in (("identifier", self.identifier), ("settings", self.settings))
            if value
        )
        return (
            f"Cue(start={self.start!r}, end={self.end!r}, text={self.text!r}, "
            f"words={self.words!r}{extra})"
        )

    @property
    def duration(self) -> int:
        """``end - start`` in ms; negative for a damaged cue."""
        return self.end - self.start

    @property
    def lines(self) -> list[str]:
        """The text's lines."""
        return self.text.split("\n")

    def replace(self, **changes: Any) -> Cue:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_set_start, _set_end, _set_text, _set_words, _set_identifier, _set_settings = (
    vars(Cue)[name].__set__ for name in ("start", "end", "text", "words", "identifier", "settings")
)


@final
@dataclass(frozen=True)
class Track:
    """An ordered sequence of cues plus what is known about where they came from.

    >>> track = Track((Cue(0, 1200, "Hi there"), Cue(1500, 3000, "General Kenobi")))
    >>> len(track), track[1].text
    (2, 'General Kenobi')
    >>> print(track.to_string("srt"), end="")
    1
    00:00:00,000 --> 00:00:01,200
    Hi there
    <BLANKLINE>
    2
    00:00:01,500 --> 00:00:03,000
    General Kenobi
    """

    cues: tuple[Cue, ...] = ()
    source: str | None = None
    id: str | None = None
    title: str | None = None
    language: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return by_constructor(self)

    def __post_init__(self) -> None:
        if not isinstance(self.cues, tuple):
            object.__setattr__(self, "cues", tuple(self.cues))

    def __len__(self) -> int:
        return len(self.cues)

    def __iter__(self) -> Iterator[Cue]:
        return iter(self.cues)

    @overload
    def __getitem__(self, index: int) -> Cue: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Cue, ...]: ...
    def __getitem__(self, index: int | slice) -> Cue | tuple[Cue, ...]:
        return self.cues[index]

    def replace(self, **changes: Any) -> Track:
        """A copy with some fields changed, e.g. ``track.replace(cues=new_cues)``."""
        return dataclasses.replace(self, **changes)

    def with_cues(self, cues: Iterable[Cue]) -> Track:
        """The same track (metadata kept) with other cues."""
        return dataclasses.replace(self, cues=tuple(cues))

    @property
    def words(self) -> list[str]:
        """Every whitespace-separated word of the text, in order.

        >>> Track((Cue(0, 1, "a b"), Cue(1, 2, "c\\nd"))).words
        ['a', 'b', 'c', 'd']
        """
        return [w for cue in self.cues for w in cue.text.split()]

    def to_string(self, format: str) -> str:
        """The track written in a format by name: ``srt``, ``vtt``, ``json`` or ``txt``."""
        from .formats import get_format

        return get_format(format).write_text(self)

    def save(self, path: str | PathLike[str], format: str | None = None) -> None:
        """Write the track to a file atomically; the format comes from the extension."""
        from .formats import save

        save(self, path, format)

    def dump(self, file: IO[str], format: str) -> None:
        """Write the track to an open text file."""
        file.write(self.to_string(format))

    # Interop with the SRT and WebVTT libraries many tools already use.
    def to_pysrt(self) -> pysrt.SubRipFile:
        """A :class:`pysrt.SubRipFile` with the same cues."""
        from .formats.srt import to_pysrt

        return to_pysrt(self)

    @classmethod
    def from_pysrt(cls, subs: pysrt.SubRipFile, **meta: Any) -> Track:
        """A track from a :class:`pysrt.SubRipFile`."""
        from .formats.srt import from_pysrt

        return from_pysrt(subs, **meta)

    def to_webvtt(self) -> webvtt.WebVTT:
        """A :class:`webvtt.WebVTT` with the same cues."""
        from .formats.vtt import to_webvtt

        return to_webvtt(self)

    @classmethod
    def from_webvtt(cls, vtt: webvtt.WebVTT, **meta: Any) -> Track:
        """A track from a :class:`webvtt.WebVTT`."""
        from .formats.vtt import from_webvtt

        return from_webvtt(vtt, **meta)
