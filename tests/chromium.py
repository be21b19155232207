"""WebVTT as headless Chromium parses it: the web platform's reader, as an oracle."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .browser import dump_dom, element_text

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
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "cues.html"
        page.write_text(_PAGE % json.dumps(files), encoding="utf-8")
        dom = dump_dom(page.as_uri(), Path(tmp) / "profile", "--virtual-time-budget=10000")
    raw = json.loads(element_text(dom, "out"))
    return [r if r == "error" else [tuple(c) for c in r] for r in raw]
