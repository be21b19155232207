"""The alignment drawn: one self-contained HTML page (inline SVG, no network).

Speech activity runs under the cue spans along the talk's timeline, which scrolls
sideways for a long talk; every boundary is marked by how far it is from its speech
edge, and the worst cues are listed with links to their place on the timeline.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from ..model import Track
from ..timecode import format_clock
from .alignment import CLOSE_MS, OK_MS, Alignment
from .speech import FRAME_MS, Speech, runs

if TYPE_CHECKING:
    pass

PX_PER_SECOND = 24
_LEFT = 56  # room for the row labels
_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
.facts { display: flex; flex-wrap: wrap; gap: .5em 2em; margin: .6em 0 1em; }
.facts div b { display: block; font-size: 1.3em; }
.scroll { overflow-x: auto; border: 1px solid #ccc; background: #fafafa; }
svg text { font: 11px system-ui, sans-serif; fill: #555; }
.speech { fill: #9cc3e6; }
.cue { fill: #e3e3e3; stroke: #888; stroke-width: .5; }
.cue.ok { fill: #cfe8cf; } .cue.close { fill: #fbe3b8; }
.cue.off, .cue.no_speech { fill: #f6c4c4; }
.edge.ok { stroke: #2e7d32; } .edge.close { stroke: #ef8f00; }
.edge.off { stroke: #c62828; stroke-width: 2; }
.edge.none { stroke: #999; stroke-dasharray: 2 2; }
.split { stroke: #6a1b9a; stroke-width: 2; stroke-dasharray: 6 3; }
.legend span { display: inline-block; margin-right: 1.2em; }
.legend i { display: inline-block; width: 1em; height: .8em; margin-right: .3em;
  vertical-align: middle; }
table { border-collapse: collapse; margin-top: 1em; }
td, th { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def _edge_class(delta: int | None) -> str:
    if delta is None:
        return "none"
    d = abs(delta)
    return "ok" if d <= OK_MS else "close" if d <= CLOSE_MS else "off"


def render(track: Track, alignment: Alignment, speech: Speech, title: str = "") -> str:
    """The report page for ``track`` checked against ``speech``."""
    a = alignment
    duration = max(speech.duration_ms, max((a.map_time(c.end) for c in track), default=0)) + 2000
    width = int(duration / 1000 * PX_PER_SECOND) + _LEFT + 20

    def x(ms: float) -> float:
        return round(_LEFT + ms / 1000 * PX_PER_SECOND, 1)

    parts: list[str] = []
    # time axis
    for s in range(0, duration // 1000 + 1, 10):
        parts.append(
            f'<line x1="{x(s * 1000)}" y1="14" x2="{x(s * 1000)}" y2="150" stroke="#eee"/>'
        )
        if s % 30 == 0:
            parts.append(f'<text x="{x(s * 1000) + 2}" y="11">{format_clock(s * 1000)[:-4]}</text>')
    # speech
    act = speech.activity()
    for on, off in zip(*runs(act), strict=True):
        parts.append(
            f'<rect class="speech" x="{x(on * FRAME_MS)}" y="24" '
            f'width="{max(x(off * FRAME_MS) - x(on * FRAME_MS), 0.5)}" height="30"/>'
        )
    parts.append('<text x="2" y="44">speech</text><text x="2" y="98">cues</text>')
    # cues, after drift and offset, alternating rows so that neighbours stay apart
    for check, cue in zip(a.cues, track, strict=True):
        start, end = a.map_time(cue.start), a.map_time(cue.end)
        row = 70 + (check.index % 2) * 28
        label = html.escape(cue.text.replace("\n", " "))
        tip = (
            f"#{check.index} {format_clock(start)}&ndash;{format_clock(end)} · start "
            f"{_fmt(check.start_delta_ms)} · end {_fmt(check.end_delta_ms)} · "
            f"{check.verdict}\n{label}"
        )
        parts.append(
            f'<g id="cue-{check.index}">'
            f'<rect class="cue {check.verdict}" data-index="{check.index}"'
            f' x="{x(start)}" y="{row}" width="{max(x(end) - x(start), 1)}" height="22">'
            f"<title>{tip}</title></rect>"
            f'<line class="edge {_edge_class(check.start_delta_ms)}" x1="{x(start)}" '
            f'y1="{row - 4}" x2="{x(start)}" y2="{row + 26}"/>'
            f'<line class="edge {_edge_class(check.end_delta_ms)}" x1="{x(end)}" '
            f'y1="{row - 4}" x2="{x(end)}" y2="{row + 26}"/></g>'
        )
    for split in a.splits:
        parts.append(
            f'<line class="split" x1="{x(split.at_ms)}" y1="16" x2="{x(split.at_ms)}" '
            'y2="140"><title>suspected split: offset jumps from '
            f"{split.offset_before_ms} to {split.offset_after_ms} ms</title></line>"
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="150" '
        f'role="img" aria-label="speech and cues along the timeline">{"".join(parts)}</svg>'
    )

    facts = [
        ("offset", f"{a.offset_ms:+d} ms"),
        ("drift", f"{a.drift:.6f}"),
        ("confidence", f"{a.confidence:.2f}"),
        ("cues", str(len(track))),
        ("within 100 ms", f"{a.within['100']:.1%}"),
        ("within 250 ms", f"{a.within['250']:.1%}"),
        ("within 500 ms", f"{a.within['500']:.1%}"),
        ("splits", str(len(a.splits))),
    ]
    rows = []
    for c in a.worst(30):
        cue = track[c.index - 1]
        rows.append(
            f'<tr><td><a href="#cue-{c.index}" onclick="go({c.index});return false">#{c.index}</a>'
            f'</td><td class="num">{format_clock(c.start_ms)}</td>'
            f'<td class="num">{_fmt(c.start_delta_ms)}</td><td class="num">{_fmt(c.end_delta_ms)}'
            f"</td><td>{c.verdict}</td><td>{html.escape(cue.text.replace(chr(10), ' '))}</td></tr>"
        )
    table = (
        "<table><tr><th>cue</th><th>at</th><th>start Δ</th><th>end Δ</th><th>verdict</th>"
        f"<th>text</th></tr>{''.join(rows)}</table>"
        if rows
        else "<p>Every cue is within 100 ms of its speech.</p>"
    )
    data = json.dumps({"px_per_second": PX_PER_SECOND})
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title or "subtools alignment")}</title>
<style>{_CSS}</style></head>
<body>
<h1>{html.escape(title or "Cue boundaries against the speech")}</h1>
<div class="facts">{"".join(f"<div>{k}<b>{v}</b></div>" for k, v in facts)}</div>
<p class="legend"><span><i style="background:#9cc3e6"></i>speech</span>
<span><i style="background:#cfe8cf"></i>cue within {OK_MS} ms</span>
<span><i style="background:#fbe3b8"></i>within {CLOSE_MS} ms</span>
<span><i style="background:#f6c4c4"></i>further, or no speech</span>
<span>cue times shown after drift and offset; Δ = speech edge &minus; cue edge</span></p>
<div class="scroll" id="timeline">{svg}</div>
<h2>Worst cues</h2>
{table}
<script>
const cfg = {data};
function go(i) {{
  const el = document.querySelector('[data-index="' + i + '"]');
  const box = document.getElementById('timeline');
  box.scrollLeft = Math.max(0, parseFloat(el.getAttribute('x')) - box.clientWidth / 3);
}}
</script>
</body></html>
"""


def _fmt(delta: int | None) -> str:
    return "&ndash;" if delta is None else f"{delta:+d} ms"
