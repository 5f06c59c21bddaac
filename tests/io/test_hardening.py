"""Output folders, file readers, messages and energy definitions, one property at a time (the
corpus in cli/test_corpus.py runs the command line against bad input as a whole)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from mtjspice.cli import main
from mtjspice.errors import CostError, InputFileError, ParameterError, SimulationError, printable
from mtjspice.io.arrayfiles import read_spikes, read_weights
from mtjspice.io.inputs import read_pwl
from mtjspice.io.outputs import MARKER, OutputDir, OutputError
from mtjspice.io.reports import energy_per_spike
from mtjspice.sim import parse_wrdata, read_output

# ---------------------------------------------------------------- output folders


def _publish(out: Path, files: dict[str, str], overwrite: bool = False) -> None:
    with OutputDir(out, overwrite=overwrite, record={"command": "test"}) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")


def test_a_new_folder_is_published_whole_with_its_record(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "run"
    _publish(out, {"a.csv": "1\n", "b.txt": "2\n"})
    assert sorted(p.name for p in out.iterdir()) == sorted(["a.csv", "b.txt", MARKER])
    record = json.loads((out / MARKER).read_text())
    assert record["command"] == "test" and "mtjspice" in record and "written" in record
    mode = out.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o777 & ~mask  # not the private 0700 of a temporary folder
    assert [p.name for p in out.parent.iterdir()] == ["run"]  # no staging folder left


def test_an_existing_folder_is_refused_unless_overwrite_and_then_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _publish(out, {"a.csv": "old\n", "only_old.txt": "x\n"})
    with pytest.raises(ParameterError, match="--overwrite"):
        OutputDir(out)
    _publish(out, {"a.csv": "new\n"}, overwrite=True)
    assert (out / "a.csv").read_text() == "new\n"
    assert not (out / "only_old.txt").exists()  # whole, not file by file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_failed_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    _publish(out, {"a.csv": "old\n"})
    with pytest.raises(RuntimeError), OutputDir(out, overwrite=True) as tmp:
        (tmp / "a.csv").write_text("half\n", encoding="utf-8")
        raise RuntimeError("the simulation failed")
    assert (out / "a.csv").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_overwrite_never_deletes_a_folder_mtjspice_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "main.tex").write_text("precious\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=MARKER.replace(".", r"\.")):
        OutputDir(tmp_path / "thesis", overwrite=True)
    assert (tmp_path / "thesis" / "main.tex").read_text() == "precious\n"


def test_an_empty_folder_is_used_and_bad_destinations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _publish(tmp_path / "empty", {"a.csv": "1\n"})
    assert (tmp_path / "empty" / "a.csv").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for bad, fragment in (("", "empty"), (tmp_path / "file", "not a folder"), (tmp_path / "file" / "sub", "created"),
                          ("/proc/mtjspice-test", "created")):
        with pytest.raises(ParameterError, match=fragment):
            OutputDir(bad)


def test_a_folder_that_fills_during_the_run_keeps_both(tmp_path: Path) -> None:
    out = tmp_path / "run"
    d = OutputDir(out)
    with pytest.raises(OutputError, match="kept in"), d as tmp:
        (tmp / "mine.csv").write_text("1\n", encoding="utf-8")
        out.mkdir()
        (out / "theirs.csv").write_text("2\n", encoding="utf-8")
    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert (out / "theirs.csv").exists() and len(kept) == 1 and (kept[0] / "mine.csv").exists()


# ---------------------------------------------------------------- readers


def test_pwl_with_byte_order_mark_keeps_its_first_row_and_takes_suffixes(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_bytes(b"\xef\xbb\xbf0,0.5m\n2n,0.6m # note\n5n,-0.6mA\n")
    w = read_pwl(p)
    assert np.allclose(w.times, [0, 2e-9, 5e-9]) and np.allclose(w.values, [0.5e-3, 0.6e-3, -0.6e-3])
    p.write_bytes("\ufefft,I\n0,1m\n".encode())
    assert np.allclose(read_pwl(p).values, [1e-3])  # the header is recognised behind a BOM too


def test_array_files_take_suffixes_and_bom(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_bytes(b"\xef\xbb\xbf1.3m,-500u\n0.7m,-1.5mS\n")
    assert np.allclose(read_weights(tmp_path / "w.csv", (2, 2)), [[1.3e-3, -0.5e-3], [0.7e-3, -1.5e-3]])
    (tmp_path / "s.csv").write_bytes(b"\xef\xbb\xbft,input,sign\n2.5n,1,-1\n1ns,0,1\n")
    assert read_spikes(tmp_path / "s.csv", 2).tolist() == [[1e-9, 0, 1], [2.5e-9, 1, -1]]


@pytest.mark.parametrize("data", [b"\xff\xfe1\x00", "1e-3 # \xe9\n".encode("latin-1"), b"1e-3\x00\n"])
def test_other_encodings_are_refused_by_name(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "w.csv").write_bytes(data)
    with pytest.raises(InputFileError, match="w.csv: weights file: (not UTF-8|binary)"):
        read_weights(tmp_path / "w.csv")


def test_unreadable_ngspice_output_is_a_simulation_error(tmp_path: Path) -> None:
    p = tmp_path / "out.txt"
    p.write_text("time v(a)\n1e-9 0.5\n2e-9 garbage\n", encoding="utf-8")
    with pytest.raises(SimulationError, match="cannot be read"):
        parse_wrdata(p, ["v(a)"])
    p.write_text("", encoding="utf-8")
    with pytest.raises(SimulationError, match="no data"):
        parse_wrdata(p, ["v(a)"])


def _raw(names: list[str], rows: np.ndarray, points: int | None = None) -> bytes:
    head = (f"Title: t\nPlotname: Transient Analysis\nFlags: real\nNo. Variables: {len(names)}\n"
            f"No. Points: {rows.shape[0] if points is None else points}\nVariables:\n"
            + "".join(f"\t{k}\t{n}\tvoltage\n" for k, n in enumerate(names)) + "Binary:\n")
    return head.encode() + np.ascontiguousarray(rows, dtype="<f8").tobytes()


def test_binary_raw_output_is_read_and_checked(tmp_path: Path) -> None:
    rows = np.array([[0.0, 1.0, -2.0], [1e-9, 1.5, -2.5], [2e-9, 2.0, -3.0]])
    p = tmp_path / "out.raw"
    p.write_bytes(_raw(["time", "v(a)", "i(v.x1.vs)"], rows))
    t, sig = read_output(p, ["i(v.x1.vs)"])
    assert t.tolist() == [0.0, 1e-9, 2e-9] and sig["i(v.x1.vs)"].tolist() == [-2.0, -2.5, -3.0]
    assert list(read_output(p)[1]) == ["v(a)", "i(v.x1.vs)"]
    with pytest.raises(SimulationError, match="no vector v\\(b\\)"):
        read_output(p, ["v(b)"])
    for bad, why in ((_raw(["time", "v(a)"], rows[:, :2])[:-3], "not whole rows"),
                     (_raw(["time", "v(a)"], rows[:, :2], points=5), "header says 5"),
                     (b"time v(a)\n0 1\n", "not a binary raw file"),
                     (_raw(["time", "v(a)"], rows[:, :2]).replace(b"real", b"complex"), "complex"),
                     (_raw(["time", "v(a)"], rows[:, :2]).replace(b"Points: 3", b"Points: 3x"), "point count")):
        p.write_bytes(bad)
        with pytest.raises(SimulationError, match=why):
            read_output(p, ["v(a)"])


# ---------------------------------------------------------------- messages


def test_printable_escapes_control_characters_only() -> None:
    assert printable("W = 10 nm, µ0 Ms²") == "W = 10 nm, µ0 Ms²"
    assert printable("a\x1b[2Jb\nc\u202e") == "a\\x1b[2Jb\\nc\\u202e"
    assert printable("a\nb", keep_newlines=True) == "a\nb"
    err = ParameterError("key\x1b]0;pwned\x07", "v\r", "ok")
    assert "\x1b" not in str(err) and "\x07" not in str(err) and "\r" not in str(err)


def test_a_float_is_shown_to_ten_digits_and_kept_whole() -> None:
    """45n parses to 4.5000000000000006e-08: the message shows 4.5e-08, the exception keeps the number."""
    import numpy as np

    from mtjspice.units import parse_si

    v = parse_si("45n", "--t-stop")
    assert repr(v) == "4.5000000000000006e-08"  # the round-off the message must not show
    err = ParameterError("--t-stop", v, "a time")
    assert str(err) == "--t-stop: got 4.5e-08; allowed: a time" and err.value == v and err.value != 4.5e-8
    assert str(ParameterError("u", 1.0000001, "x")).startswith("u: got 1.0000001;")  # typed digits are kept
    assert str(ParameterError("f", np.float64(0.1) + 0.2, "x")).startswith("f: got 0.3;")  # numpy's float too
    assert str(ParameterError("b", (8e-9, 1.4e-8 * 3), "x")).startswith("b: got (8e-09, 4.2e-08);")
    assert str(ParameterError("b", [0.1 + 0.2], "x")).startswith("b: got [0.3];")
    assert str(ParameterError("b", (0.1 + 0.2,), "x")).startswith("b: got (0.3,);")
    # anything else as before: words quoted, whole numbers and booleans as typed, nan and inf by name
    assert str(ParameterError("n", "45n", "x")).startswith("n: got '45n';")
    assert str(ParameterError("n", 2**70, "x")).startswith(f"n: got {2**70};")
    assert str(ParameterError("n", True, "x")).startswith("n: got True;")
    assert str(ParameterError("n", float("nan"), "x")).startswith("n: got nan;")
    assert str(ParameterError("n", -float("inf"), "x")).startswith("n: got -inf;")


def test_library_names_in_explanations_become_options(capsys: pytest.CaptureFixture[str]) -> None:
    from mtjspice.cli import _subcommand_parser, as_option_error, build_parser

    parser = _subcommand_parser(build_parser(), "neuron")
    shown = as_option_error(CostError("t_stop", 1.0, "shorten t_stop or raise clock_period"), parser)
    assert isinstance(shown, CostError) and shown.name == "--t-stop"
    assert shown.allowed == "shorten --t-stop or raise --clock-period"


def test_cost_errors_state_the_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    from mtjspice.budget import check_memory, format_bytes

    monkeypatch.setenv("MTJSPICE_MEMORY_LIMIT", str(2 * 1024**3))
    check_memory(0.9 * 1024**3, "t_stop", 1.0, "samples", "shorten it")  # fits in half of 2 GiB
    with pytest.raises(CostError) as info:
        check_memory(3 * 1024**4, "t_stop", 1.0, "1e11 samples", "shorten t_stop")
    assert "3 TiB" in str(info.value) and format_bytes(1024**3) in str(info.value) and "shorten t_stop" in str(info.value)


# ---------------------------------------------------------------- energy per spike


def test_energy_per_spike_two_ways() -> None:
    whole, active = energy_per_spike(10e-12, 50e-6, 100e-9, 4)
    assert whole == pytest.approx(2.5e-12) and active == pytest.approx((10e-12 - 5e-12) / 4)
    assert all(np.isnan(energy_per_spike(1e-12, 1e-6, 1e-9, 0)))
    assert np.isnan(energy_per_spike(1e-12, None, 1e-9, 2)[1])


@pytest.mark.ngspice
def test_idle_power_is_a_power(ortho_path: Path) -> None:
    """With no input the neuron draws a steady power: the idle energy over 20 and 40 clock periods
    doubles (within 3 %), and it is what the neuron report subtracts."""
    import mtjspice as ms
    from mtjspice.circuits.neuron import idle_power

    dev = ms.load_device(ortho_path)
    s = ms.NeuronSettings()
    p20, p40 = idle_power(dev, s, t_idle=20e-9), idle_power(dev, s, t_idle=40e-9)
    assert 1e-6 < p20 < 1e-3 and p40 == pytest.approx(p20, rel=0.03)


@pytest.mark.ngspice
def test_array_events_outside_the_run_are_stated_and_not_counted(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "w.csv").write_text("1.3m\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("t,input,sign\n1n,0,1\n1,0,1\n5n,0,1\n", encoding="utf-8")
    rc = main(["array", "orthogonal", "--inputs", "1", "--neurons", "1", "--weights", str(tmp_path / "w.csv"),
               "--spikes", str(tmp_path / "s.csv"), "--t-stop", "5n", "--quiet", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert rc == 0 and "2 of the 3 events" in err and "ignored" in err
    report = (tmp_path / "r" / "report.txt").read_text()
    assert "input events 1;" in report and "2 event(s) of the spikes file" in report
    assert "energy per input event" in report


def test_the_run_record_holds_every_option_given_or_default(tmp_path: Path) -> None:
    rc = main(["macrospin", "orthogonal", "--t-stop", "2n", "--t-on", "1n", "--temperature", "30", "--seed", "4",
               "--out", str(tmp_path / "r")])
    record = json.loads((tmp_path / "r" / MARKER).read_text())
    assert rc == 0 and record["command"] == "macrospin" and record["argv"][:2] == ["macrospin", "orthogonal"]
    assert record["options"]["seed"] == 4 and record["options"]["temperature"] == 30.0
    assert record["options"]["rtol"] == 1e-8  # a default is recorded too


def test_lif_parameter_files_are_read_like_every_other_user_file(tmp_path: Path) -> None:
    from mtjspice.analysis.lif import LIFParams, load_params, save_params

    p = LIFParams(tau_m=1e-9, a2=0.5, R_m=1000.0)
    save_params(p, tmp_path / "a.json")
    (tmp_path / "b.json").write_bytes(b"\xef\xbb\xbf" + (tmp_path / "a.json").read_bytes())
    assert load_params(tmp_path / "b.json") == load_params(tmp_path / "a.json") == p
    (tmp_path / "c.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(InputFileError, match="c.json: signed-LIF parameter file: not UTF-8"):
        load_params(tmp_path / "c.json")
