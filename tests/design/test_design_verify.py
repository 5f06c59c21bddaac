"""mtjspice verify (mtjspice.design.verify, verifynet, verifyreport; cli/verify.py): the files and
their columns, the targets' verdicts, and the device-level and ngspice verdicts on the same sampled
neurons agreeing within a stated margin."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import sibling_module

from mtjspice.design.verify import Part, VerifySpec
from mtjspice.design.verifyreport import rows_of
from mtjspice.errors import ParameterError
from mtjspice.variation import VariationSpec

#: A design found by `mtjspice design` (design.toml says which), with an 8-bit threshold DAC.
DESIGN = Path(__file__).resolve().parents[1] / "data" / "design_b53"
SPEC = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")


def _design():
    from mtjspice.circuits.settings import NeuronSettings
    from mtjspice.io.settingsfile import read_settings
    from mtjspice.montecarlo.robust import robust_table
    from mtjspice.params import load_device

    dev = load_device(str(DESIGN / "device.toml"))
    settings = NeuronSettings(**read_settings(DESIGN / "settings.toml"))
    return dev, settings, robust_table(dev.replace(**{"field.Ku": 0.0}), SPEC)


def test_spec_checks():
    with pytest.raises(ParameterError, match="trim"):
        VerifySpec(SPEC, 0.4e-3, trim="reference")
    with pytest.raises(ParameterError, match="tasks"):
        VerifySpec(SPEC, 0.4e-3, tasks=("mnist",))
    with pytest.raises(ParameterError, match="drive"):
        VerifySpec(SPEC, -1.0)


def test_targets_are_judged():
    p = Part("device", {"yield": 0.985, "yield_lo": 0.981}, {"yield": "1", "yield_lo": "1"}, {}, 1.0)
    q = Part("network_digits", {"drop_points": 3.5, "over_breakdown": 0.0}, {}, {}, 2.0)
    met = {(r[0], r[1]): r[5] for r in rows_of([p, q])}
    assert met[("device", "yield")] == "no" and met[("device", "yield_lo")] == "yes"
    assert met[("network_digits", "drop_points")] == "no" and met[("network_digits", "over_breakdown")] == "yes"
    assert met[("timing", "device_seconds")] == ""


@pytest.mark.slow
def test_objectives_are_the_search_s():
    """The design's knobs recovered from its files give the search's numbers back: its compliance
    v_clamp / R_AP, and the 8-bit DAC's step v_read / 256."""
    from mtjspice.design.verify import design_params, objectives
    from mtjspice.physics.llgs import junction_resistance

    dev, settings, table = _design()
    vs = VerifySpec(SPEC, 0.4452861956e-3, trim="dac", dac_bits=8)
    p = design_params(dev, settings, vs)
    assert p["clamp_ratio"] * settings.i_th == pytest.approx(settings.v_clamp / junction_resistance(dev, -1.0))
    part = objectives(dev, settings, vs, table, samples=40)
    assert part.values["i_clamp"] == pytest.approx(settings.v_clamp / junction_resistance(dev, -1.0), rel=1e-9)
    assert part.values["c_breakdown"] < 0  # the compliance holds every sample under breakdown (measured 0.66 V)
    assert part.values["window"] > 0.3 and part.values["dac_step"] > 0


@pytest.mark.ngspice
@pytest.mark.slow
def test_device_and_ngspice_verdicts_agree():
    """Eight sampled neurons of the design, at 300 K in ngspice with their 8-bit threshold DACs and
    comparator offsets, against the noiseless device-level verdict of the same samples (same
    devices, same offsets): they agree on at least 7 of 8 (the margin: thermal noise may tip a
    neuron at the edge; measured 8 of 8 on samples 0-7)."""
    from mtjspice.design.verify import circuit_level, device_level

    dev, settings, table = _design()
    vs = VerifySpec(SPEC, 0.4452861956e-3, trim="dac", dac_bits=8, device_samples=8, circuit_samples=8, chunk=8,
                    t_stop=20e-9, workers=2)
    d = device_level(dev, settings, replace(vs, workers=1), table)
    c = circuit_level(dev, settings, vs, d.columns["device_ok"])
    assert c.values["agreement"] >= 7 / 8
    assert c.values["breakdown_share"] == 0.0 and c.values["v_junction_max"] < 1.0
    assert np.all(np.isfinite(c.columns["v_hi"]))
    # the thresholds in the decks are DAC levels: whole steps of v_read / 256
    from mtjspice.circuits.settings import resolve

    step = resolve(dev, replace(settings, dac_bits=None)).v_read / 256
    k = np.asarray(c.columns["v_hi"], float) / step
    assert np.allclose(k, np.round(k), atol=1e-6)


@pytest.mark.ngspice
@pytest.mark.slow
def test_cli_writes_the_files(tmp_path):
    """A shrunk run (2 short ngspice neurons, no network): the files, their columns described on the
    reference page, and the targets' rows."""
    ref = sibling_module("io/test_outputs_reference.py")
    check_folder, _empty_cells_are_described = ref.check_folder, ref._empty_cells_are_described

    from mtjspice.cli import main

    out = tmp_path / "v"
    assert main(["verify", str(DESIGN), "--device-samples", "60", "--circuit-samples", "2", "--t-stop", "6n",
                 "--images", "0", "--workers", "1", "--out", str(out)]) == 0
    _empty_cells_are_described(out, check_folder(out, "verify"))
    rows = list(csv.DictReader((out / "verify.csv").read_text().splitlines()))
    got = {(r["part"], r["quantity"]): r for r in rows}
    assert got[("device", "yield")]["unit"] == "1" and got[("device", "yield")]["target"] == ">= 0.99"
    y = float(got[("device", "yield")]["value"])
    assert 0.0 <= y <= 1.0 and got[("device", "yield")]["met"] == ("yes" if y >= 0.99 else "no")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["trim"] == "dac" and summary["dac_bits"] == 8 and math.isclose(summary["drive"], 0.4452861956e-3)
    described = {r["column"] for r in csv.DictReader((out / "columns.csv").read_text().splitlines())}
    assert {"part", "quantity", "value", "unit", "target", "met"} <= described
    assert "device level: yield" in (out / "report.md").read_text()


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_gain_trim_scales_by_the_onset():
    """The networks' gain trim: each sampled neuron's gain is its onset over the nominal one, to the
    gain DAC's 2 % step; without variation every gain is 1, with it they follow the onsets."""
    from mtjspice.design.verifynet import neuron_gains
    from mtjspice.montecarlo.device import device_chunk
    from mtjspice.montecarlo.trim import GAIN_RESOLUTION

    dev, settings, table = _design()
    same = neuron_gains(dev, settings, VerifySpec(VariationSpec(), 0.57e-3), table, np.arange(3))
    assert np.array_equal(same, np.ones(3))
    vs = VerifySpec(SPEC, 0.57e-3)
    k = neuron_gains(dev, settings, vs, table, np.arange(200, 208))
    assert np.allclose(np.round(k / GAIN_RESOLUTION) * GAIN_RESOLUTION, k)
    from mtjspice.design.verify import device_test, nominal_circuit

    c = nominal_circuit(dev, settings)
    cols = device_chunk(dev, SPEC, vs.seed, np.arange(200, 208), device_test(vs, settings, c), table, c)
    on = np.asarray(cols["i_th"], float)
    fin = np.isfinite(on) & (k > 0.25) & (k < 4.0)
    assert fin.sum() >= 4 and np.all(np.diff(k[fin][np.argsort(on[fin])]) >= 0)  # ordered as the onsets
    assert np.std(k) > 0.05  # 1 nm spreads the onsets
