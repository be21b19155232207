"""Writing the results of a batch run: one file per track, warnings in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from subtools.batch import Done, Failed, Outcome, write_files

from .common import Warnings, progress, say, usage


def describe(done: Done) -> str:
    """How messages name a finished track: its source, and its row id if it has one."""
    return f"{done.source or '<stdin>'}#{done.id}" if done.id else done.source or "<stdin>"


def nothing_read(done: Done) -> None:
    """Refuse to write a track with no cues: input that gave nothing gets no output."""
    if not done.cues:
        from subtools.errors import ParseError

        raise ParseError("no cues in input: nothing written", source=describe(done))


def finished(results: Iterable[Outcome], warnings: Warnings) -> Iterator[Done]:
    """The finished tracks of a batch run, in order; warnings printed as they come, and
    the first error raised."""
    for outcome in results:
        for warning in outcome.warnings:
            warnings(warning)
        if isinstance(outcome, Failed):
            raise outcome.error
        if isinstance(outcome, Done):
            yield outcome


def refuse_inputs(inputs: list[str], out_dir: str) -> Callable[[str], None]:
    """A check that refuses an output path landing on one of the ``inputs``: inputs
    are never touched."""
    protected = {Path(i).resolve() for i in inputs if i != "-"}
    # Outputs are replaced by rename, never written through a link: comparing the
    # folder's real path joined with the name is enough.
    real_folder = Path(out_dir).resolve()

    def check(path: str) -> None:
        if real_folder / Path(path).name in protected:
            usage(f"output {path} is an input file; subtools never overwrites its input")

    return check


def write_outputs(
    results: Iterator[Outcome],
    out_dir: str,
    ext: str,
    warnings: Warnings,
    inputs: list[str],
    on_done: Callable[[Done, str], None] | None = None,
) -> int:
    """Write each finished track to ``out_dir/<id or input stem><ext>``; stop at an error.

    ``on_done`` (if given) is called with each :class:`Done` and its output path.  An
    output that would land on one of the ``inputs`` is refused.
    """
    check = refuse_inputs(inputs, out_dir)
    return count_outputs(write_files(results, out_dir, ext, check), warnings, on_done)


def count_outputs(
    results: Iterable[Outcome],
    warnings: Warnings,
    on_done: Callable[[Done, str], None] | None = None,
) -> int:
    """The number of files written (results with ``output`` set), a progress bar on a
    terminal; say which tracks had no cues; stop at an error."""
    bar = progress(None, "writing")
    written = 0
    try:
        for done in finished(results, warnings):
            if not done.cues:
                say(f"{describe(done)}: no cues, nothing written")
                continue
            written += 1
            if on_done is not None:
                on_done(done, done.output or "")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return written
