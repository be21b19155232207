"""Captions and chapters into a video file, in one ffmpeg run, streams copied.

The audio and video packets are copied untouched; each subtitle file becomes a soft
subtitle track in the codec the container takes (``mov_text`` in MP4, SubRip or
WebVTT in Matroska, WebVTT in WebM) with its language and title; chapters come from an
ffmpeg metadata file.  Subtitles in any format subtools reads are handed to ffmpeg as
SRT or WebVTT written from their cues, so the times ffmpeg stores are the cues' own.
The output is written beside itself under a temporary name and renamed when ffmpeg
has finished, so it is whole or not there; inputs are never written.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..chapters import Chapter, ChapterError, to_ffmetadata
from ..errors import MediaError, UsageError
from .decode import ffmpeg_exe

__all__ = ["SubtitleStream", "media_duration", "mux", "mux_command", "probe", "subtitle_codec"]

_CODECS = {
    ".mp4": "mov_text",
    ".m4v": "mov_text",
    ".mov": "mov_text",
    ".mkv": "srt",
    ".mka": "srt",
    ".webm": "webvtt",
}
_MUXERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".webm": "webm"}
_PREFIX = re.compile(r"^\[[^\]]*\]\s*")
# Spaces and tabs only before "Stream": "\s*" would run over empty lines from each.
_STREAM = re.compile(r"^[ \t]*Stream #\d+:\d+\S*: (\w+):", re.M)
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d)\.(\d\d)")
# A language in a subtitle file's name, as yt-dlp names them: talk.en.vtt, talk.pt-BR.srt.
_NAME_LANGUAGE = re.compile(r"\.([a-z]{2}(?:-[A-Za-z0-9]{2,8})*)$")


@dataclass(frozen=True)
class SubtitleStream:
    """A subtitle file as it goes into the output: its codec, language and title."""

    path: str
    codec: str
    language: str | None
    title: str


def subtitle_codec(output: str, source: str) -> str:
    """The subtitle codec the output's container takes for a subtitle file.

    >>> subtitle_codec("talk.mp4", "a.srt"), subtitle_codec("talk.mkv", "a.vtt")
    ('mov_text', 'webvtt')
    >>> subtitle_codec("talk.mkv", "a.json"), subtitle_codec("talk.webm", "a.srt")
    ('srt', 'webvtt')
    """
    ext = os.path.splitext(output)[1].lower()
    codec = _CODECS.get(ext)
    if codec is None:
        known = ", ".join(_CODECS)
        raise UsageError(f"cannot put subtitles in {output!r}: name an output ending in {known}")
    # Matroska keeps WebVTT as WebVTT, so a WebVTT input stays in its own format.
    if codec == "srt" and source.lower().endswith(".vtt"):
        return "webvtt"
    return codec


def language_code(value: str) -> str:
    """The ISO 639-2 code containers store (MP4 takes no other) for a language tag.

    >>> language_code("en"), language_code("pt-BR"), language_code("ger")
    ('eng', 'por', 'deu')
    """
    import langcodes

    try:
        return str(langcodes.Language.get(value).to_alpha3())
    except (LookupError, ValueError):
        raise UsageError(f"not a language code: {value!r} (e.g. en, de, pt-BR, eng)") from None


def _language_from_name(path: str) -> str | None:
    m = _NAME_LANGUAGE.search(Path(path).stem)
    if m is None:
        return None
    try:
        return language_code(m.group(1))
    except UsageError:
        return None


def media_duration(path: str) -> int | None:
    """The media's duration in ms as ffmpeg reports it (to the centisecond), or None."""
    return probe(path)[0]


def probe(path: str) -> tuple[int | None, set[str]]:
    """What ``ffmpeg -i`` reports of the media: its duration in ms (to the centisecond,
    None if it reports none) and the kinds of its streams (``Video``, ``Audio`` ...)."""
    try:
        proc = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", path],
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise MediaError(f"cannot run ffmpeg: {exc.strerror}") from None
    listing = proc.stderr.decode("utf-8", "replace")
    kinds = set(_STREAM.findall(listing))
    m = _DURATION.search(listing)
    if m is None:
        return None, kinds
    h, mi, s, cs = (int(g) for g in m.groups())
    return ((h * 60 + mi) * 60 + s) * 1000 + cs * 10, kinds


