"""Alignment on real speech: damaged subtitles, clean and noisy audio, against ffsubsync.

    python benchmarks/align_real.py [--subtools PATH] [--ffsubsync PATH] [--talks]
        [--only NAME] [--damages LIST] [--mixes LIST] [--modes LIST] [--jobs N]
        [--repeat N] [--json OUT] [--calibration OUT]

Recordings (../shared/data/real/): the monologue and the phone call (their reference cues),
the meeting (its speech regions as cues "speech 1", "speech 2", ...; region edges at a
clip edge are not scored). Each also as a gapless file, as Whisper writes them: every cue
ends where the next begins, at the middle of the pause between them. ``--talks`` adds the
two synthetic talks (../shared/data/talks/, clean and with gaps only).

Each case is damaged (none, shifted +3200 and -1700 ms, stretched by 25/23.976, every
boundary jittered by up to 350 ms) and played over the clean recording and over music,
babble, pink noise and drums mixed 10 dB under the speech. ``subtools align SUBS MEDIA
--json --fix -o OUT`` runs on every one (and with ``--words`` where the CLI has it and
the cues have text), taken from ``--subtools`` (default: ``subtools`` on PATH), so any
checkout can be measured; ffsubsync runs on the shifted and stretched ones.

Scoring. A boundary's truth is the reference time; in a gapless file, a boundary that two
cues share is right anywhere in the pause it stands for (from the reference end of the
one cue to the reference start of the next), and its error is the distance to that pause
(0 inside it). The global correction (``offset_ms``, ``drift``) is scored exactly: the
median over the damaged file's boundaries of where the correction puts them minus where
undoing the damage puts them. A correction counts as applied when the report says so
(``applied``), else when the fixed file's boundaries moved by more than 150 ms (median).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import functools
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, SHARED, need
from _noise import RATE, babble, drums, mix_under, music, pink, read_wav, write_wav

from subtools import Cue, Track, load

REAL = SHARED / "real"
TALKS = SHARED / "talks"
OUT = ROOT / "benchmarks" / "out" / "align_real"
NOISE_VERSION = 1  # bump when _noise changes, so cached mixes are made again
MIX_DB = 10.0
MIXES = ("clean", "music", "babble", "pink", "drums")
MODES = ("default", "words", "ffsubsync")
DAMAGES = ("none", "shift+3200", "shift-1700", "stretch", "jitter")
STRETCH = 25 / 23.976
JITTER_MS = 350
MIN_DURATION_MS = 100
APPLIED_MOVE_MS = 150  # a fixed file moved by more than this (median) had a global correction
WRONG_MS = 250  # a global correction leaving the cues this far off is "confidently wrong"
FOUND_MS = 50  # a shift found this close is found
NEAR_MS = 100
LIST_AT_MOST = 8  # confidently wrong runs listed by name, per mode
TIMED = ("meeting", "eYgPJ_7BkEw")  # the speed line: the meeting, and the long talk
#: What --calibration writes for each run of subtools (with right50 and right250).
CALIBRATION_FIELDS = (
    "case", "recording", "gapless", "damage", "mix", "mode", "confidence", "evidence",
    "applied", "offset_ms", "drift", "true_offset_ms", "true_drift", "global_error_ms",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """A recording and the right subtitles for it, with what each boundary is scored against.

    ``truth[i]`` is ((lo, hi) of the start, (lo, hi) of the end) of cue i, ``None`` where the
    boundary is not scored; lo == hi except for a shared boundary of a gapless file.
    """

    name: str
    recording: str
    media: Path
    cues: tuple[tuple[int, int, str], ...]
    truth: tuple[tuple[tuple[int, int] | None, tuple[int, int] | None], ...]
    speech: tuple[tuple[int, int], ...]  # reference speech spans, for the mixing level
    has_text: bool
    talk: bool = False
    words: tuple[tuple[int, int, str], ...] = ()  # reference word spans, where there are some

    @property
    def duration_ms(self) -> int:
        return max(e for _, e in self.speech)


@dataclass
class Row:
    case: str
    recording: str
    gapless: bool
    damage: str
    mix: str
    mode: str  # default, words, ffsubsync
    talk: bool = False
    ok: bool = True
    error: str = ""
    offset_ms: int | None = None
    drift: float | None = None
    true_offset_ms: int = 0
    true_drift: float = 1.0
    global_error_ms: float | None = None  # signed, median over boundaries
    confidence: float | None = None
    evidence: Any = None
    applied: bool | None = None
    applied_source: str = ""  # "report" or "inferred"
    boundaries: int = 0
    within_before: float | None = None
    within_after: float | None = None
    median_error_after_ms: float | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    audio_min: float = 0.0
    words_scored: int = 0  # reference word boundaries matched by the report's words
    words_within: float | None = None  # share of those within 100 ms
    report_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def right50(self) -> bool:
        return self.global_error_ms is not None and abs(self.global_error_ms) <= FOUND_MS

    @property
    def right250(self) -> bool:
        return self.global_error_ms is not None and abs(self.global_error_ms) <= WRONG_MS

    @property
    def confidently_wrong(self) -> bool:
        """A global correction applied that leaves the cues more than 250 ms off.

        Judged on the fixed file (its signed median boundary error) and on the correction
        itself: in a gapless file a wrong shift can hide inside the pauses it is scored
        against, the correction's own error cannot.
        """
        if not self.applied:
            return False
        after, correction = self.median_error_after_ms, self.global_error_ms
        return any(x is not None and abs(x) > WRONG_MS for x in (after, correction))


# ---------------------------------------------------------------------------- cases


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def _json(path: Path) -> Any:
    return json.loads(need(path).read_text(encoding="utf-8"))


def recordings(talks: bool) -> list[Case]:
    """The cases with gaps, as the references give them."""
    out = []
    for name in ("monologue", "phone-call"):
        data = _json(REAL / name / "truth.json")
        cues = tuple((ms(c["start"]), ms(c["end"]), c["text"]) for c in data["cues"])
        media = next((REAL / name).glob("media.*"))
        case = _case(name, media, cues, [(True, True)] * len(cues), has_text=True)
        words = tuple((ms(w["start"]), ms(w["end"]), w["word"]) for w in data.get("words", ()))
        out.append(replace(case, words=words))
    data = _json(REAL / "meeting" / "truth.json")
    regions = data["speech"]
    cues = tuple(
        (ms(r["start"]), ms(r["end"]), f"speech {i}") for i, r in enumerate(regions, start=1)
    )
    scored = [(not r["at_clip_edge"][0], not r["at_clip_edge"][1]) for r in regions]
    media = next((REAL / "meeting").glob("media.*"))
    out.append(_case("meeting", media, cues, scored, has_text=False))
    if talks:
        for truth in sorted(TALKS.glob("*.truth.json")):
            tid = truth.name.removesuffix(".truth.json")
            data = _json(truth)
            cues = tuple((ms(c["start"]), ms(c["end"]), c["text"]) for c in data["cues"])
            case = _case(tid, TALKS / f"{tid}.m4a", cues, [(True, True)] * len(cues), True)
            out.append(replace(case, talk=True))
    return out


def _case(
    name: str,
    media: Path,
    cues: tuple[tuple[int, int, str], ...],
    scored: list[tuple[bool, bool]],
    has_text: bool,
) -> Case:
    truth = tuple(
        ((s, s) if ss else None, (e, e) if se else None)
        for (s, e, _), (ss, se) in zip(cues, scored, strict=True)
    )
    speech = tuple((s, e) for s, e, _ in cues)
    return Case(name, name, media, cues, truth, speech, has_text)


def gapless(case: Case) -> Case:
    """Every cue ends where the next begins, at the middle of the pause between them.

    The shared boundary is scored against the whole pause (reference end of the one cue to
    reference start of the next); if either reference edge is not scored, neither is it.
    """
    cues = list(case.cues)
    truth = [list(t) for t in case.truth]
    for i in range(len(cues) - 1):
        (s0, e0, t0), (s1, e1, t1) = cues[i], cues[i + 1]
        mid = (e0 + s1) // 2
        cues[i], cues[i + 1] = (s0, mid, t0), (mid, e1, t1)
        end_iv, start_iv = case.truth[i][1], case.truth[i + 1][0]
        shared = None
        if end_iv is not None and start_iv is not None:
            shared = (min(e0, s1), max(e0, s1))
        truth[i][1] = truth[i + 1][0] = shared
    return replace(
        case, name=f"{case.name}-gapless", cues=tuple(cues), truth=tuple((a, b) for a, b in truth)
    )


def case_list(talks: bool) -> list[Case]:
    """Every recording as the references give it and gapless; the talks as they are."""
    cases = []
    for c in recordings(talks):
        cases.append(c)
        if not c.talk:  # the talks are kept as they are: their figures must not move
            cases.append(gapless(c))
    return cases


# ---------------------------------------------------------------------------- damages


@dataclass(frozen=True)
class Damaged:
    """The damaged cues (index into the case's cues, start, end) and how to undo the damage."""

    cues: tuple[tuple[int, int, int], ...]
    true_offset_ms: int
    true_drift: float

    def undo(self, t: float) -> float:
        """Where a boundary of the damaged file belongs: the damage's global part undone."""
        return t * self.true_drift + self.true_offset_ms


def seed(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def damage(case: Case, kind: str) -> Damaged:
    spans = [(s, e) for s, e, _ in case.cues]
    if kind == "none":
        return Damaged(tuple((i, s, e) for i, (s, e) in enumerate(spans)), 0, 1.0)
    if kind.startswith("shift"):
        shift = int(kind.removeprefix("shift"))
        kept = tuple((i, s + shift, e + shift) for i, (s, e) in enumerate(spans) if s + shift >= 0)
        return Damaged(kept, -shift, 1.0)
    if kind == "stretch":
        cues = tuple((i, round(s * STRETCH), round(e * STRETCH)) for i, (s, e) in enumerate(spans))
        return Damaged(cues, 0, 1 / STRETCH)
    if kind == "jitter":
        return Damaged(jitter(spans, np.random.default_rng(seed(case.name, kind))), 0, 1.0)
    raise ValueError(kind)


def jitter(
    spans: list[tuple[int, int]], rng: np.random.Generator
) -> tuple[tuple[int, int, int], ...]:
    """Every boundary moved by a uniform ±350 ms, keeping order and 100 ms per cue.

    A boundary two cues share (they touch) moves once, so they still touch.
    """
    out: list[tuple[int, int, int]] = []
    prev_end, prev_true_end = 0, None
    for i, (s, e) in enumerate(spans):
        if prev_true_end is not None and s == prev_true_end and out:
            start = out[-1][2]  # the shared boundary, already moved
        else:
            start = max(s + int(rng.integers(-JITTER_MS, JITTER_MS + 1)), prev_end, 0)
        end = max(e + int(rng.integers(-JITTER_MS, JITTER_MS + 1)), start + MIN_DURATION_MS)
        out.append((i, start, end))
        prev_end, prev_true_end = end, e
    return tuple(out)


def subs_file(case: Case, kind: str) -> Path:
    """The case's subtitles with the damage, as SRT (the same every time: seeded)."""
    path = OUT / "subs" / f"{case.name}.{kind}.srt"
    path.parent.mkdir(parents=True, exist_ok=True)
    dmg = damage(case, kind)
    Track(tuple(Cue(s, e, case.cues[i][2]) for i, s, e in dmg.cues)).save(path)
    return path


# ---------------------------------------------------------------------------- audio


def ffmpeg() -> str:
    try:
        from subtools.media.decode import ffmpeg_exe
    except ImportError:  # an older checkout
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    return ffmpeg_exe()


def decoded(media: Path, name: str) -> Path:
    """The media as 16 kHz mono 16-bit WAV, decoded once."""
    out = OUT / "audio" / f"{name}.wav"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.part.wav")
        cmd = [ffmpeg(), "-v", "error", "-nostdin", "-y", "-i", str(media), "-vn"]
        cmd += ["-ac", "1", "-ar", str(RATE), "-c:a", "pcm_s16le", str(tmp)]
        subprocess.run(cmd, check=True)
        tmp.replace(out)
    return out


def speech_rms(samples: np.ndarray, spans: Iterable[tuple[int, int]]) -> float:
    parts = [samples[s * RATE // 1000 : e * RATE // 1000] for s, e in spans]
    joined = np.concatenate([p for p in parts if len(p)])
    return float(np.sqrt(np.mean(np.square(joined))))


def make_mixes(cases: list[Case], mixes: Iterable[str]) -> dict[str, Path]:
    """Every noisy mix of every recording, as WAV files (cached): {recording.mix: path}."""
    mixes = [m for m in mixes if m != "clean"]
    recs = {c.recording: c for c in cases if not c.talk}
    if not mixes or not recs:
        return {}
    wavs = {name: decoded(c.media, name) for name, c in recs.items()}
    voices_from = {name: decoded(c.media, name) for name, c in _all_recordings().items()}
    for m4a in sorted(TALKS.glob("*.m4a")):
        voices_from[m4a.stem] = decoded(m4a, m4a.stem)
    out: dict[str, Path] = {}
    for name, case in recs.items():
        for mix in mixes:
            path = OUT / "audio" / f"{name}.{mix}{MIX_DB:g}dB.v{NOISE_VERSION}.wav"
            out[f"{name}.{mix}"] = path
            if path.exists():
                continue
            speech = read_wav(wavs[name])
            rng = np.random.default_rng(seed(name, mix))
            n = len(speech)
            if mix == "pink":
                noise = pink(n, rng)
            elif mix == "music":
                noise = music(n, rng)
            elif mix == "drums":
                noise = drums(n, rng)
            elif mix == "babble":
                others = [read_wav(p) for v, p in sorted(voices_from.items()) if v != name]
                noise = babble(n, rng, others)
            else:
                raise ValueError(mix)
            level = speech_rms(speech, case.speech)
            write_wav(path, mix_under(speech, noise, level, MIX_DB))
            print(f"made {path.name}", file=sys.stderr)
    return out


def _all_recordings() -> dict[str, Case]:
    """Every real recording, for babble: the others' voices, whatever --only picked."""
    return {c.recording: c for c in recordings(talks=False)}


@functools.cache
def _minutes(media: Path, name: str) -> float:
    with wave.open(str(decoded(media, name)), "rb") as fh:
        return fh.getnframes() / fh.getframerate() / 60


def audio_minutes(case: Case) -> float:
    return _minutes(case.media, case.recording)


# ---------------------------------------------------------------------------- running


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    cpu_s: float


def run(cmd: list[str]) -> Ran:
    """Run a whole process; its wall time and CPU (user + system, its children included).

    ``os.wait4`` gives the rusage of exactly this child, the same figure as a
    ``getrusage(RUSAGE_CHILDREN)`` delta around it but right also when runs overlap (--jobs).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Ran(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            wall,
            usage.ru_utime + usage.ru_stime,
        )


def read_output(path: Path) -> list[tuple[int, int, str]]:
    if not path.exists() or not path.read_text(encoding="utf-8", errors="replace").strip():
        return []  # ffsubsync writes an empty file when every cue went before 0
    return [(c.start, c.end, c.text) for c in load(path)]


def _norm(text: str) -> str:
    return " ".join(text.split())


def match(case: Case, out: list[tuple[int, int, str]]) -> list[tuple[int, int, int]]:
    """The output's cues as (index of the case's cue, start, end), matched by text in order.

    Tools may drop cues (ffsubsync drops those it moves before 0); texts are unique per
    case (the meeting's are numbered), so each output cue finds its own.
    """
    texts = [_norm(t) for _, _, t in case.cues]
    found, at = [], 0
    for s, e, text in out:
        key = _norm(text)
        try:
            i = texts.index(key, at)
        except ValueError:
            continue
        found.append((i, s, e))
        at = i + 1
    return found


def boundary_error(t: float, iv: tuple[int, int]) -> float:
    """Signed distance from ``t`` to the interval ``iv`` (0 inside it)."""
    lo, hi = iv
    return t - hi if t > hi else t - lo if t < lo else 0.0


def errors(case: Case, cues: Iterable[tuple[int, int, int]]) -> list[float]:
    out = []
    for i, s, e in cues:
        start_iv, end_iv = case.truth[i]
        if start_iv is not None:
            out.append(boundary_error(s, start_iv))
        if end_iv is not None:
            out.append(boundary_error(e, end_iv))
    return out


def global_error(case: Case, dmg: Damaged, correct: Callable[[float], float]) -> float | None:
    """Signed median of (the correction's place - the right place) over scored boundaries."""
    diffs = []
    for i, s, e in dmg.cues:
        start_iv, end_iv = case.truth[i]
        for t, iv in ((s, start_iv), (e, end_iv)):
            if iv is not None:
                diffs.append(correct(t) - dmg.undo(t))
    return statistics.median(diffs) if diffs else None


def share_within(errs: list[float]) -> float | None:
    return sum(abs(x) <= NEAR_MS for x in errs) / len(errs) if errs else None


@dataclass(frozen=True)
class Task:
    case: Case
    damage: str
    mix: str
    mode: str
    subs: Path
    media: Path


@dataclass(frozen=True)
class Tools:
    subtools: str
    ffsubsync: str | None
    ffdir: Path  # ffmpeg (and ffprobe, if there is one) for ffsubsync
    extra: tuple[str, ...] = ()  # more options for every ``subtools align``

    @property
    def runs(self) -> Path:
        """Where the fixed files and logs go: one folder per CLI and options, so harnesses
        measuring different checkouts at once do not write over each other's."""
        return OUT / "runs" / f"{seed(self.subtools, *self.extra):08x}"

    def command(self, mode: str, subs: Path, media: Path, out: Path) -> list[str]:
        """The command line of one run: ``subtools align`` in a mode, or ffsubsync."""
        if mode == "ffsubsync":
            assert self.ffsubsync
            cmd = [self.ffsubsync, str(media), "-i", str(subs), "-o", str(out)]
            return [*cmd, "--ffmpeg-path", str(self.ffdir)]
        cmd = [self.subtools, "align", str(subs), str(media), "--json", "--fix", "-o", str(out)]
        return [*cmd, *self.extra, *(["--words"] if mode == "words" else [])]


def run_task(task: Task, tools: Tools) -> Row:
    case, dmg = task.case, damage(task.case, task.damage)
    row = Row(
        case.name,
        case.recording,
        case.name.endswith("-gapless"),
        task.damage,
        task.mix,
        task.mode,
        talk=case.talk,
        true_offset_ms=dmg.true_offset_ms,
        true_drift=dmg.true_drift,
        audio_min=audio_minutes(case),
    )
    before = errors(case, dmg.cues)
    row.boundaries = len(before)
    row.within_before = share_within(before)
    folder = tools.runs / case.name / task.damage / task.mix
    folder.mkdir(parents=True, exist_ok=True)
    fixed = folder / f"{task.mode}.srt"
    fixed.unlink(missing_ok=True)
    ran = run(tools.command(task.mode, task.subs, task.media, fixed))
    row.wall_s, row.cpu_s = ran.wall_s, ran.cpu_s
    (folder / f"{task.mode}.log").write_text(ran.stderr, encoding="utf-8")
    if ran.returncode != 0:
        row.ok, row.error = False, (ran.stderr.strip().splitlines() or ["?"])[-1][:200]
        return row
    out = match(case, read_output(fixed))
    after = errors(case, out)
    # Over the input's boundaries: a cue the tool dropped is not within.
    row.within_after = sum(abs(x) <= NEAR_MS for x in after) / len(before) if before else None
    row.median_error_after_ms = statistics.median(after) if after else None
    by_index = {i: (s, e) for i, s, e in dmg.cues}
    moves = [s - by_index[i][0] for i, s, _ in out] + [e - by_index[i][1] for i, _, e in out]
    moved = abs(statistics.median(moves)) > APPLIED_MOVE_MS if moves else False
    if task.mode == "ffsubsync":
        _ffsubsync_fields(row, ran.stderr, case, dmg, out)
        row.applied, row.applied_source = True, "always"
        return row
    try:
        report = json.loads(ran.stdout)
    except json.JSONDecodeError:
        row.ok, row.error = False, f"no JSON report on stdout: {ran.stdout[:80]!r}"
        return row
    row.offset_ms, row.drift = report.get("offset_ms"), report.get("drift")
    row.confidence = report.get("confidence")
    row.evidence = report.get("evidence")
    row.report_extra = {
        k: v for k, v in report.items() if k not in {"cues", "evidence", "within", "words"}
    }
    row.words_scored, row.words_within = word_scores(case, report)
    if "applied" in report:
        row.applied, row.applied_source = bool(report["applied"]), "report"
    else:
        row.applied, row.applied_source = moved, "inferred"
    if row.offset_ms is not None:
        drift, offset = row.drift or 1.0, row.offset_ms
        row.global_error_ms = global_error(case, dmg, lambda t: t * drift + offset)
    return row


def _token(text: str) -> str:
    return re.sub(r"[^\w']", "", text.lower())


def _reported_words(report: Any) -> list[tuple[int, int, str]]:
    """Every word with times anywhere in the report: items of a list named ``words`` with
    ``start_ms``/``end_ms`` (or ``start``/``end`` in seconds) and ``text`` (or ``word``)."""
    found: list[tuple[int, int, str]] = []
    if isinstance(report, dict):
        for key, value in report.items():
            if key == "words" and isinstance(value, list):
                for w in value:
                    if not isinstance(w, dict):
                        continue
                    text = w.get("text", w.get("word"))
                    if "start_ms" in w and "end_ms" in w:
                        start, end = w["start_ms"], w["end_ms"]
                    elif "start" in w and "end" in w:
                        start, end = ms(w["start"]), ms(w["end"])
                    else:
                        continue
                    if isinstance(text, str) and start is not None and end is not None:
                        found.append((int(start), int(end), text))
            else:
                found += _reported_words(value)
    elif isinstance(report, list):
        for item in report:
            found += _reported_words(item)
    return found


def word_scores(case: Case, report: Any) -> tuple[int, float | None]:
    """Word boundaries in the report against the reference words (matched by text in order):
    how many were matched, and the share within 100 ms."""
    reported = _reported_words(report)
    if not case.words or not reported:
        return 0, None
    ref = [_token(w) for _, _, w in case.words]
    got = [_token(w) for _, _, w in reported]
    errs = []
    for block in difflib.SequenceMatcher(None, ref, got, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            (rs, re_, _), (gs, ge, _) = case.words[block.a + k], reported[block.b + k]
            errs += [gs - rs, ge - re_]
    return len(errs), share_within(errs)


def _ffsubsync_fields(
    row: Row, log: str, case: Case, dmg: Damaged, out: list[tuple[int, int, int]]
) -> None:
    """What ffsubsync found and applied: its log's offset and scale, else what it wrote.

    ffsubsync moves every cue by one scale and offset (scale first), and drops the cues
    that end up before 0: when it drops them all, only its log says what it did.
    """
    text = " ".join(log.split())
    if m := re.search(r"score: (-?[\d.]+)", text):
        row.evidence = {"score": float(m.group(1))}
    offset = re.search(r"offset seconds: (-?[\d.]+)", text)
    scale = re.search(r"framerate scale factor: ([\d.]+)", text)
    if offset and scale:
        row.offset_ms, row.drift = ms(float(offset.group(1))), float(scale.group(1))
        drift, shift = row.drift, row.offset_ms
        row.global_error_ms = global_error(case, dmg, lambda t: t * drift + shift)
        return
    by_index = {i: (s, e) for i, s, e in dmg.cues}
    diffs = []
    for i, s, e in out:
        start_iv, end_iv = case.truth[i]
        if start_iv is not None:
            diffs.append(s - dmg.undo(by_index[i][0]))
        if end_iv is not None:
            diffs.append(e - dmg.undo(by_index[i][1]))
    row.global_error_ms = statistics.median(diffs) if diffs else None


# ---------------------------------------------------------------------------- reporting


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x:+.0f} ms"


def pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def group(r: Row) -> str:
    """What a row counts towards: clean or noisy, with gaps or gapless, or the talks."""
    if r.talk:
        return "talks"
    return ("clean" if r.mix == "clean" else "noisy") + (" gapless" if r.gapless else "")


def pooled_within(rows: list[Row]) -> tuple[float | None, int]:
    """Share of boundaries within 100 ms after --fix, pooled over rows (failed runs: none)."""
    good = total = 0
    for r in rows:
        total += r.boundaries
        if r.within_after is not None:
            good += round(r.within_after * r.boundaries)
    return (good / total if total else None), total


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'case':<22} {'damage':<10} {'mix':<7} {'mode':<9} {'offset':>8} {'drift':>8} "
        f"{'err':>7} {'applied':<9} {'conf':>5} {'in100':>11} {'wall':>6} {'cpu':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        if not r.ok:
            print(f"{r.case:<22} {r.damage:<10} {r.mix:<7} {r.mode:<9} FAILED: {r.error}")
            continue
        off = "-" if r.offset_ms is None else f"{r.offset_ms:+d}"
        drift = "-" if r.drift is None else f"{r.drift:.5f}"
        err = "-" if r.global_error_ms is None else f"{r.global_error_ms:+.0f}"
        applied = "-" if r.applied is None else ("yes" if r.applied else "no")
        if r.applied_source == "inferred":
            applied += "?"
        conf = "-" if r.confidence is None else f"{r.confidence:.2f}"
        within = f"{pct(r.within_before)}→{pct(r.within_after)}"
        print(
            f"{r.case:<22} {r.damage:<10} {r.mix:<7} {r.mode:<9} {off:>8} {drift:>8} {err:>7} "
            f"{applied:<9} {conf:>5} {within:>11} {r.wall_s:6.2f} {r.cpu_s:6.2f}"
        )
    print("err: the global correction's signed median error (ms); applied? = inferred from the")
    print("fixed file; in100: boundaries within 100 ms before → after --fix")


def summary(rows: list[Row], timing: dict[str, dict[str, float]]) -> None:
    real = rows  # a failed run counts as a shift not found
    modes = sorted({r.mode for r in rows}, key=("default", "words", "ffsubsync").index)
    print("\n== acceptance lines")
    for mode in modes:
        mine = [r for r in real if r.mode == mode]
        wrong = [r for r in mine if r.confidently_wrong]
        print(
            f"(a) {mode}: confidently wrong (applied, > {WRONG_MS} ms off): "
            f"{len(wrong)} of {len(mine)} runs"
        )
        for r in wrong[:LIST_AT_MOST]:
            print(
                f"      {r.case} {r.damage} {r.mix}: correction error "
                f"{_ms(r.global_error_ms)}, after --fix median {_ms(r.median_error_after_ms)}"
            )
        if len(wrong) > LIST_AT_MOST:
            print(f"      and {len(wrong) - LIST_AT_MOST} more (--json OUT lists every run)")
    for mode in modes:
        for label, noisy in (("clean", False), ("noisy", True)):
            shifts = [
                r
                for r in real
                if r.mode == mode
                and r.damage.startswith("shift")
                and not r.talk
                and (r.mix != "clean") == noisy
            ]
            if shifts:
                found = sum(r.right50 for r in shifts)
                print(
                    f"(b) {mode}: shifts found within {FOUND_MS} ms, {label}: "
                    f"{found}/{len(shifts)} = {found / len(shifts):.0%}"
                )
    for damage_kind, tag in (("none", "(c)"), ("jitter", "(d)")):
        for mode in (m for m in modes if m != "ffsubsync"):
            for label in ("clean", "clean gapless", "noisy", "noisy gapless", "talks"):
                chosen = [
                    r
                    for r in rows
                    if r.mode == mode and r.damage == damage_kind and group(r) == label
                ]
                share, n = pooled_within(chosen)
                if n:
                    print(
                        f"{tag} {mode}: --fix on {damage_kind}, {label}: within {NEAR_MS} ms "
                        f"{pct(share)} of {n} boundaries"
                    )
    scored = [r for r in rows if r.words_scored and r.words_within is not None]
    for mode in modes:
        for label, noisy in (("clean", False), ("noisy", True)):
            mine = [r for r in scored if r.mode == mode and (r.mix != "clean") == noisy]
            n = sum(r.words_scored for r in mine)
            if n:
                good = sum(round(r.words_within * r.words_scored) for r in mine if r.words_within)
                print(
                    f"    {mode}: reported word boundaries within {NEAR_MS} ms of the reference "
                    f"words, {label}: {good / n:.0%} of {n}"
                )
    for mode in modes:
        talks = [r for r in rows if r.talk and r.mode == mode]
        shifts = [r.global_error_ms for r in talks if r.damage.startswith("shift")]
        drifts = [r.drift for r in talks if r.damage == "stretch"]
        if shifts:
            worst = max((abs(x) for x in shifts if x is not None), default=None)
            print(f"talks {mode}: worst shift error {_ms(worst)} ({len(shifts)} runs)", end="")
            print(f", drift on stretch {drifts} (want {1 / STRETCH:.5f} ± 0.0005)")
    for name, t in timing.items():
        print(f"(e) {name}")
        for tool in ("subtools", "ffsubsync"):
            if f"{tool}_wall" in t:
                print(
                    f"      {tool}: wall {t[f'{tool}_wall']:.2f} s, CPU {t[f'{tool}_cpu']:.2f} s"
                    f" (median of {t['repeat']:g})"
                )
        if "ffsubsync_wall" in t and "subtools_wall" in t:
            ratio = t["subtools_wall"] / t["ffsubsync_wall"]
            print(f"      wall ratio subtools/ffsubsync: {ratio:.2f}")
    words = [r for r in rows if r.mode == "words" and r.mix == "clean" and r.ok]
    if words:
        cpu = sum(r.cpu_s for r in words)
        minutes = sum(r.audio_min for r in words)
        print(
            f"(e) --words: {cpu / minutes:.2f} s CPU per minute of clean audio ({len(words)} runs)"
        )
    default = [r for r in rows if r.mode == "default" and r.ok]
    if default:
        cpu = sum(r.cpu_s for r in default) / sum(r.audio_min for r in default)
        print(f"    default: {cpu:.2f} s CPU per minute of audio ({len(default)} runs)")


def timing_runs(cases: list[Case], tools: Tools, repeat: int) -> dict[str, dict[str, float]]:
    """Whole-process time of ``align --json --fix -o OUT`` vs ffsubsync, clean, shifted +3200.

    On the meeting and the 15.9-minute talk (when picked); the two take turns, median of
    ``repeat``.
    """
    out = {}
    modes = ["default", "ffsubsync"] if tools.ffsubsync else ["default"]
    for case in cases:
        if case.name not in TIMED:
            continue
        subs = subs_file(case, "shift+3200")
        runs: dict[str, list[Ran]] = {m: [] for m in modes}
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(repeat):
                for mode in modes:
                    runs[mode].append(
                        run(tools.command(mode, subs, case.media, Path(tmp, "o.srt")))
                    )
        minutes = audio_minutes(case)
        entry = {"repeat": float(repeat), "minutes": minutes}
        for mode, done in runs.items():
            tool = "subtools" if mode == "default" else mode
            entry[f"{tool}_wall"] = statistics.median(r.wall_s for r in done)
            entry[f"{tool}_cpu"] = statistics.median(r.cpu_s for r in done)
        out[f"{case.name} ({minutes:.1f} min), shifted +3200 ms, clean"] = entry
    return out


# ---------------------------------------------------------------------------- main


def _beside_python(name: str) -> str | None:
    """A command on PATH, else in this interpreter's bin folder (a venv run unactivated)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subtools", default=shutil.which("subtools"), help="the CLI to measure")
    ap.add_argument("--ffsubsync", default=_beside_python("ffsubsync"), help="'' to skip it")
    ap.add_argument("--talks", action="store_true", help="add the two synthetic talks")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="only this recording or case (monologue, monologue-gapless, ...); repeatable",
    )
    ap.add_argument("--damages", type=_list, default=list(DAMAGES), help=",".join(DAMAGES))
    ap.add_argument("--mixes", type=_list, default=list(MIXES), help=",".join(MIXES))
    ap.add_argument("--modes", type=_list, default=list(MODES), help=",".join(MODES))
    ap.add_argument(
        "--align-args",
        type=shlex.split,
        default=[],
        metavar="'ARGS'",
        help="more options for every subtools align: --align-args='--detector energy'",
    )
    ap.add_argument("--jobs", type=int, default=1, help="runs at once (timings want 1)")
    ap.add_argument("--repeat", type=int, default=3, help="timing runs on the meeting (0: none)")
    ap.add_argument("--json", type=Path, help="write every row here")
    ap.add_argument("--calibration", type=Path, help="write confidence/evidence rows here")
    args = ap.parse_args()
    if not args.subtools:
        sys.exit("no subtools CLI: give --subtools PATH")
    for value, known in ((args.damages, DAMAGES), (args.mixes, MIXES), (args.modes, MODES)):
        if bad := set(value) - set(known):
            sys.exit(f"unknown: {', '.join(sorted(bad))} (known: {', '.join(known)})")
    help_text = run([args.subtools, "align", "--help"]).stdout
    modes = [m for m in args.modes if m != "words" or "--words" in help_text]
    if not args.ffsubsync:
        modes = [m for m in modes if m != "ffsubsync"]
    ffdir = OUT / "bin"
    ffdir.mkdir(parents=True, exist_ok=True)
    # ffsubsync looks for ffmpeg (and ffprobe, which it can do without) in one folder.
    for exe, target in (("ffmpeg", ffmpeg()), ("ffprobe", shutil.which("ffprobe"))):
        link = ffdir / exe
        link.unlink(missing_ok=True)
        if target:
            link.symlink_to(target)
    ffsubsync = args.ffsubsync if "ffsubsync" in modes else None
    tools = Tools(args.subtools, ffsubsync, ffdir, tuple(args.align_args))

    cases = case_list(args.talks)
    if args.only:
        cases = [c for c in cases if c.name in args.only or c.recording in args.only]
    if not cases:
        sys.exit("no case left after --only")
    mix_paths = make_mixes(cases, args.mixes)

    tasks = []
    for case in cases:
        for kind in args.damages:
            subs = subs_file(case, kind)
            for mix in args.mixes:
                if case.talk and mix != "clean":
                    continue
                media = case.media if mix == "clean" else mix_paths[f"{case.recording}.{mix}"]
                for mode in modes:
                    if mode == "words" and not case.has_text:
                        continue
                    if mode == "ffsubsync" and kind not in ("shift+3200", "shift-1700", "stretch"):
                        continue
                    tasks.append(Task(case, kind, mix, mode, subs, media))
    print(
        f"{len(tasks)} runs: {len(cases)} cases, damages {','.join(args.damages)}, "
        f"mixes {','.join(args.mixes)}, modes {','.join(modes)}; subtools = {args.subtools}; "
        f"fixed files and logs in {tools.runs}",
        file=sys.stderr,
    )
    for c in cases:  # decode once before the workers start
        audio_minutes(c)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = [pool.submit(run_task, t, tools) for t in tasks]
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            r = future.result()
            outcome = f"error {_ms(r.global_error_ms)}, within 100 ms {pct(r.within_after)}"
            if not r.ok:
                outcome = f"FAILED: {r.error}"
            head = f"[{done}/{len(tasks)}] {r.case} {r.damage} {r.mix} {r.mode}"
            print(f"{head}: {outcome}", file=sys.stderr)
        rows = [f.result() for f in futures]
    print_table(rows)
    timing = {}
    if args.repeat > 0 and "default" in modes:
        timing = timing_runs(cases, tools, args.repeat)
    summary(rows, timing)
    if args.json:
        dump = [{**asdict(r), "confidently_wrong": r.confidently_wrong} for r in rows]
        args.json.write_text(json.dumps({"rows": dump, "timing": timing}, indent=1))
    if args.calibration:
        keep = CALIBRATION_FIELDS
        calib = [
            {**{k: asdict(r)[k] for k in keep}, "right50": r.right50, "right250": r.right250}
            for r in rows
            if r.ok and r.mode != "ffsubsync"
        ]
        args.calibration.write_text(json.dumps(calib, indent=1))


if __name__ == "__main__":
    main()
