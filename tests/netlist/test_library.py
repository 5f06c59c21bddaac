"""The includable MTJ library (models/<device>.lib): committed files match the generator, the deck's
own demagnetizing factors and rest state match the package's, and an instance with a changed
parameter runs as the package's own device with that value (ngspice, with and without uic)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from mtjspice.errors import NetlistError
from mtjspice.netlist.circuit import Comment, Element, IcDef, ParamDef, ParamExpr, Probe, Subckt
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.libfile import library_text
from mtjspice.netlist.library import library_subckt
from mtjspice.netlist.render import render_item
from mtjspice.netlist.sources import isource
from mtjspice.netlist.testbench import TESTBENCH_PROBES, mtj_testbench
from mtjspice.params import load_device, shipped_path
from mtjspice.physics.devicedemag import device_demag
from mtjspice.physics.rest import initial_magnetization
from mtjspice.sim import run_deck
from mtjspice.stimulus import Pulse

ROOT = Path(__file__).resolve().parents[2]


def test_library_text_is_byte_identical_from_the_same_inputs() -> None:
    dev = load_device("orthogonal")
    a = library_text(dev, None, file="orthogonal.lib", version="9.9")
    b = library_text(load_device("orthogonal"), None, file="orthogonal.lib", version="9.9")
    assert a == b and a.isascii()
    assert ".subckt mtj_orthogonal t1 t2 params: W=1e-08 L=4.5e-08 T=5e-08" in a
    assert "written by mtjspice 9.9" in a and "Ports: t1 (free layer) and t2" in a
    assert "\n.ends mtj_orthogonal\n" in a


def test_every_shipped_device_has_a_library() -> None:
    from mtjspice.circuits.library import library_devices

    names = library_devices()
    assert {"orthogonal", "parallel", "cofeb_mgo"} <= set(names)  # cofeb_mgo: every issue-26 effect on
    assert sorted(p.stem for p in (ROOT / "models").glob("*.lib") if p.stem != "ptm45hp") == sorted(names)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["orthogonal", "parallel", "cofeb_mgo"])
def test_committed_libraries_match_the_generator(name: str) -> None:
    from mtjspice.circuits.library import shipped_library_text

    committed = (ROOT / "models" / f"{name}.lib").read_text(encoding="ascii")
    if name == "cofeb_mgo":  # its LIF fit finds no validity range (measured: 7.6 CPU minutes to fail), so the
        # generator writes it without a compact model; the test does not repeat the failing fit
        from mtjspice import __version__
        from mtjspice.netlist.libfile import library_text

        assert library_text(load_device(name), None, file=f"{name}.lib", version=__version__) == committed
        return
    assert shipped_library_text(name) == committed, (
        f"models/{name}.lib is stale: regenerate with python -m mtjspice.circuits.library")
    assert shipped_path(f"{name}.lib").read_text(encoding="ascii") == committed


def _value_deck(device, exprs: dict[str, str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Evaluate subcircuit-local parameter expressions in ngspice: each drives a node through a 0-ohm
    voltage source inside a subcircuit with the device's own parameters."""
    sub = library_subckt(device)
    items = [it for it in sub.items if isinstance(it, (ParamDef, Comment))]
    items += [Element(f"V{k}", (f"n{k}", "0"), (ParamExpr(e),)) for k, e in exprs.items()]
    items += [Element(f"R{k}", (f"n{k}", "0"), (1.0,)) for k in exprs]
    probe_sub = Subckt("probe", ("t1",), (*items, Element("Rt", ("t1", "0"), (1.0,))), params=sub.params)
    probes = tuple(Probe.node(f"n{k}").inside("X1") for k in exprs)
    deck = Deck("parameter values", (probe_sub.instance("X1", t1="t1"),), Analysis(1e-12, 1e-12), probes=probes)
    w = run_deck(deck)
    return {k: float(w[p.vector][0]) for k, p in zip(exprs, probes, strict=True)}


