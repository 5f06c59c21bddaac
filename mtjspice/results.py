"""The plain result of a circuit simulation: time plus named node voltages and branch currents."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from .errors import ParameterError

__all__ = ["Waveforms"]


@dataclass(frozen=True, eq=False)
class Waveforms(Mapping[str, np.ndarray]):
    """Time (s) and signals (V or A), each a numpy array of the same length.

    Signals are keyed by their ngspice vector names in lower case: ``v(out)``, ``v(x1.my)``,
    ``i(vin)``. ``wf["v(out)"]`` returns one; iteration gives the names.

    Attributes
    ----------
    t : (k,) array
        Time points (s), strictly increasing.
    signals : dict of str to (k,) array
        Node voltages (V) and branch currents (A).
    engine : str
        ``"ngspice-batch"`` or ``"ngspice-shared"``.
    log : str
        ngspice's output for the run.
    stats : dict
        Run statistics: ``wall_s`` (s), ``points`` (time points), and for the batch engine
        ``peak_rss_bytes``, the ngspice process's peak resident memory (bytes).
    """

    t: np.ndarray
    signals: dict[str, np.ndarray]
    engine: str = ""
    log: str = field(default="", repr=False)
    stats: dict[str, float] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> np.ndarray:
        k = key.lower()
        if k not in self.signals:
            raise ParameterError("signal", key, "one of " + ", ".join(sorted(self.signals)))
        return self.signals[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self.signals)

    def __len__(self) -> int:
        return len(self.signals)

    def at(self, times: np.ndarray) -> dict[str, np.ndarray]:
        """Every signal linearly interpolated at ``times`` (s)."""
        return {k: np.interp(times, self.t, v) for k, v in self.signals.items()}
