"""What an array run computes: the crossbar's weights, the row inputs and the run's length."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..stimulus import Waveform

__all__ = ["ArrayJob"]


@dataclass(frozen=True, eq=False)
class ArrayJob:
    """One array workload (:func:`mtjspice.circuits.array.run_array`). SI units.

    Attributes
    ----------
    weights : (N, M) array
        Signed conductances (S): N input rows, M neurons; finite.
    inputs : N waveforms or floats
        Row driver voltages (V), e.g. from :func:`mtjspice.stimulus.spike_waveforms`; kept as a tuple.
    t_stop : float
        Simulated time (s), > 0.
    input_events : int
        Number of input events (>= 0), for the energy per input event; 0 when not counted.
    """

    weights: np.ndarray
    inputs: Sequence[Waveform | float]
    t_stop: float
    input_events: int = 0

    def __post_init__(self) -> None:
        w = np.asarray(self.weights, dtype=float)
        if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
            raise ParameterError("weights", w.shape, "an N x M array with N, M >= 1 (S)")
        if not np.all(np.isfinite(w)):
            raise ParameterError("weights", "a non-finite conductance", "finite conductances (S)")
        object.__setattr__(self, "weights", w)
        if isinstance(self.inputs, (str, bytes)) or not isinstance(self.inputs, Sequence):
            raise ParameterError("inputs", self.inputs, f"one waveform or voltage (V) per row: {w.shape[0]} items")
        object.__setattr__(self, "inputs", tuple(self.inputs))
        t = self.t_stop
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) or t <= 0:
            raise ParameterError("t_stop", t, "a finite number > 0 (s)")
        e = self.input_events
        if isinstance(e, bool) or not isinstance(e, (int, np.integer)) or e < 0:
            raise ParameterError("input_events", e, "an integer >= 0")
        object.__setattr__(self, "input_events", int(e))

    @property
    def shape(self) -> tuple[int, int]:
        """(N rows, M neurons)."""
        return (int(self.weights.shape[0]), int(self.weights.shape[1]))
