"""The plug-in contract: every registered MTJ model and comparator passes the same checks.

scikit-rf runs every ``Media`` subclass through one construction test; here every kind in
:mod:`mtjspice.circuits.models` and :mod:`mtjspice.circuits.comparators` (the shipped ones, and any
a test registers before this module runs) builds its subcircuit with the ports and nodes the
neuron relies on, states its validity, prices a run, and runs in a neuron deck in ngspice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from mtjspice.circuits.comparators import Comparator, comparator_kind, comparator_kinds, register_comparator
from mtjspice.circuits.cost import RunCost
from mtjspice.circuits.models import MtjModel, mtj_model, mtj_models, register_mtj_model
from mtjspice.circuits.neuron import neuron_deck, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.cli import build_parser
from mtjspice.errors import ParameterError
from mtjspice.io.reports import validity
from mtjspice.netlist.circuit import Element, Probe, Subckt
from mtjspice.netlist.compact import CompactMTJ
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.mtj import OPTION_PRESETS
from mtjspice.netlist.sources import isource
from mtjspice.params import load_device
from mtjspice.stimulus import DC, Pulse

DEVICE = load_device("orthogonal")
#: The shipped device's compact parameters (tests/circuits/test_compact.py's), so no test here runs the fit.
EXAMPLE_PARAMS: dict[type, Any] = {CompactMTJ: CompactMTJ(
    tau_m=9.120834405463283e-10, a2=0.5489811897848401, R_m=1382.7832842087025, i_th=0.0003828125,
    i_down=7.382812499999993e-05, i_min=0.00042305689102564107, i_max=0.0013849959935897437)}
I_TH = 0.38e-3  # A: the shipped device's onset, given so that no test here scans it


def _params(model: MtjModel) -> Any:
    return None if model.params_type is None else EXAMPLE_PARAMS[model.params_type]


def _elements(sub: Subckt) -> list[Element]:
    return [e for e in sub.items if isinstance(e, Element)]


def check_mtj_model(name: str, params: Any = None) -> None:
    """The construction contract of the registered model ``name`` (any test file may call it on its own model)."""
    model = mtj_model(name)
    assert isinstance(model, MtjModel) and model.name == name and name.isidentifier()
    assert isinstance(model.validity, str) and len(model.validity) > 20
    assert validity(name) == model.validity  # the reports state the model's own words
    s = NeuronSettings(mtj=name, i_th=I_TH)
    sub = model.subckt(DEVICE, s, "mtj", params)
    assert sub.name == "mtj" and sub.ports == ("t1", "t2")
    els = _elements(sub)
    assert any(e.name.lower() == "vsense" and e.kind == "V" for e in els)  # the junction current's probe
    assert any("my" in e.nodes for e in els)  # the membrane's probe
    assert math.isfinite(model.step(s)) and model.step(s) > 0 and s.step == model.step(s)
    assert model.cost_step(s, None) > 0 and model.cost_step(s, 1e-12) > 0
    base = RunCost(1e4, 1e6, 1.0, 1.0, "a run")
    priced = model.cost(base)
    assert isinstance(priced, RunCost) and 0 < priced.seconds <= 10 * base.seconds
    assert model.group >= 1 and all(isinstance(k, str) for k in model.options)
    deck, block = neuron_deck(DEVICE, Neuron.build(DEVICE, s).circuit, DC(0.0), 2e-9, s, compact=params)
    text = deck.text()
    assert ".subckt mtj t1 t2" in text and block.probes.u.vector in deck.vectors
    assert (model.label in text.splitlines()[0]) if model.label else True


def check_mtj_model_runs(name: str, params: Any = None) -> None:
    """Every model at rest under the read clock: finite probes, |u| <= 1, the junction's energy > 0."""
    r = run_neuron(DEVICE, DC(0.0), 3e-9, NeuronSettings(mtj=name, i_th=I_TH), compact=params)
    for probe in r.probes.all():
        assert np.all(np.isfinite(r.wave[probe.vector])), probe.vector
    assert np.max(np.abs(r.wave[r.probes.u.vector])) <= 1.0
    assert r.energy["junction"] > 0 and len(r.spikes) == 0


#: The twin check's drive: 0.6 mA for 3 ns from 0.1 ns (10 ps edges), 5 ns in all.
TWIN_DRIVE, TWIN_T_STOP, TWIN_DT = Pulse(0.0, 0.6e-3, 0.1e-9, 10e-12, 10e-12, 3e-9, 1.0), 5e-9, 10e-12


