"""The one private name of a dependency subtools relies on, checked.

``subtools.media.download.fetch`` sets ``FFmpegPostProcessor._ffmpeg_location`` (a
context variable yt-dlp's own command line sets) so that partial downloads find the
ffmpeg of the imageio-ffmpeg wheel: yt-dlp's ``FFmpegFD.available()`` asks a
post-processor made without options, which reads only that variable.  No public option
reaches it.  pyproject.toml bounds yt-dlp's version; this test says whether a new
version still keeps the assumption before the bound is raised.
"""

from __future__ import annotations

import contextvars
import os

import pytest

ytdlp_ffmpeg = pytest.importorskip("yt_dlp.postprocessor.ffmpeg")
ytdlp_external = pytest.importorskip("yt_dlp.downloader.external")


def test_ffmpeg_location_is_a_context_variable_that_partial_downloads_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from subtools.media.decode import ffmpeg_exe

    var = ytdlp_ffmpeg.FFmpegPostProcessor._ffmpeg_location
    assert isinstance(var, contextvars.ContextVar)
    # No ffmpeg on PATH: only the variable can tell yt-dlp where it is.
    monkeypatch.setenv("PATH", os.devnull)
    assert not ytdlp_external.FFmpegFD.available()
    token = var.set(ffmpeg_exe())
    try:
        assert ytdlp_external.FFmpegFD.available()
    finally:
        var.reset(token)
