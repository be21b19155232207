"""``subtools mux``: subtitle tracks and chapters into a video, its streams copied."""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("video", metavar="VIDEO", help="the video (or audio) file; never modified")
    p.add_argument(
        "subs",
        metavar="SUBS",
        nargs="+",
        help="subtitle files, each a track (any format subtools reads)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        help="the new file: .mp4/.m4v/.mov (mov_text subtitles), .mkv (SubRip, or WebVTT "
        "for .vtt inputs) or .webm (WebVTT)",
    )
    p.add_argument(
        "--chapters",
        metavar="FILE",
        help="chapters: a description's list, WebVTT chapters, ffmetadata or JSON",
    )
    p.add_argument(
        "--language",
        metavar="CODE",
        help="the language of every subtitle track (en, de, pt-BR, eng ...); default: the "
        "file's own, else one in its name (talk.en.srt)",
    )


def run(args: argparse.Namespace) -> int:
    from subtools.chapters import load_chapters
    from subtools.media.mux import media_duration, mux

    from .common import say

    chapters = None
    if args.chapters:
        chapters = load_chapters(args.chapters, media_duration(args.video))
    streams = mux(
        args.video,
        args.subs,
        args.output,
        chapters=chapters,
        language=args.language,
        protect=[args.chapters] if args.chapters else [],
    )
    tracks = ", ".join(f"{s.codec} ({s.language or 'language unknown'})" for s in streams)
    extra = f", {len(chapters)} chapters" if chapters else ""
    say(f"wrote {args.output}: {tracks}{extra}")
    return 0
