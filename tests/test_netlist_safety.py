"""Everything that reaches a netlist is validated: hostile names and values cannot inject lines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice import NetlistError
from mtjspice.netlist import safe
from mtjspice.netlist.deck import Analysis, deck, options_line, strip_control, vector_name
from mtjspice.netlist.sources import isource, source_spec, vsource
from mtjspice.stimulus import DC, PWL, Pulse

HOSTILE = [
    "x\n.control\nshell rm -rf /\n.endc",
    "a; shell touch /tmp/pwned",
    ".include /etc/passwd",
    "a b",
    "",
    "1abc",
    "a" * 65,
    "n{1}",
    "v(a)",
    "a\r.end",
]


@pytest.mark.parametrize("bad", HOSTILE)
def test_names_reject_hostile(bad: str) -> None:
    with pytest.raises(NetlistError, match="allowed"):
        safe.name(bad)
    if bad != "0":
        with pytest.raises(NetlistError):
            safe.node(bad)
    with pytest.raises(NetlistError):
        isource(bad, "a", "0", 1e-3)
    with pytest.raises(NetlistError):
        vsource("in", bad, "0", 1.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1e-3", "1\n.control", None, True, [1.0]])
def test_values_reject_non_numbers(bad: object) -> None:
    with pytest.raises(NetlistError, match="finite real number"):
        safe.num(bad)


def test_numbers_round_trip() -> None:
    for v in (1e-3, -2.5e-12, 3.14159265358979, 0.0, 7):
        assert float(safe.num(v)) == pytest.approx(v, rel=1e-14)


@pytest.mark.parametrize("bad", ["../x", "/tmp/x", "-rf", "a b", "x;y", "a\nb", ""])
def test_file_names(bad: str) -> None:
    with pytest.raises(NetlistError):
        safe.filename(bad)


def test_title_and_options_and_vectors() -> None:
    with pytest.raises(NetlistError):
        safe.title("ok\n.control")
    with pytest.raises(NetlistError):
        options_line({"reltol; shell ls": 1e-3})
    with pytest.raises(NetlistError):
        options_line({"method": "gear\n.endc"})
    assert options_line({"reltol": 1e-4, "method": "trap"}) == ".options reltol=0.0001 method=trap"
    for bad in ("v(a);shell", "v(a)\nquit", "i(v1) v(b)", "x(a)", "v()"):
        with pytest.raises(NetlistError):
            vector_name(bad)
    assert vector_name("V(X1.MY)") == "v(x1.my)"
    assert vector_name("i(v.x1.vs)") == "i(v.x1.vs)"


def test_source_specs() -> None:
    assert source_spec(DC(1e-3)) == "DC 0.001"
    assert source_spec(Pulse(0.0, 1e-3, 1e-9, 1e-11, 1e-11, 5e-9, 20e-9)) == "PULSE(0 0.001 1e-09 1e-11 1e-11 5e-09 2e-08)"
    assert source_spec(PWL([0, 1e-9], [0, 2.0])) == "PWL(0 0 1e-09 2)"
    with pytest.raises(NetlistError, match="rise/fall"):
        source_spec(Pulse(0.0, 1.0, rise=0.0, fall=1e-11))
    with pytest.raises(NetlistError, match="one value per source"):
        source_spec(DC(np.array([1.0, 2.0])))
    long = isource("in", "a", "0", PWL(np.arange(100) * 1e-9, np.sin(np.arange(100))))
    assert all(len(ln) <= 200 for ln in long.splitlines())
    assert all(ln.startswith("+ ") for ln in long.splitlines()[1:])


def test_deck_structure() -> None:
    text = deck("t", ["R1 a 0 1k", "I1 0 a DC 1m"], Analysis(1e-9, 1e-11), ic={"a": 0.5},
               vectors=["v(a)"], options={"reltol": 1e-4})
    lines = text.splitlines()
    assert lines[0] == "t" and lines[-1] == ".end"
    assert ".ic v(a)=0.5" in lines
    assert ".tran 1e-11 1e-09 uic" in lines
    assert lines.count(".control") == 1 and "quit" in lines
    assert ".control" not in strip_control(text)
    with pytest.raises(NetlistError):
        deck("t", [], Analysis(1e-9, 1e-11), ic={"a;shell": 0.0})
