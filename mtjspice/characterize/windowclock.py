"""The design window's standard test under a neuron circuit's clocked read (#26): whether each geometry
*fires* at the standard current density, the circuit's threshold, rather than whether u passes u_th under
a clean DC pulse (:mod:`.window`'s default test).

Why. The circuit does not give the junction a DC pulse: the read clock gates the input off during each
read window and passes the read current instead, and the comparators look at u only at their strobes.
So the threshold that matters is the firing threshold (:mod:`.firing`), not the onset from rest, and the
two disagree both ways: the paper's device fires only from about 1.5 times its onset, while a 44 nm
pillar whose onset (0.70 mA) is above the standard drive (0.60 mA at J = 1.7e12 A/m^2) fires from
0.56 mA, kicked onto the precessing branch by the gating edges. The DC test calls it ``under``; in the
circuit it fires.

The test (:func:`classify_clocked`): each geometry, at its rest state, gets the standard current
J pi W L / 4 of each sign through the given circuit's read clock
(:func:`~mtjspice.characterize.twin.respond`: the input gated off during the read windows, the read
current v_read / (r_ref + R(0) + r_on) with the geometry's own R, the read trim) for ``t_on``; its
comparators trip where the geometry's own read-out passes its level at u = +-u_th (thresholds set from
each geometry's resistance, as the DC test's u_th is the same for all, plus half the comparators'
hysteresis). Regime: ``over`` if |u| of either sign exceeds ``u_relax`` from ``t_on + t_relax`` on;
else ``lif`` if it fires a spike of each sign at a strobe while the input is on; else ``under``. The
largest junction voltage is the one reached until the first spike (the circuit then resets the
neuron). The solver runs with a fixed 5 ps step (:data:`CLOCKED_STEP`).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from .readtest import DeviceMC, ReadCircuit
from .twin import read_u, respond
from .windowspec import WindowSpec

__all__ = ["CLOCKED_STEP", "window_test", "classify_clocked"]

#: The clocked window test's fixed solver step (s): the device-level Monte Carlo's, which keeps its
#: plateau u within 1e-3 of a tight adaptive run.
CLOCKED_STEP = 5e-12


def window_test(spec: WindowSpec) -> DeviceMC:
    """The twin's protocol for ``spec``: its pulse, times and criteria, the fixed step :data:`CLOCKED_STEP`
    (its ``drive`` is not used: each geometry's current is J pi W L / 4). Refuses a pulse shorter than
    2.5 ns (the twin reads a plateau over the pulse's last 2 ns; the DC test takes shorter ones)."""
    if spec.t_on < 2.5e-9:
        raise ParameterError("t_on", spec.t_on, "a pulse of at least 2.5 ns for the clocked read (the DC test, "
                             "circuit None or --read dc, takes shorter ones)")
    return DeviceMC(t_on=spec.t_on, t_relax=spec.t_relax, t_stop=spec.t_stop, u_th=spec.u_th,
                    u_relax=spec.u_relax, step=min(CLOCKED_STEP, spec.dt), dt=spec.dt, trim=False)


def classify_clocked(device: Device, W: np.ndarray, L: np.ndarray, T: np.ndarray, spec: WindowSpec,
                     circuit: ReadCircuit) -> tuple[np.ndarray, np.ndarray]:
    """Regime codes (0 under, 1 lif, 2 over) and largest junction voltage (V) of each geometry (W, L, T in
    m, shape (n,)) under ``circuit``'s clocked read (module docstring); every other parameter from
    ``device``."""
    batch = DeviceBatch.from_device(device, n=W.size, W=W, L=L, T=T, theta0=0.0)  # each exactly at its rest
    mc = window_test(spec)
    current = spec.J * math.pi * W * L / 4.0
    G_P = batch.G_P
    G_AP = batch.G_P / (1.0 + batch.TMR)
    h = circuit.hysteresis / 2.0

    def level(u: float) -> np.ndarray:  # the geometry's own read-out at u (V)
        return circuit.v_read * circuit.r_ref / (circuit.r_ref + 1.0 / batch.conductance(np.full(batch.n, u)))

    hi = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, level(spec.u_th) + h)
    lo = read_u(G_P, G_AP, circuit.r_ref, circuit.v_read, level(-spec.u_th) - h)
    r = respond(batch, mc, circuit, current, [(hi, lo)])
    by = r["by"][0]
    relaxed = r["after"] < spec.u_relax
    fires = np.asarray(by["fires_pos"], bool) & np.asarray(by["fires_neg"], bool)
    codes = np.where(~relaxed, 2, np.where(fires, 1, 0)).astype(int)
    return codes, np.asarray(by["v_max"], float)
