"""The examples of docs/guide/own-circuit.md run: its deck fragment (completed with a source and an
analysis end) in ngspice, its PySpice script in a subprocess (one shared ngspice per process)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mtjspice.sim import ngspice_program

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "guide" / "own-circuit.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", PAGE, flags=re.DOTALL)


@pytest.mark.ngspice
def test_the_page_deck_fragment_runs(tmp_path: Path) -> None:
    (tmp_path / "models").symlink_to(ROOT / "models")
    fragment = _blocks("spice")[0]
    deck = ["page example", fragment, "I1 0 t1 PULSE(0 0.6m 1n 20p 20p 3n 1)", "R2 t2 0 1", "I3 0 t3 DC 0.5m",
            "R4 t4 0 1", ".control", "run", "wrdata out.txt v(x1.my) v(x2.my)", "quit", ".endc", ".end"]
    text = "\n".join(deck).replace(".tran 10p 20n 0 2p", ".tran 10p 5n 0 2p")
    (tmp_path / "deck.cir").write_text(text, encoding="ascii")
    proc = subprocess.run([ngspice_program(), "-b", "deck.cir"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and "error" not in proc.stdout.lower(), proc.stdout[-2000:]
    assert (tmp_path / "out.txt").stat().st_size > 1000


@pytest.mark.ngspice
@pytest.mark.slow
def test_the_page_pyspice_script_runs(tmp_path: Path) -> None:
    script = "import logging\nlogging.disable(logging.WARNING)\n" + _blocks("python")[0]
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 0.2 < float(proc.stdout.strip().splitlines()[-1]) <= 1.0  # |m_y| driven above the onset


@pytest.mark.ngspice
def test_the_page_cofeb_mgo_fragment_runs_and_its_taper_command_prints_the_default_factors(tmp_path: Path) -> None:
    (tmp_path / "models").symlink_to(ROOT / "models")
    fragment = next(b for b in _blocks("spice") if "cofeb_mgo.lib" in b)
    pulse = "PULSE(0 2m 0.5n 20p 20p 2n 1)"
    deck = ["page example", fragment, f"I1 0 t1 {pulse}", "R2 t2 0 1", f"I3 0 t3 {pulse}", "R4 t4 0 1", ".control",
            "run", "wrdata out.txt v(x1.mx) v(x2.mx) v(x1.tj) v(x2.tj)", "quit", ".endc", ".end"]
    text = "\n".join(deck).replace(".tran 10p 20n 0 2p", ".tran 10p 3n 0 2p")
    (tmp_path / "deck.cir").write_text(text, encoding="ascii")
    proc = subprocess.run([ngspice_program(), "-b", "deck.cir"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and "error" not in proc.stdout.lower(), proc.stdout[-2000:]
    rows = [[float(x) for x in line.split()] for line in (tmp_path / "out.txt").read_text().splitlines()]
    last = rows[-1]  # wrdata: t v1 t v2 t v3 t v4
    assert last[5] > 10.0 and last[7] < last[5]  # the junctions heat; Rth=50k heats X2 less
    command = next(b for b in _blocks("sh") if "tapered_factors" in b).strip()
    code = command.split('"')[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    nx, ny, nz = (float(x) for x in out.strip().strip("()").split(","))
    assert abs(nx + ny + nz - 1.0) < 1e-9
    # L = 46 nm: Nx falls below the 45 nm pillar's default (cofeb_mgo.lib's Nx = 0.14034)
    assert nx < 0.1400 and "Nx=0.140342440663033" in (ROOT / "models" / "cofeb_mgo.lib").read_text(encoding="ascii")
