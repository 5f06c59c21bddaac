"""The behavioral MTJ subcircuit: its equations equal the Python kernel's, its text is golden,
and ngspice running it agrees with the Python solver within each preset's stated tolerance."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import output_rows

import mtjspice as ms
from mtjspice import NetlistError, ParameterError
from mtjspice.netlist import mtj as M
from mtjspice.netlist.circuit import Instance, Item, Probe, Subckt
from mtjspice.netlist.render import render_subckt
from mtjspice.netlist.testbench import TESTBENCH_PROBES, TESTBENCH_VECTORS, mtj_testbench
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import effective_field, llgs_rhs
from mtjspice.physics.rest import initial_magnetization

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]


def _devices(ortho_path, parallel_path):
    o = ms.load_device(ortho_path)
    return {
        "orthogonal": o,
        "parallel": ms.load_device(parallel_path),
        "tilted_field": o.replace(**{"junction.pinned": (0.3, 0.9, 0.1), "field.H": (1e3, -2e3, 5e3),
                                     "field.Ku": 2e4, "field.axis": (0.0, 0.6, 0.8)}),
        # the bias-quadratic field-like field (torque nodes tb, td from I and V^2), without and with Ms(T_j) (/ s^2)
        "quadratic": o.replace(**{"junction.field_like_quadratic": 2e4}),
        "quadratic_heated": o.replace(**{"junction.field_like_quadratic": 2e4, "junction.thermal_resistance": 1e5,
                                         "junction.thermal_time_constant": 1e-9, "material.curie_temperature": 1100.0}),
    }


def test_polynomials_equal_numpy_kernel(ortho_path, parallel_path) -> None:
    rng = np.random.default_rng(5)
    for dev in _devices(ortho_path, parallel_path).values():
        polys = M.llgs_polynomials(dev)
        b = DeviceBatch.from_devices(dev)
        m = rng.normal(size=(3, 50))
        m /= np.linalg.norm(m, axis=0)
        current = rng.uniform(-2e-3, 2e-3, 50)
        H = effective_field(m, b.Ms, b.N, b.H, b.Ku, b.u)
        ref = llgs_rhs(m, H, b.aj_per_amp * current, b.p, b.alpha, b.gamma_prime) * M.TIME_UNIT
        got = np.array([p.evaluate([m[0], m[1], m[2], current]) for p in polys])
        # the same algebra in two codes (a consistency check; tests/physics/test_references.py holds both to the
        # Gilbert equation): rounding of a few dozen terms, 1e-9 of the largest |dm/dt|
        assert np.allclose(got, ref, rtol=1e-12, atol=1e-9 * np.abs(ref).max())


def golden_subckt_text(model, ortho_path, parallel_path) -> str:  # type: ignore[no-untyped-def]
    """The text of tests/data/mtj_MODEL.sub (tests/regen_goldens.py writes it from here)."""
    return render_subckt(M.mtj_subckt(_devices(ortho_path, parallel_path)[model], "mtj")) + "\n"


GOLDEN_MODELS = ("orthogonal", "parallel", "quadratic", "quadratic_heated")


@pytest.mark.parametrize("model", GOLDEN_MODELS)
def test_subckt_golden(model, ortho_path, parallel_path) -> None:
    dev = _devices(ortho_path, parallel_path)[model]
    sub = M.mtj_subckt(dev, "mtj")
    assert isinstance(sub, Subckt) and sub.name == "mtj" and sub.ports == ("t1", "t2")
    # m0, and a junction whose Ms follows T_j starts with V(ms) = 1 (T_j = T_amb)
    hot = dev.junction.heating and dev.material.curie_temperature > 0
    assert sub.ic == tuple(zip(("mx", "my", "mz"), initial_magnetization(dev), strict=True)) + ((("ms", 1.0),) if hot
                                                                                                  else ())
    # regenerate with python tests/regen_goldens.py, never from a test
    assert golden_subckt_text(model, ortho_path, parallel_path) == (DATA / f"mtj_{model}.sub").read_text()


def test_builder_rejects_hostile_names(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    sub = M.mtj_subckt(dev, "mtj")
    for bad in ("mtj\n.control", "a b", "x;shell ls", "", "x1\n.control", "x1;shell ls"):
        with pytest.raises(NetlistError):
            M.mtj_subckt(dev, bad)
        # instance names (which name the .ic lines and the probes) are checked where they are made
        with pytest.raises(NetlistError):
            sub.instance(bad, t1="a", t2="0")
        with pytest.raises(NetlistError):
            Instance(bad, sub, {"t1": "a", "t2": "0"})
        with pytest.raises(NetlistError):
            M.mtj_probes(bad)
        with pytest.raises(NetlistError):
            Probe.node("mx").inside(bad)
    with pytest.raises(ParameterError, match="preset"):
        M.mtj_subckt(dev, "mtj", "fastest")
    # A hostile device name only reaches a comment line, and never a second line.
    evil = dev.replace(name="x\n.control\nshell touch /tmp/pwned\n.endc")
    text = render_subckt(M.mtj_subckt(evil, "mtj"))
    assert text.count("\n") == render_subckt(M.mtj_subckt(dev, "mtj")).count("\n")
    assert not any(ln.strip().lower().startswith((".control", "shell", ".endc")) for ln in text.splitlines())
    # ... and the whole deck around it keeps exactly its own control block
    lines = mtj_testbench(evil, ms.DC(1e-3), 1e-9, 1e-11).text().splitlines()
    assert [ln for ln in lines if ln.strip().lower().startswith((".control", "shell", ".endc"))] == [".control", ".endc"]


def test_testbench_deck_and_probes(ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    deck = mtj_testbench(dev, ms.DC(1e-3), 1e-9, 1e-11)
    assert deck.probes == TESTBENCH_PROBES
    assert deck.vectors == list(TESTBENCH_VECTORS)
    assert TESTBENCH_VECTORS == ("v(x1.mx)", "v(x1.my)", "v(x1.mz)", "i(v.x1.vsense)", "v(a)")
    assert [p.vector for p in M.mtj_probes("XN0")] == ["v(xn0.mx)", "v(xn0.my)", "v(xn0.mz)", "i(v.xn0.vsense)"]
    lines = deck.text().splitlines()
    m0 = initial_magnetization(dev)
    assert lines.count(".subckt mtj t1 t2") == 1
    assert "X1 a 0 mtj" in lines
    ic = [ln for ln in lines if ln.startswith(".ic")]
    assert ic == [f".ic v(x1.mx)={m0[0]:.15g} v(x1.my)={m0[1]:.15g} v(x1.mz)={m0[2]:.15g}"]
    assert f".tran 1e-11 1e-09 0 {M.max_step():.15g} uic" in lines


def test_example_netlists_in_sync(ortho_path, parallel_path) -> None:
    from mtjspice.netlist.examples import EXAMPLES

    for fname, build in EXAMPLES.items():
        assert (ROOT / "netlists" / fname).read_text() == build().text(), f"netlists/{fname} is stale"


# ---------------------------------------------------------------- ngspice agreement
CASES = [
    ("orthogonal", 0.6e-3, "my"),
    pytest.param("orthogonal", -0.6e-3, "my", marks=pytest.mark.slow),  # the mirror of +0.6 mA, 1.9 s
    ("orthogonal", 0.3e-3, "my"),
    ("parallel", -1.5e-3, "mz"),
]


def _compare(dev, wave, preset, comp, t_stop=15e-9, drive="current", r_ref=0.0):
    from mtjspice.sim import run_deck

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ms.BreakdownWarning)
        py_drive = wave if drive == "current" else ms.DividerDrive(wave, r_ref)
        ref = ms.simulate(dev, py_drive, t_stop, 10e-12, rtol=1e-11)
    wf = run_deck(mtj_testbench(dev, wave, t_stop, 10e-12, drive=drive, r_ref=r_ref, preset=preset))
    got = np.interp(ref.t, wf.t, wf[f"v(x1.{comp})"])
    want = getattr(ref, comp)[:, 0]
    return float(np.max(np.abs(got - want)))


@pytest.mark.ngspice
@pytest.mark.parametrize(("preset", "tol"), [("default", 1e-2), pytest.param("accurate", 1e-3, marks=pytest.mark.slow)])
@pytest.mark.parametrize(("model", "current", "comp"), CASES)
def test_ngspice_agrees_with_python(preset, tol, model, current, comp, ortho_path, parallel_path) -> None:
    # tol is each preset's stated accuracy (mtj.OPTION_PRESETS: m within about 1e-2 / 1e-3 of the
    # Python reference, which at rtol 1e-11 is within 2e-7 of the truth)
    dev = _devices(ortho_path, parallel_path)[model]
    wave = ms.Pulse(0.0, current, 0.0, 10e-12, 10e-12, 6e-9, 1.0)
    assert _compare(dev, wave, preset, comp) < tol


@pytest.mark.ngspice
@pytest.mark.slow  # 3.4 s with the default preset
@pytest.mark.parametrize(("preset", "tol"), [("default", 1e-2), ("accurate", 1e-3)])
def test_divider_drive_agrees(preset, tol, ortho_path) -> None:
    dev = ms.load_device(ortho_path)
    src = ms.Pulse(0.0, 2.0, 0.0, 10e-12, 10e-12, 6e-9, 1.0)
    assert _compare(dev, src, preset, "my", t_stop=12e-9, drive="divider", r_ref=2000.0) < tol


@pytest.mark.ngspice
@pytest.mark.slow
def test_unit_norm_over_1us(ortho_path) -> None:
    from mtjspice.sim import run_deck

    dev = ms.load_device(ortho_path)
    wf = run_deck(mtj_testbench(dev, ms.pulse_train(0.6e-3, 5e-9, 15e-9), 1e-6, 100e-12))
    norm = np.sqrt(wf["v(x1.mx)"] ** 2 + wf["v(x1.my)"] ** 2 + wf["v(x1.mz)"] ** 2)
    assert np.max(np.abs(norm - 1)) < 1e-3  # the restoring term holds |m| to about 1e-4 (mtj.py); 1e-3 over 1 us
    assert np.max(wf["v(x1.my)"]) > 0.3  # it did integrate


@pytest.mark.ngspice
def test_many_mtjs_keep_their_step_through_a_current_edge(ortho_path) -> None:
    # 20 MTJs at rest, driven by 0.3-0.49 mA edges at 1 ns, accurate preset. With 1 nF state
    # capacitors this deck stalled at the edge (steps of 1e-20 s, millions of points) while m was
    # still about 1e-9; the point count shows whether the step stays at the preset's maximum.
    from mtjspice.netlist.deck import Analysis, Deck
    from mtjspice.netlist.sources import isource
    from mtjspice.sim import run_deck

    dev = ms.load_device(ortho_path)
    mtj = M.mtj_subckt(dev, "mtj", "accurate")
    items: list[Item] = []
    amps = np.linspace(0.3e-3, 0.7e-3, 40)[:20] * np.where(np.arange(20) % 2, -1, 1)
    for k, a in enumerate(amps, 1):
        items += [isource(f"in{k}", "0", f"a{k}", ms.Pulse(0.0, float(a), 1e-9, 1e-11, 1e-11, 5e-9, 10e-9)),
                  mtj.instance(f"X{k}", t1=f"a{k}", t2="0")]
    t_stop, h = 1.5e-9, M.max_step("accurate")
    probes = (Probe.node("my").inside("X1"), Probe.node("my").inside("X20"))
    edge = Deck("edge", tuple(items), Analysis(t_stop, 10e-12, max_step=h), options=M.OPTION_PRESETS["accurate"],
                probes=probes)
    assert edge.vectors == ["v(x1.my)", "v(x20.my)"]
    text = edge.text()
    # every instance starts from the device's m0 (the .ic the old deck wrote by hand)
    assert text.count(".subckt mtj t1 t2") == 1
    for k in (1, 20):
        for comp, m in zip(("mx", "my", "mz"), initial_magnetization(dev), strict=True):
            assert f"v(x{k}.{comp})={m:.15g}" in text
    wf = run_deck(edge, timeout=60)
    assert wf.t[-1] == pytest.approx(t_stop)
    assert wf.t.size < 1.1 * t_stop / h + 100
    assert np.abs(wf["v(x1.my)"]).max() > 1e-3 and np.abs(wf["v(x20.my)"]).max() > 1e-3  # it moved


@pytest.mark.ngspice
def test_cli_ngspice_netlist_runs_unchanged(tmp_path, ortho_path) -> None:
    from mtjspice.cli import main

    out = tmp_path / "run"
    assert main(["macrospin", str(ortho_path), "--engine", "ngspice", "--drive", "divider", "--vdd", "1.5",
                 "--rref", "1k", "--t-on", "3n", "--t-stop", "5n", "--dt", "50p", "--out", str(out)]) == 0
    data = np.loadtxt(out / "trajectory.csv", delimiter=",", skiprows=1)
    assert data.shape == (101, 5)
    res = subprocess.run(["ngspice", "-b", "netlist.cir"], cwd=out, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-2000:]
    rows = output_rows(out / "waveforms.raw")
    my = np.interp(data[:, 0], rows[:, 0], rows[:, 2])
    assert np.allclose(my, data[:, 2], atol=1e-9)


def test_cli_ngspice_bad_drive_options(tmp_path, ortho_path, capsys) -> None:
    from mtjspice.cli import main

    out = tmp_path / "run"
    assert main(["macrospin", str(ortho_path), "--drive", "divider", "--vdd", "1", "--rref", "1k",
                 "--out", str(out)]) == 2
    assert main(["macrospin", str(ortho_path), "--engine", "ngspice", "--drive", "divider", "--out", str(out)]) == 2
    assert "--vdd" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.ngspice
def test_shared_engine_runs_the_same_mtj(ortho_path) -> None:
    """PySpice's shared library and the ngspice program give the same trajectory."""
    from mtjspice.sim import run_deck

    dev = ms.load_device(ortho_path)
    deck = mtj_testbench(dev, ms.Pulse(0.0, 0.6e-3, 0.0, 10e-12, 10e-12, 3e-9, 1.0), 5e-9, 10e-12)
    a = run_deck(deck, engine="batch")
    b = run_deck(deck, engine="shared")
    t = np.linspace(0, 5e-9, 501)
    for v in ("v(x1.my)", "i(v.x1.vsense)"):
        assert np.allclose(np.interp(t, a.t, a[v]), np.interp(t, b.t, b[v]), atol=1e-6 * max(1.0, np.abs(a[v]).max()))