@pytest.mark.ngspice
@pytest.mark.parametrize(("shape", "W", "L", "T"), [("elliptic_cylinder", 10e-9, 45e-9, 50e-9),
                                                    ("elliptic_cylinder", 5e-9, 50e-9, 25e-9),
                                                    ("elliptic_cylinder", 10e-9, 100e-9, 2e-9),
                                                    ("ellipsoid", 10e-9, 45e-9, 50e-9),
                                                    ("ellipsoid", 30e-9, 60e-9, 3e-9)])
def test_deck_demag_factors_match_the_package(shape: str, W: float, L: float, T: float) -> None:
    dev = load_device("orthogonal").replace(**{"geometry.shape": shape, "geometry.W": W, "geometry.L": L,
                                               "geometry.T": T})
    got = _value_deck(dev, {"x": "nx", "y": "ny", "z": "nz"})
    ref = device_demag(dev)
    assert np.allclose([got["x"], got["y"], got["z"]], ref, rtol=0, atol=1e-7), (got, ref)


@pytest.mark.ngspice
@pytest.mark.parametrize("changes", [{}, {"geometry.L": 47e-9}, {"initial.theta0": 0.05},
                                     {"field.Ku": 2e4, "field.axis": (0.0, 1.0, 0.0)},
                                     {"field.Ku": 2e4, "field.axis": (1.0, 0.0, 0.0), "initial.theta0": 0.1}])
def test_deck_rest_state_matches_the_package(changes: dict) -> None:  # type: ignore[type-arg]
    dev = load_device("orthogonal").replace(**changes)
    got = _value_deck(dev, {"x": "m0x", "y": "m0y", "z": "m0z"})
    assert np.allclose([got["x"], got["y"], got["z"]], initial_magnetization(dev), rtol=0, atol=1e-12)


def _library_deck(device, source, t_stop: float, params: dict, uic: bool) -> Deck:  # type: ignore[no-untyped-def]
    """The package's testbench with its MTJ replaced by the library's, with instance ``params``."""
    lib = library_subckt(device)
    items = (isource("in", "0", "a", source), lib.instance("X1", params, t1="a", t2="0"))
    return Deck("library instance", items, Analysis(t_stop, 10e-12, max_step=2e-12, uic=uic),
                options={"method": "trap", "reltol": 1e-3}, probes=TESTBENCH_PROBES)


@pytest.mark.ngspice
@pytest.mark.slow
@pytest.mark.parametrize("uic", [True, False])
def test_instance_with_w_11n_matches_the_package_device(uic: bool) -> None:
    base = load_device("orthogonal")
    dev11 = base.replace(**{"geometry.W": 11e-9})
    src = Pulse(0.0, 0.9e-3, 1e-9, 10e-12, 10e-12, 4e-9, 1.0)
    ref = run_deck(mtj_testbench(dev11, src, 8e-9, 10e-12))
    deck = _library_deck(base, src, 8e-9, {"W": 11e-9}, uic)
    tran = next(ln for ln in deck.text().splitlines() if ln.startswith(".tran"))
    assert "X1 a 0 mtj_orthogonal W=1.1e-08" in deck.text() and tran.endswith(" uic") == uic
    assert ".ic" not in deck.text().split(".ends")[-1]  # no .ic line in the user's part of the deck
    got = run_deck(deck)
    assert float(np.max(ref["v(x1.my)"])) > 0.2  # the pulse drives the W = 11 nm junction above its onset
    for v in ("v(x1.mx)", "v(x1.my)", "v(x1.mz)", "v(a)"):
        err = np.max(np.abs(np.interp(ref.t, got.t, got[v]) - ref[v]))
        scale = 1.0 if v != "v(a)" else float(np.max(np.abs(ref[v])))
        # the same equations at the same step: far inside the default preset's 1e-2 against the Python reference
        assert err < 1e-4 * scale, (v, err)
    # and the default W is a different device: the comparison can fail
    other = run_deck(_library_deck(base, src, 8e-9, {}, uic))
    assert np.max(np.abs(np.interp(ref.t, other.t, other["v(x1.my)"]) - ref["v(x1.my)"])) > 0.05


