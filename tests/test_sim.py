"""The simulator wall: both engines run a real deck and agree with the analytic RC response."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice import SimulationError
from mtjspice.netlist.deck import Analysis, deck
from mtjspice.netlist.sources import vsource
from mtjspice.sim import run

pytestmark = pytest.mark.ngspice


def rc_deck() -> str:
    return deck("rc step", [vsource("in", "a", "0", 1.0), "R1 a b 1000", "C1 b 0 1e-12"],
                Analysis(5e-9, 1e-11, max_step=1e-11), ic={"b": 0.0}, vectors=["v(b)", "i(vin)"])


@pytest.mark.parametrize("engine", ["batch", "shared"])
def test_rc_step(engine: str) -> None:
    wf = run(rc_deck(), ["v(b)", "i(vin)"], engine=engine)
    expected = 1 - np.exp(-wf.t / 1e-9)
    assert np.max(np.abs(wf["v(b)"] - expected)) < 1e-3
    # SPICE's source current is positive flowing into its + terminal: the charging current is negative.
    assert np.allclose(wf["i(vin)"], -(1 - wf["v(b)"]) / 1000, atol=1e-9)
    assert wf.engine.startswith("ngspice")


def test_engines_agree() -> None:
    a = run(rc_deck(), ["v(b)"], engine="batch")
    b = run(rc_deck(), ["v(b)"], engine="shared")
    assert np.max(np.abs(np.interp(a.t, b.t, b["v(b)"]) - a["v(b)"])) < 1e-6


@pytest.mark.parametrize("engine", ["batch", "shared"])
def test_failure_carries_log(engine: str) -> None:
    bad = deck("bad", [vsource("in", "a", "0", 1.0), "R1 a b 1000", "Xu b 0 nosuchsubckt"],
               Analysis(1e-9, 1e-11), vectors=["v(b)"])
    with pytest.raises(SimulationError) as info:
        run(bad, ["v(b)"], engine=engine)
    assert info.value.log_lines, "the error carries ngspice's own lines"


def test_run_batch_many_keeps_order_and_reports_progress() -> None:
    from mtjspice.sim import run_batch_many

    decks = []
    for r in (1000, 2000, 4000):
        decks.append((deck("rc", [vsource("in", "a", "0", 1.0), f"R1 a b {r}", "C1 b 0 1e-12"],
                           Analysis(5e-9, 1e-11, max_step=1e-11), ic={"b": 0.0}, vectors=["v(b)"]), ["v(b)"]))
    seen = []
    out = run_batch_many(decks, workers=2, progress=lambda d, n: seen.append((d, n)))
    for wf, r in zip(out, (1000, 2000, 4000), strict=True):
        assert np.max(np.abs(wf["v(b)"] - (1 - np.exp(-wf.t / (r * 1e-12))))) < 1e-3
    assert seen[-1] == (3, 3) and len(seen) == 3


def test_missing_ngspice_says_how_to_install(monkeypatch) -> None:
    from mtjspice import SimulatorNotFoundError

    monkeypatch.delenv("MTJSPICE_NGSPICE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SimulatorNotFoundError, match="apt-get install -y ngspice"):
        run(rc_deck(), ["v(b)"], engine="batch")
