"""Bytes in and out: encoding detection for input, atomic writes for output."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from .errors import ParseError

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
    the encoding, so detection (charset-normalizer) runs only for the rest.

    >>> decode("Grüße".encode("cp1252"), "x.srt")
    'Grüße'
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
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ParseError("binary data, not text in any known encoding", source=source) from None
        text = str(best)
    if "\x00" in text:
        raise ParseError("binary data, not text (NUL bytes)", source=source)
    return text


def split_lines(text: str) -> list[str]:
    """Lines split on LF, CRLF or a lone CR (old Mac files), and nothing else.

    ``str.splitlines`` would also split on form feeds and U+2028 inside cue text.

    >>> split_lines("a\\r\\nb\\rc\\nd")
    ['a', 'b', 'c', 'd']
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a file so that it is either whole or not there: a temp file, then rename."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
