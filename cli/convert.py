"""``subtools convert``: segments and subtitle files to SRT, WebVTT, JSON or text."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from subtools.formats import get_format

from . import chapters
from .common import (
    Warnings,
    add_common_arguments,
    open_tracks,
    output_format,
    recipe_from_args,
    refuse_overwriting_input,
    say,
    single_track,
    usage,
    write_output,
)
from .outputs import nothing_read, write_outputs


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
        help="output format: srt, vtt, vtt-words (each word's time), json, jsonl or txt "
        "(default: from -o's extension, else srt)",
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
        "millisecond rounding and surrounding whitespace (no wrapping, no repair)",
    )
    p.add_argument(
        "--chapters",
        action="store_true",
        help="also write each dataset row's chapter list (from its description) as "
        "WebVTT chapters beside the captions: OUT.chapters.vtt, DIR/<id>.chapters.vtt",
    )
    add_common_arguments(p)


def run(args: argparse.Namespace) -> int:
    if args.out_dir and args.output:
        usage("give either -o or --out-dir, not both")
    refuse_overwriting_input([args.input], args.output)
    if args.chapters and args.out_dir and args.input == "-":
        usage("--chapters with --out-dir reads the input twice: give a file, not '-'")
    fmt = output_format(args.to, args.output)
    recipe = recipe_from_args(args, fmt)
    ext = get_format(fmt).extensions[0]
    warnings = Warnings()
    if args.out_dir and args.input != "-" and args.id is None and not args.raw:
        # A whole file (or dataset) to wrap and repair: on every core.
        from subtools import batch

        jobs = batch.jobs_for([args.input], args.from_format, args.encoding)
        results: Iterator[batch.Done] = batch.run(jobs, recipe, lenient=args.lenient)
    else:
        tracks = open_tracks(
            args.input,
            args.from_format,
            id=args.id,
            lenient=args.lenient,
            encoding=args.encoding,
            warnings=warnings,
        )
        if not args.out_dir:
            track = single_track(tracks, args.input)
            if args.chapters:
                if not args.output or args.output == "-":
                    usage("--chapters writes a file beside the captions: give -o or --out-dir")
                chapters.write_beside(track, args.output)
            done = recipe.apply(track)
            nothing_read(done)
            write_output(done.text or "", args.output)
            warnings.summary()
            return 0
        results = (recipe.apply(t) for t in tracks)
    written = write_outputs(results, args.out_dir, ext, warnings, [args.input])
    say(f"wrote {written} file{'s' if written != 1 else ''} to {args.out_dir}")
    if args.chapters:
        rows = open_tracks(args.input, args.from_format, encoding=args.encoding, warnings=warnings)
        found = chapters.write_every_row(rows, args.out_dir, chapters.BESIDE, "vtt", [args.input])
        say(f"wrote {found} chapter file{'s' if found != 1 else ''} to {args.out_dir}")
    warnings.summary()
    return 0
