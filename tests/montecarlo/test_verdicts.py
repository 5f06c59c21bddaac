"""The Monte Carlo verdicts on constructed samples: each condition on its own.

Each sample below differs from a working one in exactly one fact, so a verdict that forgot a
condition (breakdown, relaxation, the wrong sign, one polarity, read safety) passes that sample
and fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.montecarlo.verdict import circuit_ok, device_verdict

# one working sample, then one sample per condition that breaks it
GOOD: dict[str, object] = {"fires_pos": True, "fires_neg": True, "wrong_sign": False, "relaxed": True, "v_max": 0.8,
                           "read_safe": True}
BROKEN: dict[str, dict[str, object]] = {
    "no_positive_spike": {"fires_pos": False},
    "no_negative_spike": {"fires_neg": False},
    "wrong_sign": {"wrong_sign": True},
    "not_relaxed": {"relaxed": False},
    "breakdown": {"v_max": 1.2},
    "read_unsafe": {"read_safe": False},
}
BREAKDOWN_V = 1.0  # V


def _columns(rows: list[dict[str, object]]) -> dict[str, np.ndarray]:
    return {k: np.array([r[k] for r in rows]) for k in GOOD}


def _samples() -> tuple[list[str], dict[str, np.ndarray]]:
    names = ["good", *BROKEN]
    rows = [GOOD] + [{**GOOD, **change} for change in BROKEN.values()]
    return names, _columns(rows)


def test_device_verdict_fails_each_condition_on_its_own() -> None:
    names, c = _samples()
    usable, breakdown = device_verdict(c["fires_pos"], c["fires_neg"], c["wrong_sign"], c["relaxed"], c["v_max"],
                                       BREAKDOWN_V, c["read_safe"])
    assert dict(zip(names, usable.tolist(), strict=True)) == {n: n == "good" for n in names}
    assert dict(zip(names, breakdown.tolist(), strict=True)) == {n: n == "breakdown" for n in names}


def test_device_verdict_without_read_model_ignores_read_safety() -> None:
    # read="transient" simulates the reads, so read_safe is not a condition (None)
    names, c = _samples()
    usable, _ = device_verdict(c["fires_pos"], c["fires_neg"], c["wrong_sign"], c["relaxed"], c["v_max"], BREAKDOWN_V)
    assert dict(zip(names, usable.tolist(), strict=True)) == {n: n in ("good", "read_unsafe") for n in names}


def test_breakdown_is_strictly_above_the_rating() -> None:
    # at exactly the breakdown voltage the junction survives; per-sample ratings broadcast
    v = np.array([0.999, 1.0, 1.001, 1.3, 1.3])
    rating = np.array([1.0, 1.0, 1.0, 1.2, 1.4])
    ones = np.ones(5, bool)
    usable, bd = device_verdict(ones, ones, ~ones, ones, v, rating)
    assert bd.tolist() == [False, False, True, True, False]
    assert usable.tolist() == [True, True, False, False, True]


def test_circuit_ok_fails_each_condition_on_its_own() -> None:
    cases = {"good": (True, True, False, False), "no_positive_spike": (False, True, False, False),
             "no_negative_spike": (True, False, False, False), "wrong_sign": (True, True, True, False),
             "breakdown": (True, True, False, True)}
    cols = [np.array(x) for x in zip(*cases.values(), strict=True)]
    ok = circuit_ok(*cols)
    assert dict(zip(cases, ok.tolist(), strict=True)) == {n: n == "good" for n in cases}
    assert ok.dtype == bool


@pytest.mark.parametrize("k", [0, 3])
def test_verdicts_take_empty_and_small_batches(k: int) -> None:
    z = np.zeros(k, bool)
    usable, bd = device_verdict(z, z, z, z, np.zeros(k), 1.0)
    assert usable.shape == bd.shape == (k,) and not usable.any() and not bd.any()
    assert circuit_ok(~z, ~z, z, z).tolist() == [True] * k


def test_verdicts_read_integer_columns_as_booleans() -> None:
    # columns read back from a store or a CSV arrive as 0/1 integers (or floats): the verdicts treat
    # them as booleans (a bitwise ~ on an integer 0 would be -1, i.e. true)
    names, c = _samples()
    ints = {k: (v.astype(int) if v.dtype == bool else v) for k, v in c.items()}
    usable, bd = device_verdict(ints["fires_pos"], ints["fires_neg"], ints["wrong_sign"], ints["relaxed"],
                                ints["v_max"], BREAKDOWN_V, ints["read_safe"].astype(float))
    assert usable.dtype == bool and bd.dtype == bool
    assert dict(zip(names, usable.tolist(), strict=True)) == {n: n == "good" for n in names}
    cases = [(1, 1, 0, 0), (0, 1, 0, 0), (1, 0, 0, 0), (1, 1, 1, 0), (1, 1, 0, 1)]
    ok = circuit_ok(*[np.array(x) for x in zip(*cases, strict=True)])
    assert ok.dtype == bool and ok.tolist() == [True, False, False, False, False]