def test_hostile_names_and_values_never_reach_the_text() -> None:
    for bad in ("1e-9\n.control", "x; shell rm", "nan", float("nan"), float("inf")):
        with pytest.raises(NetlistError):
            Subckt("s", ("a",), (), params=(("W", bad),))  # type: ignore[arg-type]
    for bad_name in ("W\n.end", "W=1", "{W}", "W L"):
        with pytest.raises(NetlistError):
            Subckt("s", ("a",), (), params=((bad_name, 1.0),))
    for bad_expr in ("1}\n.control", "W;x", "'W'", "W$", "{W}"):
        with pytest.raises(NetlistError):
            ParamDef("x", bad_expr)
        with pytest.raises(NetlistError):
            IcDef("mx", bad_expr)
        with pytest.raises(NetlistError):
            render_item(Element("R1", ("a", "0"), (ParamExpr(bad_expr),)))
    lib = library_subckt(load_device("orthogonal"))
    for key, value in (("W", "1n\n.control"), ("W", float("nan")), ("W", ParamExpr("1n}\n.endc"))):
        with pytest.raises(NetlistError):
            render_item(lib.instance("X1", {key: value}, t1="a", t2="0"))  # type: ignore[dict-item]
    for key in ("Wx", "W\n.control", "hstep=1"):
        with pytest.raises(NetlistError):
            lib.instance("X1", {key: 1e-9}, t1="a", t2="0")
    assert render_item(lib.instance("X1", {"W": ParamExpr("agauss(10n, 0.6n, 3)")}, t1="a", t2="0")) == \
        "X1 a 0 mtj_orthogonal W={agauss(10n, 0.6n, 3)}"
    dev = load_device("orthogonal")
    weird = dev.replace(name="x\n.control\nshell rm -rf ~\n.endc")
    text = library_text(weird, None, file="x.lib", version="1")
    dot_lines = {line.split()[0] for line in text.splitlines() if line.startswith(".")}
    assert dot_lines == {".subckt", ".param", ".ic", ".ends"}, dot_lines
    assert all(line.startswith(("*", ".", "+")) or line.split()[0][0] in "VBRCG" for line in text.splitlines())
    assert library_subckt(weird).name == "mtj_x__control_shell_rm__rf____endc"
    with pytest.raises(NetlistError):
        library_text(dev, None, file="../x.lib", version="1")
    assert math.isfinite(dev.geometry.W)


@pytest.mark.ngspice
@pytest.mark.parametrize(("i_down", "changes"), [(0.074e-3, {}), (0.38e-3, {"W": 11e-9, "tau_m": 1.5e-9})])
def test_compact_library_instance_matches_the_package_compact_mtj(i_down: float, changes: dict) -> None:  # type: ignore[type-arg]
    from mtjspice.netlist.compact import CompactMTJ, compact_subckt
    from mtjspice.netlist.libcompact import compact_library_subckt

    base = load_device("orthogonal")
    p = CompactMTJ(tau_m=0.9e-9, a2=0.55, R_m=1380.0, i_th=0.38e-3, i_down=i_down, i_min=0.42e-3, i_max=1.38e-3)
    dev = base.replace(**{"geometry.W": changes.get("W", base.geometry.W)})
    p_ref = CompactMTJ(**{**{k: getattr(p, k) for k in ("tau_m", "a2", "R_m", "i_th", "i_down", "i_min", "i_max")},
                          "tau_m": changes.get("tau_m", p.tau_m)})
    src = Pulse(0.0, 0.6e-3, 1e-9, 20e-12, 20e-12, 3e-9, 1.0)
    probes = (Probe.node("my").inside("X1"), Probe.node("a"))
    runs = []
    for sub, params in ((compact_subckt(dev, p_ref, "mtj"), None), (compact_library_subckt(base, p), changes)):
        deck = Deck("compact", (isource("in", "0", "a", src), sub.instance("X1", params, t1="a", t2="0")),
                    Analysis(6e-9, 10e-12, max_step=20e-12), options={"method": "trap", "reltol": 1e-3}, probes=probes)
        runs.append(run_deck(deck))
    ref, got = runs
    assert float(np.max(ref["v(x1.my)"])) > 0.2
    for v in ("v(x1.my)", "v(a)"):
        assert float(np.max(np.abs(np.interp(ref.t, got.t, got[v]) - ref[v]))) < 1e-6 * max(1.0, float(np.max(ref[v])))


