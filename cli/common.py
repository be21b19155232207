"""What every command shares: reading input, writing output, and messages.

tqdm and the batch runner are imported where they are used: `--help`, and a command
that stops on its arguments, start without them.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from subtools.api import one_track
from subtools.errors import ParseError, ParseNotice, UsageError
from subtools.fileio import atomic_write
from subtools.formats import format_for_path, get_format, iter_tracks
from subtools.model import Track
from subtools.style import OVERLAP_STRATEGIES, PROFILES, Profile, get_profile

if TYPE_CHECKING:
    from tqdm import tqdm

    from subtools import batch

PROG = "subtools"


def say(message: str) -> None:
    """One line on standard error (nothing when it is closed)."""
    if sys.stderr is None:
        return
    # A closed or broken standard error has no one left to tell.
    with contextlib.suppress(OSError):
        print(f"{PROG}: {message}", file=sys.stderr)


class Warnings:
    """Prints each item skipped in lenient mode as it happens, and counts them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, error: ParseError) -> None:
        if isinstance(error, ParseNotice):  # read, nothing skipped
            say(f"warning: {error}")
            return
        self.count += 1
        say(f"warning: skipped {error}")

    def summary(self) -> None:
        if self.count:
            say(f"skipped {self.count} bad item{'s' if self.count != 1 else ''} (--lenient)")


def usage(message: str) -> NoReturn:
    raise UsageError(message)


def open_tracks(
    path: str,
    fmt: str | None,
    *,
    warnings: Warnings,
    id: str | None = None,
    lenient: bool = False,
    encoding: str | None = None,
) -> Iterator[Track]:
    """The tracks of INPUT (``-`` is standard input), warnings printed as they come."""
    if path == "-":
        if sys.stdin is None:
            raise ParseError("standard input is closed", source="<stdin>")
        return iter_tracks(
            sys.stdin.buffer, fmt, id=id, lenient=lenient, on_warning=warnings, encoding=encoding
        )
    if not os.path.exists(path):
        raise ParseError("no such file", source=path)
    if os.path.isdir(path):
        raise ParseError("is a directory, not a file", source=path)
    return iter_tracks(path, fmt, id=id, lenient=lenient, on_warning=warnings, encoding=encoding)


def single_track(tracks: Iterator[Track], source: str) -> Track:
    return one_track(tracks, source, "pick one with --id, or write them all with --out-dir")


def output_format(to: str | None, output: str | None, default: str = "srt") -> str:
    """``--to``, else the output file's extension, else the default."""
    if to:
        return get_format(to).name
    if output and output != "-":
        fmt = format_for_path(output)
        if fmt is None:
            usage(f"cannot tell the format of {output!r} from its extension: pass --to")
        return fmt.name
    return default


def refuse_overwriting_input(inputs: list[str], output: str | None) -> None:
    """Input files are never modified: refuse an output that is one of them."""
    if not output or output == "-":
        return
    out = Path(output)
    for name in inputs:
        if name != "-" and out.exists() and os.path.samefile(name, out):
            usage(f"output {output!r} is the input file; subtools never overwrites its input")


def write_output(text: str, output: str | None) -> None:
    """Write to a file atomically, or to standard output for none or ``-``."""
    if not output or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write(output, text)


def progress(total: int | None, desc: str) -> tqdm[NoReturn] | None:
    """A progress bar on a terminal, none otherwise (logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    # No monitor thread: a batch run may fork workers while the bar is up, and a fork
    # is only safe in a process with one thread.
    tqdm.monitor_interval = 0
    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


def number(low: float, *, above: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number at least ``low`` (more than ``low`` with
    ``above``); NaN and infinities are usage errors."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value) or value < low or (above and value == low):
            bound = f"more than {low:g}" if above else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be a finite number {bound}, not {text!r}")
        return value

    return parse


def add_style_arguments(p: argparse.ArgumentParser, overlap: bool = True) -> None:
    """The style profile and the flags that override its fields."""
    g = p.add_argument_group("style (the profile's limits; flags override single fields)")
    g.add_argument(
        "--profile",
        default="netflix",
        choices=sorted(PROFILES),
        help="style profile (default: netflix)",
    )
    g.add_argument("--max-chars", type=int, metavar="N", help="characters per line")
    g.add_argument("--max-lines", type=int, metavar="N", help="lines per cue")
    g.add_argument(
        "--max-cps",
        type=number(0, above=True),
        metavar="CPS",
        help="reading speed, characters a second",
    )
    g.add_argument("--min-duration", type=int, metavar="MS", help="shortest cue, ms")
    g.add_argument("--max-duration", type=int, metavar="MS", help="longest cue, ms")
    g.add_argument(
        "--min-gap", type=number(0), metavar="FRAMES", help="gap between cues, in frames"
    )
    g.add_argument(
        "--fps", type=number(0, above=True), help="frame rate the frame-based gaps count in"
    )
    if overlap:
        g.add_argument(
            "--overlap",
            choices=OVERLAP_STRATEGIES,
            default="trim",
            help="how overlapping cues are parted (default: trim)",
        )


def profile_from_args(args: argparse.Namespace) -> Profile:
    """The profile named by ``--profile``, with the fields the flags set."""
    return get_profile(args.profile).but(
        max_chars=args.max_chars,
        max_lines=args.max_lines,
        max_cps=args.max_cps,
        min_duration=args.min_duration,
        max_duration=args.max_duration,
        min_gap_frames=args.min_gap,
        fps=args.fps,
    )


def add_common_arguments(p: argparse.ArgumentParser) -> None:
    """What convert and fix share: reading options and the style profile."""
    p.add_argument(
        "--dedupe",
        action="store_true",
        help="treat the input as rolling "
        "auto-captions: each repeated line once (WebVTT is detected by itself)",
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="skip bad segments, rows or cues (a warning each) instead of stopping",
    )
    p.add_argument("--encoding", help="input text encoding (default: detected)")
    add_style_arguments(p)


def recipe_from_args(
    args: argparse.Namespace, fmt: str, keep_changes: bool = False, summarize: bool = False
) -> batch.Recipe:
    from subtools.batch import Recipe

    profile = None if getattr(args, "raw", False) else profile_from_args(args)
    return Recipe(fmt, profile, args.overlap, args.dedupe, keep_changes, summarize)


class _ByteBar:
    """A tqdm bar fed by (downloaded, total) byte counts, as yt-dlp reports them."""

    def __init__(self, desc: str) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=None, desc=desc, unit="B", unit_scale=True, file=sys.stderr, leave=False
        )

    def update(self, done: int, total: int | None) -> None:
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        self._bar.close()


def progress_bytes(desc: str) -> _ByteBar | None:
    """A download progress bar on a terminal, none otherwise."""
    return _ByteBar(desc) if sys.stderr.isatty() else None
