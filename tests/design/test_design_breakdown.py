"""The design search's breakdown constraint over more samples than the design's own
(``DesignSpec.breakdown_samples``, ``mtjspice design --breakdown-samples``): the highest R_AP
among n samples, drawn without a solver run, is the samples' own, and grows with n."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtjspice.design.neuron import worst_r_ap
from mtjspice.params import load_device
from mtjspice.physics.llgs import junction_resistance
from mtjspice.variation import VariationSpec

B53 = Path(__file__).resolve().parents[1] / "data" / "design_b53"
SPEC = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")


def test_worst_r_ap_is_the_samples_own():
    dev = load_device(B53 / "device.toml")
    devs = SPEC.devices(dev, 11, list(range(60)))
    direct = max(junction_resistance(d, -1.0) for d in devs)  # R_AP at zero bias (V_half = 0)
    assert worst_r_ap(dev, SPEC, 11, 60) == pytest.approx(direct, rel=1e-12)
    # the same normals reused (cached) give the same answer for another nominal device
    other = dev.replace(**{"geometry.W": 10e-9})
    devs = SPEC.devices(other, 11, list(range(60)))
    assert worst_r_ap(other, SPEC, 11, 60) == pytest.approx(max(junction_resistance(d, -1.0) for d in devs),
                                                            rel=1e-12)


def test_worst_r_ap_grows_with_the_count():
    """Measured for b53 (over its nominal R_AP): 1.71 among 200 samples, 1.92 among 20 000."""
    dev = load_device(B53 / "device.toml")
    r0 = junction_resistance(dev, -1.0)
    few, many = worst_r_ap(dev, SPEC, 11, 200) / r0, worst_r_ap(dev, SPEC, 11, 20_000) / r0
    assert 1.5 < few < many and many - few > 0.1
    assert np.isfinite(many)


@pytest.mark.slow
def test_constraint_uses_the_larger_count():
    from mtjspice.circuits.settings import NeuronSettings
    from mtjspice.design.neuron import DesignSpec, evaluate_design
    from mtjspice.design.verify import VerifySpec, design_params
    from mtjspice.io.settingsfile import read_settings
    from mtjspice.montecarlo.robust import robust_table

    dev = load_device(B53 / "device.toml")
    st = NeuronSettings(**read_settings(B53 / "settings.toml"))
    p = design_params(dev, st, VerifySpec(SPEC, 0.4452861956e-3, trim="dac", dac_bits=8))
    p.update(drive_ratio=3.4, clamp_ratio=3.9)  # b53h
    table = robust_table(dev.replace(**{"field.Ku": 0.0}), SPEC)
    base = dev.replace(**{"field.Ku": 0.0})
    small = evaluate_design(DesignSpec(base, SPEC, 20, 11, table), 0, p)
    big = evaluate_design(DesignSpec(base, SPEC, 20, 11, table, breakdown_samples=20_000), 0, p)
    assert small.values == big.values  # the same 20 samples judged
    assert small.constraints[0] < 0 < big.constraints[0]  # b53h: under 1 V among 20, over it among 20 000
    assert "breakdown" in big.why and not big.feasible
