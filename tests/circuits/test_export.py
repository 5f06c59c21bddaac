"""``mtjspice export``: the library and noise files a user's deck includes; the noisy library instance
against the package's own thermal deck with the same seed; hostile input refused in one line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mtjspice.cli import main
from mtjspice.netlist.circuit import Probe
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.libnoise import thermal_library
from mtjspice.netlist.noise import THERMAL_OPTIONS
from mtjspice.netlist.sources import isource
from mtjspice.netlist.testbench import mtj_testbench
from mtjspice.params import load_device
from mtjspice.sim import ngspice_program, run_deck
from mtjspice.stimulus import DC, Pulse


def test_export_writes_the_library_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lib"
    assert main(["export", "orthogonal", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert ".include orthogonal.lib" in printed and "X1 t1 t2 mtj_orthogonal" in printed
    files = sorted(p.name for p in out.iterdir())
    assert files == [".mtjspice-run.json", "orthogonal.lib", "usage.txt"]
    text = (out / "orthogonal.lib").read_text(encoding="ascii")
    shipped = (Path(__file__).resolve().parents[2] / "models" / "orthogonal.lib").read_text(encoding="ascii")

    def block(t: str) -> str:
        return t[t.index(".subckt mtj_orthogonal "):t.index(".ends mtj_orthogonal\n")]

    assert block(text) == block(shipped)  # the same macrospin model as the shipped library
    assert ".subckt mtj_orthogonal t1 t2 params:" in text and "mtj_orthogonal_compact" not in text


@pytest.mark.ngspice
def test_exported_noisy_library_runs_as_pasted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "noisy"
    assert main(["export", "orthogonal", "--temperature", "300", "--seed", "7", "--t-stop", "2n", "--instances", "2",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    usage = (out / "usage.txt").read_text(encoding="ascii").splitlines()
    assert usage[0] == ".include orthogonal.lib" and usage[1].startswith("X0 t1_0 t2_0 mtj_orthogonal_t0")
    deck = ["user deck", *usage, "I0 0 t1_0 DC 0", "I1 0 t1_1 DC 0", "R0 t2_0 0 1", "R1 t2_1 0 1",
            ".control", "run", "wrdata out.txt v(x0.mx) v(x1.mx)", "quit", ".endc", ".end"]
    (out / "deck.cir").write_text("\n".join(deck) + "\n", encoding="ascii")
    proc = subprocess.run([ngspice_program(), "-b", "deck.cir"], cwd=out, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:]
    d = np.loadtxt(out / "out.txt")
    mx0, mx1 = d[:, 1], d[:, 3]
    assert 1e-3 < np.std(mx0) < 0.3 and 1e-3 < np.std(mx1) < 0.3  # thermal wandering at rest
    assert np.max(np.abs(mx0 - mx1)) > 1e-3  # two files, two independent noises


HEATED = {"junction.thermal_resistance": 1e5, "junction.thermal_time_constant": 2e-9, "material.curie_temperature": 1100.0}


@pytest.mark.ngspice
@pytest.mark.parametrize("changes", [{}, HEATED, {**HEATED, "junction.field_like_ratio": 0.2, "material.Ki_bottom": 1e-4,
                                                  "geometry.taper": 0.02}])
def test_noisy_library_instance_matches_the_package_thermal_deck(changes: dict) -> None:  # type: ignore[type-arg]
    # heated: the thermal field follows T_j and Ms(T_j) in both (the junction warms by about 30 K here)
    dev = load_device("orthogonal").replace(**changes)
    # heated: a DC drive (0.4 mA heats by about 17 K). At a pulse's edge the two decks cut their steps
    # differently (measured: 1.6e-3 in m_x right at a 0.5 mA edge), the noise is then no longer integrated at
    # one uniform step, and the heated junction's thermally driven excursion separated them by 2.5e-2 in 3 ns
    src = DC(0.4e-3) if changes else Pulse(0.0, 0.5e-3, 0.5e-9, 10e-12, 10e-12, 2e-9, 1.0)
    ref = run_deck(mtj_testbench(dev, src, 3e-9, 10e-12, temperature=300.0, seed=11))
    th = thermal_library(dev, 300.0, 11, 3e-9, 1)
    sub = th.subckts[0]
    probes = tuple(Probe.node(c).inside("X1") for c in ("mx", "my", "mz"))
    deck = Deck("noisy library", (isource("in", "0", "a", src), sub.instance("X1", t1="a", t2="0")),
                Analysis(3e-9, 10e-12, max_step=th.interval), options={"method": "trap", "reltol": 1e-3,
                                                                       **THERMAL_OPTIONS},
                probes=probes, attachments=th.files)
    got = run_deck(deck)
    for p in probes:
        err = float(np.max(np.abs(np.interp(ref.t, got.t, got[p.vector]) - ref[p.vector])))
        assert err < 1e-3, (p.vector, err)
    assert float(np.std(ref["v(x1.mx)"][ref.t < 0.5e-9])) > 1e-3  # there is noise to agree on


@pytest.mark.parametrize(("argv", "fragment"), [
    (["export", "orthogonal", "--temperature", "-3"], "--temperature"),
    (["export", "orthogonal", "--temperature", "1e9"], "temperature"),
    (["export", "orthogonal", "--seed", "1;rm"], "--seed"),
    (["export", "orthogonal", "--instances", "0"], "--instances"),
    (["export", "orthogonal", "--t-stop", "1n\n.control"], "--t-stop"),
    (["export", "no\n.control\nshell rm -rf x\n.endc"], "no such file"),
])
def test_hostile_export_arguments_fail_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   argv: list[str], fragment: str) -> None:
    out = tmp_path / "o"
    try:
        code = main([*argv, "--out", str(out)])
    except SystemExit as exc:  # argparse's own refusals: usage, then one error line
        code = int(exc.code or 0)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and fragment in err[-1] and err[-1].startswith("mtjspice export: error:"), err
    assert not out.exists()  # nothing half-written


def test_hostile_device_file_values_stay_out_of_the_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (Path(__file__).resolve().parents[2] / "models" / "orthogonal.toml").read_text(encoding="utf-8")
    bad = tmp_path / "evil name;x.toml"
    bad.write_text(src.replace('W = 10e-9', 'W = "10n\\n.control"'), encoding="utf-8")
    assert main(["export", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "geometry.W" in capsys.readouterr().err
    ok = tmp_path / "evil name;x.toml"
    ok.write_text(src, encoding="utf-8")
    assert main(["export", str(ok), "--out", str(tmp_path / "o2")]) == 0
    text = (tmp_path / "o2" / "evil_name_x.lib").read_text(encoding="ascii")
    assert ".subckt mtj_evil_name_x t1 t2" in text
    assert not any(";" in line for line in text.splitlines() if not line.startswith("*"))
    record = json.loads((tmp_path / "o2" / ".mtjspice-run.json").read_text(encoding="utf-8"))
    assert record["command"] == "export"


@pytest.mark.ngspice
@pytest.mark.slow
def test_exported_noisy_compact_library_runs_as_pasted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "noisy"
    assert main(["export", "orthogonal", "--model", "compact", "--temperature", "300", "--seed", "7", "--t-stop", "5n",
                 "--instances", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    usage = (out / "usage.txt").read_text(encoding="ascii").splitlines()
    assert usage[1].startswith("X0 t1_0 t2_0 mtj_orthogonal_compact_t0")
    assert sorted(p.name for p in out.glob("noise_*.txt")) == ["noise_mtj_orthogonal_compact_t0.txt",
                                                               "noise_mtj_orthogonal_compact_t1.txt"]
    deck = ["user deck", *usage, "I0 0 t1_0 DC 0", "I1 0 t1_1 DC 0", "R0 t2_0 0 1", "R1 t2_1 0 1",
            ".control", "run", "wrdata out.txt v(x0.my) v(x1.my)", "quit", ".endc", ".end"]
    (out / "deck.cir").write_text("\n".join(deck) + "\n", encoding="ascii")
    proc = subprocess.run([ngspice_program(), "-b", "deck.cir"], cwd=out, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:]
    d = np.loadtxt(out / "out.txt")
    u0, u1 = d[:, 1], d[:, 3]
    assert 1e-3 < np.std(u0) < 0.5 and 1e-3 < np.std(u1) < 0.5 and np.max(np.abs(u0 - u1)) > 1e-3


@pytest.mark.ngspice
@pytest.mark.parametrize("model", ["macrospin", pytest.param("compact", marks=pytest.mark.slow)])  # compact: a 10 s fit
def test_exported_usage_lines_run_as_pasted(tmp_path: Path, capsys: pytest.CaptureFixture[str], model: str) -> None:
    out = tmp_path / "lib"
    assert main(["export", "orthogonal", "--model", model, "--out", str(out)]) == 0
    capsys.readouterr()
    usage = (out / "usage.txt").read_text(encoding="ascii").splitlines()
    deck = ["user deck", *[u.replace(" 20n", " 3n") for u in usage], "I1 0 t1 PULSE(0 0.6m 0.5n 20p 20p 2n 1)",
            "R2 t2 0 1", ".control", "run", "wrdata out.txt v(x1.my)", "quit", ".endc", ".end"]
    (out / "deck.cir").write_text("\n".join(deck) + "\n", encoding="ascii")
    proc = subprocess.run([ngspice_program(), "-b", "deck.cir"], cwd=out, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and "error" not in proc.stdout.lower(), proc.stdout[-2000:]
    d = np.loadtxt(out / "out.txt")
    assert abs(d[0, 1]) < 1e-9 and float(np.max(d[:, 1])) > 0.2  # at rest, then driven above the onset
