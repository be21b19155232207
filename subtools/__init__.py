"""subtools: captions from transcript segments and subtitle files, done right.

``subtools.media`` (also ``subtools.fetch`` and ``subtools.align``) fetches media and
checks cue boundaries against its speech; it is imported on first use.

>>> import subtools
>>> track = subtools.from_segments([{"start": 0.0, "end": 1.5, "text": " Hello there."}])
>>> print(track.to_string("vtt"), end="")
WEBVTT
<BLANKLINE>
00:00:00.000 --> 00:00:01.500
Hello there.
"""

from __future__ import annotations

from .api import from_segments, load, load_all, loads
from .errors import MediaError, ParseError, ParseNotice, SubtoolsError, UsageError, WriteError
from .formats import all_formats, get_format, iter_tracks, save
from .model import Cue, Track, Word

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # The media stack (numpy, webrtcvad, yt-dlp, ffmpeg) loads only when asked for.
    if name in ("media", "fetch", "align"):
        import importlib

        media = importlib.import_module(".media", __name__)
        return media if name == "media" else getattr(media, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Cue",
    "MediaError",
    "ParseError",
    "ParseNotice",
    "SubtoolsError",
    "Track",
    "UsageError",
    "Word",
    "WriteError",
    "__version__",
    "all_formats",
    "from_segments",
    "get_format",
    "iter_tracks",
    "load",
    "load_all",
    "loads",
    "save",
]
