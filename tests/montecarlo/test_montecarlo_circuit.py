"""Circuit-level Monte Carlo (mtjspice.montecarlo.circuit) and the trims (mtjspice.montecarlo.trim).

The agreement test holds the ngspice neurons against a device-level prediction made independently
with the batched macrospin solver: a sample fires with a sign when its u = m.p reaches the u at
which the circuit's threshold lies *for that sample's resistance* (the threshold voltage inverted
through the sample's divider). Two device-level drives:

* DC +-drive from rest (the simplest criterion). Margin: agreement on >= 80 % of the
  (sample, sign) pairs. Measured (20 ns circuit runs, 10 ns device runs, L = W = 0.7 nm, reference
  trim): 18 of 20 pairs for seed 0; 53 of 60 over seeds 0-2 (47 of 60 without trim). It
  disagrees for two reasons: the circuit gates its input off during each 0.2 ns read, so the
  junction sees less than the DC drive (the plateau u is about 0.35, not DC's 0.46: DC says "fires"
  for a sample whose threshold lies between the two); and the gating edges pump a sample whose
  DC onset lies just above the drive (seed 0, samples 7 and 9: u stays below 0.04 under DC but
  reaches 0.34 under the clocked drive, and the circuit fires).
* The read clock's own junction current (:func:`junction_drive`: input minus the read trim,
  the read current in each window) sampled at the comparators' hold instants. Margin: all but one
  pair. Measured: 20 of 20 for seed 0; 58 of 60 over seeds 0-2, both misses within 0.01 of the
  threshold in u (the clocked drive ignores the read-out node's settling and the read current's
  dependence on R(u)).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice.circuits.neuron import run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.circuit import (
    COLUMNS,
    CircuitMC,
    circuit_chunk,
    comparator_offsets,
    junction_drive,
    noise_seeds,
    sample_devices,
    strobe_times,
)
from mtjspice.montecarlo.trim import (
    dac_bits,
    gain_trim,
    readout_level,
    readout_membrane,
    reference_thresholds,
    trim_cost,
)
from mtjspice.params import load_device
from mtjspice.physics.solver import simulate
from mtjspice.stimulus import DC
from mtjspice.variation import VariationSpec

DEVICE = load_device("orthogonal")
I_TH = 0.3828125e-3  # onset_current(DEVICE), fixed here so that no test pays for the scan
SETTINGS = NeuronSettings(i_th=I_TH)
NEURON = Neuron.build(DEVICE, SETTINGS)  # i_th given: no characterisation
SPREAD = VariationSpec.parse("L=0.7n,W=0.7n")
SEED, K = 0, 10
T_STOP = 20e-9
T_DEVICE = 10e-9


# ------------------------------------------------------------------------------------------ pure


def test_bad_inputs_name_the_parameter() -> None:
    for kw, name in (({"offset_sigma": -1e-3}, "offset_sigma"), ({"trim": "bias"}, "trim"), ({"drive": 0.0}, "drive"),
                     ({"t_stop": math.nan}, "t_stop"), ({"temperature": -1.0}, "temperature")):
        with pytest.raises(ParameterError) as e:
            CircuitMC(**kw)  # type: ignore[arg-type]
        assert e.value.name == name
    with pytest.raises(ParameterError, match="offset_sigma"):
        comparator_offsets(0, [0], -1.0)
    with pytest.raises(ParameterError, match="seed"):
        comparator_offsets(-1, [0], 1e-3)
    with pytest.raises(ParameterError, match="indices"):
        noise_seeds(0, [-2])
    with pytest.raises(ParameterError, match="^neuron: got 'Device'; allowed: a Neuron"):  # the neuron object, not its device
        circuit_chunk(DEVICE, SPREAD, 0, [0], CircuitMC())  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="workers"):
        circuit_chunk(NEURON, SPREAD, 0, [0], CircuitMC(), workers=0)
    with pytest.raises(ParameterError, match="onsets"):
        circuit_chunk(NEURON, SPREAD, 0, [0, 1], CircuitMC(trim="gain"), onsets=[I_TH])
    with pytest.raises(ParameterError, match="resolution"):
        dac_bits(np.ones(3), 0.0)


def test_offsets_are_reproducible_chunk_independent_and_their_own_stream() -> None:
    whole = comparator_offsets(7, range(12), 5e-3)
    assert whole.shape == (12, 2)
    split = np.vstack([comparator_offsets(7, [8, 9, 10, 11], 5e-3), comparator_offsets(7, range(8), 5e-3)])
    np.testing.assert_array_equal(split, np.vstack([whole[8:], whole[:8]]))
    np.testing.assert_array_equal(comparator_offsets(7, [3], 5e-3), whole[3:4])
    np.testing.assert_allclose(comparator_offsets(7, range(12), 1e-3), whole / 5, rtol=1e-14)
    assert not np.array_equal(comparator_offsets(8, range(12), 5e-3), whole)
    # stream 1: never the device draws of the same (seed, i)
    device_draws = np.array([np.random.default_rng([7, i]).standard_normal(2) for i in range(12)])
    assert np.all(np.abs(whole / 5e-3 - device_draws) > 1e-12)
    assert comparator_offsets(0, [], 1e-3).shape == (0, 2)
    big = comparator_offsets(1, range(4000), 2e-3)
    assert np.std(big, axis=0) == pytest.approx([2e-3, 2e-3], rel=0.05)
    assert abs(np.corrcoef(big.T)[0, 1]) < 0.05
    np.testing.assert_array_equal(noise_seeds(3, [5, 6])[1], noise_seeds(3, [6])[0])


def test_trim_helpers() -> None:
    c = Neuron.build(DEVICE, SETTINGS).circuit
    assert reference_thresholds(DEVICE, c, SETTINGS.u_th) == pytest.approx((c.v_hi, c.v_lo), rel=1e-12)
    for u in (-0.7, 0.0, 0.3):
        assert readout_membrane(DEVICE, c, readout_level(DEVICE, c, u)) == pytest.approx(u, abs=1e-12)
    assert math.isnan(readout_membrane(DEVICE, c, c.v_read))
    k = gain_trim(np.array([I_TH, 2 * I_TH, math.inf]), I_TH)
    np.testing.assert_array_equal(k[:2], [1.0, 2.0])
    assert math.isnan(k[2])
    cost = trim_cost(np.array([0.8, 1.0, 1.2, np.nan]), resolution=0.02)
    assert (cost.n, cost.bits, cost.unit_cells) == (3, 5, 31)  # range 0.4 / 0.02 = 20 steps -> 5 bits
    assert cost.junction_energy == pytest.approx((0.64 + 1.0 + 1.44) / 3 - 1)
    assert cost.mirror_energy == pytest.approx(0.0)
    assert dac_bits(np.array([1.0, 1.01]), 0.02) == 0
    assert trim_cost(np.array([np.nan])).n == 0


def test_junction_drive_is_the_read_clock() -> None:
    c = Neuron.build(DEVICE, SETTINGS).circuit
    wave = junction_drive([DEVICE, DEVICE], c, np.array([0.6e-3, -0.6e-3]), 3e-9)
    i_read = c.v_read / (c.r_ref + 1.0 / (0.5 / DEVICE.R_P + 0.5 / DEVICE.R_AP) + c.r_on)
    holds = strobe_times(c, SETTINGS, 3e-9)
    assert holds.size == 3 and np.all(np.diff(holds) == pytest.approx(c.clock_period))
    np.testing.assert_allclose([wave(t) for t in holds], [[i_read, i_read]] * 3, rtol=1e-12)
    np.testing.assert_allclose(wave(0.5e-9), [0.6e-3 - c.i_trim, -0.6e-3 - c.i_trim], rtol=1e-12)


def test_a_failed_simulation_fails_its_row_not_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    import mtjspice.montecarlo.circuit as circuit
    from mtjspice.errors import SimulationError

    def failing(*args: object, **kwargs: object) -> None:
        raise SimulationError("no convergence")

    monkeypatch.setattr(circuit, "run_neuron", failing)
    cols = circuit_chunk(NEURON, SPREAD, SEED, [0, 1], CircuitMC())
    assert cols["sim_failed"].all() and not cols["ok"].any() and cols["valid"].all()


# ------------------------------------------------------------------------------------------ ngspice


def _nominal_runs(mc: CircuitMC) -> dict[str, float]:
    c = NEURON.circuit
    pos = run_neuron(DEVICE, DC(mc.drive), mc.t_stop, SETTINGS, c, warn=False, keep_wave=False)
    neg = run_neuron(DEVICE, DC(-mc.drive), mc.t_stop, SETTINGS, c, warn=False, keep_wave=False)
    n = pos.spikes.n_positive + neg.spikes.n_negative
    return {"rate_pos": pos.spikes.n_positive / mc.t_stop, "rate_neg": neg.spikes.n_negative / mc.t_stop,
            "latency_pos": float(pos.spikes.t[0]), "latency_neg": float(neg.spikes.t[0]),
            "v_junction_max": max(pos.v_junction_max, neg.v_junction_max),
            "energy_per_spike": (pos.energy.total + neg.energy.total) / n}


@pytest.mark.ngspice
def test_zero_spread_gives_every_sample_the_nominal_neuron() -> None:
    mc = CircuitMC(t_stop=T_STOP)
    cols = circuit_chunk(NEURON, VariationSpec.parse("L=0,W=0,RA=0%"), SEED, [0, 5, 7], mc, workers=2)
    assert list(cols) == list(COLUMNS)
    np.testing.assert_array_equal(cols["index"], [0, 5, 7])
    nominal = _nominal_runs(mc)
    for name, value in nominal.items():
        np.testing.assert_array_equal(cols[name], np.full(3, value), err_msg=name)
    for name in ("valid", "fires_pos", "fires_neg", "ok"):
        assert cols[name].all(), name
    for name in ("inverted", "sim_failed", "wrong_sign", "breakdown"):
        assert not cols[name].any(), name
    np.testing.assert_array_equal(cols["k_trim"], 1.0)

    # The gain trim scales the input: an onset twice the nominal one doubles it (into breakdown).
    gain = circuit_chunk(NEURON, VariationSpec(), SEED, [0, 1], CircuitMC(t_stop=T_STOP, trim="gain"),
                         onsets=[I_TH, 2 * I_TH], workers=2)
    np.testing.assert_array_equal(gain["k_trim"], [1.0, 2.0])
    assert gain["v_junction_max"][0] == nominal["v_junction_max"] and gain["ok"][0]
    assert gain["breakdown"][1] and gain["v_junction_max"][1] > 1.5 * nominal["v_junction_max"]


@pytest.fixture(scope="module")
def referenced() -> dict[str, np.ndarray]:
    """The spread set through the reference-trimmed circuit (offsets calibrated away)."""
    mc = CircuitMC(t_stop=T_STOP, trim="reference", offset_sigma=5e-3)
    return circuit_chunk(NEURON, SPREAD, SEED, range(K), mc, workers=2)


def _device_prediction(cols: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(DC, clocked) predictions of (fires_pos, fires_neg), each (K, 2), from the macrospin solver."""
    devices = [d for d in sample_devices(DEVICE, SPREAD, SEED, range(K)) if d is not None]
    assert len(devices) == K
    c = Neuron.build(DEVICE, SETTINGS).circuit
    h = SETTINGS.behavioral.hysteresis / 2  # the behavioral comparator trips half its hysteresis out
    u_hi = np.array([readout_membrane(d, c, v + h) for d, v in zip(devices, cols["v_hi"], strict=True)])
    u_lo = np.array([readout_membrane(d, c, v - h) for d, v in zip(devices, cols["v_lo"], strict=True)])
    both = devices + devices
    sign = np.repeat([1.0, -1.0], K)
    p = np.stack([d.p for d in both], axis=1)
    out = []
    for wave, dt in ((DC(0.6e-3 * sign), 10e-12), (junction_drive(both, c, 0.6e-3 * sign, T_DEVICE), 5e-12)):
        traj = simulate(both, wave, T_DEVICE, dt, breakdown="ignore")
        u = np.einsum("knc,cn->kn", traj.m, p)
        if isinstance(wave, DC):
            top, bottom = u.max(axis=0), u.min(axis=0)
        else:
            held = np.stack([np.interp(strobe_times(c, SETTINGS, T_DEVICE), traj.t, u[:, n]) for n in range(2 * K)], 1)
            top, bottom = held.max(axis=0), held.min(axis=0)
        out.append(np.column_stack([top[:K] >= u_hi, bottom[K:] <= u_lo]))
    return out[0], out[1]


