"""Decoding media to 16 kHz mono PCM with ffmpeg, streamed in chunks.

ffmpeg-python builds the command; the ffmpeg binary is the one the imageio-ffmpeg wheel
ships, so ``pip install`` is the whole set-up.  Audio is read from ffmpeg's pipe a
chunk at a time, so memory stays flat however long the media is.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import os
import subprocess
from collections.abc import Iterator

from ..errors import MediaError

SAMPLE_RATE = 16_000
BYTES_PER_MS = SAMPLE_RATE * 2 // 1000  # 16-bit mono
#: Samples (at the media's own rate) in each frame ffmpeg passes on after decoding.
#: ffmpeg demuxes, decodes, filters and writes in threads of their own and hands every
#: frame from one to the next, with a pipe write for each; a codec's own frames are
#: 20-64 ms. Gathered into frames of a third of a second or more, the same samples come
#: out for less CPU: the 7-minute Opus meeting 2.6 -> 1.5 s, a 16-minute AAC talk
#: 1.15 -> 0.9 s.
FRAME_SAMPLES = 16_000


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary: ``SUBTOOLS_FFMPEG`` if set, else the imageio-ffmpeg wheel's."""
    override = os.environ.get("SUBTOOLS_FFMPEG") or os.environ.get("IMAGEIO_FFMPEG_EXE")
    if override:
        return override
    # The wheel keeps its binary in imageio_ffmpeg/binaries/; finding it there saves
    # importing the package (20 ms before decoding can start). Anything unexpected:
    # ask the package.
    spec = importlib.util.find_spec("imageio_ffmpeg")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        found = [
            p
            for p in glob.glob(os.path.join(folder, "binaries", "ffmpeg-*"))
            if os.access(p, os.X_OK)
        ]
        if len(found) == 1:
            return found[0]
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def decode_command(path: str, start_ms: int | None = None, end_ms: int | None = None) -> list[str]:
    """The ffmpeg command that writes the media's audio as 16 kHz mono s16le to stdout.

    >>> cmd = decode_command("talk.m4a")
    >>> cmd[cmd.index("-i") + 1], cmd[cmd.index("-ar") + 1], cmd[cmd.index("-f") + 1]
    ('talk.m4a', '16000', 's16le')
    """
    import ffmpeg

    kwargs: dict[str, object] = {}
    if start_ms is not None:
        kwargs["ss"] = start_ms / 1000
    if end_ms is not None:
        kwargs["to"] = end_ms / 1000
    gather = f"asetnsamples=n={FRAME_SAMPLES}:p=0"  # p=0: the last frame is not padded
    stream = ffmpeg.input(path, **kwargs).output(
        "pipe:", af=gather, ac=1, ar=SAMPLE_RATE, f="s16le", vn=None
    )
    args: list[str] = stream.get_args()
    return [ffmpeg_exe(), "-v", "error", *args, "-nostdin", "-hide_banner"]


def _widen_pipe(fd: int) -> None:
    """Let ffmpeg run up to 1 MB (half a minute of audio) ahead of the reader (Linux).

    With the default 64 kB pipe, ffmpeg stops every few ms until the reading thread,
    which shares the interpreter with the speech detector, gets a turn.
    """
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # other systems, or a lower limit: the default pipe works, a little slower


def pcm_chunks(path: str, chunk_ms: int = 2000) -> Iterator[bytes]:
    """The audio of a media file as PCM chunks of ``chunk_ms`` (the last may be shorter).

    Raises :class:`MediaError` with ffmpeg's own words when the file cannot be decoded.
    """
    if not os.path.exists(path):
        raise MediaError(f"{path}: no such file")
    cmd = decode_command(path)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise MediaError(f"cannot run ffmpeg ({cmd[0]}): {exc.strerror}") from None
    size = chunk_ms * BYTES_PER_MS
    assert proc.stdout is not None and proc.stderr is not None
    _widen_pipe(proc.stdout.fileno())
    try:
        while True:
            chunk = proc.stdout.read(size)
            if not chunk:
                break
            yield chunk
        err = proc.stderr.read().decode("utf-8", "replace")
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if code != 0:
        last = next((ln for ln in reversed(err.strip().splitlines()) if ln.strip()), "")
        raise MediaError(f"{path}: ffmpeg could not decode it: {last or f'exit status {code}'}")
