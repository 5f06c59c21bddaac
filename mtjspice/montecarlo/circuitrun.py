"""The circuit-level Monte Carlo as one call with a typed result.

:func:`circuit_montecarlo` runs the first ``neurons`` samples of a spread as neuron circuits in
ngspice (:func:`~mtjspice.montecarlo.circuit.circuit_chunk`, the pure chunk function) and returns a
:class:`CircuitMCResult`, whose :meth:`~CircuitMCResult.to_frame` is the table ``circuit.csv`` holds
for that trim (the command line adds the trimmed runs' columns with ``_ref`` and ``_trim`` suffixes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..circuits.neuronobject import Neuron
from ..errors import ParameterError
from ..frame import Frame
from ..runoptions import RunOptions
from ..variation import VariationSpec
from .circuit import CircuitMC, circuit_chunk
from .columns import circuit_columns
from .run import wilson
from .scaleout import default_workers

__all__ = ["CircuitMCResult", "circuit_montecarlo"]


@dataclass(frozen=True, eq=False)
class CircuitMCResult:
    """A finished circuit-level Monte Carlo.

    Attributes
    ----------
    columns : dict of str to (n,) array
        The columns of :data:`~mtjspice.montecarlo.circuit.COLUMNS` (booleans as bool; SI units:
        :func:`~mtjspice.montecarlo.columns.circuit_columns` gives each one's), one row per sample.
    mc : CircuitMC
        The experiment (drive in A, run length in s, offsets in V, temperature in K, trim).
    seed : int
        The seed of the samples (sample i from (seed, i)).
    """

    columns: dict[str, np.ndarray]
    mc: CircuitMC
    seed: int

    @property
    def n(self) -> int:
        """Number of neurons simulated (valid or not)."""
        return int(self.columns["index"].size)

    @property
    def ok(self) -> np.ndarray:
        """(n,) bool: each neuron works (fires both signs, no wrong sign, no breakdown)."""
        return np.asarray(self.columns["ok"], bool)

    @property
    def yield_fraction(self) -> float:
        """The circuit yield: the fraction of neurons that work (0 to 1)."""
        return float(self.ok.mean()) if self.n else float("nan")

    @property
    def yield_ci95(self) -> tuple[float, float]:
        """95 % Wilson score interval of :attr:`yield_fraction`."""
        return wilson(int(self.ok.sum()), self.n)

    def to_frame(self) -> Frame:
        """The rows of ``circuit.csv`` for this trim: every column with its unit, flags as 0/1."""
        cols = {k: (v.astype(np.int64) if v.dtype == bool else v) for k, v in
                ((k, np.asarray(v)) for k, v in self.columns.items())}
        return Frame(cols, {c.name: c.unit for c in circuit_columns(list(cols))})


def circuit_montecarlo(neuron: Neuron, spec: VariationSpec, neurons: int, mc: CircuitMC,
                       options: RunOptions | None = None, *, onsets: Sequence[float] | np.ndarray | None = None
                       ) -> CircuitMCResult:
    """Samples 0 .. ``neurons`` - 1 of ``spec`` around ``neuron``'s device as neuron circuits in ngspice,
    each in ``neuron``'s circuit (:meth:`Neuron.build <mtjspice.circuits.neuronobject.Neuron.build>`).

    ``options.seed`` draws the samples (the device level's draws for the same seed), ``options.workers``
    ngspice processes run at once (None: this machine's cores), ``options.progress`` hears of the
    neurons once they are done (the other fields are not used); ``onsets`` (A, one per neuron) are the
    samples' thresholds for a gain trim (:func:`~mtjspice.montecarlo.circuit.circuit_chunk`)."""
    Neuron.given(neuron)
    opt = RunOptions.given(options)
    if isinstance(neurons, bool) or not isinstance(neurons, int) or not 1 <= neurons <= 10_000:
        raise ParameterError("neurons", neurons, "an integer from 1 to 10000")
    idx = np.arange(neurons)
    cols = circuit_chunk(neuron, spec, opt.seed, idx, mc, onsets=onsets, workers=opt.workers or default_workers())
    if opt.progress is not None:
        opt.progress(neurons)
    return CircuitMCResult(columns=cols, mc=mc, seed=opt.seed)
