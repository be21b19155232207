"""Bytes in and out: encoding detection for input, atomic writes for output.

The encoding detector (chardetng, Firefox's) is imported only for input that is not
UTF-8 (most is), which keeps it out of the start-up of every command.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import itertools
import os
from collections.abc import Iterator
from typing import BinaryIO

from .errors import ParseError, WriteError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Text from bytes: a byte-order mark first, then strict UTF-8, then detection.

    Most files are UTF-8, and a strict UTF-8 decode that succeeds is itself proof of
    the encoding, so detection runs only for the rest.  It is chardetng's, the detector
    Firefox uses for unlabelled pages: it chooses among the legacy encodings that text
    in the wild is saved in (the Windows code pages, ISO 8859, KOI8, the CJK ones) and
    holds up on the few lines of a short subtitle file, where statistical detectors
    pick rare code pages (a French cue in Windows-1252 read as Mac Central European).

    >>> decode("Crème brûlée, déjà vu à Noël".encode("cp1252"), "x.srt")
    'Crème brûlée, déjà vu à Noël'
    >>> decode("Ça va?".encode("cp1252"), "x.srt")
    'Ça va?'
    >>> decode(codecs.BOM_UTF8 + b"hi", "x.srt")
    'hi'
    """
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"cannot decode as {encoding}: {exc}", source=source) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name)
            except UnicodeDecodeError as exc:
                raise ParseError(f"not valid {name}: {exc.reason}", source=source) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from chardetng_py import detect

    name = detect(data)
    try:
        return data.decode(name, errors=_c1_handler())
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"byte {exc.start} is not {name}, the encoding the text looks like: "
            "name the encoding (--encoding)",
            source=source,
        ) from None


def _c1(exc: UnicodeError) -> tuple[str, int]:
    # Browsers (the WHATWG Encoding standard) decode the bytes 0x80-0x9F that a Windows
    # code page leaves undefined as the C1 controls of the same numbers, where Python's
    # codecs refuse them: a stray one keeps its value instead of failing the file.
    if isinstance(exc, UnicodeDecodeError):
        bad = exc.object[exc.start : exc.end]
        if all(0x80 <= b <= 0x9F for b in bad):
            return "".join(map(chr, bad)), exc.end
    raise exc


@functools.cache
def _c1_handler() -> str:
    codecs.register_error("subtools-c1", _c1)
    return "subtools-c1"


def split_lines(text: str) -> list[str]:
    """Lines split on LF, CRLF or a lone CR (old Mac files), and nothing else.

    ``str.splitlines`` would also split on form feeds and U+2028 inside cue text.

    >>> split_lines("a\\r\\nb\\rc\\nd")
    ['a', 'b', 'c', 'd']
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the block ends without an error, and
    is never seen at all otherwise: a temp file, then rename.

    The temp file sits beside the target (a rename is atomic only within a file system)
    and is created with O_EXCL, so it never clobbers anything, and with mode 0666 less
    the umask, the mode a plain ``open()`` would give the target.  SIGINT and SIGTERM
    wait while the temp file exists (a signal handler could otherwise run between its
    creation and the cleanup): an interrupted run leaves the whole file or none.
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    tmp = None
    try:
        # A signal that comes while the temp file is made, or renamed, or removed is
        # held until that is done; one that comes meanwhile interrupts the block and
        # the temp file is removed below.
        with _signals_held():
            for attempt in itertools.count():
                candidate = os.path.join(folder, f".{name}.{os.getpid()}.{attempt}.tmp")
                try:
                    fd = os.open(candidate, flags, 0o666)
                except FileExistsError:
                    continue
                tmp = candidate
                break
        with os.fdopen(fd, "wb") as fh:
            yield fh
        with _signals_held():
            os.replace(candidate, target)
    except BaseException as exc:
        if tmp is not None:
            with _signals_held(), contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(f"{target}: cannot write: {exc.strerror}") from None
        raise


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    import signal  # only where files are written: it makes enums as it loads

    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # no signal masks on this platform
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = block(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        # Unblocking delivers what came meanwhile: its handler runs after this.
        block(signal.SIG_SETMASK, before)


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a file so that it is either whole or not there (see :func:`atomic_output`)."""
    with atomic_output(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
