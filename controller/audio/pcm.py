"""Sample arithmetic on float32 PCM: gain, a soft limiter and fades."""

from __future__ import annotations

import numpy as np

LIMIT = 0.891  # -1 dBFS: above this the soft limiter bends peaks instead of clipping


def apply_gain(samples: np.ndarray, gain_db: float) -> np.ndarray:
    return samples * np.float32(10 ** (gain_db / 20))


def soft_limit(samples: np.ndarray) -> np.ndarray:
    """Leave samples under -1 dBFS as they are; bend louder ones smoothly towards full scale."""
    magnitude = np.abs(samples)
    over = magnitude > LIMIT
    if not over.any():
        return samples
    out = samples.copy()
    headroom = 1.0 - LIMIT
    out[over] = np.sign(samples[over]) * (
        LIMIT + headroom * np.tanh((magnitude[over] - LIMIT) / headroom)
    )
    return out


def to_int16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def fade_gains(start_frame: int, frames: int, fade_begin: int, fade_end: int) -> np.ndarray:
    """Per-frame gains for frames [start_frame, start_frame+frames) of a linear fade-out.

    Gain is 1 before ``fade_begin``, falls to 0 at ``fade_end`` and stays 0 after.
    """
    positions = np.arange(start_frame, start_frame + frames, dtype=np.float64)
    span = max(1, fade_end - fade_begin)
    return np.clip((fade_end - positions) / span, 0.0, 1.0).astype(np.float32)
