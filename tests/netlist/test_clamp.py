"""The input compliance clamp (mtjspice.netlist.clamp): rendered as circuit elements when asked for,
absent otherwise, and in ngspice it holds a neuron driven at 10x its threshold under breakdown."""

from __future__ import annotations

import math

import pytest

from mtjspice.circuits.settings import NeuronSettings, resolve
from mtjspice.netlist.circuit import Subckt
from mtjspice.netlist.clamp import CLAMP_DIODE, clamp_items, clamp_knee
from mtjspice.params import load_device

#: The shipped device's onset (A), given so the tests do not scan for it.
I_TH = 0.383e-3


def test_clamp_elements_render():
    from mtjspice.netlist.render import render_item

    text = "\n".join(render_item(i) for i in clamp_items(0.9))
    for line in ("Vscl drv clp 0", "Dclp clp clpp dclamp", "Dcln clpn clp dclamp"):
        assert line in text
    assert ".model dclamp d" in text


def test_no_clamp_unless_set():
    dev = load_device("orthogonal")
    c0 = resolve(dev, NeuronSettings(i_th=I_TH))
    c1 = resolve(dev, NeuronSettings(i_th=I_TH, v_clamp=0.9))
    assert c0.v_clamp == 0.0 and c1.v_clamp == 0.9
    from mtjspice.netlist.circuit import Element
    from mtjspice.netlist.neuron import neuron_subckt

    dummy = Subckt("m", ("t1", "t2"), (Element("Vsense", ("t1", "t2"), (0,)),))
    b0 = neuron_subckt(c0, dummy, Subckt("cmp", ("inp", "inn", "en", "out", "vdd"), ()), shared_rails=False)
    b1 = neuron_subckt(c1, dummy, Subckt("cmp", ("inp", "inn", "en", "out", "vdd"), ()), shared_rails=False)
    names0 = {getattr(i, "name", None) for i in b0.subckt.items}
    names1 = {getattr(i, "name", None) for i in b1.subckt.items}
    assert "Dclp" not in names0 and b0.probes.i_clamp is None
    assert {"Dclp", "Dcln", "Vscl"} <= names1 and b1.probes.i_clamp is not None


def test_knee():
    # n V_T ln(1 + I / Is): 10 mA over the clamp adds about 41 mV
    assert clamp_knee(10e-3) == pytest.approx(CLAMP_DIODE["n"] * 0.025852 * math.log(1e-2 / 1e-16), rel=1e-6)
    assert 0.035 < clamp_knee(10e-3) < 0.045


@pytest.mark.ngspice
@pytest.mark.slow
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_clamp_holds_ten_times_threshold(sign):
    """10x the onset into the neuron: without the clamp the junction passes its 1 V breakdown; with a
    0.9 V compliance it stays under it, and the clamp's energy is booked."""
    from mtjspice.circuits.neuron import run_neuron
    from mtjspice.stimulus import DC

    dev = load_device("orthogonal")
    bd = dev.junction.breakdown_voltage
    i_in = sign * 10 * I_TH
    free = run_neuron(dev, DC(i_in), 6e-9, NeuronSettings(i_th=I_TH), warn=False)
    held = run_neuron(dev, DC(i_in), 6e-9, NeuronSettings(i_th=I_TH, v_clamp=0.9), warn=False)
    assert free.v_junction_max > 2 * bd  # the test can fail: unclamped, 3.8 mA through ~1.3 kOhm
    assert held.v_junction_max < bd
    # the junction sits at the compliance plus the knee of the diverted current, not far below it
    assert 0.8 < held.v_junction_max < 0.9 + clamp_knee(abs(i_in)) + 0.02
    assert held.energy.parts["input_clamp"] > 0
    assert "input_clamp" not in free.energy.parts
