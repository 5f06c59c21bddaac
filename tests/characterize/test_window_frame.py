"""The design window's typed result: ``WindowMap.to_frame()`` is window.csv's table."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sibling_module

import mtjspice as ms
from mtjspice.characterize.window import WINDOW_UNITS, sweep_plane
from mtjspice.cli import main
from mtjspice.io.columns import WINDOW
from mtjspice.runoptions import RunOptions

assert_frame_is_csv = sibling_module("montecarlo/test_results.py").assert_frame_is_csv


def test_window_frame_is_the_csv_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "w"
    assert main(["window", "orthogonal", "--fix", "T", "--points", "3", "--read", "dc", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    # --read dc: the map the library gives without a circuit (the command maps under the clocked read by default)
    wmap = sweep_plane(ms.load_device("orthogonal"), "T", points=3, options=RunOptions(workers=1))
    frame = wmap.to_frame()
    assert_frame_is_csv(frame, out, "window.csv")
    assert WINDOW_UNITS == {k: WINDOW[k].unit for k in WINDOW_UNITS}
    assert sum(wmap.counts()[r] for r in ("under", "lif", "over")) == len(frame)
