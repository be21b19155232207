"""Media: fetch with yt-dlp, decode with ffmpeg, find the speech, align cues to it.

Nothing here is imported by ``import subtools``: numpy, webrtcvad, ffmpeg-python and
yt-dlp load only when these functions are used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .alignment import Alignment, CueCheck, Decision, Estimate, Split, align
    from .correct import FixResult, fix
    from .download import Section, fetch
    from .report import render
    from .speech import (
        EnergyDetector,
        SileroDetector,
        Speech,
        SpeechDetector,
        WebRtcDetector,
        analyse,
        make_detector,
    )
    from .words import CueWords, align_words

# Each name loads its module on first use, so that `align` can start ffmpeg before the
# rest of the package (and numpy) is imported.
_WHERE = {
    "Alignment": "alignment",
    "CueCheck": "alignment",
    "Decision": "alignment",
    "Estimate": "alignment",
    "Split": "alignment",
    "align": "alignment",
    "FixResult": "correct",
    "fix": "correct",
    "Section": "download",
    "fetch": "download",
    "render": "report",
    "EnergyDetector": "speech",
    "SileroDetector": "speech",
    "make_detector": "speech",
    "CueWords": "words",
    "align_words": "words",
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
    "CueWords",
    "Decision",
    "EnergyDetector",
    "Estimate",
    "FixResult",
    "Section",
    "SileroDetector",
    "Speech",
    "SpeechDetector",
    "Split",
    "WebRtcDetector",
    "align",
    "align_words",
    "analyse",
    "fetch",
    "fix",
    "make_detector",
    "render",
]
