"""What makes a design's evaluation faster changes none of its numbers: the compiled Dormand-Prince
kernel that simulate's fixed steps take where numba is installed (against the numpy steps,
``MTJSPICE_NUMBA=0``), and the samples' draws made once per process (against each design drawing
its own)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.design import neuron
from mtjspice.design.neuron import DesignSpec, evaluate_design
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.physics import kernels
from mtjspice.variation import VariationSpec

pytest.importorskip("numba")


def _same(a: neuron.Evaluation, b: neuron.Evaluation) -> None:
    assert np.array_equal(a.values, b.values, equal_nan=True)
    assert np.array_equal(a.constraints, b.constraints, equal_nan=True) and a.why == b.why
    assert a.extra.keys() == b.extra.keys()
    for k, v in a.extra.items():
        assert np.array_equal(v, b.extra[k], equal_nan=True), k


@pytest.mark.slow
def test_evaluation_is_the_same_with_the_kernel_and_the_shared_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = ms.load_device("orthogonal")
    spec = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    table = onset_table(dev, q_range=(5e-4, 0.04), points=18)
    ds = DesignSpec(dev, spec, 40, 11, table)
    params = {"drive_ratio": 1.6, "clamp_ratio": 2.0, "trim": "dac"}  # 8 of the 40 samples usable
    kernels.kernels.cache_clear()
    monkeypatch.setenv("MTJSPICE_NUMBA", "1")
    neuron._DRAWS.clear()
    fast = evaluate_design(ds, 0, params)
    assert neuron._DRAWS  # drawn once ...
    again = evaluate_design(ds, 1, params)  # ... and reused
    kernels.kernels.cache_clear()
    monkeypatch.setenv("MTJSPICE_NUMBA", "0")
    monkeypatch.setattr(neuron, "_draws", lambda ds: None)  # each design draws its own, as before
    slow = evaluate_design(ds, 0, params)
    kernels.kernels.cache_clear()
    _same(fast, slow)
    _same(again, slow)
    # a design with a spread to show: some samples usable, not all, and a finite nominal tau_m
    assert 0.0 < fast.values[0] < 1.0 and math.isfinite(fast.extra["tau_m"])
