"""The design search engine (mtjspice.design.engine): Optuna's NSGA-II on a toy objective the test
defines, reproducible from its seed, resumable after a kill without recomputing finished designs."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("optuna")

from mtjspice.design.engine import Evaluation, Objective, search
from mtjspice.design.space import Knob, SearchSpace
from mtjspice.io.outputs import OutputError

SPACE = SearchSpace((Knob("x", "circuit", "x", "1", 0.0, 1.0, "toy x"),
                     Knob("y", "circuit", "y", "1", 0.0, 1.0, "toy y"),
                     Knob("mode", "circuit", "mode", "", 0.0, 0.0, "toy choice", choices=("a", "b"))))
#: The toy's optimum: x = 0.3, y = 0.7 with mode "b" gives 1; mode "a" costs 0.5.
OPT = (0.3, 0.7)
ONE = (Objective("f", "maximize", "1", "toy objective"),)

CALLS: list[int] = []


def toy(number: int, p: dict) -> Evaluation:
    f = 1.0 - (p["x"] - OPT[0]) ** 2 - (p["y"] - OPT[1]) ** 2 - (0.5 if p["mode"] == "a" else 0.0)
    return Evaluation(values=(f,), constraints=(p["x"] - 0.9,), why="" if p["x"] <= 0.9 else "x > 0.9",
                      extra={"f2": f * f})


def counted(number: int, p: dict) -> Evaluation:
    CALLS.append(number)
    return toy(number, p)


class Killed(Exception):
    pass


def killing(limit: int, number: int, p: dict) -> Evaluation:
    if len(CALLS) >= limit:
        raise Killed
    CALLS.append(number)
    return toy(number, p)


@pytest.mark.slow
def test_finds_the_toy_optimum(tmp_path):
    r = search(toy, SPACE, ONE, 200, tmp_path / "s", seed=3, population=20, workers=1)
    assert len(r.records) == 200 and r.computed == 200
    best = max(r.records, key=lambda d: d.evaluation.values[0])
    # the optimum's value is 1; within 0.01 means |x - 0.3|, |y - 0.7| < 0.1 and the right choice
    assert best.params["mode"] == "b"
    assert best.evaluation.values[0] > 0.99
    assert math.hypot(best.params["x"] - OPT[0], best.params["y"] - OPT[1]) < 0.1
    # the search improves on its random first generation
    first = max(d.evaluation.values[0] for d in r.records[:20])
    assert best.evaluation.values[0] > first


def test_two_objectives_front(tmp_path):
    """Two objectives in conflict (x and 1 - x^2 ... ): the front spans x and every front point is
    non-dominated in the records."""
    two = (Objective("a", "maximize", "1", "x"), Objective("b", "maximize", "1", "1 - x"))

    r = search(_front, SPACE.only(["x"]), two, 40, tmp_path / "s", seed=1, population=10, workers=1)
    xs = np.array([d.params["x"] for d in r.records])
    assert xs.min() < 0.2 and xs.max() > 0.8  # both ends of the front are explored


def _front(number: int, p: dict) -> Evaluation:
    return Evaluation(values=(p["x"], 1.0 - p["x"]))


def test_reproducible_from_seed(tmp_path):
    a = search(toy, SPACE, ONE, 20, tmp_path / "a", seed=7, population=10, workers=1)
    b = search(toy, SPACE, ONE, 20, tmp_path / "b", seed=7, population=10, workers=1)
    c = search(toy, SPACE, ONE, 20, tmp_path / "c", seed=8, population=10, workers=1)
    assert [d.params for d in a.records] == [d.params for d in b.records]
    assert [d.params for d in a.records] != [d.params for d in c.records]


def test_resumes_after_a_kill_without_recomputing(tmp_path):
    import functools

    ref = search(toy, SPACE, ONE, 30, tmp_path / "ref", seed=5, population=10, workers=1)
    CALLS.clear()
    with pytest.raises(Killed):  # killed after 13 designs: mid-way through the second generation
        search(functools.partial(killing, 13), SPACE, ONE, 30, tmp_path / "s", seed=5, population=10, workers=1)
    assert len(CALLS) == 13
    first = list(CALLS)
    CALLS.clear()
    r = search(counted, SPACE, ONE, 30, tmp_path / "s", seed=5, population=10, workers=1)
    assert r.computed == 17 and len(CALLS) == 17
    assert not set(CALLS) & set(first)  # no finished design evaluated again
    # and the resumed search is the uninterrupted one
    assert [d.params for d in r.records] == [d.params for d in ref.records]
    assert [d.evaluation for d in r.records] == [d.evaluation for d in ref.records]


def test_store_of_another_search_refused(tmp_path):
    search(toy, SPACE, ONE, 4, tmp_path / "s", seed=5, population=4, workers=1)
    with pytest.raises(OutputError, match="another search"):
        search(toy, SPACE, ONE, 4, tmp_path / "s", seed=6, population=4, workers=1)
    r = search(toy, SPACE, ONE, 4, tmp_path / "s", seed=6, population=4, workers=1, reset=True)
    assert r.computed == 4


@pytest.mark.slow
def test_dask_workers_give_the_same_search(tmp_path):
    """Designs evaluated on a local Dask cluster (2 workers) give the designs of one process: each
    generation is asked only when the last is complete, whatever order its results arrive in."""
    pytest.importorskip("dask.distributed")
    one = search(toy, SPACE, ONE, 12, tmp_path / "one", seed=4, population=6, workers=1)
    two = search(toy, SPACE, ONE, 12, tmp_path / "two", seed=4, population=6, workers=2)
    assert two.computed == 12
    assert [d.params for d in two.records] == [d.params for d in one.records]
    assert [d.evaluation for d in two.records] == [d.evaluation for d in one.records]


def test_optimises_the_chosen_objectives_only(tmp_path):
    """With ``use``, Optuna sees the chosen objectives; every value is still recorded."""
    two = (Objective("a", "maximize", "1", "x"), Objective("b", "maximize", "1", "1 - x"))
    r = search(_front, SPACE.only(["x"]), two, 30, tmp_path / "s", seed=2, population=10, workers=1, use=[0])
    xs = [d.params["x"] for d in r.records]
    assert max(xs) > 0.95  # maximising a = x alone drives x to its bound
    assert all(d.evaluation.values[1] == pytest.approx(1 - d.params["x"]) for d in r.records)


def test_start_design_is_evaluated_first_and_bred_from(tmp_path):
    """A known design (``start``) is design 0 with exactly its values; a search started from the
    toy's optimum keeps it as its best, resumes after a kill to the same designs, and a start
    outside a knob's bounds or missing a knob is refused in one line naming it."""
    import functools

    opt = {"x": OPT[0], "y": OPT[1], "mode": "b"}
    ref = search(toy, SPACE, ONE, 20, tmp_path / "ref", seed=9, population=10, workers=1, start=[opt])
    assert ref.records[0].params == opt and ref.records[0].evaluation.values[0] == 1.0
    assert max(d.evaluation.values[0] for d in ref.records) == 1.0
    plain = search(toy, SPACE, ONE, 20, tmp_path / "plain", seed=9, population=10, workers=1)
    assert plain.records[0].params != opt
    CALLS.clear()
    with pytest.raises(Killed):
        search(functools.partial(killing, 12), SPACE, ONE, 20, tmp_path / "s", seed=9, population=10, workers=1,
               start=[opt])
    CALLS.clear()
    r = search(counted, SPACE, ONE, 20, tmp_path / "s", seed=9, population=10, workers=1, start=[opt])
    assert r.computed == 8 and len(CALLS) == 8
    assert [d.params for d in r.records] == [d.params for d in ref.records]
    # the start is part of the study's identity
    with pytest.raises(OutputError, match="another search"):
        search(toy, SPACE, ONE, 20, tmp_path / "s", seed=9, population=10, workers=1)
    with pytest.raises(ValueError, match=r"^start: got 'x=2'; allowed: x within the searched bounds"):
        search(toy, SPACE, ONE, 4, tmp_path / "bad", seed=9, population=4, workers=1, start=[{**opt, "x": 2.0}])
    with pytest.raises(ValueError, match=r"^start: got 'no y'; allowed: a design with a value of every searched knob"):
        search(toy, SPACE, ONE, 4, tmp_path / "bad2", seed=9, population=4, workers=1, start=[{"x": 0.1, "mode": "a"}])