def check_mtj_twin(name: str, params: Any = None, tol: float = 2e-2) -> float:
    """The model's numpy twin against its subcircuit in ngspice, both driven by :data:`TWIN_DRIVE`:
    the largest difference in v(my) (returned) must stay below ``tol``. A model without a twin skips."""
    from mtjspice.sim import run_deck

    model = mtj_model(name)
    want = model.twin(DEVICE, params, TWIN_DRIVE, TWIN_T_STOP, TWIN_DT)
    if want is None:
        pytest.skip(f"the {name!r} model has no numpy twin")
    s = NeuronSettings(mtj=name, i_th=I_TH)
    sub = model.subckt(DEVICE, s, "mtj", params)
    probe = Probe.node("my").inside("x1")
    deck = Deck(f"mtjspice twin check of the {name} MTJ", (isource("in", "0", "a", TWIN_DRIVE),
                                                           sub.instance("X1", t1="a", t2="0")),
                Analysis(TWIN_T_STOP, TWIN_DT, max_step=model.step(s)),
                options={**OPTION_PRESETS[s.preset], **model.options}, probes=(probe,))
    wf = run_deck(deck)
    t = TWIN_DT * np.arange(len(want))
    err = float(np.max(np.abs(np.interp(t, wf.t, wf[probe.vector]) - want)))
    assert err < tol, f"{name}: numpy twin and ngspice differ by {err:.3g} in v(my)"
    return err


@pytest.mark.parametrize("name", mtj_models())
def test_mtj_model_contract(name: str) -> None:
    check_mtj_model(name, _params(mtj_model(name)))


@pytest.mark.parametrize("name", mtj_models())
@pytest.mark.ngspice
def test_mtj_model_runs_in_a_neuron(name: str) -> None:
    check_mtj_model_runs(name, _params(mtj_model(name)))


@pytest.mark.parametrize("name", mtj_models())
@pytest.mark.ngspice
def test_mtj_model_twin_agrees_with_ngspice(name: str) -> None:
    check_mtj_twin(name, _params(mtj_model(name)))


@pytest.mark.parametrize("name", comparator_kinds())
def test_comparator_contract(name: str) -> None:
    kind = comparator_kind(name)
    assert isinstance(kind, Comparator) and kind.name == name
    s = NeuronSettings(comparator=name, i_th=I_TH)
    sub = kind.subckt(s, 1.0)
    assert sub.ports == ("inp", "inn", "en", "out", "vdd")
    assert kind.cost_factor >= 1.0 and (kind.threads is None or kind.threads >= 1)
    off = kind.ref_offset(s)
    assert math.isfinite(off) and 0.0 <= off < 0.1
    c = Neuron.build(DEVICE, s).circuit
    assert c.comparator == name and c.ref_offset == off


@pytest.mark.parametrize("name", comparator_kinds())
@pytest.mark.ngspice
def test_comparator_runs_in_a_neuron(name: str) -> None:
    r = run_neuron(DEVICE, DC(0.0), 3e-9, NeuronSettings(comparator=name, i_th=I_TH))
    assert len(r.spikes) == 0 and r.energy["comparators"] > 0


def test_unknown_kinds_name_the_registered_ones() -> None:
    with pytest.raises(ParameterError, match="'macrospin' or 'compact'"):
        NeuronSettings(mtj="llg")
    with pytest.raises(ParameterError, match="'behavioral' or 'cmos'"):
        NeuronSettings(comparator="ideal")
    with pytest.raises(ParameterError, match="MtjModel"):
        register_mtj_model("compact")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="Comparator"):
        register_comparator("cmos")  # type: ignore[arg-type]


def test_cli_choices_come_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model registered before the command line is parsed is a valid ``--mtj``; an unknown one is not."""
    from mtjspice.circuits import models

    class Extra(MtjModel):
        name = "extra"
        validity = "a model that exists only in this test"

        def subckt(self, device, settings, name, params=None, noise=None):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    monkeypatch.setitem(models._REGISTRY, "extra", Extra())
    args = build_parser().parse_args(["neuron", "orthogonal", "--mtj", "extra", "--out", "x"])
    assert args.mtj == "extra"
    monkeypatch.delitem(models._REGISTRY, "extra")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["neuron", "orthogonal", "--mtj", "extra", "--out", "x"])


def test_a_model_with_parameters_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its parameters ride in ``NeuronSettings.compact`` and reach its subcircuit; others are refused."""
    from dataclasses import dataclass

    from mtjspice.circuits import models

    @dataclass(frozen=True)
    class Ohms:
        r: float  # Ohm

    class Resistor(MtjModel):
        name = "resistor"
        validity = "a plain resistor: a model whose parameter is its resistance"
        params_type = Ohms

        def params(self, device, settings, given=None):  # type: ignore[no-untyped-def]
            return given or settings.compact or Ohms(1e3)

        def subckt(self, device, settings, name, params=None, noise=None):  # type: ignore[no-untyped-def]
            return Subckt(name, ("t1", "t2"), (Element("Vsense", ("t1", "a"), (0.0,)),
                                               Element("R1", ("a", "t2"), (self.params(device, settings, params).r,)),
                                               Element("Rst", ("my", "0"), (1.0,))))

    monkeypatch.setitem(models._REGISTRY, "resistor", Resistor())
    s = NeuronSettings(mtj="resistor", i_th=I_TH, compact=Ohms(2345.0))  # type: ignore[arg-type]
    deck, _ = neuron_deck(DEVICE, Neuron.build(DEVICE, s).circuit, DC(0.0), 2e-9, s)
    assert "R1 a t2 2345" in deck.text()
    with pytest.raises(ParameterError, match="None or a Ohms or a CompactMTJ"):
        NeuronSettings(mtj="resistor", compact="2k")  # type: ignore[arg-type]
