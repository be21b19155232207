"""``subtools convert``: segments and subtitle files to SRT, WebVTT, JSON or text."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING

from subtools.formats import get_format

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
from .outputs import count_outputs, nothing_read, refuse_inputs, write_outputs

if TYPE_CHECKING:
    from subtools import batch
    from subtools.model import Track


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "input",
        metavar="INPUT",
        help="a subtitle file, JSON segments, a Whisper result (whisper.cpp's JSON too), "
        "or a dataset (JSONL, Parquet or JSON rows); '-' reads standard input",
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
    g = p.add_argument_group("datasets (JSONL or Parquet, read a window of rows at a time)")
    g.add_argument(
        "--column",
        default="captions",
        help="with -o DATASET (.jsonl or .parquet) and --to FORMAT: write a copy of the "
        "dataset with this column added, each row's captions in FORMAT (default: captions)",
    )
    g.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes for --out-dir and dataset copies (default: every core)",
    )
    g.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where --out-dir runs: this machine's cores (default), or a Dask cluster "
        "(pip install 'subtools[dask]'); the workers write the files, so DIR must be "
        "on a file system they share",
    )
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler to use (default: a local cluster of processes)",
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
    if args.engine != "local" and not args.out_dir:
        usage("--engine dask writes one file per row: give --out-dir")
    refuse_overwriting_input([args.input], args.output)
    if args.chapters and args.out_dir and args.input == "-":
        usage("--chapters with --out-dir reads the input twice: give a file, not '-'")
    kind = None
    if args.input != "-":
        from subtools.dataset import dataset_kind

        kind = dataset_kind(args.input, args.from_format)
    copy = _dataset_copy_kind(args, kind)
    fmt = output_format(args.to, None if copy else args.output)
    warnings = Warnings()
    if copy:
        return _copy_dataset(args, str(kind), copy, fmt, warnings)
    recipe = recipe_from_args(args, fmt)
    ext = recipe.extension
    if args.out_dir and args.input != "-" and args.id is None:
        # A whole file, or a dataset a part at a time, on every core.
        from subtools import batch

        if kind is not None:
            results: Iterator[batch.Outcome] = batch.write_dataset(
                args.input,
                kind,
                args.out_dir,
                recipe,
                lenient=args.lenient,
                workers=args.workers,
                engine=args.engine,
                scheduler=args.scheduler,
                encoding=args.encoding,
                check=refuse_inputs([args.input], args.out_dir),
            )
            written = count_outputs(results, warnings)
        elif args.engine == "dask":
            usage(f"{args.input}: --engine dask runs datasets (JSONL or Parquet)")
        else:
            jobs = batch.jobs_for([args.input], args.from_format, args.encoding)
            results = batch.run(jobs, recipe, lenient=args.lenient, workers=args.workers)
            written = write_outputs(results, args.out_dir, ext, warnings, [args.input])
    else:
        if kind == "parquet":
            from subtools.dataset import iter_dataset

            tracks: Iterator[Track] = iter_dataset(
                args.input, kind, id=args.id, lenient=args.lenient, on_warning=warnings
            )
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
                from . import chapters

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
        from . import chapters

        rows = open_tracks(args.input, args.from_format, encoding=args.encoding, warnings=warnings)
        found = chapters.write_every_row(rows, args.out_dir, chapters.BESIDE, "vtt", [args.input])
        say(f"wrote {found} chapter file{'s' if found != 1 else ''} to {args.out_dir}")
    warnings.summary()
    return 0


def _dataset_copy_kind(args: argparse.Namespace, kind: str | None) -> str | None:
    """The dataset format of ``-o`` when it asks for a copy of a dataset with a caption
    column: a dataset in, a dataset file out, and a caption format named by --to."""
    if kind is None or args.id is not None or not args.output or args.output == "-":
        return None
    from subtools.dataset import dataset_kind

    out_kind = dataset_kind(args.output)
    if out_kind is None:
        return None
    if args.to is None or get_format(args.to).multi:
        if out_kind == "parquet" or kind == "parquet":
            usage("a dataset copy needs the captions' format: --to srt, vtt, json or txt")
        return None  # JSONL to JSONL: rows rewritten, as before
    return out_kind


def _copy_dataset(
    args: argparse.Namespace, kind: str, out_kind: str, fmt: str, warnings: Warnings
) -> int:
    from subtools.copies import copy_with_captions

    recipe = recipe_from_args(args, fmt)
    count = copy_with_captions(
        args.input,
        kind,
        args.output,
        out_kind,
        recipe,
        column=args.column,
        lenient=args.lenient,
        workers=args.workers,
        on_warning=warnings,
        encoding=args.encoding,
    )
    say(f"wrote {count} row{'s' if count != 1 else ''} with {args.column!r} to {args.output}")
    warnings.summary()
    return 0
