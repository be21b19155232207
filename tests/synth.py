"""Speech-like audio with known speech spans, made in the test (no recordings needed).

Each "utterance" is voiced sound: a glottal-like harmonic series on a wandering pitch,
shaped by syllable-rate loudness, with short breaks inside like the pauses between
words; utterances are separated by silences of known length, over a light noise floor.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 16_000


def utterance(seconds: float, rng: np.random.Generator) -> np.ndarray:
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    f0 = 110 + 40 * rng.random() + 15 * np.sin(2 * np.pi * (0.5 + rng.random()) * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 16))
    # syllables: loudness at ~4-5 Hz, never quite silent inside a word
    syl = 0.55 + 0.45 * np.sin(2 * np.pi * (4 + rng.random()) * t) ** 2
    edge = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.015)  # 15 ms fade in and out
    return (voice * syl * edge).astype(np.float64)


def talk(spans: list[tuple[float, float]], total: float, seed: int = 0) -> np.ndarray:
    """Audio of ``total`` seconds with an utterance in each (start, end) span."""
    rng = np.random.default_rng(seed)
    out = rng.normal(0, 0.002, int(total * RATE))
    for start, end in spans:
        u = utterance(end - start, rng)
        a = int(start * RATE)
        out[a : a + len(u)] += 0.25 * u / np.abs(u).max()
    return out


def spans_for(n: int, seed: int = 1) -> list[tuple[float, float]]:
    """``n`` utterances of 1.2-4 s with pauses of 0.3-1.2 s, starting at 1 s."""
    rng = np.random.default_rng(seed)
    t, out = 1.0, []
    for _ in range(n):
        d = 1.2 + 2.8 * rng.random()
        out.append((round(t, 3), round(t + d, 3)))
        t += d + 0.3 + 0.9 * rng.random()
    return out


def write_wav(path: Path, samples: np.ndarray) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path