@pytest.mark.ngspice
def test_noisy_compact_library_instance_matches_the_package() -> None:
    from mtjspice.netlist.compact import CompactMTJ, CompactNoise, compact_subckt, ou_file_text, ou_samples
    from mtjspice.netlist.libcompact import compact_library_subckt

    dev = load_device("orthogonal")
    p = CompactMTJ(tau_m=0.9e-9, a2=0.55, R_m=1380.0, i_th=0.38e-3, i_down=0.074e-3, i_min=0.42e-3, i_max=1.38e-3)
    noise = CompactNoise(300.0, 0.01, 0.3e-9, "noise_a.txt", 15e-12)
    files = {"noise_a.txt": ou_file_text(ou_samples(4, 4e-9, 15e-12, 0.3e-9), 15e-12)}
    src = Pulse(0.0, 0.6e-3, 1e-9, 20e-12, 20e-12, 2e-9, 1.0)
    probes = (Probe.node("my").inside("X1"),)
    runs = []
    for sub in (compact_subckt(dev, p, "mtj", noise), compact_library_subckt(dev, p, noise, name="mtjlib")):
        deck = Deck("noisy compact", (isource("in", "0", "a", src), sub.instance("X1", t1="a", t2="0")),
                    Analysis(4e-9, 10e-12, max_step=15e-12), options={"method": "trap", "reltol": 1e-3, "xtrtol": 7},
                    probes=probes, attachments=files)
        runs.append(run_deck(deck))
    ref, got = runs
    assert float(np.std(ref["v(x1.my)"][ref.t < 1e-9])) > 0.03  # the noise is there (sd 0.1)
    assert float(np.max(np.abs(np.interp(ref.t, got.t, got["v(x1.my)"]) - ref["v(x1.my)"]))) < 1e-6


@pytest.mark.ngspice
@pytest.mark.parametrize("changes", [
    {"field.Ku": 5e3, "field.H": (1e3, 0.0, 2e3), "junction.V_half": 0.5},  # kf and h terms, fixed m0, bias-dependent TMR
    {"geometry.shape": "ellipsoid", "material.eta": 0.25, "initial.theta0": 0.1},  # R_D factors, eta parameter, tilt
    {"field.Ku": -3e3, "field.axis": (1.0, 0.0, 0.0)},  # anisotropy along x (rest still computed in the deck)
])
def test_library_matches_the_baked_subcircuit_for_other_devices(changes: dict) -> None:  # type: ignore[type-arg]
    dev = load_device("orthogonal").replace(**changes)
    src = Pulse(0.0, 0.7e-3, 0.5e-9, 10e-12, 10e-12, 2e-9, 1.0)
    ref = run_deck(mtj_testbench(dev, src, 4e-9, 10e-12))
    got = run_deck(_library_deck(dev, src, 4e-9, {}, True))
    for v in ("v(x1.mx)", "v(x1.my)", "v(x1.mz)", "v(a)"):
        scale = 1.0 if v != "v(a)" else float(np.max(np.abs(ref[v])))
        assert float(np.max(np.abs(np.interp(ref.t, got.t, got[v]) - ref[v]))) < 1e-4 * scale, v
    assert float(np.max(np.abs(ref["v(x1.my)"] - ref["v(x1.my)"][0]))) > 1e-3  # the pulse moves m
