"""How a junction is driven: by an ideal current, or by a voltage through a reference resistor.

A drive turns (time, magnetization) into the junction current I (A, positive into the free-layer
terminal) and junction voltage V (V). With the divider the current depends on the junction's own
resistance, I = V_s / (R_ref + R(m, V)), solved self-consistently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..stimulus import Waveform, as_waveform
from .batch import DeviceBatch

__all__ = ["CurrentDrive", "DividerDrive", "Drive", "as_drive"]

_FIXED_POINT_ITERATIONS = 30  # bias-dependent TMR: V = I / G(V) converges in a few; 30 is ample


@dataclass(frozen=True, eq=False)
class CurrentDrive:
    """An ideal current source: I(t) = ``waveform(t)`` (A), one value or one per device."""

    waveform: Waveform

    def current(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> Any:
        """Junction current (A) at time t (s): the waveform's value, a float or shape (n,)."""
        return self.waveform(t)

    def operating_point(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V), shape (n,), at time t (s) and m.p = ``mp``."""
        current = np.broadcast_to(np.asarray(self.waveform(t), dtype=float), mp.shape)
        G = batch.conductance(mp)
        v = current / G
        if np.any(batch.V_half > 0):
            for _ in range(_FIXED_POINT_ITERATIONS):
                v = current / batch.conductance(mp, v)
        return current, v

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self.waveform.breakpoints(t_stop)


@dataclass(frozen=True, eq=False)
class DividerDrive:
    """A voltage source ``source(t)`` (V) in series with ``r_ref`` (Ohm) and the junction."""

    source: Waveform
    r_ref: Any

    def __post_init__(self) -> None:
        r = np.asarray(self.r_ref, dtype=float)
        if not np.all(np.isfinite(r) & (r >= 0)):
            raise ParameterError("r_ref", self.r_ref, "finite numbers >= 0 (Ohm)")
        object.__setattr__(self, "r_ref", r)

    def current(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> Any:
        """Junction current (A), shape (n,), at time t (s) and m.p = ``mp``."""
        return self.operating_point(batch, t, mp)[0]

    def operating_point(self, batch: DeviceBatch, t: float, mp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Junction current (A) and voltage (V), shape (n,), at time t (s) and m.p = ``mp``."""
        vs = np.asarray(self.source(t), dtype=float)
        G = batch.conductance(mp)
        current = vs / (self.r_ref + 1.0 / G)
        if np.any(batch.V_half > 0):
            for _ in range(_FIXED_POINT_ITERATIONS):
                v = current / G
                G = batch.conductance(mp, v)
                current = vs / (self.r_ref + 1.0 / G)
        current = np.broadcast_to(current, mp.shape)
        return current, current / G

    def breakpoints(self, t_stop: float) -> np.ndarray:
        return self.source.breakpoints(t_stop)


Drive = CurrentDrive | DividerDrive


def as_drive(x: Drive | Waveform | ArrayLike) -> Drive:
    """A drive as it is; a waveform or number as an ideal current (A)."""
    if isinstance(x, (CurrentDrive, DividerDrive)):
        return x
    return CurrentDrive(as_waveform(x))
