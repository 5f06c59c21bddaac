"""The one place that writes ngspice text: every token, element, model card, subcircuit and deck.

Names pass :func:`safe.name` / :func:`safe.node`, numbers :func:`safe.num`, expressions
:func:`safe.expr`, comments :func:`safe.comment`; so whatever a parameter file holds, a rendered
deck has exactly the lines its builders made and no ``.control`` block but the one written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..errors import NetlistError
from . import safe
from .circuit import (
    Comment,
    Element,
    Expr,
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
    collect_subckts,
    walk_ic,
)
from .deck import Analysis, Deck, FileName
from .sources import source_spec

__all__ = ["render_token", "render_item", "render_subckt", "render_deck", "vector_name", "options_line",
           "strip_control", "LINE_WIDTH"]

#: Longest line written before folding with ``+`` continuation lines.
LINE_WIDTH = 200
#: Vectors per ``write`` command in a control block (ngspice takes at most 999 arguments).
WRITE_CHUNK = 400

_VECTOR = re.compile(r"(?:v|i)\((?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?:,(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))?\)")
_OPTION_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
_IC_NODE = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")


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


def _analysis_line(a: Analysis) -> str:
    parts = [".tran", safe.num(a.t_step, "t_step"), safe.num(a.t_stop, "t_stop")]
    if a.max_step is not None:
        parts += ["0", safe.num(a.max_step, "max_step")]
    if a.uic:
        parts.append("uic")
    return " ".join(parts)


def _control_block(names: Sequence[str], data_file: str, threads: int | None) -> str:
    lines = [".control"]
    if threads is not None:
        if isinstance(threads, bool) or not (isinstance(threads, int) and 1 <= threads <= 256):
            raise NetlistError(f"threads: got {threads!r}; allowed: an integer from 1 to 256")
        lines.append(f"set num_threads={threads}")
    fname = safe.filename(data_file)
    if fname.lower().endswith(".raw"):
        # ngspice's binary raw file: written and read several times faster than wrdata's text
        # (a 4-neuron array part: 18 % less ngspice CPU, a tenth of the reading time).
        lines += ["set filetype=binary", "run"]
        # ngspice's commands take at most 999 arguments after their name: a deck with more vectors
        # writes them in parts, the first part a new file, the others appended as plots of their own
        # (mtjspice.simoutput.parse_raw joins them).
        parts = [names[k:k + WRITE_CHUNK] for k in range(0, len(names), WRITE_CHUNK)] or [[]]
        if len(parts) > 1:
            lines.append("unset appendwrite")
        for k, part in enumerate(parts):
            if k == 1:
                lines.append("set appendwrite")
            lines.append(f"write {fname} " + " ".join(part))
    else:
        lines += ["set wr_singlescale", "set wr_vecnames", "set numdgt=12", "run",
                  f"wrdata {fname} " + " ".join(names)]
    lines += ["quit", ".endc"]
    return "\n".join(lines)


def _new_cards(cards: tuple[Model | Comment, ...], written: dict[str, Model],
               groups: set[tuple[Model | Comment, ...]]) -> list[str]:
    """The lines of the top-level cards a subcircuit uses that the deck has not written yet: each
    model once (a different card under a written name is an error), comments with their group's
    first use."""
    out = []
    first_use = cards not in groups
    groups.add(cards)
    for m in cards:
        if isinstance(m, Model):
            old = written.get(m.name.lower())
            if old is None:
                written[m.name.lower()] = m
                out.append(render_model(m))
            elif old is not m and old != m:
                raise NetlistError(f"model name {m.name!r} is defined twice with different parameters")
        elif first_use:
            out.append(render_item(m))
    return out


def _count_instances(items: Sequence[Item], counts: dict[str, int]) -> dict[str, int]:
    """How many times each subcircuit (lower-case name) is instantiated, nested instances included."""
    for it in items:
        if isinstance(it, Instance):
            counts[it.subckt.name.lower()] = counts.get(it.subckt.name.lower(), 0) + 1
            _count_instances(it.subckt.items, counts)
    return counts


def _check_data_files(d: Deck, subckts: Sequence[Subckt]) -> None:
    """Every data file a model card reads is one of the deck's attachments, and a subcircuit that
    reads a thermal-noise file (a model named ``thermal_...``) is instantiated once: a second
    instance would replay the same noise instead of drawing its own."""
    counts = _count_instances(d.items, {})
    owners: list[tuple[str | None, Sequence[Item | Model | Comment]]] = [(None, d.items)]
    owners += [(s.name, (*s.items, *s.models)) for s in subckts]
    for owner, items in owners:
        for it in items:
            if not isinstance(it, Model):
                continue
            for p in it.params:
                if isinstance(p.value, FileName) and p.value.text not in d.attachments:
                    raise NetlistError(f"model {it.name} reads {p.value.text!r}, which the deck does not carry "
                                       f"in its attachments ({', '.join(map(repr, d.attachments)) or 'none'})")
            if owner is not None and it.name.lower().startswith("thermal_") and counts.get(owner.lower(), 0) > 1:
                raise NetlistError(f"subcircuit {owner} reads the thermal noise of one MTJ and is instantiated "
                                   f"{counts[owner.lower()]} times; build one subcircuit (and noise file) per MTJ")


def render_deck(d: Deck, control: bool = True) -> str:
    """The whole deck: title, top-level model cards and subcircuits, items, ``.ic``, options,
    analysis and (with ``control`` and probes) the batch control block."""
    lines = [safe.title(d.title)]
    written: dict[str, Model] = {}
    groups: set[tuple[Model | Comment, ...]] = set()
    subckts = collect_subckts(d.items)
    _check_data_files(d, subckts)
    for s in subckts:
        lines.append(render_subckt(s))
        lines += _new_cards(s.models, written, groups)
    lines += [render_item(it) for it in d.items]
    ic = dict(walk_ic(d.items))
    ic.update(d.ic)
    if ic:
        parts = []
        for nodename, value in ic.items():
            if not _IC_NODE.fullmatch(nodename):
                raise NetlistError(f".ic node: got {nodename!r}; allowed: plain identifiers joined by '.'")
            parts.append(f"v({nodename})={safe.num(value, f'.ic v({nodename})')}")
        lines += [".ic " + " ".join(parts[i : i + 6]) for i in range(0, len(parts), 6)]
    opt = options_line(d.all_options)
    if opt:
        lines.append(opt)
    lines.append(_analysis_line(d.analysis))
    if d.probes:
        # Keep only the probes: ngspice otherwise stores every node and branch at every point (5 %
        # of a 4-neuron array deck's time, 8 % of a 16-neuron one; the same numbers written).
        names = [vector_name(v) for v in d.vectors]
        lines += [".save " + " ".join(names[i : i + 12]) for i in range(0, len(names), 12)]
        if control:
            lines.append(_control_block(names, d.data_file, d.threads))
    lines.append(".end")
    return "\n".join(lines) + "\n"


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
