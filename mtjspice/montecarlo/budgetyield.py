"""The margin budget's LIF and yield columns: what an effect does to the LIF's key numbers and to a small
seeded device-level Monte Carlo (:mod:`mtjspice.montecarlo.margin`).

* LIF numbers of the row's nominal device, read the way the device-level Monte Carlo reads them
  (:mod:`mtjspice.montecarlo.device`): one clocked +drive pulse from rest (``DeviceMC``: 5 ns, then
  nothing until 9 ns), ``tau_m`` (s) the decay time of u after the pulse (log-linear between 80 % and
  20 % of its value at the pulse's end), ``a2`` (1/V) the mean u over the pulse's last 2 ns over
  R(u = 0) times the mean junction current then (a1 = 1).
* Yield: ``samples`` samples (sample i from (seed, i), :meth:`VariationSpec.sample`) of the row's device,
  each run as the device-level Monte Carlo runs it, through the row device's nominal circuit, without
  trim: usable when it fires both signs at the drive, fires no wrong sign, relaxes and stays below
  breakdown (:func:`mtjspice.montecarlo.verdict.device_verdict`); a sample outside the device limits
  counts as failed. With the 95 % Wilson interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..characterize.twin import decay_time, read_u, respond
from ..params import Device
from ..physics.batch import DeviceBatch
from ..variation import VariationSpec
from .device import batch_overrides, valid_samples
from .run import wilson
from .testspec import DeviceMC, NominalCircuit
from .verdict import device_verdict

__all__ = ["BudgetYield", "BUDGET_SPREAD", "budget_yield"]

#: The budget's variation (the network study's default): W and L 1 nm, T 0.5 nm, Ms 3 %, independent
#: Gaussians (plus whatever correlations the spec itself states: none).
BUDGET_SPREAD = "L=1n,W=1n,T=0.5n,Ms=3%"


@dataclass(frozen=True)
class BudgetYield:
    """LIF numbers of the nominal device and the yield of its samples (SI units)."""

    tau_m: float  # s
    a2: float  # 1/V
    usable: int  # samples usable
    samples: int
    ci95: tuple[float, float]  # Wilson interval of usable / samples

    @property
    def fraction(self) -> float:
        """usable / samples (1)."""
        return self.usable / self.samples


def _thresholds(batch: DeviceBatch, circuit: NominalCircuit) -> tuple[np.ndarray, np.ndarray]:
    G_P = batch.G_P
    G_AP = batch.G_P / (1.0 + batch.TMR)
    h = circuit.hysteresis / 2.0
    return (read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_hi + h),
            read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, circuit.v_lo - h))


def budget_yield(device: Device, circuit: NominalCircuit, spec: VariationSpec, *, samples: int = 500, seed: int = 0,
                 drive: float = 0.6e-3) -> BudgetYield:
    """The LIF numbers of ``device`` and the yield of ``samples`` samples of ``spec`` around it at ``drive``
    (A) through ``circuit`` (module docstring)."""
    mc = DeviceMC(drive=drive, trim=False)
    one = DeviceBatch.from_device(device, n=1, theta0=0.0)
    r0 = respond(one, mc, circuit, np.full(1, drive), [_thresholds(one, circuit)])
    R_m = 1.0 / one.conductance(np.zeros(1))
    tau_m = float(decay_time(r0["t"], r0["u"], mc.t_on)[0])
    a2 = float(r0["plateau"][0] / (R_m[0] * r0["i_mean"][0]))

    idx = np.arange(samples, dtype=np.int64)
    values = spec.sample(device, seed, idx)
    ok = valid_samples(device, values, samples)
    sel = np.flatnonzero(ok)
    usable = 0
    if sel.size:
        over = {k: v[sel] for k, v in batch_overrides(values).items()}
        batch = DeviceBatch.from_device(device, n=sel.size, theta0=0.0, **over)
        u_pos, u_neg = _thresholds(batch, circuit)
        r = respond(batch, mc, circuit, np.full(batch.n, drive), [(u_pos, u_neg)])
        b = r["by"][0]
        use, _ = device_verdict(b["fires_pos"], b["fires_neg"], b["wrong_sign"], r["after"] < mc.u_relax, b["v_max"],
                                batch.breakdown_voltage)
        usable = int(np.count_nonzero(use & (u_pos > u_neg)))
    return BudgetYield(tau_m, a2, usable, samples, wilson(usable, samples))