@pytest.mark.ngspice
def test_circuit_yield_agrees_with_the_device_level_prediction(referenced: dict[str, np.ndarray]) -> None:
    cols = referenced
    fired = np.column_stack([cols["fires_pos"], cols["fires_neg"]])
    assert 0 < cols["ok"].sum() < K and 0 < fired.sum() < 2 * K  # the set is a mix
    assert np.all(cols["v_hi"] > cols["v_lo"]) and not cols["inverted"].any()
    dc, clocked = _device_prediction(cols)
    assert np.mean(dc == fired) >= 0.8, (dc, fired)
    assert np.sum(clocked != fired) <= 1, (clocked, fired)


@pytest.mark.ngspice
def test_reference_trim_raises_the_yield(referenced: dict[str, np.ndarray]) -> None:
    # Without it the nominal thresholds sit off-centre for every sample whose area moved: the
    # read-out at u = 0 shifts by about 8 mV per 7 % of resistance, more than the 7 mV between
    # u = 0 and u = u_th, so such a neuron fires one sign only.
    untrimmed = circuit_chunk(NEURON, SPREAD, SEED, range(K), CircuitMC(t_stop=T_STOP), workers=2)
    assert referenced["ok"].sum() >= untrimmed["ok"].sum() + 3
    assert np.ptp(untrimmed["v_hi"]) == 0 and np.ptp(referenced["v_hi"]) > 5e-3
    assert dac_bits(referenced["v_hi"], 0.5e-3) >= 4


