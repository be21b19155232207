"""Fetching a talk's audio (or video) with yt-dlp, through its library API, cached.

The cache is keyed by video id: a second fetch of the same id (and section) finds the
file and downloads nothing.  A bare YouTube id is accepted, and then the cache is
checked without touching the network at all.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MediaError, UsageError

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_URL = re.compile(
    r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)
_PARTIAL = (".part", ".ytdl", ".temp", ".tmp")

#: ``progress(downloaded_bytes, total_bytes_or_None)``
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Section:
    """A part of the media, in seconds."""

    start: float
    end: float

    @classmethod
    def parse(cls, text: str) -> Section:
        """``START-END`` in seconds or ``[H:]MM:SS``.

        >>> Section.parse("1:30-2:00.5")
        Section(start=90.0, end=120.5)
        """
        try:
            a, b = text.split("-", 1)
            start, end = _seconds(a), _seconds(b)
        except ValueError:
            raise UsageError(
                f"section {text!r}: expected START-END, e.g. 90-120 or 1:30-2:00"
            ) from None
        if end <= start:
            raise UsageError(f"section {text!r}: the end is not after the start")
        return cls(start, end)

    def tag(self) -> str:
        return f"{self.start:g}-{self.end:g}"


def _seconds(text: str) -> float:
    parts = [float(p) for p in text.strip().split(":")]
    if not parts or len(parts) > 3 or any(p < 0 for p in parts):
        raise ValueError(text)
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


def default_cache_dir() -> Path:
    """``$SUBTOOLS_CACHE``, else ``$XDG_CACHE_HOME/subtools/media``, else ``~/.cache/...``."""
    env = os.environ.get("SUBTOOLS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "subtools" / "media"


def youtube_id(source: str) -> str | None:
    """The video id of a bare YouTube id or a YouTube URL, else None.

    >>> youtube_id("eYgPJ_7BkEw"), youtube_id("https://youtu.be/eYgPJ_7BkEw?t=3")
    ('eYgPJ_7BkEw', 'eYgPJ_7BkEw')
    """
    if _YOUTUBE_ID.match(source):
        return source
    m = _YOUTUBE_URL.search(source)
    return m.group(1) if m else None


def cached(cache_dir: Path, stem: str) -> Path | None:
    """A finished download ``stem.*`` in the cache, if there is one."""
    if not cache_dir.is_dir():
        return None
    for path in sorted(cache_dir.glob(f"{glob_escape(stem)}.*")):
        # "<stem>.<ext>" only: "<stem>.video.mp4" or "<stem>.10-20.m4a" are other fetches
        if path.name == _INDEX or "." in path.name[len(stem) + 1 :]:
            continue
        if path.is_file() and not path.name.endswith(_PARTIAL) and path.stat().st_size > 0:
            return path
    return None


_INDEX = "index.json"


def _index_lookup(folder: Path, key: str) -> Path | None:
    """The cached file an earlier fetch of the same URL (and section) wrote, if still there."""
    import json

    try:
        name = json.loads((folder / _INDEX).read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError):
        return None
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        return None
    path = folder / name
    return path if path.is_file() and path.stat().st_size > 0 else None


def _index_store(folder: Path, key: str, path: Path) -> None:
    import json

    from ..fileio import atomic_write

    try:
        index = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
        if not isinstance(index, dict):
            index = {}
    except (OSError, ValueError):
        index = {}
    index[key] = path.name
    atomic_write(folder / _INDEX, json.dumps(index, indent=1, sort_keys=True) + "\n")


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


class _QuietLogger:
    """yt-dlp reports through this; the library never prints. Errors are kept."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def debug(self, msg: str) -> None:
        pass

    def info(self, msg: str) -> None:
        pass

    def warning(self, msg: str) -> None:
        pass

    def error(self, msg: str) -> None:
        self.errors.append(msg)


def _one_line(message: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", message).strip()
    text = re.sub(r"^ERROR:\s*", "", text)
    first = text.splitlines()[0] if text else "download failed"
    return first


def fetch(
    source: str,
    *,
    video: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    section: Section | str | None = None,
    progress: Progress | None = None,
) -> Path:
    """The path of the media of ``source`` (a URL or a bare YouTube id), downloading it
    into the cache unless it is there already.

    Best audio by default (``bestaudio/best``), the best video with ``video=True``;
    ``section`` downloads only part of it.  Errors (no network, unavailable or private
    video, unsupported URL) raise :class:`MediaError` with one line.
    """
    import yt_dlp
    from yt_dlp.utils import DownloadError, YoutubeDLError, download_range_func

    from .decode import ffmpeg_exe

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    part = Section.parse(section) if isinstance(section, str) else section
    suffix = (".video" if video else "") + (f".{part.tag()}" if part else "")
    url = source
    vid = youtube_id(source)
    if vid is not None:
        hit = cached(folder, vid + suffix)
        if hit is not None:
            return hit
        if _YOUTUBE_ID.match(source):
            url = f"https://www.youtube.com/watch?v={source}"
    # Other URLs name their video id only once asked; the index remembers the answer, so
    # a second fetch touches no network at all.
    key = f"{url}#{suffix}"
    hit = _index_lookup(folder, key)
    if hit is not None:
        return hit
    folder.mkdir(parents=True, exist_ok=True)
    logger = _QuietLogger()

    def hook(d: dict[str, Any]) -> None:
        if progress is not None and d.get("status") in ("downloading", "finished"):
            total = d.get("total_bytes") or d.get("total_bytes_estimate")
            progress(int(d.get("downloaded_bytes") or 0), int(total) if total else None)

    opts: dict[str, Any] = {
        "format": "bestvideo*+bestaudio/best" if video else "bestaudio/best",
        "paths": {"home": str(folder)},
        "outtmpl": {"default": f"%(id)s{suffix}.%(ext)s"},
        "ffmpeg_location": ffmpeg_exe(),
        "logger": logger,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "noplaylist": True,
        "progress_hooks": [hook],
        "retries": 2,
        "socket_timeout": 20,
    }
    if part is not None:
        opts["download_ranges"] = download_range_func(None, [(part.start, part.end)])
        # Exact cuts need re-encoding at the cut points, which only video needs.
        opts["force_keyframes_at_cuts"] = video
    # Partial downloads ask FFmpegFD.available(), which reads ffmpeg's location from a
    # context variable that only yt-dlp's own command line sets (no public option
    # reaches it); set it here too, and put it back afterwards.  A private name: the
    # version bound in pyproject.toml and tests/test_ytdlp_assumption.py hold it.
    from yt_dlp.postprocessor.ffmpeg import FFmpegPostProcessor

    token = FFmpegPostProcessor._ffmpeg_location.set(opts["ffmpeg_location"])
    try:
        with yt_dlp.YoutubeDL(opts) as ydl:
            info = ydl.extract_info(url, download=False)
            if info is None:
                raise MediaError(f"{source}: nothing to download")
            if info.get("_type") == "playlist":
                raise MediaError(f"{source}: a playlist; give one video")
            stem = f"{info['id']}{suffix}"
            hit = cached(folder, stem)
            if hit is None:
                ydl.process_ie_result(info, download=True)
    except (DownloadError, YoutubeDLError) as exc:
        raise MediaError(f"{source}: {_one_line(str(exc))}") from None
    finally:
        FFmpegPostProcessor._ffmpeg_location.reset(token)
    hit = cached(folder, stem)
    if hit is None:
        detail = _one_line(logger.errors[-1]) if logger.errors else "no file was written"
        raise MediaError(f"{source}: download failed: {detail}")
    _index_store(folder, key, hit)
    return hit
