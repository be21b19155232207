"""``subtools align``: check cue boundaries against the speech in the media; fix; draw."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from subtools.formats import get_format
from subtools.media.speech import DETECTORS

if TYPE_CHECKING:
    from subtools.media.alignment import Alignment

from .common import (
    Warnings,
    open_tracks,
    output_format,
    refuse_overwriting_input,
    say,
    single_track,
    usage,
    write_output,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("subs", metavar="SUBS", help="the subtitle file (any supported format)")
    p.add_argument("media", metavar="MEDIA", nargs="?", help="the audio or video file")
    p.add_argument("--fetch", metavar="ID_OR_URL", help="fetch the media with yt-dlp instead")
    p.add_argument("--cache-dir", metavar="DIR", help="where fetched media is kept")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--fix", action="store_true", help="write the subtitles realigned to the speech to -o OUT"
    )
    p.add_argument("-o", "--output", metavar="OUT", help="where --fix writes")
    p.add_argument("--to", metavar="FORMAT", help="format of OUT (default: from its extension)")
    p.add_argument("--html", metavar="REPORT", help="write a self-contained HTML report")
    p.add_argument(
        "--max-offset",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="the largest offset searched (default: 60)",
    )
    p.add_argument(
        "--tolerance",
        type=int,
        default=500,
        metavar="MS",
        help="how far --fix moves a boundary to a speech edge (default: 500)",
    )
    p.add_argument(
        "--detector",
        choices=DETECTORS,
        default=DETECTORS[0],
        help="speech detector: silero (neural, holds under music and noise; default), "
        "webrtc (fast, for clean speech), energy (loudness alone)",
    )
    p.add_argument(
        "--vad",
        type=int,
        default=2,
        choices=(0, 1, 2, 3),
        metavar="0-3",
        help="webrtcvad aggressiveness, with --detector webrtc (default: 2)",
    )
    p.add_argument(
        "--words",
        action="store_true",
        help="align every word of the cues' text to the speech (English; needs "
        'pip install "subtools[words]"): word times in the report and in --fix output',
    )
    p.add_argument("--id", help="the dataset row, when SUBS is a dataset")


def run(args: argparse.Namespace) -> int:
    if bool(args.media) == bool(args.fetch):
        usage("give MEDIA or --fetch ID_OR_URL (one of them)")
    if args.fix and not args.output:
        usage("--fix needs -o OUT")
    if args.output and not args.fix:
        usage("-o is for --fix")
    if args.max_offset <= 0:
        usage("--max-offset must be positive")
    refuse_overwriting_input([args.subs], args.output)
    fmt = output_format(args.to, args.output) if args.fix else None
    if args.fetch:
        from .fetch import fetch_with_progress

        media = str(fetch_with_progress(args.fetch, cache_dir=args.cache_dir))
    else:
        media = args.media

    from subtools.media.speech import start_analysis

    # Decoding starts first (the detector loads as it does); the subtitles are read,
    # and the alignment's modules imported, while ffmpeg works.
    pending = start_analysis(media, args.detector, args.vad)
    track = single_track(open_tracks(args.subs, None, id=args.id, warnings=Warnings()), args.subs)
    from subtools.media.alignment import align
    from subtools.media.correct import WORD_ERROR_MS, fix, word_error

    speech = pending.result()

    result = align(track, speech, max_offset_ms=round(args.max_offset * 1000))
    timed = None
    if args.words:
        from subtools.media.wordtimes import word_times

        timed = word_times(track, result, media, speech=speech)
        if timed.note:
            say(timed.note)

    if args.json:
        report = result.to_dict()
        if timed is not None:
            report["words"] = [
                None
                if ws is None
                else [{"start_ms": w.start, "end_ms": w.end, "text": w.text} for w in ws]
                for ws in timed.cues
            ]
            report["words_note"] = timed.note
            report["word_error_ms"] = word_error(timed.cues, speech, timed.error_ms)
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_summary(result, len(track))
    if args.html:
        from subtools.fileio import atomic_write
        from subtools.media.report import render

        atomic_write(args.html, render(track, result, speech, title=args.subs))
        say(f"wrote {args.html}")
    if args.fix:
        fixed = fix(
            track,
            result,
            speech,
            tolerance_ms=args.tolerance,
            words=timed.cues if timed else None,
            word_error_ms=timed.error_ms if timed else WORD_ERROR_MS,
        )
        assert fmt is not None
        write_output(get_format(fmt).write_text(fixed.track), args.output)
        how = (
            f"drift and offset applied ({result.reason[len('applied: ') :]})"
            if fixed.applied_offset
            else f"drift and offset left alone ({result.reason})"
        )
        say(f"wrote {args.output}: {how}; {fixed.snapped} boundaries moved to speech edges")
    return 0


def _print_summary(r: Alignment, n: int) -> None:
    from subtools.timecode import format_clock

    print(
        f"offset {r.offset_ms:+d} ms, drift {r.drift:.6f} "
        f"(standard {r.standard_drift:.6f}, fitted {r.fitted_drift:.6f}), "
        f"confidence {r.confidence:.2f}: {r.reason}"
    )
    for e in r.evidence:
        halves = "both halves agree" if e.halves_agree else "halves differ"
        print(f"  evidence {e.kind}: {e.offset_ms:+d} ms, clarity {e.clarity:.2f}, {halves}")
    print(
        f"{n} cues; boundaries within 100 ms: {r.within['100']:.1%}, "
        f"250 ms: {r.within['250']:.1%}, 500 ms: {r.within['500']:.1%}"
    )
    for s in r.splits:
        print(
            f"suspected split at {format_clock(s.at_ms)}: offset {s.offset_before_ms:+d} -> "
            f"{s.offset_after_ms:+d} ms"
        )
    worst = r.worst(10)
    if worst:
        print("worst cues (speech edge minus cue edge, after drift and offset):")
    for c in worst:
        sd = "-" if c.start_delta_ms is None else f"{c.start_delta_ms:+d} ms"
        ed = "-" if c.end_delta_ms is None else f"{c.end_delta_ms:+d} ms"
        print(f"  cue {c.index} at {format_clock(c.start_ms)}: start {sd}, end {ed} ({c.verdict})")
