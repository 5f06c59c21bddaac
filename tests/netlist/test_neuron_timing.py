"""The neuron's derived timing (:mod:`mtjspice.netlist.timing`) against instants computed by hand
for a circuit with round numbers, and the numpy twins that read it."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.netlist.comparators import BehavioralComparator
from mtjspice.netlist.neuroncircuit import NeuronCircuit
from mtjspice.netlist.timing import GridPhases, NeuronTiming

# Round numbers: 1 ns clock, 200 ps window, 50 ps settle, 10 ps edges, 2 ns refractory;
# comparator: holds 40 ps after the strobe's 50 % point, output 60 ps after the hold.
CIRCUIT = NeuronCircuit(comparator="behavioral", reset="leak", r_ref=1e3, v_read=1.0, v_hi=0.6, v_lo=0.5,
                        clock_period=1e-9, read_width=200e-12, settle=50e-12, t_refractory=2e-9, i_reset=0.0,
                        i_trim=0.0, vdd=1.0, r_on=1.0, r_off=1e9, edge=10e-12, ref_offset=0.0)
CMP = BehavioralComparator(sample_delay=40e-12, delay=60e-12)
T = NeuronTiming.of(CIRCUIT, CMP)


def test_instants_by_hand() -> None:
    # read window rises at 1000 - 200 - 10 = 790 ps; strobe at 790 + 50 = 840 ps, its 50 % point
    # 845 ps, the hold 40 ps later: 885 ps; the spike 60 ps after that: 945 ps
    assert T.first_read == pytest.approx(790e-12, abs=1e-18)
    assert T.strobe_delay == pytest.approx(840e-12, abs=1e-18) and T.strobe_delay == CIRCUIT.strobe_delay
    assert T.first_decision == pytest.approx(885e-12, abs=1e-18)
    assert T.spike_delay == 60e-12 and T.oneshot_rise == pytest.approx(150e-12, abs=1e-18)
    np.testing.assert_allclose(T.decisions(3e-9), [0.885e-9, 1.885e-9, 2.885e-9], rtol=0, atol=1e-18)
    assert T.decisions(0.885e-9).size == 0 and T.decisions(0.8851e-9).size == 1
    # the one-shot rises 150 ps after a spike at 945 ps and holds for 2 ns
    a, b = T.refractory(945e-12)
    assert a == pytest.approx(1095e-12, abs=1e-18) and b == pytest.approx(3095e-12, abs=1e-18)


def test_read_windows_by_hand() -> None:
    w = T.read_windows(2e-9)
    assert len(w) == 2
    np.testing.assert_allclose(w[0], [790e-12, 800e-12, 1000e-12, 1010e-12], rtol=0, atol=1e-18)
    np.testing.assert_allclose(w[1], [1790e-12, 1800e-12, 2000e-12, 2010e-12], rtol=0, atol=1e-18)
    assert T.read_windows(790e-12) == []


def test_grid_phases_by_hand() -> None:
    # dt 5 ps: 200 steps a period; the read's full height at 800 ps = step 160; the hold at 885 ps
    # = step 177 exactly (decide 178 with weight 0: the value at 177); spike 945 ps = 189;
    # refractory from 1095 ps = 219 to 3095 ps = 619
    g = T.grid(5e-12)
    assert g == GridPhases(period=200, read=160, decide=178, decide_w=0, spike=189, ref_from=219, ref_to=619)
    # dt 10 ps: the hold at 88.5 steps: between 88 and 89, half the weight on 89
    g = T.grid(10e-12)
    assert (g.period, g.decide, g.decide_w) == (100, 89, 500)
    with pytest.raises(ParameterError, match="clock_period"):
        T.grid(3e-12)


def test_defaults_and_checks() -> None:
    d = NeuronTiming.of(CIRCUIT)
    assert d.sample_delay == BehavioralComparator().sample_delay and d.output_delay == BehavioralComparator().delay
    with pytest.raises(ParameterError, match="sample_delay"):
        NeuronTiming(1e-9, 2e-10, 5e-11, 1e-11, 2e-9, -1e-12, 0.0)
