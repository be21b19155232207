"""``subtools chapters``: a description's chapter list as WebVTT, ffmetadata, JSON or text."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from subtools.chapters import (
    Chapter,
    ChapterError,
    chapter_format,
    chapters_for_track,
    parse_time,
    read_chapters,
    write_chapters,
)
from subtools.dataset import Names
from subtools.errors import ParseError
from subtools.fileio import decode
from subtools.formats import iter_tracks_from_string
from subtools.model import Track

from .common import refuse_overwriting_input, say, single_track, usage
from .common import write_output as write_text

#: Next to captions written by ``convert --chapters``: ``talk.srt`` -> ``talk.chapters.vtt``.
BESIDE = ".chapters.vtt"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a text file holding a description (or a chapters file: WebVTT, ffmetadata, "
        "JSON), or a dataset whose rows have a 'description'; '-' reads standard input",
    )
    p.add_argument("--id", help="the dataset row")
    p.add_argument("-o", "--output", metavar="OUT", help="output file ('-' or none: stdout)")
    p.add_argument(
        "--to",
        metavar="FORMAT",
        help="vtt (WebVTT chapters), ffmetadata, json or txt (the description format); "
        "default: from -o's extension, else vtt",
    )
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        help="every row of a dataset to DIR/<id>.<ext>; rows "
        "without a chapter list are skipped with a warning each",
    )
    p.add_argument(
        "--duration",
        metavar="TIME",
        help="the media's length (H:MM:SS, M:SS or seconds), where the last chapter ends "
        "(default for a dataset row: the end of its last segment)",
    )
    p.add_argument("--media", metavar="FILE", help="take the duration from this media file")


def _duration(args: argparse.Namespace) -> int | None:
    if args.duration and args.media:
        usage("give either --duration or --media, not both")
    if args.duration:
        return parse_time(args.duration)
    if args.media:
        from subtools.media.mux import media_duration

        found = media_duration(args.media)
        if found is None:
            usage(f"{args.media}: ffmpeg reports no duration")
        return found
    return None


def _read(path: str) -> str:
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    try:
        return decode(Path(path).read_bytes(), path)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", source=path) from None


def _is_dataset(path: str, text: str) -> bool:
    if os.path.splitext(path)[1].lower() in (".jsonl", ".ndjson"):
        return True
    head = text.lstrip("\ufeff \t\r\n")
    return head.startswith(("{", "[")) and '"segments"' in text


def write_beside(track: Track, output: str) -> str:
    """The chapters of a dataset row next to its captions (``convert --chapters``)."""
    path = f"{os.path.splitext(output)[0]}{BESIDE}"
    write_text(write_chapters(chapters_for_track(track), "vtt"), path)
    return path


def write_every_row(
    tracks: Iterable[Track],
    out_dir: str,
    ext: str,
    fmt: str,
    inputs: list[str],
    duration: int | None = None,
) -> int:
    """Each row's chapters to ``out_dir/<id><ext>``; a row without a usable list is
    skipped with a warning naming why.  Returns how many were written."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    protected = {Path(i).resolve() for i in inputs if i != "-"}
    written = skipped = 0
    names = Names()
    for track in tracks:
        # Two rows of one id get a file each, named as their captions are (every row
        # counts, with chapters or not).
        name = names(track.id or "_")
        try:
            chapters = chapters_for_track(track, duration=duration)
        except ChapterError as exc:
            say(f"warning: skipped {exc}")
            skipped += 1
            continue
        path = folder / f"{name}{ext}"
        if path.resolve() in protected:
            usage(f"output {path} is an input file; subtools never overwrites its input")
        write_text(write_chapters(chapters, fmt), str(path))
        written += 1
    if skipped:
        say(f"skipped {skipped} row{'s' if skipped != 1 else ''} without a usable chapter list")
    return written


def run(args: argparse.Namespace) -> int:
    if args.out_dir and args.output:
        usage("give either -o or --out-dir, not both")
    refuse_overwriting_input([args.input], args.output)
    to = args.to
    if not to and args.output and args.output != "-":
        to = os.path.splitext(args.output)[1] or usage(
            f"cannot tell the format of {args.output!r} from its extension: pass --to"
        )
    fmt = chapter_format(to or "vtt")
    duration = _duration(args)
    text = _read(args.input)
    if not _is_dataset(args.input, text):
        if args.id or args.out_dir:
            usage("--id and --out-dir need a dataset (rows with a description)")
        chapters: tuple[Chapter, ...] = read_chapters(text, duration, source=args.input)
        write_text(fmt.write(chapters), args.output)
        return 0
    tracks = iter_tracks_from_string(text, source=args.input, id=args.id)
    if args.out_dir:
        written = write_every_row(
            tracks, args.out_dir, fmt.extension, fmt.name, [args.input], duration
        )
        say(f"wrote {written} file{'s' if written != 1 else ''} to {args.out_dir}")
        return 0
    track = single_track(tracks, args.input)
    write_text(fmt.write(chapters_for_track(track, duration=duration)), args.output)
    return 0