def mux_command(
    video: str,
    subtitles: Sequence[SubtitleStream],
    output: str,
    chapters_file: str | None = None,
) -> list[str]:
    """The ffmpeg command: every stream of ``video`` copied, the subtitle files added.

    >>> cmd = mux_command("v.mp4", [SubtitleStream("a.srt", "mov_text", "eng", "a")],
    ...                   "out.mp4", "ch.txt")
    >>> " ".join(cmd[cmd.index("-i"):])  # doctest: +NORMALIZE_WHITESPACE
    '-i v.mp4 -i a.srt -f ffmetadata -i ch.txt -map 0:v? -map 0:a? -map 1 -map 2:s?
     -f mp4 -c:a copy -c:s mov_text -c:v copy -map_chapters 2 -metadata:s:s:0 language=eng
     -metadata:s:s:0 title=a out.mp4 -y'
    """
    import ffmpeg

    source = ffmpeg.input(video)
    streams = [source["v?"], source["a?"], *(ffmpeg.input(s.path) for s in subtitles)]
    options: dict[str, object] = {"c:v": "copy", "c:a": "copy"}
    ext = os.path.splitext(output)[1].lower()
    options["f"] = _MUXERS.get(ext, "matroska")
    if subtitles:
        codecs = {s.codec for s in subtitles}
        if len(codecs) == 1:
            options["c:s"] = codecs.pop()
        else:
            options.update({f"c:s:{i}": s.codec for i, s in enumerate(subtitles)})
    if chapters_file is not None:
        # The metadata input has no streams: an optional map that matches none puts it
        # on the command line without adding a stream, and its chapters are taken.
        streams.append(ffmpeg.input(chapters_file, f="ffmetadata")["s?"])
        options["map_chapters"] = len(subtitles) + 1
    out = ffmpeg.output(*streams, output, **options)
    args: list[str] = out.overwrite_output().get_args()
    # ffmpeg-python writes one option per key: the per-stream metadata pairs go in here.
    at = args.index(output)
    for i, s in enumerate(subtitles):
        pairs = [("language", s.language), ("title", s.title)]
        for key, value in pairs:
            if value:
                args[at:at] = [f"-metadata:s:s:{i}", f"{key}={value}"]
                at += 2
    return [ffmpeg_exe(), "-v", "error", "-nostdin", "-hide_banner", *args]


def _cause(proc: subprocess.CompletedProcess[bytes]) -> str:
    """ffmpeg's first error line, the cause (the lines after it are what it led to),
    without the ``[muxer @ 0x...]`` prefix.

    >>> _cause(subprocess.CompletedProcess([], 1, b"", b"[webm @ 0x5] Only VP8 ...\\n[out] x\\n"))
    'Only VP8 ...'
    """
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    return _PREFIX.sub("", first) or f"exit status {proc.returncode}"


def _refuse_inputs(output: str, inputs: Sequence[str]) -> None:
    out = Path(output)
    for name in inputs:
        same = out.resolve() == Path(name).resolve()
        if same or (out.exists() and os.path.samefile(name, out)):
            raise UsageError(f"output {output!r} is an input file; subtools never overwrites it")


def _checked_chapters(chapters: Sequence[Chapter], duration: int | None) -> list[Chapter]:
    done = []
    for c in chapters:
        if duration is not None and c.start >= duration:
            raise ChapterError(
                f"chapter {c.title!r} starts at {c.start} ms, past the end of the media "
                f"({duration} ms)"
            )
        if c.end is None:
            if duration is None:
                raise MediaError("the media's duration is unknown: the last chapter has no end")
            c = replace(c, end=duration)
        done.append(c)
    return done


def mux(
    video: str | os.PathLike[str],
    subtitles: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    chapters: Sequence[Chapter] | None = None,
    language: str | None = None,
    protect: Sequence[str | os.PathLike[str]] = (),
) -> list[SubtitleStream]:
    """Write ``output``: the video's streams copied, each subtitle file a track, chapters.

    Each subtitle file's language is ``language`` if given, else the one it declares,
    else one in its name (``talk.en.srt``); its title is its own or the file's stem.
    ``protect`` names more files (a chapters file) the output must not replace.
    Returns the subtitle streams as written.
    """
    from ..api import load

    video_s, output_s = os.fspath(video), os.fspath(output)
    subs = [os.fspath(s) for s in subtitles]
    for name in (video_s, *subs):
        if not os.path.isfile(name):
            raise MediaError(f"{name}: no such file")
    _refuse_inputs(output_s, [video_s, *subs, *(os.fspath(p) for p in protect)])
    duration, kinds = probe(video_s)
    if not kinds & {"Video", "Audio"}:
        raise MediaError(f"{video_s}: ffmpeg finds no audio or video stream in it")
    forced = language_code(language) if language else None
    folder = os.path.dirname(os.path.abspath(output_s))
    with tempfile.TemporaryDirectory(prefix="subtools-mux-") as work:
        streams = []
        for i, path in enumerate(subs):
            codec = subtitle_codec(output_s, path)
            track = load(path)
            fmt = "vtt" if codec == "webvtt" else "srt"
            copy = os.path.join(work, f"{i}.{fmt}")
            track.save(copy, fmt)
            found = forced or (language_code(track.language) if track.language else None)
            streams.append(
                SubtitleStream(
                    copy,
                    codec,
                    found or _language_from_name(path),
                    track.title or Path(path).stem,
                )
            )
        meta = None
        if chapters:
            meta = os.path.join(work, "chapters.ffmetadata")
            listed = _checked_chapters(chapters, duration)
            Path(meta).write_text(to_ffmetadata(listed), encoding="utf-8")
        suffix = os.path.splitext(output_s)[1]
        fd, tmp = tempfile.mkstemp(prefix=f".{Path(output_s).stem}.", suffix=suffix, dir=folder)
        os.close(fd)
        try:
            cmd = mux_command(video_s, streams, tmp, meta)
            proc = subprocess.run(cmd, capture_output=True, check=False)
            if proc.returncode != 0:
                raise MediaError(f"{output_s}: ffmpeg could not write it: {_cause(proc)}")
            # mkstemp makes the file private; give the output the mode a new file gets.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, output_s)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    return [replace(s, path=p) for s, p in zip(streams, subs, strict=True)]
