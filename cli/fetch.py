"""``subtools fetch``: download a talk's audio (or video) with yt-dlp, cached by id."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import progress_bytes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="ID_OR_URL", help="a YouTube id or any URL yt-dlp supports")
    p.add_argument("--video", action="store_true", help="the best video, not only the audio")
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where media is kept (default: $SUBTOOLS_CACHE or ~/.cache/subtools/media)",
    )
    p.add_argument(
        "--section",
        metavar="START-END",
        help="only this part, in seconds or [H:]MM:SS, e.g. 90-150 or 1:30-2:30",
    )


def run(args: argparse.Namespace) -> int:
    path = fetch_with_progress(
        args.source, video=args.video, cache_dir=args.cache_dir, section=args.section
    )
    print(path)
    return 0


def fetch_with_progress(
    source: str, *, video: bool = False, cache_dir: str | None = None, section: str | None = None
) -> Path:
    from subtools.media.download import fetch

    bar = progress_bytes("downloading")
    try:
        return fetch(
            source,
            video=video,
            cache_dir=cache_dir,
            section=section,
            progress=bar.update if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
            sys.stderr.flush()
