"""report.md says so when the chosen design is feasible but keeps no sample (yield 0)."""

from __future__ import annotations

from mtjspice.design.report import _unusable


def test_a_feasible_design_with_no_yield_is_called_unusable():
    lines = _unusable({"best_feasible": True, "yield": 0.0, "top_yields": [0.966, 0.942, 0.0]})
    assert lines[0].startswith("**No feasible design works**")
    assert "96.6 %" in lines[0]


def test_without_yield_anywhere_it_names_no_other_design():
    for top in ([0.0, 0.0], [float("nan")], []):
        (line, blank) = _unusable({"best_feasible": True, "yield": 0.0, "top_yields": top})
        assert "highest yield of any design" not in line and blank == ""


def test_a_working_or_infeasible_choice_gets_no_warning():
    assert _unusable({"best_feasible": True, "yield": 0.004, "top_yields": [0.5]}) == []
    assert _unusable({"best_feasible": False, "yield": 0.0, "top_yields": [0.9]}) == []
