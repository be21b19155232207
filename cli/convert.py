"""``subtools convert``: segments and subtitle files to SRT, WebVTT, JSON or text."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from subtools.formats import get_format
from subtools.model import Track

from .common import (
    Warnings,
    open_tracks,
    output_format,
    progress,
    refuse_overwriting_input,
    say,
    single_track,
    usage,
    write_output,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a subtitle file, JSON segments, a Whisper "
        "result, or a dataset (JSONL or JSON rows); '-' reads standard input",
    )
    p.add_argument(
        "-o", "--output", metavar="OUT", help="output file ('-' or none: standard output)"
    )
    p.add_argument(
        "--to",
        metavar="FORMAT",
        help="output format: srt, vtt, json, jsonl or txt (default: from -o's extension, else srt)",
    )
    p.add_argument(
        "--from",
        dest="from_format",
        metavar="FORMAT",
        help="input format (default: from the extension or the content)",
    )
    p.add_argument("--id", help="the dataset row to convert")
    p.add_argument(
        "--out-dir", metavar="DIR", help="write every track (each dataset row) to DIR/<id>.<ext>"
    )
    p.add_argument(
        "--raw",
        action="store_true",
        help="one cue per segment, unchanged but for "
        "millisecond rounding and surrounding whitespace",
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="skip bad segments, rows or cues (a warning each) instead of stopping",
    )
    p.add_argument("--encoding", help="input text encoding (default: detected)")


def process(track: Track, args: argparse.Namespace) -> Track:
    return track


def run(args: argparse.Namespace) -> int:
    if args.out_dir and args.output:
        usage("give either -o or --out-dir, not both")
    refuse_overwriting_input([args.input], args.output)
    fmt = output_format(args.to, args.output)
    warnings = Warnings()
    tracks = open_tracks(
        args.input,
        args.from_format,
        id=args.id,
        lenient=args.lenient,
        encoding=args.encoding,
        warnings=warnings,
    )
    if args.out_dir:
        written = write_all(tracks, args, fmt)
        say(f"wrote {written} file{'s' if written != 1 else ''} to {args.out_dir}")
    else:
        track = single_track(tracks, args.input)
        write_output(process(track, args), args.output, fmt)
    warnings.summary()
    return 0


def write_all(tracks: Iterable[Track], args: argparse.Namespace, fmt: str) -> int:
    """Each track to ``DIR/<id>.<ext>``, named after the input when a track has no id."""
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = get_format(fmt).extensions[0]
    stem = Path(args.input).stem if args.input != "-" else "stdin"
    bar = progress(None, "converting")
    written = 0
    seen: set[str] = set()
    try:
        for track in tracks:
            name = _safe_name(track.id) if track.id else stem
            if name in seen:
                name = f"{name}-{written + 1}"
            seen.add(name)
            write_output(process(track, args), str(out_dir / f"{name}{ext}"), fmt)
            written += 1
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return written


def _safe_name(value: str) -> str:
    """A file name from a row id: path separators and leading dots cannot escape DIR."""
    cleaned = "".join(c if c.isalnum() or c in "-_.@+=" else "_" for c in value).lstrip(".")
    return cleaned or "_"
