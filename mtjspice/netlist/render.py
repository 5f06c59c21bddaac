"""The one place that writes ngspice text for circuits: every token, element, model card and subcircuit.

A whole deck is assembled from these by :func:`mtjspice.netlist.deck.render_deck` (its ``.ic``,
``.options``, ``.tran`` and control lines pass the same checks).

Names pass :func:`safe.name` / :func:`safe.node`, numbers :func:`safe.num`, expressions
:func:`safe.expr`, comments :func:`safe.comment`; so whatever a parameter file holds, a rendered
deck has exactly the lines its builders made and no ``.control`` block but the one written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import NetlistError
from . import safe
from .circuit import (
    Comment,
    Element,
    Expr,
    FileName,
    IcDef,
    Instance,
    Item,
    Model,
    NumText,
    Param,
    ParamDef,
    ParamExpr,
    Subckt,
    Token,
    Wave,
    Word,
)
from .sources import source_spec

__all__ = ["render_token", "render_item", "render_subckt", "vector_name", "options_line",
           "strip_control", "LINE_WIDTH"]

#: Longest line written before folding with ``+`` continuation lines.
LINE_WIDTH = 200
#: Vectors per ``write`` command in a control block (ngspice takes at most 999 arguments).
WRITE_CHUNK = 400

_VECTOR = re.compile(r"(?:v|i)\((?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?:,(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))?\)")
_OPTION_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


def vector_name(value: object) -> str:
    """An output vector: ``v(node)``, ``v(x1.node)``, ``v(a,b)`` or ``i(vsource)``, ``i(v.x1.vs)``."""
    if not isinstance(value, str) or not _VECTOR.fullmatch(value.lower()):
        raise NetlistError(f"output vector: got {value!r}; allowed: v(node), v(node,node) or i(source) "
                           "with plain identifiers joined by '.'")
    return value.lower()


def _param_value(v: object, what: str) -> str:
    if isinstance(v, FileName):  # a data file beside the netlist: a bare name, so no quote can get in
        return '"' + safe.filename(v.text, what) + '"'
    if isinstance(v, Word):
        return safe.word(v.text, what)
    if isinstance(v, NumText):
        return safe.number_literal(v.text, what)
    if isinstance(v, ParamExpr):
        return "{" + safe.expr(v.text, what) + "}"
    if isinstance(v, tuple):
        return "[" + " ".join(safe.num(x, what) for x in v) + "]"
    return safe.num(v, what)


def render_token(tok: Token, what: str = "value") -> str:
    """One token of an element's value."""
    if isinstance(tok, Word):
        return safe.word(tok.text, what)
    if isinstance(tok, Param):
        return f"{safe.name(tok.key, what)}={_param_value(tok.value, f'{what} {tok.key}')}"
    if isinstance(tok, Expr):
        return safe.expr(tok.text, what)
    if isinstance(tok, ParamExpr):
        return "{" + safe.expr(tok.text, what) + "}"
    if isinstance(tok, Wave):
        return source_spec(tok.waveform)
    return safe.num(tok, what)


def _fold(line: str) -> str:
    """Fold a long line with SPICE continuation lines ('+') at spaces."""
    if len(line) <= LINE_WIDTH:
        return line
    out, cur = [], ""
    for w in line.split(" "):
        if cur and len(cur) + len(w) + 1 > LINE_WIDTH:
            out.append(cur)
            cur = "+ " + w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    return "\n".join(out)


def render_model(m: Model) -> str:
    """``.model NAME TYPE(k=v ...)`` for short cards; long cards continue on ``+`` lines."""
    params = [render_token(p, f"model {m.name}") for p in m.params]
    if m.type.lower() in XSPICE_MODELS or len(params) <= 8:
        return _fold(f".model {m.name} {m.type}" + (f"({' '.join(params)})" if params else ""))
    lines = [f".model {m.name} {m.type}"]
    cur = "+"
    for p in params:
        if len(cur) + len(p) + 1 > 100:
            lines.append(cur)
            cur = "+"
        cur = f"{cur}{p}" if cur == "+" else f"{cur} {p}"
    lines.append(cur)
    return "\n".join(lines)


#: XSPICE code models take their parameters in parentheses on one (folded) line.
XSPICE_MODELS = frozenset({"oneshot", "filesource"})


def render_item(it: Item) -> str:
    """One element, instance, comment or model card."""
    if isinstance(it, Comment):
        return "* " + safe.comment(it.text) if it.text else "*"
    if isinstance(it, Model):
        return render_model(it)
    if isinstance(it, ParamDef):
        return f".param {safe.name(it.name, 'parameter name')} = {{{safe.expr(it.expr, it.name)}}}"
    if isinstance(it, IcDef):
        return f".ic v({safe.node(it.node, 'initial-condition node')})={{{safe.expr(it.expr, it.node)}}}"
    if isinstance(it, Instance):
        params = [f"{safe.name(k, it.name)}={_param_value(v, f'{it.name} parameter {k}')}" for k, v in it.params]
        return " ".join([it.name.upper(), *it.nodes, it.subckt.name, *params])
    if isinstance(it, Element):
        line = " ".join([it.name, *it.nodes, *(render_token(t, it.name) for t in it.value)])
        # long source waveforms (PWL) are folded; expressions stay on one line
        return _fold(line) if any(isinstance(t, Wave) for t in it.value) else line
    raise NetlistError(f"netlist item: got {type(it).__name__}; allowed: Element, Instance, Comment, Model, "
                       "ParamDef or IcDef")


def render_subckt(s: Subckt) -> str:
    """``.subckt NAME PORTS`` ... ``.ends NAME`` with its header comments."""
    lines = ["* " + safe.comment(h) for h in s.header]
    params = [f"{safe.name(k, s.name)}={safe.num(v, f'{s.name} parameter {k}')}" for k, v in s.params]
    lines.append(_fold(f".subckt {s.name} {' '.join(s.ports)}" + (" params: " + " ".join(params) if params else "")))
    lines += [render_item(it) for it in s.items]
    lines.append(f".ends {s.name}")
    return "\n".join(lines)


def options_line(options: Mapping[str, float | str]) -> str:
    """``.options k=v ...``; keys are identifiers, values numbers or identifiers (e.g. method=gear)."""
    if not options:
        return ""
    items = []
    for k, v in options.items():
        if not _OPTION_WORD.fullmatch(k):
            raise NetlistError(f"option name: got {k!r}; allowed: a plain identifier")
        if isinstance(v, str):
            if not _OPTION_WORD.fullmatch(v):
                raise NetlistError(f"option {k}: got {v!r}; allowed: a number or a plain word")
            items.append(f"{k}={v}")
        else:
            items.append(f"{k}={safe.num(v, f'option {k}')}")
    return ".options " + " ".join(items)


def strip_control(text: str) -> str:
    """A deck's text without its ``.control ... .endc`` block (for the shared-library engine)."""
    out, inside = [], False
    for line in text.splitlines():
        low = line.strip().lower()
        if low.startswith(".control"):
            inside = True
            continue
        if low.startswith(".endc"):
            inside = False
            continue
        if not inside:
            out.append(line)
    return "\n".join(out) + "\n"
