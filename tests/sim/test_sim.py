"""The simulator wall: both engines run a real deck and agree with the analytic RC response."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice import SimulationError
from mtjspice.netlist.circuit import Element, Probe, Word
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.sources import vsource
from mtjspice.sim import Engine, run, run_deck

pytestmark = pytest.mark.ngspice


def rc_deck(r: float = 1000.0, probe_current: bool = True, data_file: str = "waveforms.raw") -> Deck:
    vin = vsource("in", "a", "0", 1.0)
    probes = (Probe.node("b"), Probe.current(vin)) if probe_current else (Probe.node("b"),)
    return Deck("rc step", (vin, Element("R1", ("a", "b"), (r,)), Element("C1", ("b", "0"), (1e-12,))),
                Analysis(5e-9, 1e-11, max_step=1e-11), ic={"b": 0.0}, probes=probes, data_file=data_file)


def bad_deck() -> Deck:
    """An X line naming a subcircuit the deck does not define: ngspice refuses the deck."""
    return Deck("bad", (vsource("in", "a", "0", 1.0), Element("R1", ("a", "b"), (1000,)),
                        Element("Xu", ("b", "0"), (Word("nosuchsubckt"),))),
                Analysis(1e-9, 1e-11), probes=(Probe.node("b"),))


def test_rc_deck_vectors() -> None:
    assert rc_deck().vectors == ["v(b)", "i(vin)"]


@pytest.mark.parametrize("engine", ["batch", "shared"])
def test_rc_step(engine: Engine) -> None:
    wf = run_deck(rc_deck(), engine=engine)
    expected = 1 - np.exp(-wf.t / 1e-9)
    assert np.max(np.abs(wf["v(b)"] - expected)) < 1e-3
    # SPICE's source current is positive flowing into its + terminal: the charging current is negative.
    assert np.allclose(wf["i(vin)"], -(1 - wf["v(b)"]) / 1000, atol=1e-9)
    assert wf.engine.startswith("ngspice")


@pytest.mark.parametrize("engine", ["batch", "shared"])
def test_run_takes_the_deck_text(engine: Engine) -> None:
    """The text-level entry point runs a rendered deck as before (and a custom data file)."""
    deck = rc_deck(data_file="rc.txt")
    kw = {"data_file": deck.data_file} if engine == "batch" else {}
    wf = run(deck.text(), deck.vectors, engine=engine, **kw)
    assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / 1e-9)))) < 1e-3


def test_engines_agree() -> None:
    a = run_deck(rc_deck(probe_current=False), engine="batch")
    b = run_deck(rc_deck(probe_current=False), engine="shared")
    assert np.max(np.abs(np.interp(a.t, b.t, b["v(b)"]) - a["v(b)"])) < 1e-6


@pytest.mark.parametrize("engine", ["batch", "shared"])
def test_failure_carries_log(engine: Engine) -> None:
    with pytest.raises(SimulationError) as info:
        run_deck(bad_deck(), engine=engine)
    assert info.value.log_lines, "the error carries ngspice's own lines"


def test_run_batch_many_keeps_order_and_reports_progress() -> None:
    from mtjspice.sim import run_batch_many, run_decks

    rs = (1000, 2000, 4000)
    decks = [rc_deck(r, probe_current=False) for r in rs]
    seen = []
    out = run_decks(decks, workers=2, progress=lambda d, n: seen.append((d, n)))
    for wf, r in zip(out, rs, strict=True):
        assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / (r * 1e-12))))) < 1e-3
    assert seen[-1] == (3, 3) and len(seen) == 3
    # the text-level pool gives the same waveforms
    seen.clear()
    texts = run_batch_many([(d.text(), d.vectors) for d in decks], workers=2,
                           progress=lambda d, n: seen.append((d, n)))
    for a, b in zip(out, texts, strict=True):
        assert np.array_equal(a["v(b)"], b["v(b)"])
    assert seen[-1] == (3, 3) and len(seen) == 3


def test_run_decks_reads_each_decks_data_file() -> None:
    from mtjspice.sim import run_decks

    (wf,) = run_decks([rc_deck(data_file="rc.txt")])
    assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / 1e-9)))) < 1e-3


def test_missing_ngspice_says_how_to_install(monkeypatch) -> None:
    from mtjspice import SimulatorNotFoundError

    monkeypatch.delenv("MTJSPICE_NGSPICE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SimulatorNotFoundError, match="apt-get install -y ngspice"):
        run_deck(rc_deck(), engine="batch")
    with pytest.raises(SimulatorNotFoundError, match="apt-get install -y ngspice"):
        run(rc_deck().text(), ["v(b)"], engine="batch")


@pytest.mark.parametrize("pidfd", [True, False])
def test_batch_wait_reports_ngspice_memory_with_or_without_a_pidfd(pidfd: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The run waits on a pidfd where the OS has one and polls otherwise: same waveforms, and the
    peak memory of ngspice itself (a few MB, not this Python process's hundreds) either way."""
    import os

    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    wf = run_deck(rc_deck(), engine="batch")
    assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / 1e-9)))) < 1e-3
    assert 1e6 < wf.stats["peak_rss_bytes"] < 200e6


