"""The per-neuron threshold DAC wired into the neuron deck (NeuronCircuit.dac_bits): its codes are
the ones the device-level Monte Carlo's DAC trim rounds to (DeviceMC.ref_step), the deck holds two
resistor strings in place of the threshold sources, their energy is the part ``threshold_dac``,
and in ngspice the neuron fires where the numpy verdict with the same DAC says it does."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.device import DeviceMC, NominalCircuit, device_chunk
from mtjspice.netlist.dac import dac_level, dac_power
from mtjspice.params import load_device
from mtjspice.variation import VariationSpec

#: The shipped device's onset (A), given so the tests do not scan for it.
I_TH = 0.383e-3


def _settings(bits: int | None) -> NeuronSettings:
    return NeuronSettings(i_th=I_TH, dac_bits=bits)


def test_codes_are_the_monte_carlo_dac_levels():
    dev = load_device("orthogonal")
    exact = resolve(dev, _settings(None))
    assert exact.dac_codes == (0, 0) and exact.dac_levels == (exact.v_hi, exact.v_lo)
    for bits in (4, 6, 8, 10):
        c = resolve(dev, _settings(bits))
        mc = DeviceMC(ref_step=c.v_read / 2**bits)
        levels = mc.dac_level(np.array([c.v_hi, c.v_lo]))
        assert c.dac_levels == pytest.approx(tuple(levels), abs=1e-12)
        assert all(abs(lv - v) <= c.v_read / 2**bits / 2 + 1e-12 for lv, v in zip(c.dac_levels, (c.v_hi, c.v_lo), strict=True))
        assert c.dac_levels[0] == dac_level(c.dac_codes[0], c.v_read, bits)
    with pytest.raises(ParameterError, match="dac_bits"):
        resolve(dev, _settings(17))


def test_deck_has_the_strings_and_no_threshold_sources():
    from mtjspice.circuits.neuron import neuron_block

    dev = load_device("orthogonal")
    c = resolve(dev, _settings(8))
    b = neuron_block(dev, c, _settings(8), shared_rails=True)
    names = {getattr(i, "name", "").lower() for i in b.subckt.items}
    assert {"vdthh", "rdthht", "rdthhb", "vdthl", "rdthlt", "rdthlb"} <= names
    assert "vthh" not in names and b.probes.i_thh is None and b.probes.i_dac_hi is not None
    plain = neuron_block(dev, resolve(dev, _settings(None)), _settings(None), shared_rails=False)
    assert plain.probes.i_dac_hi is None and "vdthh" not in {getattr(i, "name", "").lower() for i in plain.subckt.items}


@pytest.mark.ngspice
@pytest.mark.slow
def test_dac_neuron_in_ngspice_against_numpy():
    """The thresholds in ngspice are the DAC's levels, the strings' energy is booked, and the
    neuron fires both signs in ngspice exactly where the device-level verdict with the same DAC
    (trimmed thresholds rounded to v_read / 2^bits) says it is usable: 8 bits yes, 6 bits no (its
    upper threshold rounds 3.2 mV up, beyond what the drive's plateau reaches; measured)."""
    from mtjspice.circuits.neuron import neuron_deck, run_neuron
    from mtjspice.montecarlo.onsettable import onset_table
    from mtjspice.netlist.circuit import Probe
    from mtjspice.sim import run_deck
    from mtjspice.stimulus import DC

    dev = load_device("orthogonal")
    table = onset_table(dev)
    nominal = NominalCircuit.resolved(dev, _settings(None), I_TH)
    t_stop, drive = 20e-9, 0.6e-3
    for bits, expect in ((8, True), (6, False)):
        c = resolve(dev, _settings(bits))
        deck, _ = neuron_deck(dev, c, DC(drive), 2e-9, _settings(bits))
        w = run_deck(replace(deck, probes=(Probe.node("vthh"), Probe.node("vthl"))))
        assert w["v(vthh)"][-1] == pytest.approx(c.dac_levels[0], abs=1e-6)  # no comparator current: the open tap
        assert w["v(vthl)"][-1] == pytest.approx(c.dac_levels[1], abs=1e-6)
        mc = DeviceMC(drive=drive, gain_trim=False, ref_step=nominal.v_read / 2**bits)
        numpy_ok = bool(device_chunk(dev, VariationSpec(), 0, np.array([0]), mc, table, nominal)["usable_ref"][0])
        pos = run_neuron(dev, DC(drive), t_stop, _settings(bits), c, warn=False)
        neg = run_neuron(dev, DC(-drive), t_stop, _settings(bits), c, warn=False)
        fires = pos.spikes.n_positive > 0 and neg.spikes.n_negative > 0
        assert pos.spikes.n_negative == 0 and neg.spikes.n_positive == 0
        assert numpy_ok is expect and fires is expect
        e = pos.energy["threshold_dac"]
        assert e == pytest.approx(2 * dac_power(c.v_read, bits, c.dac_r_unit) * t_stop, rel=1e-3)
        assert pos.energy.parts_sum == pytest.approx(pos.energy.total, rel=1e-3)
