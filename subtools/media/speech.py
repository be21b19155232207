"""Where the speech is: voice activity in 10 ms frames, and speech edges to the ms.

One streaming pass over the decoded audio keeps two small records: a voice-activity
flag per 10 ms frame (from a :class:`SpeechDetector`, webrtcvad by default) and a
loudness envelope per millisecond (one byte each, 3.6 MB an hour).  Activity says
*whether* there is speech; the envelope says exactly *where* each stretch of speech
starts and ends, since voice-activity detectors hold on after speech for ~100 ms.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .decode import BYTES_PER_MS, SAMPLE_RATE, pcm_chunks

if TYPE_CHECKING:
    from concurrent.futures import Future

    import numpy as np

FRAME_MS = 10
_FRAME_BYTES = FRAME_MS * BYTES_PER_MS


class SpeechDetector(Protocol):
    """Anything that marks 10 ms frames of 16 kHz mono s16le PCM as speech (1) or not (0)."""

    name: str

    def frames(self, pcm: bytes) -> bytes:
        """One byte per whole 10 ms frame of ``pcm``: 1 for speech, 0 for none."""
        ...


class WebRtcDetector:
    """Google's WebRTC voice activity detector; ``aggressiveness`` 0 (lenient) to 3."""

    def __init__(self, aggressiveness: int = 2) -> None:
        if aggressiveness not in (0, 1, 2, 3):
            from ..errors import UsageError

            raise UsageError("VAD aggressiveness must be 0, 1, 2 or 3")
        self.name = f"webrtcvad-{aggressiveness}"
        self._is_speech: Callable[[bytes], bool]
        # webrtcvad.Vad is a thin wrapper over the C module _webrtcvad (shipped with it);
        # its per-frame checks cost a fifth of the detector's time and importing it reads
        # package metadata, so the C module is called directly when it is there.
        try:
            import _webrtcvad

            vad = _webrtcvad.create()
            _webrtcvad.init(vad)
            _webrtcvad.set_mode(vad, aggressiveness)
            process = _webrtcvad.process
            self._is_speech = lambda frame: process(vad, SAMPLE_RATE, frame, _FRAME_BYTES // 2)
        except (ImportError, AttributeError):
            import webrtcvad

            wrapper = webrtcvad.Vad(aggressiveness)
            self._is_speech = lambda frame: wrapper.is_speech(frame, SAMPLE_RATE)

    def frames(self, pcm: bytes) -> bytes:
        is_speech = self._is_speech
        return bytes(
            [
                is_speech(pcm[i : i + _FRAME_BYTES])
                for i in range(0, len(pcm) - _FRAME_BYTES + 1, _FRAME_BYTES)
            ]
        )


class EnergyDetector:
    """Speech where a frame is ``margin_db`` louder than the quietest of the last seconds.

    A dependency-free fallback, good for clean recordings.
    """

    def __init__(self, margin_db: float = 12.0, memory_frames: int = 300) -> None:
        self.name = "energy"
        self.margin_db = margin_db
        self._recent: list[float] = []
        self._memory = memory_frames

    def frames(self, pcm: bytes) -> bytes:
        import numpy as np

        n = len(pcm) // _FRAME_BYTES
        x = np.frombuffer(pcm[: n * _FRAME_BYTES], np.int16).astype(np.float32).reshape(n, -1)
        db = 10 * np.log10((x * x).mean(axis=1) + 1.0)
        out = bytearray(n)
        for i, level in enumerate(db.tolist()):
            self._recent.append(level)
            if len(self._recent) > self._memory:
                del self._recent[0]
            out[i] = level > min(self._recent) + self.margin_db
        return bytes(out)


@dataclass
class Speech:
    """What one pass over the audio found.

    ``frames``: 1 byte per 10 ms, speech or not.  ``envelope``: 1 byte per ms, the
    loudness in half-dB steps.
    """

    frames: bytes
    envelope: bytes
    duration_ms: int
    detector: str
    _edges: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def activity(self, fill_ms: int = 150, min_ms: int = 100) -> np.ndarray:
        """Speech per 10 ms frame, smoothed: gaps under ``fill_ms`` filled, then bursts
        under ``min_ms`` dropped."""
        import numpy as np

        act = np.frombuffer(self.frames, np.uint8).astype(bool)
        act = _fill_runs(act, False, math.ceil(fill_ms / FRAME_MS))
        return _fill_runs(act, True, math.ceil(min_ms / FRAME_MS))

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Speech onsets and offsets in ms, each placed to the ms on the loudness envelope."""
        if self._edges is None:
            self._edges = _refine_edges(self)
        return self._edges


def analyse(path: str, detector: SpeechDetector | None = None, aggressiveness: int = 2) -> Speech:
    """Decode the media and find its speech in one streaming pass.

    A reader thread drains ffmpeg's pipe while this thread runs the detector, so the
    decoder never waits for the detector: the pass takes about as long as the decoding.
    Without a ``detector``, webrtcvad at ``aggressiveness`` is used.
    """
    import queue
    import threading

    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=64)

    def read() -> None:
        try:
            for chunk in pcm_chunks(path, chunk_ms=1000):
                chunks.put(chunk)
        except BaseException as exc:  # handed to the consuming thread, raised there
            chunks.put(exc)
        else:
            chunks.put(None)

    reader = threading.Thread(target=read, name="subtools-decode", daemon=True)
    reader.start()
    # ffmpeg is running by now: the imports below overlap with its start-up.
    import numpy as np

    det = detector or WebRtcDetector(aggressiveness)
    frames = bytearray()
    envelope = bytearray()
    carry = b""
    total = 0
    while True:
        item = chunks.get()
        if item is None:
            break
        if isinstance(item, BaseException):
            raise item
        total += len(item)
        data = carry + item if carry else item
        whole = len(data) - len(data) % _FRAME_BYTES
        frames += det.frames(data[:whole])
        envelope += _envelope(np.frombuffer(data, np.int16, count=whole // 2))
        carry = data[whole:]
    reader.join()
    return Speech(bytes(frames), bytes(envelope), total // BYTES_PER_MS, det.name)


def start_analysis(
    path: str, detector: SpeechDetector | None = None, aggressiveness: int = 2
) -> Future[Speech]:
    """:func:`analyse` in the background: decoding starts now, the result comes later.

    A caller with other work (reading the subtitles, say) does it while ffmpeg decodes.
    """
    from concurrent.futures import Future

    future: Future[Speech] = Future()

    def work() -> None:
        try:
            future.set_result(analyse(path, detector, aggressiveness))
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    import threading

    threading.Thread(target=work, name="subtools-analyse", daemon=True).start()
    return future


def analyse_pcm(pcm: bytes, detector: SpeechDetector | None = None) -> Speech:
    """:func:`analyse` for PCM already in memory (16 kHz mono s16le)."""
    import numpy as np

    det = detector or WebRtcDetector()
    whole = len(pcm) - len(pcm) % _FRAME_BYTES
    env = _envelope(np.frombuffer(pcm, np.int16, count=whole // 2))
    return Speech(det.frames(pcm[:whole]), env, len(pcm) // BYTES_PER_MS, det.name)


def _envelope(samples: np.ndarray) -> bytes:
    """Loudness per ms in half-dB steps (0..255) of whole ms of 16-bit samples."""
    import numpy as np

    x = samples.astype(np.float32).reshape(-1, SAMPLE_RATE // 1000)
    # The mean square per ms in one pass (einsum) rather than squares, then means.
    power = np.einsum("ij,ij->i", x, x) * (1000 / SAMPLE_RATE)
    levels: bytes = np.clip(20.0 * np.log10(power + 1.0), 0, 255).astype(np.uint8).tobytes()
    return levels


def _fill_runs(act: np.ndarray, value: bool, shorter_than: int) -> np.ndarray:
    """Runs of ``value`` shorter than ``shorter_than`` frames, between runs of the other
    value, flipped (``False``: fill gaps; ``True``: drop bursts)."""
    import numpy as np

    if shorter_than <= 1 or len(act) == 0:
        return act
    out = act.copy()
    change = np.flatnonzero(np.diff(act.astype(np.int8))) + 1
    bounds = np.concatenate(([0], change, [len(act)]))
    for a, b in itertools.pairwise(bounds):
        if act[a] == value and b - a < shorter_than and a > 0 and b < len(act):
            out[a:b] = not value
    return out


def runs(act: Iterable[bool] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the True runs."""
    import numpy as np

    a = np.asarray(act, dtype=np.int8)
    d = np.diff(a, prepend=0, append=0)
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


#: Where between the noise floor and the speech level an edge is placed.
_EDGE_LEVEL = 0.4


def _refine_edges(speech: Speech) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    act = speech.activity(fill_ms=0, min_ms=30)
    on, off = runs(act)
    env = np.frombuffer(speech.envelope, np.uint8).astype(np.float32) / 2.0
    if len(env) == 0 or len(on) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    smooth = np.convolve(env, np.ones(5) / 5, mode="same")
    # Levels from every 10th ms (one per frame): the same answer, a tenth of the sorting.
    sample = smooth[::FRAME_MS][: len(act)]
    noise = float(np.percentile(sample, 10))
    voiced = sample[act[: len(sample)]]
    level = float(np.median(voiced)) if len(voiced) else noise
    threshold = noise + _EDGE_LEVEL * (level - noise)
    onsets = np.empty(len(on), np.int64)
    offsets = np.empty(len(off), np.int64)
    # The detector's onsets are close (it reacts within a frame) but its offsets hang on
    # ~100 ms: look a little around each onset, and further back from each offset.
    for k, f in enumerate(on.tolist()):
        t0 = max(f * FRAME_MS - 60, 0)
        hit = np.flatnonzero(smooth[t0 : f * FRAME_MS + 60] >= threshold)
        onsets[k] = t0 + int(hit[0]) if len(hit) else f * FRAME_MS
    for k, g in enumerate(off.tolist()):
        t0 = max(g * FRAME_MS - 300, 0)
        hit = np.flatnonzero(smooth[t0 : g * FRAME_MS + 20] >= threshold)
        offsets[k] = t0 + int(hit[-1]) + 1 if len(hit) else g * FRAME_MS
    offsets = np.maximum(offsets, onsets + 1)
    return onsets, offsets