@pytest.mark.ngspice
def test_thermal_samples_depend_only_on_seed_and_index() -> None:
    mc = CircuitMC(t_stop=10e-9, temperature=300.0, trim="reference")
    both = circuit_chunk(NEURON, SPREAD, SEED, [0, 1], mc, workers=2)
    alone = circuit_chunk(NEURON, SPREAD, SEED, [1], mc, workers=1)
    for name in COLUMNS:
        np.testing.assert_array_equal(both[name][1:], alone[name], err_msg=name)


@pytest.mark.ngspice
@pytest.mark.slow
def test_gain_trim_matches_the_firing_threshold_not_the_onset() -> None:
    """Without ``onsets`` the gain trim is the sample's firing threshold over the nominal one (both signs'
    mean, under the nominal circuit's clocked read), not the onset ratio. Sample 2 of alpha 20 % (seed 0,
    alpha x 0.88): the damping moves the firing threshold far more than the DC onset (measured: firing
    ratio 0.874, onset ratio 0.980), so the two criteria give k apart by more than 3 steps of the
    threshold's 2 % resolution."""
    from mtjspice.characterize.onset import onset_current
    from mtjspice.montecarlo.firing import FiringThreshold, firing_thresholds, mean_threshold

    spec = VariationSpec.parse("alpha=20%")
    sample = sample_devices(DEVICE, spec, SEED, np.array([2]))
    assert sample[0] is not None
    cols = circuit_chunk(NEURON, spec, SEED, [2], CircuitMC(t_stop=T_STOP, trim="gain"))
    nominal, each = firing_thresholds(DEVICE, sample, SETTINGS, I_TH)
    assert cols["k_trim"][0] == pytest.approx(each[0] / nominal, rel=1e-12)
    onset_ratio = onset_current(sample[0]) / I_TH
    assert abs(cols["k_trim"][0] - onset_ratio) > 0.06, (cols["k_trim"][0], onset_ratio)
    # the nominal firing threshold lies well above the onset (about 1.45 x, FINDINGS.md)
    assert 1.3 < nominal / I_TH < 1.6
    assert math.isinf(mean_threshold(FiringThreshold(1e-3, math.inf, 1e-5, 2e-3)))
