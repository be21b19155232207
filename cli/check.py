"""``subtools check``: lint caption files by a style profile; nothing is changed."""

from __future__ import annotations

import argparse
import json
import sys

from subtools.check import check, report, summary
from subtools.errors import ParseError

from .common import Warnings, add_style_arguments, open_tracks, profile_from_args, say


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="INPUT", help="a subtitle file or segments ('-': stdin)")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--id", help="the dataset row to check (default: every row)")
    p.add_argument("--encoding", help="input text encoding (default: detected)")
    add_style_arguments(p, overlap=False)
    p.epilog = "Exit status: 0 no findings, 1 findings, 2 usage error or unreadable input."


def run(args: argparse.Namespace) -> int:
    profile = profile_from_args(args)
    try:
        tracks = list(
            open_tracks(args.input, None, id=args.id, encoding=args.encoding, warnings=Warnings())
        )
    except ParseError as exc:
        say(str(exc))
        return 2
    reports = []
    total = 0
    for track in tracks:
        findings = check(track, profile)
        total += len(findings)
        source = args.input if track.id is None else f"{args.input}#{track.id}"
        if args.json:
            reports.append(report(findings, source, profile))
            continue
        for f in findings:
            print(f"{source}: {f.describe()}")
        counts = summary(findings)
        if counts:
            detail = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            print(
                f"{source}: {len(findings)} finding{'s' if len(findings) != 1 else ''} ({detail})"
            )
        else:
            print(f"{source}: no findings ({len(track)} cues, profile {profile.name})")
    if args.json:
        body = reports[0] if len(reports) == 1 else reports
        json.dump(body, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 1 if total else 0
