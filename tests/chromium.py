"""WebVTT as headless Chromium parses it: the web platform's reader, as an oracle."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# One page loads every file through a <track> element (from a Blob URL, so no server
# and no file-access flags) and prints each track's cues, or "error", as JSON.
_PAGE = """<!doctype html><html><body><pre id="out"></pre><script>
const files = %s;
const results = new Array(files.length).fill(null);
let left = files.length;
function settle() {
  if (--left === 0) document.getElementById("out").textContent = JSON.stringify(results);
}
files.forEach((text, i) => {
  const video = document.createElement("video");
  const track = document.createElement("track");
  track.kind = "subtitles";
  track.src = URL.createObjectURL(new Blob([text], {type: "text/vtt"}));
  track.addEventListener("load", () => {
    results[i] = Array.from(track.track.cues).map(
      c => [c.id, Math.round(c.startTime * 1000), Math.round(c.endTime * 1000), c.text]);
    settle();
  });
  track.addEventListener("error", () => { results[i] = "error"; settle(); });
  video.appendChild(track);
  document.body.appendChild(video);
  track.track.mode = "hidden";
});
</script></body></html>"""

Parsed = list[tuple[str, int, int, str]] | str


def parse_in_chromium(files: list[str]) -> list[Parsed]:
    """Each file's cues as ``(id, start_ms, end_ms, raw text)``, or ``"error"``."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "cues.html"
        page.write_text(_PAGE % json.dumps(files), encoding="utf-8")
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
            f"--user-data-dir={Path(tmp) / 'profile'}",
        ]
        dom = subprocess.run(
            [CHROMIUM, *flags, "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[:500]
    raw = json.loads(html.unescape(found.group(1)))
    return [r if r == "error" else [tuple(c) for c in r] for r in raw]
