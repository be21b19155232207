"""Entry point: builds the argument parser and turns library errors into one line."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from subtools import __version__
from subtools.errors import SubtoolsError, UsageError, WriteError

from .common import PROG, say

#: command -> (module in this package, one-line help). Modules load only when run,
#: so ``subtools convert`` never imports what ``align`` needs.
COMMANDS = {
    "convert": ("convert", "convert segments and subtitle files to SRT, WebVTT, JSON or text"),
    "fix": ("fix", "wrap and repair caption files, every change explained"),
    "check": ("check", "lint caption files by a style profile (changes nothing)"),
    "fetch": ("fetch", "download a talk's audio or video with yt-dlp (cached)"),
    "align": ("align", "check cue boundaries against the speech in the media; fix; draw"),
    "chapters": ("chapters", "a description's chapter list as WebVTT, ffmetadata, JSON or text"),
    "mux": ("mux", "put subtitle tracks and chapters into a video (streams copied)"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        say(message)
        raise SystemExit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the ``only`` one (each command's module may be
    heavy to import, and a run needs one)."""
    parser = _Parser(
        prog=PROG,
        description="Captions from transcripts and subtitle files: "
        "convert, wrap, repair, check, align.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        if only is None or name == only:
            cmd = sub.add_parser(name, help=help_text, description=help_text)
            importlib.import_module(f"{__package__}.{module}").add_arguments(cmd)
    return parser


class _ClosedOutput(io.TextIOBase):
    """Standard output when it was closed (Python leaves None there): writing to it is a
    one-line error, not an AttributeError."""

    def write(self, text: str) -> int:
        raise WriteError("standard output is closed: name an output file with -o")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: every temp file removed on the way out."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:
        # Also here: a signal may come while the parser is built, before _main's own
        # handlers are in place.
        say("terminated" if isinstance(exc, Terminated) else "interrupted")
        return 143 if isinstance(exc, Terminated) else 130


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Build only the parser of the command asked for: each command's module may be heavy.
    wanted = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(wanted if wanted in COMMANDS else None)
    args = parser.parse_args(args_list)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(f"{__package__}.{COMMANDS[args.command][0]}")
    try:
        code = int(module.run(args))
        sys.stdout.flush()  # a broken pipe shows here, not at exit
        return code
    except UsageError as exc:
        say(str(exc))
        return 2
    except SubtoolsError as exc:
        say(str(exc))
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): point stdout at /dev/null so the flush at
        # exit does not fail a second time, and end quietly, as a killed pipe would.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        # A file the library does not open itself (an output folder, say).
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"{where}{exc.strerror or exc}")
        return 1
    except Exception as exc:
        # A bug: still one line, naming it, rather than a traceback.
        say(f"internal error, please report it: {type(exc).__name__}: {exc}")
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
