"""Exact timing: stimuli render the period and edges asked for, every deck merges coincident
breakpoints (``.options minbreak``), the refractory time is the one set, and long runs with inputs
whose edges land anywhere relative to the read clock complete (docs/notes-ngspice.md)."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.circuits.array import ArrayJob, ArraySettings, run_array
from mtjspice.circuits.neuron import neuron_deck, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.settings import LONGEST_TIME, TIMINGS, NeuronSettings
from mtjspice.errors import BreakdownWarning, CostWarning, ParameterError
from mtjspice.io.inputs import parse_input
from mtjspice.io.reports import neuron_report
from mtjspice.netlist.array import ArrayCircuit
from mtjspice.netlist.circuit import Element, Probe
from mtjspice.netlist.compact import CompactRangeWarning
from mtjspice.netlist.deck import MIN_BREAK, Analysis, Deck
from mtjspice.netlist.examples import EXAMPLES
from mtjspice.netlist.neuron import oneshot_params
from mtjspice.netlist.neuroncircuit import NeuronCircuit
from mtjspice.netlist.sources import isource, source_spec
from mtjspice.network.neurons import refractory_time
from mtjspice.runoptions import RunOptions
from mtjspice.sim import run_deck
from mtjspice.stimulus import DC, PWL, Pulse, Waveform, pulse_train


@pytest.fixture(scope="module")
def device() -> ms.Device:
    return ms.load_device("orthogonal")


def _corners(c: NeuronCircuit, t_stop: float) -> np.ndarray:
    """The read clock's corners (s) up to t_stop, as the deck's clock source has them."""
    per, w, e = c.clock_period, c.read_width, c.edge
    return Pulse(0.0, 1.0, per - w - e, e, e, w, per).breakpoints(t_stop)


def _high_spans(t: np.ndarray, v: np.ndarray, level: float = 0.5) -> np.ndarray:
    """(start, end) times (s) of the intervals where v > level, by linear interpolation."""
    above = v > level
    k = np.nonzero(above[1:] != above[:-1])[0]
    x = t[k] + (level - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])
    ups, downs = x[above[k + 1]], x[~above[k + 1]]
    downs = downs[downs > ups[0]] if ups.size else downs
    n = min(ups.size, downs.size)
    return np.column_stack((ups[:n], downs[:n]))


# ---------------------------------------------------------------- stimuli: exact period, edges inside it

def test_pulse_train_period_is_t_on_plus_t_off_exactly() -> None:
    wave = pulse_train(0.6e-3, 8e-9, 2e-9, delay=1e-9, edge=20e-12)
    assert wave.period == 10e-9
    assert source_spec(wave) == "PULSE(0 0.0006 1e-09 2e-11 2e-11 8e-09 1e-08)"
    # held for t_on after its rising edge, 0 for t_off - 2 edges, the same one period later
    t = 1e-9 + 20e-12 + np.linspace(0.0, 8e-9, 9)
    for k in (0, 1, 7):
        assert np.allclose([float(wave(x + k * 10e-9)) for x in t], 0.6e-3)
        assert float(wave(1e-9 + 8.04e-9 + 1e-12 + k * 10e-9)) == 0.0
        assert float(wave(1e-9 + 10e-9 - 1e-12 + k * 10e-9)) == 0.0
    assert parse_input("pulse:0.6m,8n,2n,1n").period == 10e-9  # type: ignore[attr-defined]


def test_pulse_train_needs_its_edges_inside_t_off() -> None:
    with pytest.raises(ParameterError, match="t_off"):
        pulse_train(1e-3, 5e-9, 15e-12, edge=10e-12)
    with pytest.raises(ParameterError, match="--input"):
        parse_input("pulse:0.6m,8n,30p")
    assert pulse_train(1e-3, 5e-9, 20e-12, edge=10e-12).period == pytest.approx(5.02e-9)


@pytest.mark.ngspice
def test_ngspice_and_python_see_the_same_train() -> None:
    """The rendered PULSE source and the Python waveform agree at every ngspice time point over 40
    periods, so the solver and the netlists see one input."""
    wave = pulse_train(1.0, 3e-9, 1.7e-9, delay=0.3e-9, edge=20e-12)
    deck = Deck("train", (isource("in", "0", "a", wave), Element("Ra", ("a", "0"), (1.0,))),
                Analysis(40 * wave.period + 1e-9, 10e-12, max_step=50e-12), probes=(Probe.node("a"),))
    wf = run_deck(deck)
    py = np.array([float(wave(t)) for t in wf.t])
    assert np.max(np.abs(wf[Probe.node("a").vector] - py)) < 1e-6
    assert np.all(np.isin(np.round(wave.breakpoints(wf.t[-1]), 15), np.round(wf.t, 15)))  # ngspice stepped onto every corner


# ---------------------------------------------------------------- decks: minbreak, the one-shot's card

def test_every_deck_merges_coincident_breakpoints(device: ms.Device) -> None:
    s = NeuronSettings()
    deck, _ = neuron_deck(device, Neuron.build(device, s).circuit, DC(0.6e-3), 10e-9, s)
    opts = [line for line in deck.text().splitlines() if line.startswith(".options")]
    assert len(opts) == 1 and f"minbreak={MIN_BREAK:g}" in opts[0].split()
    # far below every time the circuit resolves, far above one rounding unit of any run's time
    assert MIN_BREAK <= 1e-3 * s.edge and MIN_BREAK >= 1e3 * np.spacing(1e-3)
    for name, build in EXAMPLES.items():
        assert f"minbreak={MIN_BREAK:g}" in build().text(), name


@pytest.mark.parametrize("reset, t_ref", [("leak", 1.5e-9), ("active", 0.7e-9), ("leak", None)])
def test_oneshot_card_gives_t_refractory_at_half_height(device: ms.Device, reset: str, t_ref: float | None) -> None:
    s = NeuronSettings(reset=reset, t_refractory=t_ref)
    c = Neuron.build(device, s).circuit
    if t_ref is None:
        assert c.t_refractory == 2.51e-9  # the default: the refractory time the circuit always had
    p = oneshot_params(c)
    # XSPICE: high for pw + fall_delay, ramps of rise_time / fall_time: width at half height
    assert p["pw"] + p["fall_delay"] + 0.5 * (p["rise_time"] + p["fall_time"]) == pytest.approx(c.t_refractory)
    text = neuron_deck(device, c, DC(0.0), 5e-9, s)[0].text()
    card = re.search(r"^\.model osref oneshot\((.*)\)$", text, re.M)
    assert card is not None
    assert "fall_delay=0 " in card.group(1) and f"pw_array=[{c.t_refractory - c.edge:.15g} " in card.group(1)
    assert refractory_time(c) == c.t_refractory


def test_refractory_below_one_edge_is_refused(device: ms.Device) -> None:
    with pytest.raises(ParameterError, match="t_refractory"):
        NeuronSettings(t_refractory=5e-12)


@pytest.mark.parametrize("name", TIMINGS)
def test_a_timing_over_a_microsecond_is_refused_as_a_unit_slip(name: str) -> None:
    """1.5 meant as 1.5n: the settings refuse it naming the setting, the value and the range in s."""
    with pytest.raises(ParameterError) as exc:
        NeuronSettings(**{name: 1.5})
    assert exc.value.value == 1.5 and str(exc.value).startswith(
        f"{name}: got 1.5; allowed: a time > 0 and at most 1e-06 s (1 us): the membrane relaxes in 1 to 100 ns"), exc.value
    with pytest.raises(ParameterError, match=f"^{name}: got -1e-09; allowed: a time > 0 and at most 1e-06 s"):
        NeuronSettings(**{name: -1e-9})


def test_the_longest_timings_are_allowed_and_a_read_out_level_must_lie_below_vdd() -> None:
    s = NeuronSettings(clock_period=LONGEST_TIME, read_width=LONGEST_TIME / 2, settle=LONGEST_TIME / 4,
                       t_refractory=LONGEST_TIME)
    assert s.clock_period == 1e-6 and s.t_refractory == 1e-6
    from mtjspice.units import parse_si

    assert parse_si("1000n") > 1e-6  # the round-off of the parse...
    assert NeuronSettings(t_refractory=parse_si("1000n")).t_refractory == parse_si("1000n")  # ...is not a unit slip
    with pytest.raises(ParameterError, match=r"^t_refractory: got 1.001e-06; allowed: a time > 0 and at most 1e-06"):
        NeuronSettings(t_refractory=1.001e-6)
    with pytest.raises(ParameterError, match=r"^v_mid: got 650.0; allowed: a read-out level > 0 and below vdd = 1 V"):
        NeuronSettings(v_mid=650.0)  # 650 meant as 650m
    with pytest.raises(ParameterError, match=r"^v_mid: got 1.0; allowed: .* below vdd = 1 V"):
        NeuronSettings(v_mid=1.0)
    with pytest.raises(ParameterError, match=r"^v_mid: got 0.0; allowed: "):
        NeuronSettings(v_mid=0.0)
    assert NeuronSettings(v_mid=1.2, vdd=1.8).v_mid == 1.2  # the supply sets the bound


@pytest.mark.ngspice
@pytest.mark.parametrize("reset, t_ref", [("leak", 1.5e-9), ("active", 0.7e-9)])
def test_oneshot_width_measured_in_ngspice_is_t_refractory(device: ms.Device, reset: str, t_ref: float) -> None:
    """The reset one-shot's output, measured in ngspice at half height, is as wide as the setting,
    the input is off for that long, and the report prints what the circuit did."""
    s = NeuronSettings(reset=reset, t_refractory=t_ref)
    c = Neuron.build(device, s).circuit
    deck, block = neuron_deck(device, c, DC(1e-3), 12e-9, s)
    nodes = ("refp", "refn") if reset == "active" else ("ref",)
    deck = replace(deck, probes=(*deck.probes, *(Probe.node(n) for n in nodes)))
    wf = run_deck(deck)
    spans = np.vstack([_high_spans(wf.t, wf[Probe.node(n).vector]) for n in nodes])
    assert spans.shape[0] >= 2
    widths = spans[:, 1] - spans[:, 0]
    assert np.allclose(widths, t_ref, atol=1e-12), widths  # main had t_refractory + 1 ns + 10 ps
    # no input reaches the junction while the one-shot is up (its ramps aside)
    t, i_gate = wf.t, wf[block.probes.i_gate.vector]
    for a, b in spans:
        inside = (t > a + c.edge) & (t < b - c.edge)
        assert inside.any() and np.all(np.abs(i_gate[inside]) < 1e-6)
    res = run_neuron(device, DC(1e-3), 12e-9, s, c, warn=False)
    assert f"refractory {t_ref:.3g} s" in neuron_report(res, device)


# ---------------------------------------------------------------- long runs: edges anywhere against the clock

def _random_pwl(rng: np.random.Generator, t_stop: float, corners: np.ndarray, amp: float,
                spacing: float = 6e-9) -> PWL:
    """A random piecewise-linear current (A): random levels of both signs with edges of 10-40 ps at
    random times (``spacing`` s apart on average), a quarter of them exactly on read-clock corners and
    some 1e-20 s after one."""
    n = int(t_stop / spacing)
    starts = np.sort(rng.uniform(1e-9, t_stop - 1e-9, n))
    on_clock = rng.random(n) < 0.25
    starts[on_clock] = corners[np.searchsorted(corners, starts[on_clock]).clip(max=corners.size - 1)]
    near = rng.random(n) < 0.1
    starts[near] = corners[np.searchsorted(corners, starts[near]).clip(max=corners.size - 1)] + 1e-20
    edges = rng.uniform(10e-12, 40e-12, n)
    t, v, level = [0.0], [0.0], 0.0
    for t0, e in zip(starts, edges, strict=True):
        if t0 <= t[-1] + 1e-12 or t0 + e >= t_stop:
            continue
        new = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.1) * amp) if rng.random() < 0.7 else 0.0
        t += [t0, t0 + e]
        v += [level, new]
        level = new
    return PWL(np.array(t), np.array(v))


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
@pytest.mark.ngspice
def test_an_input_edge_1e_20_s_from_a_clock_edge_runs(device: ms.Device) -> None:
    """The neuron runs through an input edge 1e-20 s after a read-clock corner (and edges exactly on
    corners): ngspice merges the pair instead of stepping between them until "Timestep too small"."""
    s = NeuronSettings(mtj="compact")
    c = Neuron.build(device, s).circuit
    corners = _corners(c, 400e-9)
    t0 = float(corners[corners > 300e-9][0])
    times = [0.0, 50e-9, 50e-9 + 20e-12, t0, t0 + 1e-20, t0 + 20e-12]
    for k in range(40):  # edges exactly on later corners: 1 ulp apart in ngspice's arithmetic, or not
        tc = float(corners[corners > t0 + 1e-9][2 * k])
        times += [tc, tc + 20e-12]
    vals = [0.0, 0.0, 0.62e-3, 0.62e-3, -0.62e-3, -0.62e-3] + [0.62e-3, 0.62e-3, -0.62e-3, -0.62e-3] * 20
    wave = PWL(np.array(times), np.array(vals))
    res = run_neuron(device, wave, 400e-9, s, warn=False)
    assert f"{t0 + 1e-20:.15g}" != f"{t0:.15g}" and f"{t0 + 1e-20:.15g}" in res.netlist  # the 1e-20 s survives
    assert res.t[-1] == pytest.approx(400e-9)
    assert res.spikes.n_positive > 0 and res.spikes.n_negative > 0


@pytest.mark.ngspice
@pytest.mark.slow
def test_the_pulse_train_that_stalled_ngspice_runs_5us(device: ms.Device) -> None:
    """``mtjspice neuron orthogonal --input pulse:0.6m,8n,2n,1n --t-stop 5u``, the macrospin deck the
    failure was found with: with the period lengthened by its edges (10.04 ns) and no minbreak,
    ngspice stopped at 4.52 us ("Timestep too small"). The compact MTJ's deck did not show it: its
    larger maximum step makes ngspice's own minbreak larger (docs/notes-ngspice.md)."""
    wave = parse_input("pulse:0.6m,8n,2n,1n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)  # estimated at about a minute: expected
        res = run_neuron(device, wave, 5e-6, NeuronSettings(), warn=False, keep_wave=False)
    assert res.t[-1] == pytest.approx(5e-6)
    assert "PULSE(0 0.0006 1e-09 2e-11 2e-11 8e-09 1e-08)" in res.netlist
    late = res.spikes.t > 4.5e-6
    assert np.sum(late & (res.spikes.polarity > 0)) > 10 and not np.any(res.spikes.polarity < 0)


@pytest.mark.ngspice
@pytest.mark.slow
def test_neuron_runs_10us_of_random_pulse_and_pwl_input(device: ms.Device) -> None:
    """10 us of a neuron (compact MTJ, for CI's time budget): 5 us of the pulse train
    ``pulse:0.6m,8n,2n,1n`` (as PWL corners), then random PWL input of both signs with a quarter of
    its edges exactly on read-clock corners."""
    s = NeuronSettings(mtj="compact")
    c = Neuron.build(device, s).circuit
    rng = np.random.default_rng(24)
    t_stop = 10e-6
    pwl = _random_pwl(rng, t_stop, _corners(c, t_stop), 0.62e-3)
    train = pulse_train(0.6e-3, 8e-9, 2e-9, delay=1e-9, edge=20e-12)
    # the train for the first half, the random input after
    t = np.concatenate([[0.0], np.sort(train.breakpoints(5e-6)), [5e-6 + 1e-12]])
    vals = np.array([float(train(x)) for x in t[:-1]] + [0.0])
    keep = pwl.times > 5e-6 + 1e-9
    wave = PWL(np.concatenate([t, pwl.times[keep]]), np.concatenate([vals, pwl.values[keep]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)
        warnings.simplefilter("ignore", CompactRangeWarning)  # random levels near the onset: the timing is tested
        res = run_neuron(device, wave, t_stop, s, warn=False, keep_wave=False)
    assert res.t[-1] == pytest.approx(t_stop)
    first, second = res.spikes.t < 5e-6, res.spikes.t >= 5e-6
    assert np.sum(first & (res.spikes.polarity > 0)) > 100  # the train fires all along
    assert np.sum(second & (res.spikes.polarity > 0)) > 10 and np.sum(second & (res.spikes.polarity < 0)) > 10


@pytest.mark.ngspice
@pytest.mark.slow
def test_64_neuron_array_runs_1us_of_random_inputs(device: ms.Device) -> None:
    """A 64-neuron array, 1 us of random row inputs (pulse trains of random periods and delays, random
    PWL steps of both signs with edges anywhere against the read clock and some exactly on it)
    completes in every part, and the neurons fire."""
    st = ArraySettings(crossbar=ArrayCircuit(r_driver=0.0))
    neuron = Neuron.build(device, NeuronSettings(mtj="compact"))
    c = neuron.circuit
    rng = np.random.default_rng(64)
    t_stop, n_in, m = 1e-6, 4, 64
    corners = _corners(c, t_stop)
    inputs: list[Waveform] = []
    for k in range(n_in):
        if k % 2:
            inputs.append(pulse_train(0.2, float(rng.uniform(6e-9, 12e-9)), float(rng.uniform(3e-9, 9e-9)),
                                      delay=float(rng.uniform(0, 3e-9)), edge=20e-12))
        else:
            inputs.append(_random_pwl(rng, t_stop, corners, 0.2, spacing=15e-9))
    # neuron j: 3 mS from row j % 4 (0.6 mA at 0.2 V), +-0.15 mS from the others (at most 0.69 mA in
    # all, below the junction's 1 V breakdown)
    w = rng.choice([-0.15e-3, 0.15e-3], (n_in, m))
    w[np.arange(m) % n_in, np.arange(m)] = 3e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CostWarning)  # estimated at about a minute on two cores: expected
        warnings.simplefilter("ignore", BreakdownWarning)  # negative inputs see the AP side's higher R: warned only
        # random sums of rows dwell between the onset and the compact MTJ's fitted range: the timing is tested
        warnings.simplefilter("ignore", CompactRangeWarning)
        res = run_array(neuron, ArrayJob(w, inputs, t_stop), st, options=RunOptions(workers=2))
    assert res.t_stop == t_stop and sorted(j for p in res.parts for j in p) == list(range(m))
    fired = np.unique(res.spikes.neuron)
    assert fired.size >= m // 2, fired.size
    assert np.any(res.spikes.polarity < 0) and np.any(res.spikes.polarity > 0)
