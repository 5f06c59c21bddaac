"""The device-level Monte Carlo's gain trim matches each sample's firing threshold in the nominal circuit
(mtjspice.montecarlo.device, mtjspice.characterize.firing.batch_thresholds, issue #26)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.characterize.firing import batch_thresholds, firing_threshold, mean_threshold
from mtjspice.characterize.twin import fires_own_sign, respond
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.device import DeviceMC, NominalCircuit, device_chunk, nominal_firing, u_thresholds
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import junction_resistance
from mtjspice.variation import VariationSpec

SPEC = "L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"


@pytest.fixture(scope="module")
def setup() -> tuple[ms.Device, object, NominalCircuit, DeviceMC]:
    dev = ms.load_device("orthogonal")
    table = onset_table(dev)
    mc = DeviceMC()
    circuit = NominalCircuit.of(dev, table, mc.u_th)
    return dev, table, replace(circuit, i_fire=nominal_firing(dev, circuit, mc)), mc


def test_fires_own_sign_is_respond_cut_at_t_on(setup) -> None:
    """The bisection's cheaper run says 'fires' exactly where the full clocked test does, both signs,
    on inputs across the nominal device's threshold (where firing is not even monotonic)."""
    dev, _, c, mc = setup
    cur = np.linspace(0.54e-3, 0.60e-3, 13)
    b = DeviceBatch.from_device(dev, n=cur.size, theta0=0.0)
    up, un, _, _ = u_thresholds(b, c, mc)
    full = respond(b, mc, c, cur, [(up, un)])["by"][0]
    both = b.subset(np.tile(np.arange(cur.size), 2))
    cut = fires_own_sign(both, mc, c, np.concatenate([cur, -cur]), np.tile(up, 2), np.tile(un, 2))
    np.testing.assert_array_equal(cut[:cur.size], full["fires_pos"])
    np.testing.assert_array_equal(cut[cur.size:], full["fires_neg"])
    assert 0 < full["fires_pos"].sum() < cur.size  # the range does cross the threshold


def test_nominal_reference_agrees_with_the_scan(setup) -> None:
    """The gain trim's reference (bisection, 12 rounds) against the twin's scan (firing_threshold, 12 x 12
    points up to 3 i_th): within 2.5 % (the strobe lattice makes firing non-monotonic within ~2 %), and
    about 1.5 x the onset, as FINDINGS.md measured (1.45 x)."""
    dev, _, c, mc = setup
    scan = firing_threshold(dev, c, mc, i_max=3 * c.i_th, points=12, rounds=1)
    assert c.i_fire == pytest.approx(mean_threshold(scan), rel=0.025)
    assert 1.35 * c.i_th < c.i_fire < 1.6 * c.i_th


def _sample_device(dev: ms.Device, spec: VariationSpec, i: int) -> ms.Device:
    values = spec.sample(dev, 11, np.array([i]))
    return dev.replace(**{k: float(v[0]) for k, v in values.items()})


@pytest.mark.slow
def test_gain_trim_against_samples_built_by_hand(setup) -> None:
    """Samples rebuilt as devices, each with its reference-trimmed thresholds (its own read-out at
    u = +-u_th) in the nominal circuit, scanned one by one with firing_threshold: k_trim is their mean
    firing threshold over the nominal one within 4 % (two methods, each within ~2 % of a crossing), and
    on these samples the onset ratio would have given a k off by more than that."""
    dev, table, c, mc = setup
    spec = VariationSpec.parse(SPEC)
    idx = np.arange(6)
    cols = device_chunk(dev, spec, 11, idx, mc, table, c)
    onset_k = np.clip(cols["i_th"] / c.i_th, *mc.k_range)
    checked = 0
    for i in idx:
        k = cols["k_trim"][i]
        if not (cols["valid"][i] and np.isfinite(cols["i_fire"][i]) and mc.k_range[0] < k < mc.k_range[1]):
            continue
        d = _sample_device(dev, spec, int(i))

        def level(u: float, d: ms.Device = d) -> float:
            return c.v_read * c.r_ref / (c.r_ref + junction_resistance(d, u))

        own = replace(c, v_hi=level(mc.u_th), v_lo=level(-mc.u_th))
        f = firing_threshold(d, own, mc, i_max=4.0 * c.i_fire, points=12, rounds=2)
        assert k == pytest.approx(mean_threshold(f) / c.i_fire, rel=0.04), (int(i), k, f)
        checked += 1
        if abs(onset_k[i] - k) > 0.08 * k:
            checked += 10
    assert checked >= 12, checked  # at least two samples, one where onset and firing disagree


@pytest.mark.slow
def test_the_firing_trim_recovers_what_the_onset_trim_cannot(setup) -> None:
    """60 samples of the issue's spread: gain + reference trim to the firing threshold keeps far more
    neurons than the same trim to the onset (measured on 5000 samples, seed 11: 4.2 % -> 58.9 %, docs/guide/montecarlo.md),
    and the nominal device's own k is 1 within the bisection's 1.1 %."""
    dev, table, c, mc = setup
    spec = VariationSpec.parse(SPEC)
    idx = np.arange(60)
    fire = device_chunk(dev, spec, 11, idx, mc, table, c)
    onset = device_chunk(dev, spec, 11, idx, replace(mc, gain_reference="onset"), table, c)
    np.testing.assert_array_equal(fire["usable_ref"], onset["usable_ref"])  # the reference trim is the same
    assert np.all(np.isnan(onset["i_fire"]))
    assert fire["usable_trim"].mean() > onset["usable_trim"].mean() + 0.2, (fire["usable_trim"].mean(),
                                                                            onset["usable_trim"].mean())
    nom = device_chunk(dev, VariationSpec(), 11, np.array([0]), mc, table, c)
    assert nom["k_trim"][0] == pytest.approx(1.0, abs=0.012)


def test_batch_thresholds_do_not_depend_on_the_batch(setup) -> None:
    dev, table, c, mc = setup
    spec = VariationSpec.parse(SPEC)
    all4 = device_chunk(dev, spec, 11, np.arange(4), mc, table, c)
    two = device_chunk(dev, spec, 11, np.array([1, 3]), mc, table, c)
    np.testing.assert_array_equal(all4["i_fire"][[1, 3]], two["i_fire"])


def test_bad_values_refused_by_name(setup) -> None:
    dev, _, c, mc = setup
    b = DeviceBatch.from_device(dev, theta0=0.0)
    with pytest.raises(ParameterError, match="gain_reference"):
        DeviceMC(gain_reference="threshold")
    with pytest.raises(ParameterError, match="rounds"):
        batch_thresholds(b, c, mc, np.array([0.3]), np.array([-0.3]), 1e-4, 1e-3, rounds=0)
    with pytest.raises(ParameterError, match="bottom, top"):
        batch_thresholds(b, c, mc, np.array([0.3]), np.array([-0.3]), 1e-3, 1e-4)
