"""Speech detectors compared: how well each tells speech from the rest, and its cost.

    python benchmarks/detectors.py

On the real recordings of ``../shared/data/real/`` (the monologue's word spans, the
phone call's phrases, the meeting's speech regions), clean and with music, babble,
pink noise and drums 10 dB under the speech (the mixes of ``align_real.py``, made
first if they are not there): the balanced accuracy of each detector's 10 ms frames
against the reference (the mean of the share of speech frames called speech and the
share of other frames called other), and the CPU seconds per minute of audio that the
detector itself takes (decoding excluded: the audio is decoded once, up front).
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np
from _common import SHARED, need
from align_real import MIXES, OUT, _all_recordings, decoded, make_mixes

from subtools.media.decode import pcm_chunks
from subtools.media.speech import FRAME_MS, make_detector

RECORDINGS = {"monologue": "words", "phone-call": "cues", "meeting": "speech"}
DETECTORS = ("silero", "webrtc", "energy")


def reference(name: str, frames: int) -> np.ndarray:
    spans = json.loads((SHARED / "real" / name / "truth.json").read_text())[RECORDINGS[name]]
    out = np.zeros(frames, bool)
    for s in spans:
        out[round(s["start"] * 1000) // FRAME_MS : round(s["end"] * 1000) // FRAME_MS] = True
    return out


def frames_of(detector: str, pcm: bytes) -> tuple[np.ndarray, float]:
    # A second of silence first, so that loading a model (once a process) is not
    # counted as the detector's cost.
    warm = make_detector(detector)
    warm.frames(bytes(32_000))
    warm.finish()
    det = make_detector(detector)
    t0 = time.process_time()
    step = 32_000  # a second at a time, as the decoder hands it over
    got = bytearray()
    for i in range(0, len(pcm) - len(pcm) % 320, step):
        got += det.frames(pcm[i : min(i + step, len(pcm) - len(pcm) % 320)])
    got += det.finish()
    return np.frombuffer(bytes(got), np.uint8) > 127, time.process_time() - t0


def main() -> None:
    need(SHARED / "real")
    cases = _all_recordings()
    noisy = make_mixes(list(cases.values()), MIXES)
    rows = []
    for name in RECORDINGS:
        paths = {"clean": decoded(cases[name].media, name)}
        paths |= {m: noisy[f"{name}.{m}"] for m in MIXES if m != "clean"}
        for mix, path in paths.items():
            pcm = b"".join(pcm_chunks(str(path)))
            minutes = len(pcm) / 32_000 / 60
            for detector in DETECTORS:
                speech, cpu = frames_of(detector, pcm)
                truth = reference(name, len(speech))
                accuracy = (speech[truth].mean() + (~speech[~truth]).mean()) / 2
                rows.append((name, mix, detector, float(accuracy), cpu / minutes))
                print(f"{name:11s} {mix:7s} {detector:7s} {accuracy:6.1%} {cpu / minutes:6.3f}")
    print("\nbalanced accuracy, median over the recordings (CPU s per minute of audio):")
    for detector in DETECTORS:
        mine = [r for r in rows if r[2] == detector]
        clean = statistics.median(r[3] for r in mine if r[1] == "clean")
        noisy = statistics.median(r[3] for r in mine if r[1] != "clean")
        cost = statistics.median(r[4] for r in mine)
        print(f"  {detector:7s} clean {clean:6.1%}  noisy {noisy:6.1%}  cpu {cost:.3f} s/min")
    print(f"(mixes in {OUT})")


if __name__ == "__main__":
    main()
