"""Media: fetch with yt-dlp, decode with ffmpeg, find the speech, align cues to it.

Nothing here is imported by ``import subtools``: numpy, webrtcvad, ffmpeg-python and
yt-dlp load only when these functions are used.
"""

from __future__ import annotations

from .align import Alignment, CueCheck, FixResult, Split, align, fix
from .fetch import Section, fetch
from .report import render
from .speech import EnergyDetector, Speech, SpeechDetector, WebRtcDetector, analyse

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
