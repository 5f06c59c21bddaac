"""The power sweep: simulated n x n arrays on a reproducible workload, with the per-part model
of :mod:`mtjspice.analysis.power` fitted to them."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ..analysis.power import PowerSweep, fit_model
from ..errors import BreakdownWarning, ParameterError
from ..results import ARRAY_PARTS
from ..runoptions import RunOptions
from ..stimulus import spike_waveforms
from .array import DEFAULT_GROUP, ArrayJob, ArraySettings, run_array
from .comparators import comparator_kind
from .cost import RunCost, array_cost, check_cost
from .models import mtj_model
from .neuron import NEURON_VECTORS, cost_step
from .neuronobject import Neuron

__all__ = ["power_sweep", "workload"]


def workload(n_inputs: int, m: int, t_stop: float, *, i_target: float = 0.6e-3, v_spike: float = 0.2,
             period: float = 10e-9, width: float = 8e-9, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A reproducible array workload for benchmarks and the power sweep: (weights S, events).

    Every input fires a positive pulse every ``period`` (s) from t = 1 ns, all in step, so each
    event lasts ``width``. Neuron j's weights share one sign (+ for even j, - for odd j) and
    magnitudes ``i_target / (v_spike N) (1 + 0.1 r)``, r uniform in [-1, 1]: every neuron receives
    about ``i_target`` (A) while the inputs are on, whatever N, as a layer with normalised
    fan-in would. Use with ``ArraySettings(v_spike=v_spike, spike_width=width)``.
    """
    rng = np.random.default_rng(seed)
    sign = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    mag = i_target / (v_spike * n_inputs) * (1.0 + 0.1 * rng.uniform(-1.0, 1.0, size=(n_inputs, m)))
    w = mag * sign[None, :]
    starts = np.arange(1e-9, t_stop - width, period)
    ev = np.array([(t, i, 1.0) for t in starts for i in range(n_inputs)], dtype=float).reshape(-1, 3)
    return w, ev


def sweep_cost(neuron: Neuron, sizes: Sequence[int], t_stop: float, settings: ArraySettings,
               workers: int | None = None) -> RunCost:
    """The estimated cost of :func:`power_sweep` over ``sizes`` (all simulated): the sizes run one
    after another, so their times add and the largest sets the memory."""
    ns = sorted({int(n) for n in sizes})
    s = neuron.settings
    costs = [array_cost(n, n, t_stop, cost_step(s, None), NEURON_VECTORS + 3,
                        comparator_kind(s.comparator).cost_factor, settings.group or DEFAULT_GROUP,
                        workers) for n in ns]
    costs = [mtj_model(s.mtj).cost(c) for c in costs]
    return RunCost(max(c.points for c in costs), max(c.nbytes for c in costs), sum(c.seconds for c in costs),
                   max(c.per_run for c in costs), f"simulated sizes {', '.join(map(str, ns))} (largest: "
                   f"{costs[-1].what})")


def power_sweep(neuron: Neuron, sizes: Sequence[int], t_stop: float, settings: ArraySettings | None = None,
                options: RunOptions | None = None) -> PowerSweep:
    """Simulate n x n arrays of ``neuron`` for each n in ``sizes`` (split into parallel parts) and fit
    the model.

    Parameters
    ----------
    neuron : Neuron
        Every neuron of every array (:meth:`Neuron.build <mtjspice.circuits.neuronobject.Neuron.build>`).
    sizes : sequence of int
        Array sizes n (n inputs x n neurons), at least two distinct, >= 1.
    t_stop : float
        Simulated time per size (s).
    settings : ArraySettings, optional
        Crossbar and input pulses (the :func:`workload`'s pulse amplitude and width); default
        :class:`ArraySettings`.
    options : RunOptions, optional
        ``workers``: parallel ngspice processes per size (None: the number of CPUs); ``progress``:
        called with 1 as each size finishes. The other fields are not used.
    """
    Neuron.given(neuron)
    settings = ArraySettings() if settings is None else settings
    if not isinstance(settings, ArraySettings):
        raise ParameterError("settings", type(settings).__name__, "an ArraySettings (crossbar, pulses, group) or None")
    opt = RunOptions.given(options)
    workers = opt.workers
    ns = sorted({int(n) for n in sizes})
    if len(ns) < 2 or ns[0] < 1:
        raise ParameterError("sizes", sizes, "at least two distinct sizes >= 1 to fit the model")
    check_cost(sweep_cost(neuron, ns, t_stop, settings, workers), "max_sim", ns[-1],
               "simulate smaller sizes (max_sim) and let the fitted model extrapolate")
    rows, spikes, events, walls = [], [], [], []
    broke: list[str] = []
    for n in ns:
        w, ev = workload(n, n, t_stop, v_spike=settings.v_spike, width=settings.spike_width)
        inputs = spike_waveforms(ev, n, settings.v_spike, settings.spike_width)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BreakdownWarning)
            r = run_array(neuron, ArrayJob(w, inputs, t_stop, int(ev.shape[0])), settings,
                          options=RunOptions(workers=workers))
        for cw in caught:  # kept, then reported once for the sweep
            if issubclass(cw.category, BreakdownWarning):
                broke.append(f"n = {n}: {cw.message}")
            else:
                warnings.warn_explicit(cw.message, cw.category, cw.filename, cw.lineno)
        rows.append([r.energy[p] for p in ARRAY_PARTS])
        spikes.append(len(r.spikes))
        events.append(int(ev.shape[0]))
        walls.append(r.wall)
        if opt.progress is not None:
            opt.progress(1)
    if broke:
        warnings.warn(BreakdownWarning("; ".join(broke)), stacklevel=2)
    energy = np.array(rows, dtype=float)
    return PowerSweep(sizes=ns, energy=energy, spikes=spikes, events=events, coef=fit_model(ns, energy),
                      t_stop=t_stop, walls=walls)
