"""Neuron arrays: crossbar Kirchhoff sum, spike polarity, golden netlist, split = merged, bad files,
the power model's fit and the two subcommands."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import output_rows

from mtjspice import load_device
from mtjspice.analysis.power import BASES, fit_model, model_energy
from mtjspice.circuits.array import (
    COMPACT_GROUP,
    DEFAULT_GROUP,
    ArrayJob,
    ArraySettings,
    array_deck,
    plan_parts,
    run_array,
)
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.power import power_sweep
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.errors import InputFileError, ParameterError
from mtjspice.io.arrayfiles import read_spikes, read_weights
from mtjspice.netlist.array import ArrayCircuit
from mtjspice.results import ARRAY_PARTS
from mtjspice.stimulus import spike_waveforms

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
MODEL = "orthogonal"  # the shipped device, loaded by name
# i_th given: the decks do not depend on a macrospin scan (fast and deterministic)
NS = NeuronSettings(i_th=0.38e-3)

# Hand-computable 2x2: both inputs at 0.3 V; neuron 0 gets 0.3 (1.3 + 0.7) mS = +0.6 mA,
# neuron 1 gets 0.3 (-0.5 - 1.5) mS = -0.6 mA (before the 10 Ohm drivers' small sag).
W22 = np.array([[1.3e-3, -0.5e-3], [0.7e-3, -1.5e-3]])
V22 = np.array([0.3, 0.3])


@pytest.fixture(scope="module")
def device():  # type: ignore[no-untyped-def]
    return load_device(MODEL)


@pytest.fixture(scope="module")
def result_2x2(device):  # type: ignore[no-untyped-def]
    return run_array(Neuron.build(device, NS), ArrayJob(W22, list(V22), 25e-9), ArraySettings(), keep_waves=True,
                     split=False)


def _hand_currents(arr: ArrayCircuit) -> np.ndarray:
    gp = arr.g_min + np.maximum(W22, 0)
    gn = arr.g_min + np.maximum(-W22, 0)
    g_row = (gp + gn).sum(axis=1)
    v_row = V22 / (1 + arr.r_driver * g_row)  # driver output resistance against the row's load
    return v_row @ W22


@pytest.mark.ngspice
@pytest.mark.slow
def test_2x2_input_current_is_kirchhoff_sum_and_polarity_follows_sign(device, result_2x2) -> None:  # type: ignore[no-untyped-def]
    r = result_2x2
    i_trim = Neuron.build(device, NS).circuit.i_trim
    hand = _hand_currents(ArrayCircuit())
    assert abs(hand[0] - 0.6e-3) < 0.02e-3 and abs(hand[1] + 0.6e-3) < 0.02e-3
    for j in (0, 1):
        wv, pr = r.waves[j], r.probes[j]
        late = wv.t > 0.1e-9
        # the column sum, mirrored into the neuron
        i_pos, i_neg = (wv[p.vector] for p in pr.columns[j])
        mirrored = ArrayCircuit().mirror_gain * (i_pos - i_neg)
        assert np.max(np.abs(mirrored[late] / hand[j] - 1)) < 0.01
        # ... and what actually reaches the neuron's input node: the input driver's current plus the
        # trim current the neuron draws from that node (see the neuron deck)
        npr = pr.neurons[j]
        delivered = wv[npr.i_input.vector][late] + i_trim
        assert np.max(np.abs(delivered / hand[j] - 1)) < 0.01
    sp = r.spikes.rows()
    for j, sign in ((0, 1), (1, -1)):
        mine = sp[sp[:, 0] == j]
        assert mine.shape[0] >= 2, f"neuron {j} fired {mine.shape[0]} times"
        assert np.all(mine[:, 2] == sign)


@pytest.mark.ngspice
@pytest.mark.slow
def test_2x2_energy_parts_add_up_to_what_the_sources_deliver(result_2x2) -> None:  # type: ignore[no-untyped-def]
    e = result_2x2.energy
    parts = e.parts_sum
    assert abs(parts / e.total - 1) < 0.01
    # crossbar by hand: V_row^2 (G+ + G-) summed over cells, for 25 ns (the rows are DC)
    arr = ArrayCircuit()
    g_row = (2 * arr.g_min + np.abs(W22)).sum(axis=1)
    v_row = V22 / (1 + arr.r_driver * g_row)
    assert e["crossbar"] == pytest.approx(float(np.sum(v_row**2 * g_row)) * 25e-9, rel=0.01)
    assert all(e[p] >= 0 for p in ARRAY_PARTS)
    assert np.isnan(result_2x2.energy_per_input_event)  # DC inputs: no events
    assert result_2x2.energy_per_spike == pytest.approx(e.total / len(result_2x2.spikes))


def _golden_deck(device, m: int = 2) -> str:  # type: ignore[no-untyped-def]
    st = ArraySettings()
    w = W22 if m == 2 else np.full((2, m), 1e-3)
    ev = np.array([[1e-9, 0, 1.0], [2e-9, 1, -1.0]])
    inputs = spike_waveforms(ev, 2, st.v_spike, st.spike_width)
    deck, _ = array_deck(Neuron.build(device, NS), w, inputs, 5e-9, st)
    return deck.text()


def test_netlist_has_m_neuron_instances(device) -> None:  # type: ignore[no-untyped-def]
    for m in (1, 3, 5):
        text = _golden_deck(device, m)
        inst = [ln for ln in text.splitlines() if ln.startswith("XN")]
        assert len(inst) == m
        assert [ln.split()[0] for ln in inst] == [f"XN{j}" for j in range(m)]
        assert sum(ln.startswith(".subckt lifn ") for ln in text.splitlines()) == 1


def test_netlist_matches_golden_file(device) -> None:  # type: ignore[no-untyped-def]
    text = _golden_deck(device)
    # regenerate with python tests/regen_goldens.py after a deliberate change, then review the diff
    got = text.splitlines()
    want = (DATA / "array_2x2.cir").read_text(encoding="utf-8").splitlines()
    # the example in netlists/ is the same deck, kept in sync
    assert (ROOT / "netlists" / "array_2x2.cir").read_text(encoding="utf-8").splitlines() == want
    assert len(got) == len(want)
    for k, (a, b) in enumerate(zip(got, want, strict=True), start=1):
        assert a == b, f"line {k}: {a!r} != golden {b!r}"


@pytest.mark.ngspice
def test_golden_netlist_runs_with_ngspice_b(tmp_path: Path) -> None:
    shutil.copy(DATA / "array_2x2.cir", tmp_path / "array.cir")
    proc = subprocess.run(["ngspice", "-b", "array.cir"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    data = output_rows(tmp_path / "waveforms.raw")
    assert data[-1, 0] == pytest.approx(5e-9, rel=1e-6)


@pytest.mark.ngspice
@pytest.mark.slow
def test_split_parts_give_the_same_spikes_as_one_netlist(device) -> None:  # type: ignore[no-untyped-def]
    w = np.array([[1.6e-3, -1.6e-3, 0.6e-3, -0.6e-3], [0.4e-3, -0.4e-3, 1.4e-3, -1.4e-3]])
    ev = np.array([[1e-9, 0, 1.0], [1e-9, 1, 1.0], [12e-9, 0, -1.0], [12e-9, 1, -1.0]])
    st = ArraySettings(spike_width=8e-9, v_spike=0.3, group=2)
    inputs = spike_waveforms(ev, 2, st.v_spike, st.spike_width)
    neuron = Neuron.build(device, NS)
    one = run_array(neuron, ArrayJob(w, inputs, 22e-9, 4), st, split=False)
    parts = run_array(neuron, ArrayJob(w, inputs, 22e-9, 4), st, split=True)
    assert len(one.parts) == 1 and len(parts.parts) == 2
    assert len(one.spikes) >= 8
    # spikes of different neurons at one strobe may swap order in the time-sorted raster: compare
    # sorted by neuron, then time
    ra, rb = one.spikes.rows(), parts.spikes.rows()
    a = ra[np.lexsort((ra[:, 1], ra[:, 0]))]
    b = rb[np.lexsort((rb[:, 1], rb[:, 0]))]
    assert np.array_equal(a[:, [0, 2]], b[:, [0, 2]])
    # The decks take different time steps (one netlist breaks at every neuron's edges), so a read
    # that finds the membrane right at a threshold may decide one strobe later: allow one read-clock
    # period for such borderline spikes, and require most spikes to agree within 20 ps.
    dt = np.abs(a[:, 1] - b[:, 1])
    assert np.max(dt) < NS.clock_period + 20e-12
    assert np.mean(dt < 20e-12) >= 0.75
    for p in ARRAY_PARTS:
        assert parts.energy[p] == pytest.approx(one.energy[p], rel=0.01, abs=1e-16)
    assert parts.energy.total == pytest.approx(one.energy.total, rel=0.005)


def test_wire_resistance_runs_as_one_netlist() -> None:
    coupled = ArraySettings(crossbar=ArrayCircuit(r_wire=2.0), group=2)
    assert plan_parts(8, coupled, mtj="macrospin") == [list(range(8))]
    with pytest.raises(ParameterError, match="coupled"):
        plan_parts(8, coupled, split=True, mtj="macrospin")
    assert plan_parts(5, ArraySettings(group=2), mtj="macrospin") == [[0, 1], [2, 3], [4]]
    # no group given: the MTJ model's (DEFAULT_GROUP for the macrospin, COMPACT_GROUP for the compact MTJ)
    assert plan_parts(DEFAULT_GROUP + 1, ArraySettings(), mtj="macrospin") == [list(range(DEFAULT_GROUP)),
                                                                                [DEFAULT_GROUP]]
    assert len(plan_parts(COMPACT_GROUP + 1, ArraySettings(), mtj="compact")) == 2


@pytest.mark.parametrize(
    ("text", "shape", "line", "fragment"),
    [
        ("1e-3,2e-3\n3e-3,4e-3\n", (3, 2), 2, "expected 3"),
        ("1e-3,2e-3\n3e-3\n", (2, 2), 2, "1 values"),
        ("1e-3,2e-3,5e-3\n", (1, 2), 1, "expected 2"),
        ("# weights\n1e-3,nan\n", (1, 2), 2, "not finite"),
        ("1e-3,2e-3\n1e-3,abc\n", (2, 2), 3 - 1, "'abc' is not a number"),
        ("1e-3\n2e-3\n3e-3\n", (2, 1), 3, "more than 2 rows"),
    ],
)
def test_bad_weights_files_name_file_and_line(tmp_path: Path, text: str, shape: tuple[int, int], line: int,
                                              fragment: str) -> None:
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_weights(path, shape)
    msg = str(info.value)
    assert str(path) in msg and f"line {line}:" in msg and fragment in msg
    assert info.value.line == line


def test_empty_and_missing_weights_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("# nothing\n\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no weight rows"):
        read_weights(tmp_path / "e.csv")
    with pytest.raises(InputFileError, match="no such file"):
        read_weights(tmp_path / "missing.csv")
    (tmp_path / "ok.csv").write_text("1,-2\n3,4\n", encoding="utf-8")
    assert np.allclose(read_weights(tmp_path / "ok.csv", (2, 2), g_unit=1e-3), [[1e-3, -2e-3], [3e-3, 4e-3]])


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("time,input,sign\n1e-9,0,1\n", 1, "header"),
        ("t,input,sign\n1e-9,0,1\n2e-9,x,1\n", 3, "not three numbers"),
        ("t,input,sign\n1e-9,0\n", 2, "2 values"),
        ("t,input,sign\n1e-9,0,2\n", 2, "sign '2'"),
        ("t,input,sign\n1e-9,5,1\n", 2, "input '5'"),
        ("t,input,sign\n1e-9,0.5,1\n", 2, "input '0.5'"),
        ("t,input,sign\n-1e-9,0,1\n", 2, "negative"),
        ("t,input,sign\nnan,0,1\n", 2, "non-finite"),
    ],
)
def test_bad_spike_files_name_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_spikes(path, 2)
    assert str(path) in str(info.value) and f"line {line}:" in str(info.value) and fragment in str(info.value)


def test_spike_file_becomes_pulses_that_add(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("t,input,sign\n3e-9,1,-1\n1e-9,0,+1\n1.5e-9,0,1\n", encoding="utf-8")
    ev = read_spikes(path, 2)
    assert ev[:, 0].tolist() == [1e-9, 1.5e-9, 3e-9]
    waves = spike_waveforms(ev, 2, 0.2, 1e-9, edge=20e-12)
    assert float(waves[0](1.2e-9)) == pytest.approx(0.2)
    assert float(waves[0](1.8e-9)) == pytest.approx(0.4)  # the two pulses overlap and add
    assert float(waves[1](3.5e-9)) == pytest.approx(-0.2)
    assert float(waves[1](0.5e-9)) == 0.0


def test_power_model_fit_recovers_known_coefficients() -> None:
    true = {p: tuple(1e-12 * (k + 1) * (b + 1) for b in range(len(BASES[p]))) for k, p in enumerate(ARRAY_PARTS)}
    sizes = [1, 2, 4, 8]
    energy = np.array([model_energy(true, n, n) for n in sizes])
    coef = fit_model(sizes, energy)
    for p in ARRAY_PARTS:
        assert np.allclose(coef[p], true[p], rtol=1e-6)
    assert model_energy(coef, 64, 64)[0] == pytest.approx(true["crossbar"][0] * 64 + true["crossbar"][1] * 64 * 64)


@pytest.mark.ngspice
@pytest.mark.slow
def test_cli_array_writes_raster_and_energy(tmp_path: Path) -> None:
    from mtjspice.cli import main

    (tmp_path / "w.csv").write_text("1.3e-3,-0.5e-3\n0.7e-3,-1.5e-3\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("t,input,sign\n1e-9,0,1\n1e-9,1,1\n", encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["array", str(MODEL), "--inputs", "2", "--neurons", "2", "--weights", str(tmp_path / "w.csv"),
               "--spikes", str(tmp_path / "s.csv"), "--t-stop", "14n", "--v-spike", "0.3", "--spike-width", "12n",
               "--i-th", "0.38m", "--quiet", "--out", str(out)])
    assert rc == 0
    for f in ("netlist.cir", "raster.csv", "raster.png", "energy.csv", "energy_neurons.csv", "report.txt"):
        assert (out / f).is_file(), f
    raster = np.loadtxt(out / "raster.csv", delimiter=",", skiprows=1, ndmin=2)
    assert raster.shape[0] >= 2
    assert set(raster[raster[:, 0] == 0, 2]) == {1.0} and set(raster[raster[:, 0] == 1, 2]) == {-1.0}
    assert "energy per input event" in (out / "report.txt").read_text(encoding="utf-8")


def test_cli_array_bad_weights_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mtjspice.cli import main

    (tmp_path / "w.csv").write_text("1e-3,2e-3\n1e-3,oops\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("t,input,sign\n", encoding="utf-8")
    rc = main(["array", str(MODEL), "--inputs", "2", "--neurons", "2", "--weights", str(tmp_path / "w.csv"),
               "--spikes", str(tmp_path / "s.csv"), "--t-stop", "5n", "--out", str(tmp_path / "o")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "w.csv, line 2" in err and "oops" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.ngspice
@pytest.mark.slow
def test_cli_power_fits_and_extrapolates(tmp_path: Path) -> None:
    from mtjspice.cli import main

    out = tmp_path / "p"
    rc = main(["power", str(MODEL), "--sizes", "1,2,3,64", "--max-sim", "3", "--t-stop", "12n", "--i-th", "0.38m",
               "--quiet", "--out", str(out)])
    assert rc == 0
    rows = (out / "energy_by_size.csv").read_text(encoding="utf-8").splitlines()
    assert any(r.startswith("64,model,") for r in rows) and not any(r.startswith("64,simulated") for r in rows)
    err = np.genfromtxt(out / "fit_error.csv", delimiter=",", skip_header=1, ndmin=2)  # empty cells: n/a
    assert err.shape == (3, len(ARRAY_PARTS) + 2)
    assert np.all(np.abs(err[:, -1]) < 0.2)  # the total is fitted within 20 % at every simulated size
    assert (out / "power.png").stat().st_size > 1000


def test_array_and_power_sweep_take_the_neuron_object(device) -> None:  # type: ignore[no-untyped-def]
    """run_array, array_deck and power_sweep refuse a device (or a wrong settings or options object) in one line
    naming the parameter, before any run."""
    neuron, job = Neuron.build(device, NS), ArrayJob(W22, list(V22), 5e-9)
    for call in (lambda: run_array(device, job), lambda: array_deck(device, W22, list(V22), 5e-9, ArraySettings()),
                 lambda: power_sweep(device, [1, 2], 5e-9)):
        with pytest.raises(ParameterError, match="^neuron: got 'Device'; allowed: a Neuron"):
            call()  # type: ignore[no-untyped-call]
    with pytest.raises(ParameterError, match="^settings: got 'NeuronSettings'; allowed: an ArraySettings"):
        run_array(neuron, job, NS)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^settings: got 'NeuronSettings'; allowed: an ArraySettings"):
        power_sweep(neuron, [1, 2], 5e-9, NS)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^options: got 'int'; allowed: a RunOptions$"):
        power_sweep(neuron, [1, 2], 5e-9, ArraySettings(), 2)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^job: got 'tuple'; allowed: an ArrayJob"):
        run_array(neuron, (W22, list(V22), 5e-9))  # type: ignore[arg-type]
