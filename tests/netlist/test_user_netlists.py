"""The hand-written user decks in netlists/ that include models/*.lib: each runs as it is with
``ngspice -b`` (from another folder, so its relative .include paths are tested too), within its
stated CPU time (generously: the machine is shared), and does what its header says."""

from __future__ import annotations

import itertools
import re
import resource
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mtjspice.sim import ngspice_program

NETLISTS = Path(__file__).resolve().parents[2] / "netlists"


def _run(name: str, tmp_path: Path) -> tuple[np.ndarray, float]:
    deck = NETLISTS / f"{name}.cir"
    stated = re.search(r"Runtime: (?:about |[\d.]+ to )?([\d.]+) s of CPU", deck.read_text(encoding="ascii"))
    assert stated, "each example states its CPU time"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([ngspice_program(), "-b", str(deck)], cwd=tmp_path, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "error" not in proc.stderr.lower(), proc.stderr[-2000:]
    data = np.loadtxt(tmp_path / f"{name}.txt", skiprows=1)
    assert cpu < 4 * float(stated.group(1)) + 1.0, (cpu, stated.group(0))
    return data, cpu


def _at(d: np.ndarray, t: float) -> np.ndarray:
    return d[np.searchsorted(d[:, 0], t)]


@pytest.mark.ngspice
@pytest.mark.slow
def test_1t1mtj_cell(tmp_path: Path) -> None:
    d, _ = _run("cell_1t1mtj", tmp_path)  # t, wl, bl, mx, my, mz, i
    on = (d[:, 0] > 3e-9) & (d[:, 0] < 8e-9)
    assert abs(_at(d, 1.9e-9)[4]) < 1e-3 and abs(_at(d, 1.9e-9)[6]) < 1e-5  # at rest, transistor off
    assert 0.45e-3 < d[on, 6].mean() < 0.65e-3  # the cell drives about 0.55 mA
    assert 0.3 < d[on, 4].max() < 0.6  # m_y integrates (leaky regime, not switching)
    assert abs(d[-1, 4]) < 0.1  # and leaks back after the word line closes


@pytest.mark.ngspice
def test_own_comparator(tmp_path: Path) -> None:
    d, _ = _run("comparator_own", tmp_path)  # t, out, v(a), v(ref), my, i
    assert _at(d, 1.5e-9)[1] < 0.01 and _at(d, 2.2e-9)[1] < 0.1  # low at rest and just after the input starts
    assert _at(d, 5e-9)[1] > 0.9 and _at(d, 5e-9)[4] > 0.3  # high once m_y has risen
    rise = d[np.argmax(d[:, 1] > 0.5)]
    assert 0.1 < rise[4] < 0.35  # it switched as m_y crossed about 0.2
    assert _at(d, 8e-9)[1] < 0.01  # low again without input


@pytest.mark.ngspice
def test_agauss_monte_carlo_draws_per_instance(tmp_path: Path) -> None:
    d, _ = _run("montecarlo_agauss", tmp_path)  # t, my of ten MTJs
    row = _at(d, 4e-9)[1:]
    assert row.shape == (10,) and np.all(np.abs(row) <= 1.0) and np.median(row) > 0.2  # the nominal device responds
    assert np.std(row) > 1e-3 and len(np.unique(np.round(row, 6))) == 10  # ten different devices
    assert np.all(np.abs(d[0, 1:]) < 1e-9)  # each starts at rest by itself


@pytest.mark.ngspice
def test_crossbar_of_compact_mtjs(tmp_path: Path) -> None:
    d, _ = _run("crossbar_compact", tmp_path)  # t, u0, u1, i0, i1
    assert 0.55e-3 < _at(d, 5e-9)[3] < 0.75e-3 and 0.2e-3 < _at(d, 5e-9)[4] < 0.35e-3
    assert _at(d, 5.9e-9)[1] > 0.4  # column 0 above its onset integrates
    assert abs(_at(d, 5.9e-9)[2]) < 1e-6  # column 1 below it stays at rest


@pytest.mark.ngspice
def test_width_sweep_with_alterparam(tmp_path: Path) -> None:
    deck = NETLISTS / "sweep_w.cir"
    proc = subprocess.run([ngspice_program(), "-b", str(deck)], cwd=tmp_path, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:]
    peaks = [float(v) for v in re.findall(r"mymax\s*=\s*([-+0-9.eE]+)", proc.stdout)]
    assert len(peaks) == 5 and all(0.2 < p < 0.6 for p in peaks)
    assert all(a > b for a, b in itertools.pairwise(peaks)), peaks  # each run took its own W: wider, higher onset
