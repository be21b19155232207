"""Plain text: the words of each cue on one line, no times (write only)."""

from __future__ import annotations

from ..model import Track
from .base import Format


def write(track: Track) -> str:
    lines = (" ".join(cue.text.split()) for cue in track.cues)
    return "".join(f"{line}\n" for line in lines if line)


FORMAT = Format(
    name="txt",
    extensions=(".txt",),
    description="plain text (write only)",
    write=write,
    aliases=("text",),
)
