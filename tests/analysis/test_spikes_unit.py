"""Spike analysis on synthetic waveforms whose crossings are known exactly (no simulator).

Piecewise-linear signals are crossed by linear interpolation, so a crossing between two samples
is recovered to rounding: the tolerances are 1e-21 s (1e-12 of the 1 ns scale) unless stated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice.analysis.spikes import crossings, detect_spikes, firing_rate, spike_summary, spike_widths
from mtjspice.netlist.circuit import Probe
from mtjspice.netlist.neuron import NeuronProbes
from mtjspice.results import SpikeTrain, Waveforms

VDD = 1.0
ATOL = 1e-21  # s


def pulse_train(t: np.ndarray, starts: list[float], width: float, rise: float, vdd: float = VDD) -> np.ndarray:
    """Trapezoid pulses 0 -> vdd: rising ramp [s, s + rise], flat, falling ramp [s + width, s + width + rise].
    The 50 % points are s + rise / 2 (rising) and s + width + rise / 2 (falling)."""
    x = np.zeros_like(t)
    for s in starts:
        up = np.clip((t - s) / rise, 0.0, 1.0)
        down = np.clip((t - s - width) / rise, 0.0, 1.0)
        x += vdd * (up - down)
    return x


def probes() -> NeuronProbes:
    cur = Probe("i", ("vx",))
    return NeuronProbes(u=Probe.node("u"), t1=Probe.node("t1"), t2=Probe.node("t2"), spk_p=Probe.node("spk_p"),
                        spk_n=Probe.node("spk_n"), drv=Probe.node("drv"), i_input=cur, i_gate=cur, i_ground=cur,
                        i_junction=cur, i_read_bias=cur, i_supply=cur)


def waves(t: np.ndarray, p: np.ndarray, n: np.ndarray) -> Waveforms:
    return Waveforms(t, {"v(spk_p)": p, "v(spk_n)": n})


def test_crossings_of_a_known_triangle() -> None:
    # a triangle 0 -> 2 -> 0 over [0, 4] s sampled at uneven points crosses 0.5 at t = 0.5 and 3.5
    t = np.array([0.0, 0.3, 1.1, 2.0, 2.7, 3.9, 4.0])
    x = np.interp(t, [0.0, 2.0, 4.0], [0.0, 2.0, 0.0])
    up, down = crossings(t, x, 0.5)
    assert up == pytest.approx([0.5], abs=1e-15)
    assert down == pytest.approx([3.5], abs=1e-15)
    # level above the peak: nothing; level exactly at a sample that is not exceeded: nothing either
    assert all(a.size == 0 for a in crossings(t, x, 2.5))
    assert all(a.size == 0 for a in crossings(t, x, 2.0))


def test_crossings_rising_and_falling_are_told_apart() -> None:
    t = np.linspace(0.0, 10e-9, 1001)
    x = pulse_train(t, [1e-9, 4e-9, 7e-9], 1e-9, 0.1e-9)
    up, down = crossings(t, x, 0.5)
    assert up == pytest.approx([1.05e-9, 4.05e-9, 7.05e-9], abs=ATOL)
    assert down == pytest.approx([2.05e-9, 5.05e-9, 8.05e-9], abs=ATOL)
    # a signal that starts high has a falling crossing first
    up2, down2 = crossings(t, 1.0 - x, 0.5)
    assert up2 == pytest.approx(down, abs=ATOL) and down2 == pytest.approx(up, abs=ATOL)


def test_crossings_of_a_one_sample_pulse() -> None:
    # up and down in consecutive intervals: each crossing's direction is read from its own interval
    t = np.array([0.0, 1.0, 2.0, 3.0])
    up, down = crossings(t, np.array([0.0, 1.0, 0.0, 0.0]), 0.5)
    assert up == pytest.approx([0.5]) and down == pytest.approx([1.5])
    up, down = crossings(t, np.array([1.0, 0.0, 1.0, 1.0]), 0.5)
    assert up == pytest.approx([1.5]) and down == pytest.approx([0.5])


def test_crossings_at_a_level_other_than_half() -> None:
    # a ramp 0 -> 1 V over [0, 1] ns crosses 0.2 V at 0.2 ns: the level enters the interpolation
    t = np.array([0.0, 1e-9, 2e-9])
    x = np.array([0.0, 1.0, 1.0])
    up, down = crossings(t, x, 0.2)
    assert up == pytest.approx([0.2e-9], abs=ATOL) and down.size == 0


def test_detect_spikes_on_known_rising_edges() -> None:
    # positive spikes start at 1, 5, 9 ns, negative ones at 3 and 7 ns, 0.5 ns wide with 0.1 ns edges:
    # the spike times are the rising 50 % crossings, start + 0.05 ns, in time order with their signs.
    t = np.linspace(0.0, 12e-9, 2401)
    p = pulse_train(t, [1e-9, 5e-9, 9e-9], 0.5e-9, 0.1e-9)
    n = pulse_train(t, [3e-9, 7e-9], 0.5e-9, 0.1e-9)
    sp = detect_spikes(waves(t, p, n), probes(), VDD)
    assert isinstance(sp, SpikeTrain)
    assert sp.t == pytest.approx([1.05e-9, 3.05e-9, 5.05e-9, 7.05e-9, 9.05e-9], abs=ATOL)
    assert list(sp.polarity) == [1, -1, 1, -1, 1] and sp.polarity.dtype.kind == "i"
    assert sp.n_positive == 3 and sp.n_negative == 2


def test_detect_spikes_uses_half_of_vdd() -> None:
    # a 1.8 V logic swing with slow 1 ns ramps: the 50 % point (0.9 V) is 0.5 ns into the ramp; a
    # threshold at half of 1 V instead would put it at 0.278 ns
    t = np.linspace(0.0, 10e-9, 10001)
    p = pulse_train(t, [2e-9], 4e-9, 1e-9, vdd=1.8)
    sp = detect_spikes(waves(t, p, np.zeros_like(t)), probes(), 1.8)
    assert sp.t == pytest.approx([2.5e-9], abs=ATOL)


def test_no_spikes_and_a_pulse_cut_by_the_end() -> None:
    t = np.linspace(0.0, 5e-9, 501)
    flat = np.zeros_like(t)
    sp = detect_spikes(waves(t, flat, flat), probes(), VDD)
    assert len(sp) == 0 and sp.t.shape == (0,) and sp.polarity.shape == (0,)
    # a pulse still high at the end counts as a spike but has no width
    p = pulse_train(t, [4e-9], 5e-9, 0.1e-9)
    assert detect_spikes(waves(t, p, flat), probes(), VDD).t == pytest.approx([4.05e-9], abs=ATOL)
    assert spike_widths(waves(t, p, flat), probes(), VDD).size == 0


def test_spike_widths_are_the_half_level_durations() -> None:
    # widths 0.4, 0.7 ns on spk_p and 1.1 ns on spk_n (equal rise and fall: the 50 % width is the
    # nominal width); a high level at t = 0 (a falling edge with no rise) gives no width
    t = np.linspace(0.0, 10e-9, 5001)
    p = pulse_train(t, [1e-9], 0.4e-9, 0.1e-9) + pulse_train(t, [5e-9], 0.7e-9, 0.1e-9)
    n = pulse_train(t, [-1e-9], 1.5e-9, 0.1e-9) + pulse_train(t, [3e-9], 1.1e-9, 0.1e-9)
    w = spike_widths(waves(t, p, n), probes(), VDD)
    assert w == pytest.approx([0.4e-9, 0.7e-9, 1.1e-9], abs=1e-20)


def test_firing_rate_counts_one_polarity_inside_the_window() -> None:
    sp = SpikeTrain(np.array([1e-9, 2e-9, 3e-9, 4e-9, 6e-9]), np.array([1, -1, 1, 1, 1]))
    assert firing_rate(sp, 0.0, 10e-9, 1) == pytest.approx(4 / 10e-9)
    assert firing_rate(sp, 0.0, 10e-9, -1) == pytest.approx(1 / 10e-9)
    # the window's ends are inclusive: [3, 4] ns holds two positive spikes over 1 ns
    assert firing_rate(sp, 3e-9, 4e-9, 1) == pytest.approx(2 / 1e-9)
    assert firing_rate(sp, 3.5e-9, 5e-9, 1) == pytest.approx(1 / 1.5e-9)


def test_spike_summary() -> None:
    t = np.linspace(0.0, 10e-9, 11)
    i_in = np.where(t >= 2e-9, 5e-4, 0.0)  # input on from 2 ns
    sp = SpikeTrain(np.array([3e-9, 4.5e-9, 5e-9, 8e-9]), np.array([1, -1, 1, -1]))
    s = spike_summary(sp, t, i_in, np.array([0.2e-9, 0.4e-9]))
    assert s["n_positive"] == 2 and s["n_negative"] == 2
    assert s["input_onset"] == pytest.approx(2e-9)
    assert s["latency"] == pytest.approx(1e-9)
    assert s["spike_width"] == pytest.approx(0.3e-9)
    # highest instantaneous rate of either sign: positive 1 / 2 ns, negative 1 / 3.5 ns
    assert s["max_rate"] == pytest.approx(1 / 2e-9)
    # the input's onset is its first |I| > 1 nA, whatever the sign
    s = spike_summary(sp, t, np.where(t >= 1e-9, -2e-9, 0.0), np.array([]))
    assert s["input_onset"] == pytest.approx(1e-9)
    assert math.isnan(s["spike_width"])
    # nothing to report: nan, never an error
    s = spike_summary(SpikeTrain(np.zeros(0), np.zeros(0, int)), t, np.zeros_like(t), np.array([]))
    assert all(math.isnan(s[k]) for k in ("input_onset", "latency", "spike_width", "max_rate"))
    assert s["n_positive"] == 0 and s["n_negative"] == 0
    # only one spike of each sign: no rate
    s = spike_summary(SpikeTrain(np.array([1e-9, 2e-9]), np.array([1, -1])), t, i_in, np.array([]))
    assert math.isnan(s["max_rate"])
    # the negative spikes may be the faster ones: 1 / 0.5 ns
    fast_neg = SpikeTrain(np.array([1e-9, 4e-9, 4.5e-9, 8e-9]), np.array([1, -1, -1, 1]))
    assert spike_summary(fast_neg, t, i_in, np.array([]))["max_rate"] == pytest.approx(1 / 0.5e-9)
    # a subnanoamp input is no input, and exactly 1 nA is not above 1 nA
    s = spike_summary(sp, t, np.full(t.size, 1e-9), np.array([]))
    assert math.isnan(s["input_onset"])
    s = spike_summary(sp, t, np.full(t.size, 0.5e-9), np.array([]))
    assert math.isnan(s["input_onset"]) and math.isnan(s["latency"])
    assert s["max_rate"] == pytest.approx(1 / 2e-9)
