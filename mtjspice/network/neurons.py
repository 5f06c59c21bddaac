"""Neuron models of the network, one interface: signed input currents on the time grid in, signed
spikes on the grid out (``run(layer, current, timing, chunk)``; current (steps, B, M) in A, spikes
(steps, B, M) int8: +1 / -1 where a spike starts, B images, M neurons of ``layer``).

* :class:`LIFNeuron` -- the signed LIF of :mod:`mtjspice.analysis.lif` (exact first-order hold,
  threshold checked at every grid sample, reset, refractory time). The *ideal* neuron has no input
  gate; the *fitted device* neuron is the LIF ``mtjspice fit`` fits (with the device's gate i_th).
* :class:`DeviceNeuron` -- the macrospin device itself (the batched solver, every neuron of a
  layer and every image of a minibatch one device of one batch), with the neuron circuit's logic
  made ideal, timed as :mod:`mtjspice.netlist.neuron` times it: every read-clock period a read
  window in which the input is steered away and the read current ``i_read`` flows; outside it the
  input minus the trim ``i_trim``; the readout ``t2 = v_read r_ref / (r_ref + R + r_on)`` (R: the
  junction's resistance at that instant) held at the strobe's sampling instant and compared with
  ``v_hi`` / ``v_lo`` (trip points: +- half the comparator's hysteresis beyond them); a spike
  starts at the comparator's output edge, and the one-shot then switches off the input, the reads
  and the comparators for ``t_refractory`` (:func:`refractory_time`;
  leak reset: the magnet relaxes by itself). Deterministic
  at 0 K (fixed 5 ps Dormand-Prince steps: each device's result is independent of its batch),
  or with Brown's thermal field at ``temperature`` (stochastic Heun, seeded per layer and chunk).
  A device with Joule heating (``junction.thermal_resistance`` > 0) carries its junction temperature
  from the device's ambient ``material.temperature`` (the RC node, Ms(T) by Bloch's law and the
  heated thermal field of :mod:`mtjspice.physics.heated`, as the solvers and the ngspice MTJ have them),
  through every read-clock period of the run.
  Per-neuron devices (process variation) and per-neuron input gains (trim) by layer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..analysis.lif import LIFParams, simulate_lif
from ..circuits.neuronobject import Neuron
from ..errors import ParameterError
from ..netlist.comparators import BehavioralComparator
from ..netlist.neuron import ONESHOT_FALL_DELAY, NeuronCircuit
from ..netlist.timing import GridPhases, NeuronTiming
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.drive import CurrentDrive
from ..physics.stepper import GridStepper
from ..stimulus import DC
from .settings import Timing

__all__ = ["ONESHOT_FALL_DELAY", "DeviceNeuron", "DeviceRun", "LIFNeuron", "NeuronModel", "refractory_time"]

_LAYER_CODES = {"hidden": 1, "output": 2}


def refractory_time(circuit: NeuronCircuit) -> float:
    """How long the neuron circuit's one-shot holds the input and the comparators off after a
    spike (s): ``t_refractory``, the one-shot's width at half height (its fall delay,
    :data:`ONESHOT_FALL_DELAY`, is 0 and its pulse width one edge shorter)."""
    return circuit.t_refractory


class NeuronModel(Protocol):
    """What the network needs of a neuron model."""

    @property
    def name(self) -> str: ...

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray: ...


@dataclass(frozen=True)
class LIFNeuron:
    """The signed LIF (:func:`mtjspice.analysis.lif.simulate_lif`) with ``params`` (SI units)."""

    name: str
    params: LIFParams

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray:
        k, b, m = current.shape
        _, spikes = simulate_lif(self.params, timing.t[:k], current.reshape(k, b * m))
        out = np.zeros((k, b * m), dtype=np.int8)
        for col, sp in enumerate(spikes):
            if sp.count:
                out[np.rint(sp.times / timing.dt).astype(int), col] = sp.signs
        return out.reshape(k, b, m)


@dataclass(frozen=True)
class DeviceRun:
    """A device-model run of one layer.

    Attributes
    ----------
    spikes : (steps, B, M) int8 array
        Signed spikes on the grid.
    v_max : (B, M) array
        Each neuron's largest junction voltage (V).
    over : (B, M) array
        Each neuron's share of the window with its junction voltage above the breakdown voltage.
    t_max : (B, M) array or None
        Each neuron's highest junction temperature on the grid (K) with Joule heating; None without.
    """

    spikes: np.ndarray
    v_max: np.ndarray
    over: np.ndarray
    t_max: np.ndarray | None = None


@dataclass(frozen=True)
class DeviceNeuron:
    """The macrospin device with the neuron circuit's logic made ideal (module docstring).

    Attributes
    ----------
    name : str
    device : Device
        The nominal device.
    circuit : NeuronCircuit
        The resolved neuron circuit (read, thresholds, refractory time); leak reset only.
    i_read : float
        Read current during a read window (A): v_read / (R(u = 0) + r_ref).
    comparator : BehavioralComparator
        Sampling instant, output delay and hysteresis of the comparators.
    temperature : float
        Temperature of the thermal field (K); 0 for the deterministic solver.
    seed : int
        Seed of the thermal noise (stream (seed, layer, chunk)).
    devices : mapping of layer name to devices
        Per-neuron devices of a layer (process variation); other layers use ``device``.
    trims : mapping of layer name to (M,) array
        Per-neuron input gain of a layer (dimensionless current-mirror ratio); default 1.
    thresholds : mapping of layer name to (M, 2) array
        Per-neuron readout thresholds (v_hi, v_lo) of a layer (V); default the circuit's.
    step : float
        Fixed step of the deterministic solver (s).
    thermal_step : float
        Step of the stochastic solver (s).
    """

    name: str
    device: Device
    circuit: NeuronCircuit
    i_read: float
    comparator: BehavioralComparator = field(default_factory=BehavioralComparator)
    temperature: float = 0.0
    seed: int = 0
    devices: Mapping[str, Sequence[Device]] = field(default_factory=dict)
    trims: Mapping[str, np.ndarray] = field(default_factory=dict)
    thresholds: Mapping[str, np.ndarray] = field(default_factory=dict)
    step: float = 5e-12
    thermal_step: float = 2e-12

    @staticmethod
    def of(name: str, neuron: Neuron, **kw: Any) -> DeviceNeuron:
        """The device model of ``neuron`` (its device, circuit, read current and behavioral
        comparator); ``kw``: the other attributes (temperature, seed, devices, trims, ...)."""
        return DeviceNeuron(name, neuron.device, neuron.circuit, neuron.i_read, comparator=neuron.settings.behavioral, **kw)

    def __post_init__(self) -> None:
        if self.circuit.reset != "leak":
            raise ParameterError("reset", self.circuit.reset, "'leak' (the ideal-logic device neuron models it only)")
        if not (math.isfinite(self.temperature) and self.temperature >= 0):
            raise ParameterError("temperature", self.temperature, "a temperature >= 0 (K)")

    @property
    def neuron_timing(self) -> NeuronTiming:
        """The circuit's derived timing with this model's comparator (:class:`~mtjspice.netlist.timing.NeuronTiming`)."""
        return NeuronTiming.of(self.circuit, self.comparator)

    def phases(self, timing: Timing) -> GridPhases:
        """The logic's instants within a read-clock period, in grid steps from the period's start."""
        return self.neuron_timing.grid(timing.dt)

    def run(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> np.ndarray:
        return self.simulate(layer, current, timing, chunk).spikes

    def simulate(self, layer: str, current: np.ndarray, timing: Timing, chunk: int = 0) -> DeviceRun:
        """Spikes, and each neuron's peak junction voltage and time above breakdown (:class:`DeviceRun`).

        Every neuron of every image is one device of one batch, marched period by period by one
        :class:`~mtjspice.physics.stepper.GridStepper` (its state and work arrays kept from one
        read-clock period to the next); each period is integrated as a fresh fixed-step (or
        thermal) solver run from the period's start would integrate it.
        """
        k, b, m = current.shape
        n = b * m
        ph = self.phases(timing)
        per = ph.period
        devs = self.devices.get(layer)
        if devs is not None and len(devs) != m:
            raise ParameterError(f"devices[{layer}]", len(devs), f"{m} devices, one per neuron")
        batch = (DeviceBatch.from_devices([devs[j] for _ in range(b) for j in range(m)]) if devs is not None
                 else DeviceBatch.from_device(self.device, n=n))
        trim = np.tile(np.asarray(self.trims.get(layer, np.ones(m)), float), b)
        flat = current.reshape(k, n)
        idx = np.arange(k)
        phase = idx % per
        reading = (phase >= ph.read) | ((phase == 0) & (idx > 0))
        c, cmp = self.circuit, self.comparator
        th = np.asarray(self.thresholds.get(layer, np.tile([c.v_hi, c.v_lo], (m, 1))), float)
        hi, lo = np.tile(th[:, 0], b) + cmp.hysteresis / 2, np.tile(th[:, 1], b) - cmp.hysteresis / 2
        ref_from = np.full(n, -1)
        ref_to = np.full(n, -1)
        out = np.zeros((k, n), dtype=np.int8)
        rng = np.random.default_rng([self.seed, _LAYER_CODES.get(layer, 0), chunk])
        stepper = GridStepper(batch, batch.m0, step=self.step, temperature=self.temperature,
                              thermal_step=self.thermal_step, rng=rng)
        ideal = CurrentDrive(DC(0.0))  # the junction's voltage and resistance from its current and m.p
        v_max = np.zeros(n)
        t_max = batch.temperature.copy() if batch.heating else None
        over = np.zeros(n, dtype=np.int64)
        v_bd = batch.breakdown_voltage
        d, wd = ph.decide, ph.decide_w / 1000
        for start in range(0, k - 1, per):
            seg = idx[start:min(start + per + 1, k)]
            refr = (seg[:, None] >= ref_from[None, :]) & (seg[:, None] < ref_to[None, :])
            on = ~reading[seg][:, None] & ~refr
            rd = reading[seg][:, None] & ~refr
            drive_in = flat[seg] * trim[None, :] - self.circuit.i_trim
            cur = np.where(on, drive_in, 0.0) + rd * self.i_read
            mp = stepper.advance(cur, timing.dt)
            last = seg.size if start + per >= k - 1 else seg.size - 1  # each sample once
            _, volt = ideal.solve(batch, cur[:last], mp[:last])
            v_abs = np.abs(volt)
            v_max = np.maximum(v_max, v_abs.max(axis=0))
            if t_max is not None and stepper.sample_temperature is not None:
                t_max = np.maximum(t_max, stepper.sample_temperature[:last].max(axis=0))
            over += (v_abs > v_bd[None, :]).sum(axis=0)
            if d < seg.size:
                _, v_dec = ideal.solve(batch, cur[d - 1:d + 1], mp[d - 1:d + 1])
                res = 1.0 / batch.conductance(mp[d - 1:d + 1], v_dec)
                live = ~refr[d]
                r_mtj = (1 - wd) * res[0] + wd * res[1]
                v = c.v_read * c.r_ref / (c.r_ref + r_mtj + c.r_on)  # the read switch's r_on in series
                sign = np.where(live & (v > hi), 1, np.where(live & (v < lo), -1, 0))
                fired = np.nonzero(sign)[0]
                at = start + ph.spike
                if fired.size and at < k:
                    out[at, fired] = sign[fired]
                ref_from[fired] = start + ph.ref_from
                ref_to[fired] = start + ph.ref_to
        return DeviceRun(out.reshape(k, b, m), v_max.reshape(b, m), over.reshape(b, m) / k,
                         None if t_max is None else t_max.reshape(b, m))
