"""The Monte Carlo verdicts: whether a sample works, from the per-sample facts the runs measured.

Pure numpy on boolean (and voltage) arrays, one element per sample, so that each condition can be
tested on its own with constructed samples (tests/montecarlo/test_verdicts.py).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["device_verdict", "circuit_ok"]


def device_verdict(fires_pos: ArrayLike, fires_neg: ArrayLike, wrong_sign: ArrayLike, relaxed: ArrayLike,
                   v_max: ArrayLike, breakdown_voltage: ArrayLike,
                   read_safe: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(usable, breakdown)`` of device-level samples.

    ``breakdown`` is ``v_max > breakdown_voltage`` (V, both). A sample is usable when it fires both
    signs, fires no wrong-sign spike, relaxes after the pulse, stays at or below breakdown and, when
    ``read_safe`` is given (the "dc" read model, which does not simulate the reads), is read-safe.
    """
    breakdown = np.asarray(v_max) > np.asarray(breakdown_voltage)
    ok = (np.asarray(fires_pos, bool) & np.asarray(fires_neg, bool) & ~np.asarray(wrong_sign, bool)
          & np.asarray(relaxed, bool) & ~breakdown)
    if read_safe is not None:
        ok = ok & np.asarray(read_safe, bool)
    return ok, breakdown


def circuit_ok(fires_pos: ArrayLike, fires_neg: ArrayLike, wrong_sign: ArrayLike, breakdown: ArrayLike) -> np.ndarray:
    """``ok`` of circuit-level samples: fires both signs, no wrong-sign spike, no breakdown."""
    return (np.asarray(fires_pos, bool) & np.asarray(fires_neg, bool) & ~np.asarray(wrong_sign, bool)
            & ~np.asarray(breakdown, bool))
