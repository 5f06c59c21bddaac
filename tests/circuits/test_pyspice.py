"""mtjspice.pyspice: the MTJ as a PySpice subcircuit in a user's PySpice circuit, simulated by PySpice
(in a subprocess: one ngspice shared library per process, and the suite uses it elsewhere), against
the package's own run of the same circuit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mtjspice.netlist.circuit import Probe
from mtjspice.netlist.testbench import mtj_testbench
from mtjspice.params import load_device
from mtjspice.sim import run_deck
from mtjspice.stimulus import Pulse

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import logging, sys
import numpy as np
logging.disable(logging.WARNING)  # PySpice's "Unsupported Ngspice version 39"
from PySpice.Spice.Netlist import Circuit
from mtjspice.pyspice import mtj_subcircuit

circuit = Circuit("divider with an MTJ")
mtj = mtj_subcircuit("orthogonal")
circuit.subcircuit(mtj)
circuit.PulseVoltageSource("in", "vdd", circuit.gnd, initial_value=0, pulsed_value=-2.0, delay_time=1e-9,
                           rise_time=10e-12, fall_time=10e-12, pulse_width=4e-9, period=1.0)
circuit.R("ref", "vdd", "a", 1000)
circuit.R("load", "a", circuit.gnd, 20000)
circuit.X("1", mtj.name, "a", circuit.gnd, W=11e-9)
simulator = circuit.simulator()
simulator.options(**mtj.options)
analysis = simulator.transient(step_time=10e-12, end_time=8e-9, max_time=mtj.max_step)
np.savez(sys.argv[1], t=np.array(analysis.time), a=np.array(analysis["a"]), my=np.array(analysis["x1.my"]),
         mz=np.array(analysis["x1.mz"]), netlist=str(circuit))
'''


@pytest.mark.ngspice
@pytest.mark.slow
def test_pyspice_circuit_matches_the_package(tmp_path: Path) -> None:
    out = tmp_path / "pyspice.npz"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(out)], capture_output=True, text=True, cwd=tmp_path,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = np.load(out)
    netlist = str(got["netlist"])
    assert "X1 a 0 mtj_orthogonal W=1.1e-08" in netlist and ".subckt mtj_orthogonal t1 t2 params:" in netlist
    # the package's own deck of the same circuit: the source through 1 kOhm, 20 kOhm from a to ground
    from mtjspice.netlist.circuit import Element

    dev = load_device("orthogonal").replace(**{"geometry.W": 11e-9})
    base = mtj_testbench(dev, Pulse(0.0, -2.0, 1e-9, 10e-12, 10e-12, 4e-9, 1.0), 8e-9, 10e-12, drive="divider",
                         r_ref=1000.0)
    deck = type(base)(base.title, (*base.items, Element("Rload", ("a", "0"), (20000.0,))), base.analysis,
                      base.options, (*base.probes, Probe.node("my").inside("X1")))
    ref = run_deck(deck)
    assert float(np.min(ref["v(x1.my)"])) < -0.2  # driven above the W = 11 nm onset (negative current)
    for key, vec in (("my", "v(x1.my)"), ("mz", "v(x1.mz)"), ("a", "v(a)")):
        err = float(np.max(np.abs(np.interp(ref.t, got["t"], got[key]) - ref[vec])))
        assert err < 1e-2, (key, err)  # the default preset's accuracy


def test_mtj_subcircuit_is_a_pyspice_factory_with_the_library_text() -> None:
    from PySpice.Spice.Netlist import SubCircuitFactory

    from mtjspice.netlist.library import library_subckt
    from mtjspice.netlist.render import render_subckt
    from mtjspice.pyspice import mtj_subcircuit

    sub = mtj_subcircuit("parallel")
    assert isinstance(sub, SubCircuitFactory) and sub.name == "mtj_parallel" and tuple(sub.NODES) == ("t1", "t2")
    assert str(sub).strip() == render_subckt(library_subckt(load_device("parallel"))).strip()
    assert sub.parameters["W"] == 10e-9 and sub.max_step == 2e-12 and sub.options["method"] == "trap"
    assert (ROOT / "models" / "parallel.lib").read_text(encoding="ascii").find(str(sub).strip()) > 0
    with pytest.raises(ValueError, match="model: got 'spice'"):
        mtj_subcircuit("parallel", model="spice")  # type: ignore[arg-type]


def test_importing_the_module_loads_pyspice_only_when_called() -> None:
    code = ("import sys, mtjspice.pyspice as m; before = 'PySpice' in sys.modules; m.mtj_subcircuit('orthogonal'); "
            "print(before, 'PySpice' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
