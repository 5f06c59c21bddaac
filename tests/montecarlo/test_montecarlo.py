"""Device-level Monte Carlo: the onset table against direct scans, closed forms against the solver,
sample results independent of chunking and workers, the Parquet store, a real Dask LocalCluster,
and a killed run that resumes without recomputing what finished."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.characterize.onset import onset_current
from mtjspice.cli import main
from mtjspice.errors import ParameterError
from mtjspice.io.outputs import OutputError
from mtjspice.montecarlo import run as mcrun
from mtjspice.montecarlo.device import COLUMNS, DeviceMC, NominalCircuit, device_chunk
from mtjspice.montecarlo.onsettable import onset_table, reduce
from mtjspice.montecarlo.run import device_montecarlo, wilson
from mtjspice.montecarlo.store import ChunkStore, missing_chunks
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import energy_density
from mtjspice.physics.solver import simulate
from mtjspice.runoptions import RunOptions
from mtjspice.variation import VariationSpec

SPEC = "L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"


@pytest.fixture(scope="module")
def dev() -> ms.Device:
    return ms.load_device("orthogonal")


@pytest.fixture(scope="module")
def table(dev: ms.Device):  # type: ignore[no-untyped-def]
    # a coarser grid than a run's (28 points) to keep the suite short; the check below holds for it
    return onset_table(dev, q_range=(5e-4, 0.04), points=18)


@pytest.fixture(scope="module")
def circuit(dev: ms.Device, table):  # type: ignore[no-untyped-def]
    return NominalCircuit.of(dev, table)


@pytest.mark.slow
def test_onset_table_matches_direct_scans(dev: ms.Device, table) -> None:  # type: ignore[no-untyped-def]
    """The reduction i_th = g(q) Ms (K_hard - K_easy) / k_J against onset_current on each sampled
    device itself: within 1.5 % (interpolation on a coarse grid, and the scan's own resolution),
    including a sample whose easy axis swapped from z to x (L grown past Nx < Nz)."""
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,P=3%")
    devices = spec.devices(dev, 1, [0, 4, 8, 11])
    batch = DeviceBatch.from_devices(devices)
    red = reduce(batch)
    assert set(red.easy.tolist()) == {0, 2}  # both orientations are in this set
    predicted, inside = table.onset(batch, red)
    assert inside.all()
    for d, p in zip(devices, predicted, strict=True):
        direct = onset_current(d, i_max=1.5 * p, points=12, rounds=2)  # resolution 1.5 p / 1728
        assert abs(direct / p - 1) < 0.015, (d.geometry, direct, p)


def test_static_onset_and_stability_are_the_closed_forms(dev: ms.Device) -> None:
    batch = DeviceBatch.from_device(dev, theta0=0.0)
    red = reduce(batch)
    Nx, _, Nz = batch.N[:, 0]
    assert red.easy[0] == 2 and red.mid[0] == 0 and red.hard[0] == 1
    assert red.static_onset(batch)[0] == pytest.approx(dev.material.Ms * (Nx - Nz) / 2 / dev.aj_per_amp, rel=1e-12)
    # the barrier over x, from the energy density itself
    e = energy_density(np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]), dev.material.Ms, batch.N[:, [0, 0]])
    barrier = (e[0] - e[1]) * dev.geometry.volume
    assert red.stability(batch, 300.0)[0] == pytest.approx(barrier / (1.380649e-23 * 300.0), rel=1e-9)


def test_relaxation_time_matches_the_solver(dev: ms.Device) -> None:
    """A small tilt from rest decays at the linearised rate: the envelope of |m_x| over 6 ns
    falls as exp(-t / tau_relax) within 3 %."""
    batch = DeviceBatch.from_device(dev, theta0=0.02)
    tau = reduce(batch).relaxation_time(batch)[0]
    traj = simulate(batch, 0.0, 6e-9, 2e-12, rtol=1e-10)
    mx = np.abs(traj.m[:, 0, 0])
    # envelope: the peaks of |m_x| (one per half precession period)
    peaks = np.flatnonzero((mx[1:-1] > mx[:-2]) & (mx[1:-1] >= mx[2:])) + 1
    slope = np.polyfit(traj.t[peaks], np.log(mx[peaks]), 1)[0]
    assert -1 / slope == pytest.approx(tau, rel=0.03)


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_zero_sigma_gives_every_sample_the_nominal_result(dev: ms.Device, table, circuit) -> None:  # type: ignore[no-untyped-def]
    mc = DeviceMC()
    cols = device_chunk(dev, VariationSpec.parse("L=0,Ms=0%"), 5, np.arange(4), mc, table, circuit)
    for name in COLUMNS[1:]:
        v = np.asarray(cols[name], float)
        assert np.array_equal(v, np.full(4, v[0]), equal_nan=True), name
    assert cols["usable"].all() and cols["regime"][0] == 1
    # the nominal device sits at its thresholds exactly, and its a2 is the fitted LIF's (0.54 1/V, README)
    # (plus the comparators' half hysteresis, 0.5 mV: about 0.02 in u)
    assert 0.3 < cols["u_fire_pos"][0] < 0.33 and -0.33 < cols["u_fire_neg"][0] < -0.3
    assert cols["a2"][0] == pytest.approx(0.54, rel=0.08)
    assert cols["i_th"][0] == pytest.approx(onset_current(dev, i_max=0.5e-3, points=16, rounds=2), rel=0.01)


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_sample_results_do_not_depend_on_chunking(dev: ms.Device, table, circuit) -> None:  # type: ignore[no-untyped-def]
    spec = VariationSpec.parse(SPEC)
    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9)
    whole = device_chunk(dev, spec, 3, np.arange(12), mc, table, circuit)
    parts = [device_chunk(dev, spec, 3, np.arange(a, b), mc, table, circuit) for a, b in ((0, 5), (5, 6), (6, 12))]
    for name, v in whole.items():
        joined = np.concatenate([p[name] for p in parts])
        assert np.array_equal(np.asarray(v, float), np.asarray(joined, float), equal_nan=True), name
    # a real spread, not twelve copies: twelve valid, different devices with twelve different responses
    # (this short pulse makes none of them usable, so the usable column cannot show the spread)
    assert whole["valid"].all() and np.unique(whole["L"]).size == 12
    for name in ("u_plateau", "v_max", "tau_relax"):  # (i_th may be nan: no onset in the table's range)
        assert np.all(np.isfinite(whole[name])) and np.unique(whole[name]).size == 12, name


def test_store_writes_whole_chunks_and_refuses_another_run(tmp_path: Path) -> None:
    st = ChunkStore(tmp_path / "s", {"run": 1})
    st.write({"index": np.arange(3, 6), "x": np.array([1.0, 2.0, 3.0])})
    assert st.done() == [(3, 5)]
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["manifest.json", "part-0000000003-0000000005.parquet"]
    with pytest.raises(ParameterError, match="consecutive"):
        st.write({"index": np.array([0, 2]), "x": np.zeros(2)})
    assert [c.tolist() for c in missing_chunks(9, st.done(), 2)] == [[0, 1], [2], [6, 7], [8]]
    assert ChunkStore(tmp_path / "s", {"run": 1}).read()["x"].tolist() == [1.0, 2.0, 3.0]
    assert ChunkStore(tmp_path / "s", {"run": 1}, reset=True).done() == [(3, 5)]  # the same run: resumed
    with pytest.raises(OutputError, match="another run"):
        ChunkStore(tmp_path / "s", {"run": 2})
    assert ChunkStore(tmp_path / "s", {"run": 2}, reset=True).done() == []
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="not a Monte Carlo sample store"):
        ChunkStore(tmp_path / "other", {"run": 1}, reset=True)
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_local_cluster_with_two_workers_gives_the_serial_result(dev: ms.Device, table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = VariationSpec.parse(SPEC)
    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, trim=False)
    serial = device_montecarlo(dev, spec, 24, mc, RunOptions(seed=9, chunk=24, workers=1, store=tmp_path / "a"),
                               table=table)
    cluster = device_montecarlo(dev, spec, 24, mc, RunOptions(seed=9, chunk=5, workers=2, store=tmp_path / "b"),
                                table=table)
    assert cluster.computed == 24 and len(ChunkStore(tmp_path / "b", mcrun.manifest(dev, spec, 9, 24, mc)).done()) == 5
    for name, v in serial.columns.items():
        assert np.array_equal(np.asarray(v, float), np.asarray(cluster.columns[name], float), equal_nan=True), name


def test_summary_counts_and_interval() -> None:
    lo, hi = wilson(14, 100)
    assert lo < 0.14 < hi and hi - lo == pytest.approx(0.14, abs=0.02)  # about 2 x 1.96 sqrt(p q / n)
    assert wilson(0, 50)[0] == 0.0 and wilson(50, 50)[1] == 1.0


@pytest.mark.slow
def test_killed_run_resumes_without_recomputing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client is killed (SIGKILL to its process group) after some chunks were stored; the same
    command then computes only the missing samples, and its results equal an uninterrupted run's."""
    args = ["montecarlo", "orthogonal", "--samples", "48", "--chunk", "6", "--sigma", SPEC, "--seed", "4",
            "--workers", "1", "--no-trim", "--quiet"]
    out = tmp_path / "run"
    store = tmp_path / "run.parts"
    proc = subprocess.Popen([sys.executable, "-m", "mtjspice", *args, "--out", str(out)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list(store.glob("part-*.parquet"))) < 2:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    parts = sorted(store.glob("part-*.parquet"))
    assert 2 <= len(parts) < 8, "the run was not killed midway"
    assert not out.exists()  # nothing published
    # a chunk renamed into place just before the kill, whose manifest entry was not written yet, is not
    # trusted and is computed again (store.py: "not listed in the store's manifest"); only listed ones count
    listed = set(json.loads((store / "manifest.json").read_text(encoding="utf-8"))["chunks"])
    parts = [p for p in parts if p.name in listed]
    assert parts, "no chunk was listed before the kill"
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in parts}
    kept = {p.name for p in parts}
    computed: list[int] = []
    real = mcrun.device_chunk

    def counting(*a, **kw):  # type: ignore[no-untyped-def]
        if a[1].spreads:  # not the nominal device's own row
            computed.extend(np.asarray(a[3]).tolist())
        return real(*a, **kw)

    monkeypatch.setattr(mcrun, "device_chunk", counting)
    seen_store: dict[str, tuple[int, int]] = {}
    real_write = ChunkStore.write

    def spy_write(self, columns):  # type: ignore[no-untyped-def]
        seen_store.update({p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in self.folder.glob("part-*")})
        return real_write(self, columns)

    monkeypatch.setattr(ChunkStore, "write", spy_write)
    assert main([*args, "--out", str(out)]) == 0
    done_before = sum(int(n.split("-")[2].split(".")[0]) - int(n.split("-")[1]) + 1 for n in kept)
    assert len(computed) == 48 - done_before  # only the missing samples ran
    assert not set(computed) & {i for n in kept for i in range(int(n.split("-")[1]), int(n.split("-")[2][:10]) + 1)}
    for name, stamp in before.items():  # the stored chunks were left as they were
        assert seen_store.get(name, stamp) == stamp
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed_samples"] == done_before
    assert not store.exists()
    fresh = tmp_path / "fresh"
    monkeypatch.setattr(mcrun, "device_chunk", real)
    assert main([*args, "--out", str(fresh)]) == 0
    import pyarrow.parquet as pq

    a, b = pq.read_table(out / "samples.parquet"), pq.read_table(fresh / "samples.parquet")
    assert a.column_names == b.column_names
    for name in a.column_names:
        if a.schema.field(name).type == "string":  # easy, regime, i_th_reason: words
            assert a.column(name).to_pylist() == b.column(name).to_pylist(), name
            continue
        assert np.array_equal(np.asarray(a.column(name).to_numpy(), float), np.asarray(b.column(name).to_numpy(), float),
                              equal_nan=True), name


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
def test_command_writes_every_sample_and_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mc"
    assert main(["montecarlo", "orthogonal", "--samples", "30", "--sigma", SPEC, "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "usable neurons" in text and "after reference trim" in text and "after gain + reference trim" in text
    assert {p.name for p in out.iterdir()} >= {"samples.csv", "samples.parquet", "summary.json", "onset_table.csv",
                                                "distributions.png"}
    rows = (out / "samples.csv").read_text().splitlines()
    assert len(rows) == 31 and rows[0].startswith("index,valid,")
    easy = rows[0].split(",").index("easy")
    assert {r.split(",")[easy] for r in rows[1:]} <= {"x", "y", "z", ""}  # words, not codes (columns.csv: the legend)
    assert (out / "columns.csv").read_text().count("\nsamples.csv,") == len(rows[0].split(","))
    s = json.loads((out / "summary.json").read_text())
    assert s["samples"] == 30 and 0 <= s["yield"] <= 1 and s["variation"].startswith("L=1e-09")
    assert s["nominal"]["usable"] is True
    assert math.isclose(s["yield"], sum(int(r.split(",")[rows[0].split(",").index("usable")]) for r in rows[1:]) / 30)


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--sigma", "Q=1n"], "variation: got 'Q'"),
    (["--sigma", "L=-1n"], "standard deviation >= 0"),
    (["--sigma", "L=10n"], "a sigma of at most"),
    (["--sigma", "L"], "NAME=SIGMA"),
    (["--sigma", "Ku=5%"], "give an absolute sigma"),  # the nominal Ku is 0: 5 % of it varies nothing
    (["--sigma", "W=1n", "--samples", "0"], "--samples: got"),
    (["--sigma", "W=1n", "--scheduler", "not an address"], "--scheduler"),
    ([], "--sigma"),
])
def test_bad_specs_are_named(argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if "--samples" not in argv:
        argv = [*argv, "--samples", "2"]
    try:
        code = main(["montecarlo", "orthogonal", *argv, "--out", str(tmp_path / "o")])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert fragment in err and "Traceback" not in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.parts").exists()


def test_variation_table_in_the_device_file(tmp_path: Path, dev: ms.Device) -> None:
    text = (Path(ms.params.shipped_path("orthogonal.toml"))).read_text()
    f = tmp_path / "d.toml"
    f.write_text(text + '\n[variation]\nL = "1n"\nMs = "3%"\ncorrelation = []\n')
    assert ms.load_device(f) == ms.load_device(f)  # the device loader leaves the table alone
    spec = ms.params.load_variation(f)
    assert spec is not None and spec.describe() == "L=1e-09,Ms=3%"
    assert ms.params.load_variation("orthogonal") is None
    f.write_text(text + '\n[variation]\nL = "-1n"\n')
    with pytest.raises(ParameterError, match=r"d\.toml: variation\.L"):
        ms.params.load_variation(f)


@pytest.mark.ngspice
@pytest.mark.slow
def test_circuit_yield_agrees_with_the_device_level_prediction(dev: ms.Device, table, circuit) -> None:  # type: ignore[no-untyped-def]
    """Ten sampled neurons in ngspice (20 ns of +-0.6 mA each) against the device level's prediction
    for the same samples (the clocked test: the junction current the nominal circuit passes, read
    at its strobes through each sample's own resistance). Stated margin: at most one (sample, sign)
    pair and one verdict may differ (measured: none), on a set with both outcomes."""
    from mtjspice.montecarlo.circuit import CircuitMC, circuit_chunk

    spec = VariationSpec.parse("L=0.7n,W=0.7n")
    d = device_chunk(dev, spec, 0, np.arange(10), DeviceMC(), table, circuit)
    neuron = ms.Neuron.build(dev)
    plain = circuit_chunk(neuron, spec, 0, range(10), CircuitMC(t_stop=20e-9), workers=2)
    pairs_dev = np.concatenate([d["fires_pos"], d["fires_neg"]])
    pairs_circ = np.concatenate([plain["fires_pos"], plain["fires_neg"]])
    assert 0 < pairs_circ.sum() < 20  # some samples fire one sign only
    assert np.sum(pairs_dev != pairs_circ) <= 1, (pairs_dev, pairs_circ)
    assert np.sum(d["usable"] != plain["ok"]) <= 1
    ref = circuit_chunk(neuron, spec, 0, range(10), CircuitMC(t_stop=20e-9, trim="reference"), onsets=d["i_th"], workers=2)
    assert 0 < ref["ok"].sum() < 10  # the reference trim rescues some, not all (breakdown remains)
    assert np.sum(d["usable_ref"] != ref["ok"]) <= 1, (d["usable_ref"], ref["ok"])


def test_a_timed_out_run_says_what_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """--timeout stops the run with status 1 and nothing in --out; the finished chunks stay in the
    store, and the message says how many samples they hold and that the same command resumes.

    No wall-clock assumption: the third chunk sets off the command's own --timeout alarm at once
    (however slow the machine, exactly two chunks of 10 have finished by then)."""
    real = mcrun.device_chunk

    def third_chunk_times_out(*a, **kw):  # type: ignore[no-untyped-def]
        if a[1].spreads and int(np.asarray(a[3])[0]) >= 20:
            signal.setitimer(signal.ITIMER_REAL, 0.001)  # what --timeout's alarm does when it expires
            time.sleep(60)  # interrupted by the alarm
        return real(*a, **kw)

    monkeypatch.setattr(mcrun, "device_chunk", third_chunk_times_out)
    out = tmp_path / "t"
    rc = main(["montecarlo", "orthogonal", "--samples", "40", "--chunk", "10", "--sigma", SPEC, "--workers", "1",
               "--no-trim", "--quiet", "--timeout", "3600", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1 and "--timeout" in err and not out.exists()
    assert sorted(p.name for p in (tmp_path / "t.parts").glob("part-*")) == [
        "part-0000000000-0000000009.parquet", "part-0000000010-0000000019.parquet"]
    assert "20 finished samples are kept in" in err and "the same command resumes" in err
    assert len(err.strip().splitlines()) == 1  # one line says it all


def test_comparator_offsets_move_each_samples_thresholds(dev: ms.Device, table, circuit) -> None:  # type: ignore[no-untyped-def]
    """With offset_sigma the device level shifts sample i's thresholds by the same offsets the circuit
    level draws for it (stream [seed, i, 1]); the read-out mapping is checked by hand."""
    from mtjspice.montecarlo.circuit import comparator_offsets

    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, offset_sigma=5e-3, trim=False)
    cols = device_chunk(dev, VariationSpec.parse("L=0"), 2, np.arange(6), mc, table, circuit)
    off = comparator_offsets(2, range(6), 5e-3)
    g_p, g_ap = 1 / dev.R_P, 1 / dev.R_AP
    for i in range(6):
        v = circuit.v_hi + off[i, 0] + circuit.hysteresis / 2
        r = circuit.r_ref * (circuit.v_read / v - 1)
        assert cols["u_fire_pos"][i] == pytest.approx((2 / r - g_p - g_ap) / (g_p - g_ap), rel=1e-9)
    assert np.ptp(cols["u_fire_pos"]) > 0.1  # 5 mV moves u by tenths: the read-out's margin is 7 mV
    with pytest.raises(ParameterError, match="offset_sigma"):
        DeviceMC(offset_sigma=-1e-3)


@pytest.mark.slow
def test_draws_given_are_the_draws_made(dev: ms.Device, table, circuit) -> None:  # type: ignore[no-untyped-def]
    """device_chunk(draws=...) with the normals and comparator offsets drawn beforehand (the design
    search draws them once per process) gives every column of the chunk that draws them itself."""
    from mtjspice.montecarlo.circuit import comparator_offsets
    spec = VariationSpec.parse(SPEC)
    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, offset_sigma=5e-3, trim=True, gain_trim=False)
    idx = np.arange(7)
    own = device_chunk(dev, spec, 3, idx, mc, table, circuit, also_nominal=True)
    given = device_chunk(dev, spec, 3, idx, mc, table, circuit, also_nominal=True,
                         draws=(spec.normals(3, idx), comparator_offsets(3, idx, 5e-3)))
    assert own.keys() == given.keys()
    for name, v in own.items():
        assert np.array_equal(np.asarray(v, float), np.asarray(given[name], float), equal_nan=True), name
    # the offsets reached the thresholds: each sample's u_fire_pos differs from the nominal row's
    assert np.all(own["u_fire_pos"][:-1] != own["u_fire_pos"][-1])
    # and other draws give other columns
    other = device_chunk(dev, spec, 3, idx, mc, table, circuit, also_nominal=True,
                         draws=(spec.normals(4, idx), comparator_offsets(4, idx, 5e-3)))
    assert not np.array_equal(other["L"], own["L"]) and not np.array_equal(other["u_fire_pos"], own["u_fire_pos"])


def test_draws_of_another_size_are_refused(dev: ms.Device) -> None:
    from mtjspice.montecarlo.circuit import comparator_offsets
    spec = VariationSpec.parse(SPEC)
    idx = np.arange(5)
    with pytest.raises(ParameterError, match="draws.*one row per sample \\(5\\)"):
        device_chunk(dev, spec, 3, idx, DeviceMC(offset_sigma=5e-3), None, None,  # type: ignore[arg-type]
                     draws=(spec.normals(3, np.arange(4)), comparator_offsets(3, idx, 5e-3)))