@pytest.mark.parametrize("pidfd", [True, False])
def test_batch_timeout_kills_ngspice(pidfd: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    from mtjspice.errors import RunTimeoutError
    from mtjspice.sim import run_batch

    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    slow = Deck("slow rc", (vsource("in", "a", "0", 1.0), Element("R1", ("a", "b"), (1000,)),
                            Element("C1", ("b", "0"), (1e-12,))),
                Analysis(1e-3, 1e-12, max_step=1e-12), ic={"b": 0.0}, probes=(Probe.node("b"),))
    started = []
    real_popen = __import__("subprocess").Popen

    def popen(*a, **kw):  # type: ignore[no-untyped-def]
        p = real_popen(*a, **kw)
        started.append(p)
        return p

    monkeypatch.setattr("mtjspice.sim.subprocess.Popen", popen)
    with pytest.raises(RunTimeoutError, match="did not finish within 0.3 s"):
        run_batch(slow.text(), slow.vectors, timeout=0.3)
    assert started and started[0].returncode is not None  # killed and reaped, not left running


def test_a_deck_with_more_vectors_than_one_write_takes() -> None:
    """ngspice's write takes at most 999 vectors: a bigger deck writes its vectors in parts
    (appended plots of one raw file), and every vector is read back, in any order."""
    from mtjspice.netlist.render import WRITE_CHUNK

    n = 1100
    items = [vsource("in", "a", "0", 1.0)]
    for k in range(n):  # divider k: a - n<k> - 0, R and (k + 1) R: v(n<k>) = (k + 1) / (k + 2)
        items += [Element(f"Ra{k}", ("a", f"n{k}"), (1000.0,)), Element(f"Rb{k}", (f"n{k}", "0"), (1000.0 * (k + 1),))]
    deck = Deck("many vectors", tuple(items), Analysis(2e-9, 1e-9), probes=tuple(Probe.node(f"n{k}") for k in range(n)))
    text = deck.text()
    writes = [ln for ln in text.splitlines() if ln.startswith("write ")]
    assert len(writes) == -(-n // WRITE_CHUNK) and all(len(w.split()) - 2 <= 999 for w in writes)
    ctl = text.splitlines()
    assert ctl.index("unset appendwrite") < ctl.index(writes[0]) < ctl.index("set appendwrite") < ctl.index(writes[1])
    wf = run_deck(deck, engine="batch")
    got = np.array([wf[f"v(n{k})"][-1] for k in range(n)])
    assert np.allclose(got, (np.arange(n) + 1) / (np.arange(n) + 2), rtol=1e-6)


def test_parse_raw_joins_parts_and_refuses_parts_on_other_time_points(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mtjspice.sim import parse_raw

    def plot(names: list[str], rows: np.ndarray) -> bytes:
        head = ["Title: t", "Plotname: Transient Analysis", "Flags: real", f"No. Variables: {len(names)}",
                f"No. Points: {rows.shape[0]}", "Variables:"]
        head += [f"\t{k}\t{nm}\tvoltage" for k, nm in enumerate(names)]
        return ("\n".join(head) + "\nBinary:\n").encode() + rows.astype("<f8").tobytes()

    t = np.array([0.0, 1e-9, 2e-9])
    a, b = np.column_stack([t, [1.0, 2, 3]]), np.column_stack([t, [4.0, 5, 6], [7.0, 8, 9]])
    f = tmp_path / "w.raw"
    f.write_bytes(plot(["time", "v(x)"], a) + plot(["time", "v(y)", "v(z)"], b))
    tt, cols = parse_raw(f, ["v(z)", "v(x)"])
    assert np.array_equal(tt, t) and np.array_equal(cols["v(x)"], [1, 2, 3]) and np.array_equal(cols["v(z)"], [7, 8, 9])
    f.write_bytes(plot(["time", "v(x)"], a) + plot(["time", "v(y)"], np.column_stack([t * 2, [4.0, 5, 6]])))
    with pytest.raises(SimulationError, match="different time points"):
        parse_raw(f)


def test_run_batch_many_stops_at_the_first_failure(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failing deck stops the batch: the decks not yet started are never run (before, all the
    queued decks ran before the error came out)."""
    import mtjspice.sim as sim

    started = []
    real = sim.run_batch

    def counting(text, vectors, **kw):  # type: ignore[no-untyped-def]
        started.append(text)
        return real(text, vectors, **kw)

    monkeypatch.setattr(sim, "run_batch", counting)
    bad = bad_deck()
    jobs = [(bad.text(), bad.vectors)] + [(rc_deck(1000.0 + k, probe_current=False).text(), ["v(b)"]) for k in range(8)]
    with pytest.raises(SimulationError):
        sim.run_batch_many(jobs, workers=1)
    assert len(started) <= 2  # the failed deck, and at most the one its worker took up meanwhile


@pytest.mark.slow  # 2.5 to 10 s on the idle 2-core machine: the fast subset stays under two minutes
@pytest.mark.ngspice
def test_peak_memory_is_ngspices_even_when_this_process_wakes_late(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A loaded machine may not run this process again until a short ngspice run has ended; its
    memory must still be sampled after exec (not 0 from a finished process, nor the forked Python's
    hundreds of MB from before exec). Here the wake-up is delayed on purpose: each Popen returns only
    once its child has exited, or after 3 s (the deck reaches ngspice through a named pipe, so it
    waits for this process: the bound only makes the delay finite). On main before the pipe: 0 bytes."""
    import subprocess
    import time

    real_popen = subprocess.Popen

    def late(*a, **kw):  # type: ignore[no-untyped-def]
        p = real_popen(*a, **kw)
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{p.pid}/stat", encoding="ascii", errors="replace") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break  # exited (not yet reaped)
            except OSError:
                break
            time.sleep(0.005)
        return p

    monkeypatch.setattr("mtjspice.sim.subprocess.Popen", late)
    wf = run_deck(rc_deck(), engine="batch")
    assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / 1e-9)))) < 1e-3
    assert 1e6 < wf.stats["peak_rss_bytes"] < 200e6, wf.stats
