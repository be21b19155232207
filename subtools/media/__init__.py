"""Media: fetch with yt-dlp, decode with ffmpeg, find the speech, align cues to it.

Nothing here is imported by ``import subtools``: numpy, webrtcvad, ffmpeg-python and
yt-dlp load only when these functions are used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .alignment import Alignment, CueCheck, FixResult, Split, align, fix
    from .download import Section, fetch
    from .report import render
    from .speech import EnergyDetector, Speech, SpeechDetector, WebRtcDetector, analyse

# Each name loads its module on first use, so that `align` can start ffmpeg before the
# rest of the package (and numpy) is imported.
_WHERE = {
    "Alignment": "alignment",
    "CueCheck": "alignment",
    "FixResult": "alignment",
    "Split": "alignment",
    "align": "alignment",
    "fix": "alignment",
    "Section": "download",
    "fetch": "download",
    "render": "report",
    "EnergyDetector": "speech",
    "Speech": "speech",
    "SpeechDetector": "speech",
    "WebRtcDetector": "speech",
    "analyse": "speech",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Alignment",
    "CueCheck",
    "EnergyDetector",
    "FixResult",
    "Section",
    "Speech",
    "SpeechDetector",
    "Split",
    "WebRtcDetector",
    "align",
    "analyse",
    "fetch",
    "fix",
    "render",
]
