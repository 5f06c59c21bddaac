"""The neuron at temperature: seeded, reproducible decks; trial statistics by their definitions."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.analysis.trials import TRIAL_COLUMNS, input_onset, trial_stats, trial_table, wrong_sign
from mtjspice.circuits.neuron import NOISE_FILE, Thermal, neuron_deck, run_neuron
from mtjspice.circuits.neuronobject import Neuron
from mtjspice.cli import main
from mtjspice.errors import ParameterError
from mtjspice.results import SpikeTrain
from mtjspice.stimulus import PWL


def test_trial_statistics_follow_their_definitions() -> None:
    trains = [SpikeTrain(np.array([3e-9, 5e-9, 7e-9, 9e-9]), np.array([1, 1, -1, 1])),
              SpikeTrain(np.array([4e-9, 6e-9, 8e-9, 9e-9, 9.5e-9, 9.8e-9]), np.ones(6, dtype=int)),
              SpikeTrain(np.array([], dtype=float), np.array([], dtype=int))]
    current = PWL(np.array([0.0, 1e-9, 1.001e-9, 8e-9, 8.001e-9]), np.array([0.0, 0.0, 1e-3, 1e-3, -1e-3]))
    assert input_onset(current, 10e-9) == pytest.approx(1e-9, abs=1e-12)
    # first train: the -1 spike at 7 ns is right (input > 0 there? no: input is + until 8 ns) -> wrong;
    # the +1 at 9 ns is wrong (input negative after 8 ns)
    assert wrong_sign(trains[0], current) == 2
    table = trial_table([0, 1, 2], trains, [8e-12, 9e-12, 1e-12], [0.8, 0.8, 0.1], current, 10e-9, idle_power=1e-4)
    assert table.shape == (3, len(TRIAL_COLUMNS))
    st = trial_stats(table, 10e-9)
    counts = np.array([4.0, 6.0, 0.0])
    assert st.count_mean == pytest.approx(counts.mean()) and st.fano == pytest.approx(counts.var(ddof=1) / counts.mean())
    assert st.latency_mean == pytest.approx(np.mean([2e-9, 3e-9]))  # the empty trial has no latency
    assert st.energy_per_spike_mean == pytest.approx(np.mean([2e-12, 1.5e-12]))
    assert st.active_energy_per_spike_mean == pytest.approx(np.mean([(8e-12 - 1e-12) / 4, (9e-12 - 1e-12) / 6]))
    # train 1: spikes after 8 ns are positive while the input is negative -> 3 wrong
    assert st.wrong_sign_rate == pytest.approx((2 + 3 + 0) / (3 * 10e-9))
    assert math.isnan(trial_stats(table[:1], 10e-9).fano)  # one trial has no spread
    text = "\n".join(trial_stats(table[:1], 10e-9).lines())
    assert "nan" not in text and "std n/a (one trial)" in text  # the report says why a value is missing
    silent = trial_stats(table[2:], 10e-9).lines()  # the trial without spikes
    assert "latency from input onset: mean n/a (no trial spiked)" in silent[2] and "nan" not in "".join(silent)


def test_temperature_zero_is_todays_deck(ortho_path: Path) -> None:
    dev = ms.load_device(ortho_path)
    s = ms.NeuronSettings(i_th=0.38e-3)
    c = Neuron.build(dev, s).circuit
    assert Thermal.make(dev, s, 0.0, 5) is None and Thermal.make(dev, s, None) is None
    cold, _ = neuron_deck(dev, c, ms.DC(0.6e-3), 20e-9, s)
    assert not cold.attachments and "noise" not in cold.text() and "filesource" not in cold.text()
    warm, _ = neuron_deck(dev, c, ms.DC(0.6e-3), 20e-9, s, Thermal.make(dev, s, 300.0, 5))
    assert NOISE_FILE in warm.attachments and f'file="{NOISE_FILE}"' in warm.text()
    for bad in (-1.0, 1e4, math.nan):
        with pytest.raises(ParameterError, match="temperature"):
            Thermal.make(dev, s, bad)
    with pytest.raises(ParameterError, match="seed"):
        Thermal.make(dev, s, 300.0, -1)


@pytest.mark.ngspice
def test_same_seed_same_run_other_seed_other_run(ortho_path: Path) -> None:
    dev = ms.load_device(ortho_path)
    s = ms.NeuronSettings(i_th=0.38e-3)
    c = Neuron.build(dev, s).circuit
    runs = [run_neuron(dev, ms.DC(0.6e-3), 15e-9, s, c, thermal=Thermal.make(dev, s, 300.0, seed))
            for seed in (3, 3, 4)]
    u = [r.u for r in runs]
    assert np.array_equal(runs[0].t, runs[1].t) and np.array_equal(u[0], u[1])
    assert runs[0].temperature == 300.0 and runs[0].seed == 3
    n = min(u[0].size, u[2].size)
    assert np.max(np.abs(u[0][:n] - u[2][:n])) > 1e-3  # independent noise moves the membrane


@pytest.mark.ngspice
@pytest.mark.slow
def test_neuron_trials_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Trials write a row each with distinct seeds, statistics that follow from the rows, and a
    netlist that runs as it is beside its noise file."""
    out = tmp_path / "warm"
    rc = main(["neuron", "orthogonal", "--input", "dc:0.6m", "--t-stop", "20n", "--temperature", "300",
               "--trials", "3", "--seed", "11", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    rows = np.genfromtxt(out / "trials.csv", delimiter=",", names=True)
    assert rows["seed"].tolist() == [11, 12, 13]
    counts = rows["spikes"]
    report = (out / "report.txt").read_text()
    assert "MTJ at 300 K" in report and "seed 11" in report
    assert f"Fano factor {counts.var(ddof=1) / counts.mean():.3g}" in report
    assert (out / "trials.png").stat().st_size > 0 and (out / NOISE_FILE).exists()
    run = subprocess.run(["ngspice", "-b", "netlist.cir"], cwd=out, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and (out / "waveforms.raw").exists()


def test_array_neurons_draw_their_own_noise_the_same_in_any_split(ortho_path: Path) -> None:
    from mtjspice.circuits.array import ArraySettings, array_deck

    dev = ms.load_device(ortho_path)
    st, ns = ArraySettings(), ms.NeuronSettings(i_th=0.38e-3)
    neuron = Neuron.build(dev, ns)
    th = Thermal.make(dev, ns, 300.0, 9)
    w = np.array([[1e-3, -1e-3, 5e-4]])
    full, _ = array_deck(neuron, w, [0.3], 5e-9, st, thermal=th)
    parts = [array_deck(neuron, w, [0.3], 5e-9, st, cols, th)[0] for cols in ([0, 1], [2])]
    assert sorted(full.attachments) == ["noise_mtj0.txt", "noise_mtj1.txt", "noise_mtj2.txt"]
    for part in parts:
        for name, text in part.attachments.items():
            assert full.attachments[name] == text
    texts = list(full.attachments.values())
    assert len(set(texts)) == 3  # independent streams
    for j in range(3):
        assert f".subckt lifn{j} " in full.text() and f'file="noise_mtj{j}.txt"' in full.text()
    cold, _ = array_deck(neuron, w, [0.3], 5e-9, st)
    assert not cold.attachments and ".subckt lifn " in cold.text()
