"""Headless Chromium as a test oracle: what a browser makes of the files subtools writes."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)"
)


def flags(profile: Path) -> list[str]:
    """Headless, offline, and a profile of its own (tests may run side by side)."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def dump_dom(url: str, profile: Path, *extra: str) -> str:
    """The page's DOM after its scripts ran."""
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *flags(profile), *extra, "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def element_text(dom: str, element_id: str) -> str:
    """The text of the element with that id in a dumped DOM (no markup inside it)."""
    m = re.search(rf'<[a-z]+ id="{element_id}">(.*?)</[a-z]+>', dom, re.S)
    assert m, dom[:2000]
    return html.unescape(m.group(1))
