"""The circuit data model: instances, probes, initial conditions, subcircuit and model-card
collection, model-card parsing, and the one renderer that turns it all into ngspice text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mtjspice import NetlistError
from mtjspice.netlist.cards import parse_model_card
from mtjspice.netlist.circuit import (
    Comment,
    Element,
    Expr,
    Instance,
    Model,
    NumText,
    Param,
    Probe,
    Subckt,
    Word,
    collect_subckts,
)
from mtjspice.netlist.deck import Analysis, Deck
from mtjspice.netlist.render import render_item, render_subckt
from mtjspice.netlist.sources import vsource
from mtjspice.params import shipped_path
from mtjspice.sim import parse_wrdata

ROOT = Path(__file__).resolve().parents[2]
PTM = shipped_path("ptm45hp.lib")
TRAN = Analysis(1e-9, 1e-11)


def _cell(name: str = "cell", ic: float = 0.25) -> Subckt:
    """A one-port cell with an internal node ``mx`` that declares an initial condition."""
    return Subckt(name, ("t",), (Element("Vsense", ("t", "n1"), (0,)),
                                 Element("R1", ("n1", "0"), (1e3,)),
                                 Element("Cm", ("mx", "0"), (1e-12,)),
                                 Element("Rm", ("mx", "0"), (1e6,))),
                  ic=(("mx", ic),))


def _lines(deck: Deck, control: bool = True) -> list[str]:
    return deck.text(control=control).splitlines()


# ---------------------------------------------------------------- instances and ports
def test_instance_port_connections_must_match_exactly() -> None:
    sub = Subckt("two", ("a", "b"), (Element("R1", ("a", "b"), (1.0,)),))
    with pytest.raises(NetlistError, match="XMISS"):
        Instance("XMISS", sub, {"a": "n1"})
    with pytest.raises(NetlistError, match="XEXTRA"):
        Instance("XEXTRA", sub, {"a": "n1", "b": "n2", "c": "n3"})
    with pytest.raises(NetlistError, match="XKW"):
        sub.instance("XKW", c="n3")
    with pytest.raises(NetlistError, match="X"):
        Instance("R1", sub, {"a": "n1", "b": "n2"})  # an instance is an X line
    with pytest.raises(NetlistError):
        Subckt("rep", ("a", "a"), ())


def test_instance_defaults_unnamed_ports_to_same_named_nodes() -> None:
    sub = Subckt("two", ("a", "b"), (Element("R1", ("a", "b"), (1.0,)),))
    inst = sub.instance("X1", a="n1")
    assert dict(inst.connections) == {"a": "n1", "b": "b"}
    assert inst.nodes == ("n1", "b")
    assert render_item(inst) == "X1 n1 b two"
    assert sub.instance("x2").nodes == ("a", "b")
    # nodes follow the subcircuit's port order, not the keyword order
    assert sub.instance("X3", b="q", a="p").nodes == ("p", "q")


# ---------------------------------------------------------------- probes
def test_probe_inside_composes() -> None:
    assert Probe.node("my").vector == "v(my)"
    assert Probe.node("my").inside("XMTJ").vector == "v(xmtj.my)"
    assert Probe.node("my").inside("XMTJ").inside("XN0").vector == "v(xn0.xmtj.my)"
    vs = Element("Vsense", ("t1", "n1"), (0,))
    assert Probe.current(vs).vector == "i(vsense)"
    assert Probe.current(vs).inside("XMTJ").vector == "i(v.xmtj.vsense)"
    assert Probe.current(vs).inside("XMTJ").inside("XN0").vector == "i(v.xn0.xmtj.vsense)"
    inst = _cell().instance("XC", t="a")
    assert Probe.node("mx").inside(inst).vector == "v(xc.mx)"
    for other in (Element("R1", ("a", "0"), (1.0,)), Element("Iin", ("0", "a"), (1e-3,)),
                  Element("Bx", ("a", "0"), (Word("V"), Word("="), Expr("1")))):
        with pytest.raises(NetlistError, match="voltage source"):
            Probe.current(other)


# ---------------------------------------------------------------- initial conditions
def test_subckt_ic_is_written_per_instance_and_hierarchically() -> None:
    cell = _cell()
    flat = Deck("ic", (cell.instance("X1", t="a"), cell.instance("X2", t="b")), TRAN)
    ic = [ln for ln in _lines(flat) if ln.startswith(".ic")]
    assert ic == [".ic v(x1.mx)=0.25 v(x2.mx)=0.25"]

    pair = Subckt("pair", ("p",), (cell.instance("XA", t="p"), cell.instance("XB", t="p")))
    nested = Deck("ic", (pair.instance("XP", p="a"), cell.instance("X9", t="a")), TRAN, ic={"a": 0.5})
    ic = [ln for ln in _lines(nested) if ln.startswith(".ic")]
    assert ic == [".ic v(xp.xa.mx)=0.25 v(xp.xb.mx)=0.25 v(x9.mx)=0.25 v(a)=0.5"]
    # no instance, no declared ic: no .ic line
    assert not any(ln.startswith(".ic") for ln in _lines(Deck("t", (Element("R1", ("a", "0"), (1.0,)),), TRAN)))


def test_ic_lines_wrap_at_six_entries() -> None:
    cell = _cell()
    deck = Deck("ic", tuple(cell.instance(f"X{k}", t="a") for k in range(8)), TRAN)
    ic = [ln for ln in _lines(deck) if ln.startswith(".ic")]
    assert [ln.count("v(") for ln in ic] == [6, 2]


# ---------------------------------------------------------------- subcircuits and model cards
def test_collect_subckts_writes_each_definition_once() -> None:
    cell = _cell()
    pair = Subckt("pair", ("p",), (cell.instance("XA", t="p"), cell.instance("XB", t="p")))
    items = (cell.instance("X1", t="a"), cell.instance("X2", t="b"), pair.instance("XP", p="c"))
    assert collect_subckts(items) == [cell, pair]  # dependencies first, each once
    lines = _lines(Deck("twice", items, TRAN))
    assert lines.count(".subckt cell t") == 1 and lines.count(".ends cell") == 1
    assert lines.count(".subckt pair p") == 1
    assert lines.index(".subckt cell t") < lines.index(".subckt pair p") < lines.index("X1 a cell")
    # an equal definition built twice is still one definition
    again = Deck("again", (cell.instance("X1", t="a"), _cell().instance("X2", t="b")), TRAN)
    assert _lines(again).count(".subckt cell t") == 1


def test_two_different_subckts_with_one_name_are_refused() -> None:
    items = (_cell(ic=0.25).instance("X1", t="a"), _cell(ic=0.5).instance("X2", t="b"))
    with pytest.raises(NetlistError, match="cell"):
        collect_subckts(items)
    with pytest.raises(NetlistError, match="cell"):
        Deck("clash", items, TRAN).text()
    # also when the clash hides one level down, or differs only in the name's case
    pair = Subckt("pair", ("p",), (_cell(ic=0.5).instance("XA", t="p"),))
    with pytest.raises(NetlistError):
        collect_subckts((_cell().instance("X1", t="a"), pair.instance("XP", p="b")))
    with pytest.raises(NetlistError):
        collect_subckts((_cell("cell").instance("X1", t="a"), _cell("CELL", ic=0.5).instance("X2", t="b")))


def _ptm() -> tuple[Model | Comment, ...]:
    return parse_model_card(PTM.read_text(encoding="utf-8"), source=str(PTM))


def _inverter(name: str, card: tuple[Model | Comment, ...]) -> Subckt:
    return Subckt(name, ("vin", "vout", "vdd"),
                  (Element("MP", ("vout", "vin", "vdd", "vdd"), (Word("ptm45p"), Param("L", 45e-9), Param("W", 90e-9))),
                   Element("MN", ("vout", "vin", "0", "0"), (Word("ptm45n"), Param("L", 45e-9), Param("W", 45e-9)))),
                  models=card)


def test_model_cards_of_subckts_are_written_once() -> None:
    card = _ptm()
    inv, buf = _inverter("inv", card), _inverter("inv2", _ptm())
    items = (inv.instance("X1", vin="a", vout="b"), inv.instance("X2", vin="b", vout="c"),
             buf.instance("X3", vin="c", vout="d"))
    text = Deck("cards", items, TRAN).text()
    assert text.count(".model ptm45n nmos") == 1 and text.count(".model ptm45p pmos") == 1
    assert text.count("Use L = 45n") == 1  # the card's comments come with it, once
    assert text.index(".model ptm45n") > text.index(".ends inv")  # top level, after the definition
    # a second subcircuit that wants a different card under the same name is refused
    models = [m for m in card if isinstance(m, Model)]
    changed = tuple(m.with_params(vth0=0.5) if isinstance(m, Model) and m.name == "ptm45n" else m for m in card)
    assert changed != card and models[0].with_params(vth0=0.5) in changed
    clash = (inv.instance("X1", vin="a", vout="b"), _inverter("inv3", changed).instance("X2", vin="b", vout="c"))
    with pytest.raises(NetlistError, match="model"):
        Deck("clash", clash, TRAN).text()


def test_model_cards_shared_in_part_are_written_once() -> None:
    card = _ptm()
    extra = Model("nlow", "nmos", (Param("level", NumText("54")), Param("vth0", 0.3)))
    items = (_inverter("inv", card).instance("X1", vin="a", vout="b"),
             _inverter("inv2", (*card, extra)).instance("X2", vin="b", vout="c"))
    text = Deck("cards", items, TRAN).text()
    assert text.count(".model ptm45n nmos") == 1 and text.count(".model nlow nmos") == 1


def test_model_with_params() -> None:
    m = Model("nch", "nmos", (Param("level", NumText("54")), Param("vth0", NumText("0.46893")), Param("k1", 0.4)))
    m2 = m.with_params(vth0=0.5)
    assert [p.key for p in m2.params] == ["level", "vth0", "k1"]
    assert m2.params[1] == Param("vth0", 0.5)
    assert m2.params[0] == m.params[0] and m2.params[2] == m.params[2]
    assert m.params[1] == Param("vth0", NumText("0.46893"))  # the original is unchanged
    assert render_item(m2) == ".model nch nmos(level=54 vth0=0.5 k1=0.4)"
    with pytest.raises(NetlistError, match="nosuch"):
        m.with_params(nosuch=1.0)
    with pytest.raises(NetlistError):
        render_item(m.with_params(k1=float("nan")))


def test_model_with_params_is_case_insensitive() -> None:
    m = Model("nch", "nmos", (Param("vth0", 0.4),))
    assert m.with_params(VTH0=0.5).params == (Param("vth0", 0.5),)


# ---------------------------------------------------------------- model card parsing
def test_parse_ptm_card() -> None:
    text = PTM.read_text(encoding="utf-8")
    card = parse_model_card(text)
    models = [m for m in card if isinstance(m, Model)]
    assert [(m.name, m.type) for m in models] == [("ptm45n", "nmos"), ("ptm45p", "pmos")]
    assert isinstance(card[0], Comment) and card[0].text.startswith("Predictive Technology Model")
    n, p = models
    assert n.params[0] == Param("level", NumText("54"))
    assert n.params[1] == Param("version", NumText("4.0"))  # kept as written, not 4
    # every parameter, in the file's order, with its text kept exactly
    blocks = re.split(r"^\.model ", text, flags=re.M)[1:]
    for model, block in zip(models, blocks, strict=True):
        want = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", block)
        assert [(q.key, q.value.text) for q in model.params] == want  # type: ignore[union-attr]
        assert len(want) > 200
    assert dict((q.key, q.value) for q in p.params)["vth0"] == NumText("-0.49158")
    # a rendered card reads back as the same card, and a deck accepts it
    for model in models:
        assert parse_model_card(render_item(model)) == (model,)


@pytest.mark.parametrize("bad", [
    ".control\nshell touch /tmp/pwned\n.endc",
    "R1 a b 1k",
    "Xu a b sub",
    "shell touch /tmp/pwned",
    ".include /etc/passwd",
])
def test_parse_refuses_anything_but_comments_and_models(bad: str) -> None:
    good = ".model n1 nmos level=54 vth0=0.4"
    assert parse_model_card(good) == (Model("n1", "nmos", (Param("level", NumText("54")),
                                                           Param("vth0", NumText("0.4")))),)
    with pytest.raises(NetlistError):
        parse_model_card(f"* card\n{bad}\n{good}")
    with pytest.raises(NetlistError):
        parse_model_card(f"{good}\n{bad}")
    with pytest.raises(NetlistError):
        parse_model_card(f"{good}\n+k1=0.4\n{bad}")


def test_parse_continuation_needs_a_card() -> None:
    (model,) = parse_model_card(".model n1 nmos level=54\n+vth0=0.4")
    assert isinstance(model, Model) and model.params[1] == Param("vth0", NumText("0.4"))
    for text in ("+vth0=0.4", "* card\n+vth0=0.4", ".model n1 nmos level=54\n* c\n+vth0=0.4"):
        with pytest.raises(NetlistError):
            parse_model_card(text)


@pytest.mark.parametrize("bad", [
    ".model n1 nmos level=54 vth0=0.4;shell",
    ".model n1 nmos level=54\n+vth0=0.4;shell touch /tmp/pwned",
    ".model n1 nmos level=54\n+vth0=0.4 ; shell touch /tmp/pwned",
    ".model n1 nmos level=54 vth0=0.4 $ comment",
    ".model n1 nmos level=54 vth0='0.4'",
    ".model n1 nmos level=54 vth0={0.4}",
    ".model n1;x nmos level=54",
    ".model n1 nmos;x level=54",
    ".model n1",
])
def test_parse_refuses_hostile_values(bad: str) -> None:
    with pytest.raises(NetlistError):
        parse_model_card(bad)


# ---------------------------------------------------------------- injection at render
@pytest.mark.parametrize("bad", ["V(a)\n.control", "V(a);shell ls", "V(a) $ x", "V(a)*'2'", 'V("a")', "{V(a)}", ""])
def test_expr_rejects_hostile_text(bad: str) -> None:
    el = Element("B1", ("a", "0"), (Word("V"), Word("="), Expr(bad)))
    with pytest.raises(NetlistError, match="allowed"):
        render_item(el)
    with pytest.raises(NetlistError):
        Deck("t", (el,), TRAN).text()
    with pytest.raises(NetlistError):
        render_subckt(Subckt("s", ("a",), (el,)))
    ok = Element("B1", ("a", "0"), (Word("V"), Word("="), Expr("V(b)*(1e-3 + 2e-4*V(c))")))
    assert render_item(ok) == "B1 a 0 V = V(b)*(1e-3 + 2e-4*V(c))"


def test_comments_words_and_params_are_checked() -> None:
    for bad in ("two\nlines", "x\r.control", "caf\u00e9"):
        with pytest.raises(NetlistError, match="comment"):
            render_item(Comment(bad))
        with pytest.raises(NetlistError):
            render_subckt(Subckt("s", ("a",), (), header=(bad,)))
        with pytest.raises(NetlistError):
            Deck("t", (Comment(bad),), TRAN).text()
    assert render_item(Comment("fine: a * b ; c")) == "* fine: a * b ; c"
    assert render_item(Comment("")) == "*"
    for bad in ("a b", "x\n.control", "x;y", "1k", ""):
        with pytest.raises(NetlistError):
            render_item(Element("M1", ("a", "b", "0", "0"), (Word(bad),)))
    for key in ("a b", "1k", "w;x", "L\n.control", ""):
        with pytest.raises(NetlistError):
            render_item(Element("M1", ("a", "b", "0", "0"), (Word("nch"), Param(key, 1e-6))))
    for value in (Word("a b"), Word("x;y"), NumText("1;shell"), NumText("1 2"), NumText("nan"), float("inf")):
        with pytest.raises(NetlistError):
            render_item(Model("m", "nmos", (Param("vth0", value),)))
    assert render_item(Element("C1", ("a", "0"), (1e-12, Param("IC", 0.5)))) == "C1 a 0 1e-12 IC=0.5"
    assert render_item(Element("A1", ("a", "b"), (Word("m"), Param("t", (1.0, 2e-9))))) == "A1 a b m t=[1 2e-09]"


def test_element_names_and_nodes_are_checked_at_construction() -> None:
    for bad in ("R1\n.control", "R1 x", "R1;shell", "", "1R"):
        with pytest.raises(NetlistError, match="element name"):
            Element(bad, ("a", "0"), (1.0,))
    for bad in ("a\nb", "a b", "x.y", ""):
        with pytest.raises(NetlistError, match="node"):
            Element("R1", (bad, "0"), (1.0,))
    with pytest.raises(NetlistError):
        Model("m", "nmos\n.control")


# ---------------------------------------------------------------- deck, threads, control block
def test_threads_go_inside_the_control_block() -> None:
    rc = (vsource("in", "a", "0", 1.0), Element("R1", ("a", "0"), (1e3,)))
    deck = Deck("t", rc, TRAN, probes=(Probe.node("a"),), threads=1)
    lines = _lines(deck)
    start, end = lines.index(".control"), lines.index(".endc")
    assert "set num_threads=1" in lines[start + 1 : lines.index("run")]
    assert lines.count("set num_threads=1") == 1 and end > lines.index("run") > start
    assert lines[-1] == ".end"
    bare = _lines(deck, control=False)
    assert not any(ln.startswith((".control", ".endc", "set ", "run", "wrdata", "quit")) for ln in bare)
    assert bare[-1] == ".end" and ".tran 1e-11 1e-09 uic" in bare
    assert not any("num_threads" in ln for ln in _lines(Deck("t", rc, TRAN, probes=(Probe.node("a"),))))
    # no probes: nothing to write, so no control block either
    assert ".control" not in Deck("t", rc, TRAN, threads=4).text()
    for bad in (0, 257, 1.5, "4"):
        with pytest.raises(NetlistError, match="threads"):
            Deck("t", rc, TRAN, probes=(Probe.node("a"),), threads=bad).text()  # type: ignore[arg-type]


# ---------------------------------------------------------------- a rendered deck runs
@pytest.mark.ngspice
def test_rendered_rc_deck_runs_with_ngspice_b(tmp_path) -> None:
    r, c = 2e3, 0.5e-12  # tau = 1 ns
    vin = vsource("in", "a", "0", 1.0)
    # the capacitor's node is internal to the subcircuit, so its .ic and probe are hierarchical
    cap = Subckt("rcell", ("inp",), (Comment("series R, C to ground"),
                                     Element("R1", ("inp", "out"), (r,)),
                                     Element("C1", ("out", "0"), (c,))),
                 ic=(("out", 0.0),))
    deck = Deck("rc from elements", (vin, cap.instance("X1", inp="a")),
                Analysis(5e-9, 1e-11, max_step=1e-11), probes=(Probe.node("out").inside("X1"), Probe.current(vin)),
                data_file="rc.txt", threads=1)
    (tmp_path / "rc.cir").write_text(deck.text(), encoding="utf-8")
    res = subprocess.run(["ngspice", "-b", "rc.cir"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    t, sig = parse_wrdata(tmp_path / "rc.txt", deck.vectors)
    v = sig["v(x1.out)"]
    # the subcircuit's declared .ic: v starts from 0 (ngspice's first written point is its first step)
    assert t[0] < 1e-11 and v[0] == pytest.approx(1 - np.exp(-t[0] / (r * c)), abs=1e-6)
    # the time constant from the waveform: where v crosses 1 - 1/e, and from the log-linear decay
    tau_cross = float(np.interp(1 - np.exp(-1), v, t))
    assert tau_cross == pytest.approx(r * c, rel=1e-2)
    keep = (t > 0.2e-9) & (t < 4e-9)
    tau_fit = -1.0 / np.polyfit(t[keep], np.log(1 - v[keep]), 1)[0]
    assert tau_fit == pytest.approx(r * c, rel=1e-2)
    # the source current is the charging current, entering the source's + node (negative)
    assert np.allclose(sig["i(vin)"], -(1 - v) / r, atol=1e-9)


@pytest.mark.ngspice
def test_hierarchical_ic_and_probes_reach_ngspice(tmp_path) -> None:
    """ngspice accepts the nested .ic names and writes the nested probes under their names."""
    from mtjspice.sim import run_deck

    cell = _cell(ic=0.25)
    pair = Subckt("pair", ("p",), (cell.instance("XA", t="p"), cell.instance("XB", t="p")))
    vin = vsource("in", "a", "0", 1.0)
    probes = (Probe.node("mx").inside("XA").inside("XP"), Probe.node("mx").inside("XB").inside("XP"),
              Probe.current(cell.element("Vsense")).inside("XA").inside("XP"), Probe.current(vin))
    deck = Deck("nested", (vin, pair.instance("XP", p="a")), Analysis(1e-9, 1e-11, max_step=1e-11), probes=probes)
    assert deck.vectors == ["v(xp.xa.mx)", "v(xp.xb.mx)", "i(v.xp.xa.vsense)", "i(vin)"]
    wf = run_deck(deck)
    # mx holds its .ic (RC of 1 us: it decays by 0.1 % in 1 ns)
    for v in ("v(xp.xa.mx)", "v(xp.xb.mx)"):
        assert wf[v][0] == pytest.approx(0.25, abs=1e-6)
        assert np.all(np.abs(wf[v] - 0.25) < 1e-3)
    # 1 V over each cell's 1 kOhm: 1 mA into each, 2 mA out of the source
    assert np.allclose(wf["i(v.xp.xa.vsense)"], 1e-3, rtol=1e-6)
    assert np.allclose(wf["i(vin)"], -2e-3, rtol=1e-6)


def test_thread_count_must_be_a_whole_number() -> None:
    rc = (Element("R1", ("a", "0"), (1e3,)),)
    for bad in (True, 0, 1.5, 1000):
        with pytest.raises(NetlistError, match="threads"):
            Deck("t", rc, TRAN, probes=(Probe.node("a"),), threads=bad).text()  # type: ignore[arg-type]


def test_ic_on_a_port_is_refused() -> None:
    with pytest.raises(NetlistError, match="port 't1'"):
        Subckt("s", ("t1", "t2"), (Element("R1", ("t1", "t2"), (1.0,)),), ic=(("t1", 0.5),))
