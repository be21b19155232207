"""Seeded background sounds for the alignment benchmark, and mixing them under speech.

Everything is 16 kHz mono float64 in [-1, 1], generated with numpy from a seed, so the
same seed gives the same samples on every machine:

- ``pink``: white noise filtered to a 1/f power spectrum;
- ``music``: sustained chords of harmonic tones that change every two to three seconds,
  a bass line on the chord roots and a melody over them, with vibrato;
- ``drums``: synthetic kick, snare and hi-hat in a rock pattern with random fills;
- ``babble``: other people's speech played backwards and summed, so it sounds like
  speech (pitch, syllable rate, formants) but carries nothing that lines up with the
  target's cues.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RATE = 16_000


def read_wav(path: Path) -> np.ndarray:
    """The samples of a 16-bit mono WAV file as floats in [-1, 1]."""
    with wave.open(str(path), "rb") as fh:
        if fh.getsampwidth() != 2 or fh.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        raw = fh.readframes(fh.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write floats in [-1, 1] as a 16 kHz 16-bit mono WAV, atomically."""
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with wave.open(str(tmp), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(RATE)
        fh.writeframes(pcm.tobytes())
    tmp.replace(path)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink noise: white noise whose spectrum is scaled by 1/sqrt(f) (power 1/f)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    scale = np.zeros_like(f)
    scale[f >= 20] = 1 / np.sqrt(f[f >= 20])  # nothing under 20 Hz: no DC wander
    out = np.fft.irfft(spectrum * scale, n)
    return out / (np.max(np.abs(out)) or 1.0)


def _tone(freq: float, n: int, harmonics: int, vibrato: float = 0.0) -> np.ndarray:
    """A harmonic tone (partial k at 1/k amplitude), with optional 5 Hz vibrato (in cents)."""
    t = np.arange(n) / RATE
    phase = 2 * np.pi * freq * t
    if vibrato:
        cents = vibrato * np.sin(2 * np.pi * 5.0 * t)
        phase = 2 * np.pi * np.cumsum(freq * 2 ** (cents / 1200)) / RATE
    out = np.zeros(n)
    for k in range(1, harmonics + 1):
        if freq * k < RATE / 2:
            out += np.sin(k * phase) / k
    return out


def _envelope(n: int, attack: int, release: int) -> np.ndarray:
    env = np.ones(n)
    a, r = min(attack, n // 2), min(release, n // 2)
    env[:a] = np.linspace(0, 1, a, endpoint=False)
    if r:
        env[n - r :] = np.linspace(1, 0, r)
    return env


def _midi(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def music(n: int, rng: np.random.Generator) -> np.ndarray:
    """Chords (triads of the key's scale degrees) held 2-3 s, a bass and a melody."""
    out = np.zeros(n)
    key = 57 + int(rng.integers(0, 7))  # A3 to D#4
    major = (0, 2, 4, 5, 7, 9, 11)
    scale = [key + 12 * octave + step for octave in (-1, 0, 1) for step in major]
    degrees = (0, 3, 4, 5, 1, 0, 4, 5)  # I IV V vi ii ... around the circle
    pos, bar = 0, 0
    while pos < n:
        length = min(int(RATE * rng.uniform(2.0, 3.0)), n - pos)
        root = 7 + degrees[bar % len(degrees)] if rng.random() < 0.8 else 7 + int(rng.integers(7))
        env = _envelope(length, RATE // 20, RATE // 10)
        for j, idx in enumerate((root, root + 2, root + 4)):
            out[pos : pos + length] += 0.25 * env * _tone(_midi(scale[idx]), length, 6) * (0.9**j)
        bass = _midi(scale[root] - 12)
        out[pos : pos + length] += 0.35 * env * _tone(bass, length, 4)
        # The melody: notes of 0.2-0.6 s from the scale, an octave up, mostly stepwise.
        m, note = pos, root + 7
        while m < pos + length:
            dur = min(int(RATE * rng.choice((0.2, 0.3, 0.4, 0.6))), pos + length - m)
            note = int(np.clip(note + rng.integers(-2, 3), 7, len(scale) - 1))
            tone = _tone(_midi(scale[note] + 12), dur, 5, vibrato=15.0)
            out[m : m + dur] += 0.3 * _envelope(dur, RATE // 100, RATE // 25) * tone
            m += dur
        pos += length
        bar += 1
    return out / (np.max(np.abs(out)) or 1.0)


def _kick() -> np.ndarray:
    n = int(0.35 * RATE)
    t = np.arange(n) / RATE
    freq = 50 + 70 * np.exp(-t / 0.04)  # the pitch falls from 120 to 50 Hz
    return np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.exp(-t / 0.12)


def _snare(rng: np.random.Generator) -> np.ndarray:
    n = int(0.25 * RATE)
    t = np.arange(n) / RATE
    noise = np.diff(rng.standard_normal(n + 1))  # tilted towards the highs
    body = np.sin(2 * np.pi * 185 * t)
    return (0.5 * noise * np.exp(-t / 0.06) + 0.6 * body * np.exp(-t / 0.03)) / 1.2


def _hat(rng: np.random.Generator, open_: bool) -> np.ndarray:
    n = int((0.3 if open_ else 0.06) * RATE)
    t = np.arange(n) / RATE
    noise = np.diff(rng.standard_normal(n + 2), 2) / 4  # second difference: mostly highs
    return 0.35 * noise * np.exp(-t / (0.1 if open_ else 0.015))


def drums(n: int, rng: np.random.Generator) -> np.ndarray:
    """Kick on 1 and 3, snare on 2 and 4, hats on the eighths; random extra kicks and fills."""
    out = np.zeros(n + RATE)
    bpm = float(rng.uniform(90, 130))
    sixteenth = 60 / bpm / 4
    kick, snare = _kick(), _snare(rng)
    step = 0
    while (at := int(step * sixteenth * RATE)) < n:
        beat = step % 16
        fill = step % 64 >= 60  # the last beat of every fourth bar
        hits: list[np.ndarray] = []
        if beat in (0, 8) or (beat in (6, 10, 14) and rng.random() < 0.3):
            hits.append(kick)
        if beat in (4, 12) or (fill and rng.random() < 0.7):
            hits.append(snare)
        if beat % 2 == 0 and not fill:
            hits.append(_hat(rng, open_=rng.random() < 0.1))
        velocity = rng.uniform(0.8, 1.0)
        for hit in hits:
            out[at : at + len(hit)] += velocity * hit
        step += 1
    out = out[:n]
    return out / (np.max(np.abs(out)) or 1.0)


def _active_level(x: np.ndarray) -> float:
    """The RMS of the louder half of 20 ms frames: a recording's level while speaking."""
    frames = x[: len(x) // 320 * 320].reshape(-1, 320)
    energy = np.mean(np.square(frames), axis=1)
    loud = energy[energy >= np.median(energy)]
    return float(np.sqrt(np.mean(loud))) if len(loud) else 1.0


def babble(n: int, rng: np.random.Generator, voices: Sequence[np.ndarray]) -> np.ndarray:
    """Up to four of ``voices`` reversed, each from a random place, looped, at equal level."""
    if not voices:
        raise ValueError("babble needs other recordings")
    picks = rng.permutation(len(voices))[:4]
    out = np.zeros(n)
    for i in picks:
        v = voices[int(i)][::-1]
        v = v / (_active_level(v) or 1.0)
        start = int(rng.integers(0, len(v)))
        looped = np.tile(v, n // len(v) + 2)[start : start + n]
        out += looped
    return out / (np.max(np.abs(out)) or 1.0)


def mix_under(speech: np.ndarray, noise: np.ndarray, speech_rms: float, db: float) -> np.ndarray:
    """``speech`` with ``noise`` added ``db`` under ``speech_rms`` (the speech-active RMS).

    The whole mix is scaled down if it would clip; the ratio stays.
    """
    noise = noise[: len(speech)]
    gain = speech_rms * 10 ** (-db / 20) / (rms(noise) or 1.0)
    out = speech + gain * noise
    peak = float(np.max(np.abs(out))) if len(out) else 0.0
    return out * (0.99 / peak) if peak > 0.99 else out
