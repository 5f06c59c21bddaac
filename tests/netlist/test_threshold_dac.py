"""The per-neuron threshold DAC of the reference trim (DeviceMC.ref_step): step 0 is the exact trim,
a fine step changes little, a coarse step costs yield, and the levels are the DAC's."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.montecarlo.device import DeviceMC, NominalCircuit, device_chunk
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.params import load_device
from mtjspice.variation import VariationSpec


def test_dac_level():
    mc = DeviceMC(ref_step=0.5e-3)
    assert np.allclose(mc.dac_level(np.array([0.30024, 0.30026])), [0.3000, 0.3005])
    assert np.array_equal(DeviceMC().dac_level(np.array([0.123456])), [0.123456])
    with pytest.raises(ParameterError, match="ref_step"):
        DeviceMC(ref_step=-1e-3)


@pytest.mark.slow
def test_coarse_dac_costs_yield():
    dev = load_device("orthogonal")
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    table = onset_table(dev)
    circuit = NominalCircuit.of(dev, table)
    idx = np.arange(120)

    def ref_yield(step: float) -> float:
        mc = DeviceMC(read="dc", gain_trim=False, offset_sigma=5e-3, ref_step=step)
        return float(np.mean(device_chunk(dev, spec, 3, idx, mc, table, circuit)["usable_ref"]))

    exact, fine, coarse = ref_yield(0.0), ref_yield(0.1e-3), ref_yield(20e-3)
    assert exact > 0.1  # the trim works on this device (measured 28 % at 200 samples, clocked)
    assert abs(fine - exact) <= 0.05  # a 0.1 mV step against a read margin of about 7 mV
    assert coarse < exact - 0.05  # a 20 mV step is larger than the margin: most thresholds miss


def test_dac_code_and_level():
    from mtjspice.netlist.dac import dac_code, dac_level, dac_power

    assert dac_code(0.5, 1.0, 8) == 128 and dac_level(128, 1.0, 8) == 0.5
    assert dac_code(2.0, 1.0, 4) == 15 and dac_code(-1.0, 1.0, 4) == 0  # clipped to the range
    v = 0.51234
    assert abs(dac_level(dac_code(v, 0.55, 10), 0.55, 10) - v) <= 0.55 / 2**10 / 2 + 1e-15  # half a step
    assert dac_power(1.0, 8, 1e3) == pytest.approx(1.0 / 256e3)
    with pytest.raises(ParameterError, match="dac_bits"):
        dac_code(0.5, 1.0, 0)


@pytest.mark.ngspice
def test_dac_in_ngspice():
    """The string in ngspice gives the code's level and draws the static current of dac_power."""
    from mtjspice.netlist.circuit import Probe
    from mtjspice.netlist.dac import dac_code, dac_level, dac_power, threshold_dac_items
    from mtjspice.netlist.deck import Analysis, Deck
    from mtjspice.sim import run_deck

    v_full, bits, r_unit = 0.55, 8, 50.0
    code = dac_code(0.5158, v_full, bits)
    items = threshold_dac_items("Dthh", "vthh", code, v_full, bits, r_unit)
    src = items[1]
    deck = Deck("dac", items, Analysis(1e-9, 1e-10), probes=(Probe.node("vthh"), Probe.current(src)))
    w = run_deck(deck)
    assert w["v(vthh)"][-1] == pytest.approx(dac_level(code, v_full, bits), rel=1e-6)
    power = -v_full * w[Probe.current(src).vector][-1]  # a source's current enters its + node
    assert power == pytest.approx(dac_power(v_full, bits, r_unit), rel=1e-6)
