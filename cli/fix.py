"""``subtools fix``: wrap and repair subtitle files, every change explained."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from subtools import batch
from subtools.batch import Done, Outcome
from subtools.formats import format_for_path

from .common import (
    Warnings,
    add_common_arguments,
    open_tracks,
    output_format,
    recipe_from_args,
    refuse_overwriting_input,
    say,
    usage,
    write_output,
)
from .outputs import finished, nothing_read, write_outputs


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="subtitle files or segments (any supported format); '-' reads standard input",
    )
    p.add_argument(
        "-o", "--output", metavar="OUT", help="output file for one input ('-': standard output)"
    )
    p.add_argument(
        "--out-dir", metavar="DIR", help="write each input's result to DIR, named after it"
    )
    p.add_argument(
        "--to",
        metavar="FORMAT",
        help="output format (default: from -o, else the input's own format)",
    )
    p.add_argument("--report", metavar="FILE", help="write every change as JSON to FILE")
    add_common_arguments(p)


def run(args: argparse.Namespace) -> int:
    if bool(args.output) == bool(args.out_dir):
        usage("give -o OUT (one input) or --out-dir DIR")
    if args.output and len(args.inputs) > 1:
        usage("several inputs need --out-dir")
    refuse_overwriting_input(args.inputs, args.output)
    fmt = _format(args)
    recipe = recipe_from_args(args, fmt, keep_changes=bool(args.report), summarize=True)
    warnings = Warnings()
    report: list[dict[str, object]] = []

    def record(done: Done, path: Path | str) -> None:
        say(f"{path}: {done.summary}")
        report.append(_report_entry(done, str(path), recipe))

    results: Iterator[Outcome]
    if "-" in args.inputs:
        if len(args.inputs) > 1:
            usage("'-' (standard input) cannot be given with other inputs")
        tracks = open_tracks(
            "-", None, lenient=args.lenient, encoding=args.encoding, warnings=warnings
        )
        results = (recipe.apply(t) for t in tracks)
    else:
        jobs = batch.jobs_for(args.inputs, None, args.encoding)
        results = batch.run(jobs, recipe, lenient=args.lenient, workers=None)
    if args.out_dir:
        ext = recipe.extension
        write_outputs(results, args.out_dir, ext, warnings, args.inputs, on_done=record)
    else:
        done = _single(results, args.inputs[0], warnings)
        nothing_read(done)
        write_output(done.text or "", args.output)
        record(done, args.output)
    if args.report:
        from subtools.fileio import atomic_write

        body = report[0] if len(report) == 1 else report
        atomic_write(args.report, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    warnings.summary()
    return 0


def _format(args: argparse.Namespace) -> str:
    if args.to or args.output:
        return output_format(args.to, args.output)
    fmt = format_for_path(args.inputs[0])
    if fmt is None or fmt.write is None or fmt.multi:
        return "srt"
    return fmt.name


def _single(results: Iterable[Outcome], source: str, warnings: Warnings) -> Done:
    found = list(finished(results, warnings))
    if not found:
        from subtools.errors import ParseError

        raise ParseError("no track in input", source=source)
    if len(found) > 1:
        usage(f"{source} holds several tracks (a dataset): use --out-dir")
    return found[0]


def _report_entry(done: Done, output: str, recipe: batch.Recipe) -> dict[str, object]:
    return {
        "source": done.source,
        "id": done.id,
        "output": output,
        "profile": recipe.profile.name if recipe.profile else None,
        "summary": done.summary,
        "changes": [c.to_dict() for c in done.changes],
        "unresolved": done.unresolved,
    }
