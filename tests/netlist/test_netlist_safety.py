"""Everything that reaches a netlist is validated: hostile names and values cannot inject lines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice import NetlistError
from mtjspice.netlist import safe
from mtjspice.netlist.circuit import Element, Model, Probe, Subckt
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.render import options_line, render_item, strip_control, vector_name
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
    # the data model refuses them where they are built, before any text exists
    with pytest.raises(NetlistError):
        Element(bad, ("a", "0"), (1.0,))
    with pytest.raises(NetlistError):
        Element("R1", ("a", bad), (1.0,))
    with pytest.raises(NetlistError):
        Subckt(bad, ("a",), ())
    with pytest.raises(NetlistError):
        Subckt("sub", ("a", bad), ())
    with pytest.raises(NetlistError):
        Model(bad, "nmos")
    with pytest.raises(NetlistError):
        Probe.node(bad)
    with pytest.raises(NetlistError):
        Subckt("sub", ("a",), ()).instance(bad)
    with pytest.raises(NetlistError):
        Subckt("sub", ("a",), ()).instance("X1", a=bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1e-3", "1\n.control", None, True, [1.0]])
def test_values_reject_non_numbers(bad: object) -> None:
    with pytest.raises(NetlistError, match="finite real number"):
        safe.num(bad)
    # an element value that is not a finite number never renders
    with pytest.raises(NetlistError, match="finite real number"):
        render_item(Element("R1", ("a", "0"), (bad,)))  # type: ignore[arg-type]


def test_numbers_round_trip() -> None:
    for v in (1e-3, -2.5e-12, 3.14159265358979, 0.0, 7):
        assert float(safe.num(v)) == pytest.approx(v, rel=1e-14)


@pytest.mark.parametrize("bad", ["../x", "/tmp/x", "-rf", "a b", "x;y", "a\nb", ""])
def test_file_names(bad: str) -> None:
    with pytest.raises(NetlistError):
        safe.filename(bad)
    deck = Deck("t", (Element("R1", ("a", "0"), (1.0,)),), Analysis(1e-9, 1e-11), probes=(Probe.node("a"),),
                data_file=bad)
    with pytest.raises(NetlistError):
        deck.text()


def test_title_and_options_and_vectors() -> None:
    with pytest.raises(NetlistError):
        safe.title("ok\n.control")
    with pytest.raises(NetlistError):
        Deck("ok\n.control", (), Analysis(1e-9, 1e-11)).text()
    with pytest.raises(NetlistError):
        options_line({"reltol; shell ls": 1e-3})
    with pytest.raises(NetlistError):
        options_line({"method": "gear\n.endc"})
    with pytest.raises(NetlistError):
        Deck("t", (), Analysis(1e-9, 1e-11), options={"method": "gear\n.endc"}).text()
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
    # a bad waveform fails where its source is built, not later at render
    with pytest.raises(NetlistError, match="rise/fall"):
        isource("in", "a", "0", Pulse(0.0, 1.0, rise=0.0, fall=1e-11))
    assert render_item(isource("in", "0", "a", DC(1e-3))) == "Iin 0 a DC 0.001"
    assert render_item(vsource("dd", "vdd", "0", 1.5)) == "Vdd vdd 0 DC 1.5"
    long = render_item(isource("in", "a", "0", PWL(np.arange(100) * 1e-9, np.sin(np.arange(100)))))
    assert len(long.splitlines()) > 1
    assert all(len(ln) <= 200 for ln in long.splitlines())
    assert all(ln.startswith("+ ") for ln in long.splitlines()[1:])


def test_deck_structure() -> None:
    deck = Deck("t", (Element("R1", ("a", "0"), (1000,)), isource("n1", "0", "a", 1e-3)), Analysis(1e-9, 1e-11),
                ic={"a": 0.5}, probes=(Probe.node("a"),), options={"reltol": 1e-4})
    text = deck.text()
    lines = text.splitlines()
    assert lines[0] == "t" and lines[-1] == ".end"
    assert "R1 a 0 1000" in lines and "In1 0 a DC 0.001" in lines
    assert ".ic v(a)=0.5" in lines
    assert ".options minbreak=1e-15 reltol=0.0001" in lines  # every deck merges coincident breakpoints
    assert ".tran 1e-11 1e-09 uic" in lines
    assert lines.count(".control") == 1 and "quit" in lines
    assert "write waveforms.raw v(a)" in lines and "set filetype=binary" in lines
    assert ".control" not in strip_control(text)
    assert strip_control(text) == deck.text(control=False)
    with pytest.raises(NetlistError):
        Deck("t", (), Analysis(1e-9, 1e-11), ic={"a;shell": 0.0}).text()
    with pytest.raises(NetlistError):
        Deck("t", (), Analysis(1e-9, 1e-11), ic={"a": math.nan}).text()


@pytest.mark.parametrize("check", [safe.name, safe.node, safe.filename, safe.title, safe.expr, safe.comment,
                                   safe.word, safe.number_literal, vector_name])
def test_a_trailing_newline_is_refused_everywhere(check) -> None:  # type: ignore[no-untyped-def]
    # a regex ending in '$' also matches before a final newline; every validator must see the whole string
    good = {"title": "a deck", "number_literal": "4.0", "vector_name": "v(a)", "word": "DC"}.get(check.__name__, "ab")
    assert check(good)
    for bad in (good + "\n", good + "\r", good + "\n.control"):
        with pytest.raises(NetlistError):
            check(bad)


@pytest.mark.parametrize("bad", [";", "$", "'", '"', "{", "}", "\n", "\r", "a=1", "!", "&", "|", "`", "\\", "@", "#", "%"])
def test_expressions_refuse_every_character_outside_arithmetic(bad: str) -> None:
    # ';' and '$' start comments, quotes and braces start strings and parameter expansions in ngspice:
    # each alone, and inside an otherwise valid expression, is refused
    for text in (bad, f"V(a)*2{bad}", f"{bad}V(a)", f"1 + {bad} 2"):
        with pytest.raises(NetlistError, match="^expression: got "):
            safe.expr(text)


def test_expressions_accept_arithmetic() -> None:
    text = "-1.5e-3*V(x1.a, b) + (2^3)/i(Vsense) - u(V(c) > 0.5) * abs(x) < 1"
    assert safe.expr(text.replace(".a", "_a")) == text.replace(".a", "_a")
    assert safe.expr("x" * 100000) == "x" * 100000
    with pytest.raises(NetlistError):
        safe.expr("x" * 100001)
    with pytest.raises(NetlistError):
        safe.expr("")


# Each validator's refusal is one line: what was checked, the value received, what is allowed.
MESSAGES = [
    (safe.name, "a b", "name: got 'a b'; allowed: a plain identifier (letter or _, then letters, digits or _; "
     "at most 64 characters)"),
    (safe.node, "1a", "node: got '1a'; allowed: '0' or a plain identifier (letters, digits, _)"),
    (safe.num, "1", "value: got '1'; allowed: a finite real number"),
    (safe.num, math.inf, "value: got inf; allowed: a finite real number"),
    (safe.filename, "../x", "file name: got '../x'; allowed: a bare file name of letters, digits, '_', '.', '-'"),
    (safe.title, "a;b", "title: got 'a;b'; allowed: up to 200 letters, digits, spaces and _ . , : = ( ) + / -"),
    (safe.expr, "a;b", "expression: got 'a;b'; allowed: an arithmetic expression of letters, digits, spaces and "
     "_ . , ( ) + - * / ^ < > (no newline, ';', '$' or quotes)"),
    (safe.comment, "a\nb", "comment: got 'a\\nb'; allowed: one line of printable ASCII (at most 300 characters)"),
    (safe.word, "a b", "word: got 'a b'; allowed: a plain identifier, '=', '[' or ']'"),
    (safe.number_literal, "1.2.3", "number: got '1.2.3'; allowed: a decimal number such as 4.0 or 1.25e-009"),
]


@pytest.mark.parametrize(("check", "bad", "message"), MESSAGES)
def test_refusals_say_what_value_and_what_is_allowed(check, bad: object, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NetlistError) as err:
        check(bad)
    assert str(err.value) == message


@pytest.mark.parametrize("check", [safe.name, safe.node, safe.num, safe.filename, safe.expr, safe.word,
                                   safe.number_literal])
def test_refusals_name_the_caller_s_parameter(check) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NetlistError, match=r"^model name: got None; allowed: "):
        check(None, "model name")


def test_valid_values_pass_through_unchanged() -> None:
    assert safe.name("_a1") == "_a1" and safe.node("0") == "0" and safe.node("n_1") == "n_1"
    assert safe.filename("out-1.raw") == "out-1.raw" and safe.title("MTJ (1): a=2, b/c") == "MTJ (1): a=2, b/c"
    assert safe.comment("any ; text $ here") == "any ; text $ here"
    assert [safe.word(w) for w in ("=", "[", "]", "dc")] == ["=", "[", "]", "dc"]
    assert safe.number_literal("-1.25e-009") == "-1.25e-009" and safe.number_literal(".5") == ".5"
    assert safe.num(np.float32(0.5)) == "0.5" and safe.num(3) == "3" and safe.num(np.int64(-2)) == "-2"
    assert safe.num(1 / 3) == "0.333333333333333"
