"""Assembling a runnable deck: title, subcircuits, elements, options, analysis, and the batch
control block that writes the requested vectors to a text file and quits.

A deck built here runs unchanged with ``ngspice -b deck.cir`` (the control block makes ngspice
write ``wrdata`` columns and exit 0); :func:`strip_control` gives the circuit alone for the
shared-library engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import NetlistError
from . import safe

__all__ = ["Analysis", "deck", "control_block", "strip_control", "vector_name"]

_VECTOR = re.compile(r"^(?:v|i)\((?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)(?:,(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))?\)$")
_OPTION_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def vector_name(value: object) -> str:
    """An output vector: ``v(node)``, ``v(x1.node)``, ``v(a,b)`` or ``i(vsource)``, ``i(v.x1.vs)``."""
    if not isinstance(value, str) or not _VECTOR.match(value.lower()):
        raise NetlistError(f"output vector: got {value!r}; allowed: v(node), v(node,node) or i(source) "
                           "with plain identifiers joined by '.'")
    return value.lower()


@dataclass(frozen=True)
class Analysis:
    """A transient analysis: ``.tran tstep tstop 0 tmax uic``.

    Attributes
    ----------
    t_stop : float
        End time (s).
    t_step : float
        Print step (s); also ngspice's default for the first step.
    max_step : float or None
        Largest internal step (s).
    uic : bool
        Start from the ``.ic`` values without an operating point (needed for the magnetization).
    """

    t_stop: float
    t_step: float
    max_step: float | None = None
    uic: bool = True

    def line(self) -> str:
        parts = [".tran", safe.num(self.t_step, "t_step"), safe.num(self.t_stop, "t_stop")]
        if self.max_step is not None:
            parts += ["0", safe.num(self.max_step, "max_step")]
        if self.uic:
            parts.append("uic")
        return " ".join(parts)


def options_line(options: Mapping[str, float | str]) -> str:
    """``.options k=v ...``; keys are identifiers, values numbers or identifiers (e.g. method=gear)."""
    if not options:
        return ""
    items = []
    for k, v in options.items():
        if not _OPTION_WORD.match(k):
            raise NetlistError(f"option name: got {k!r}; allowed: a plain identifier")
        if isinstance(v, str):
            if not _OPTION_WORD.match(v):
                raise NetlistError(f"option {k}: got {v!r}; allowed: a number or a plain word")
            items.append(f"{k}={v}")
        else:
            items.append(f"{k}={safe.num(v, f'option {k}')}")
    return ".options " + " ".join(items)


def control_block(vectors: Sequence[str], data_file: str = "waveforms.txt") -> str:
    """The batch-mode control block: run, write ``vectors`` with their time column, quit."""
    names = [vector_name(v) for v in vectors]
    if not names:
        raise NetlistError("output vectors: got none; allowed: at least one v(...) or i(...)")
    lines = [
        ".control",
        "set wr_singlescale",
        "set wr_vecnames",
        "set numdgt=12",
        "run",
        f"wrdata {safe.filename(data_file)} " + " ".join(names),
        "quit",
        ".endc",
    ]
    return "\n".join(lines)


def deck(
    title: str,
    blocks: Iterable[str],
    analysis: Analysis,
    *,
    options: Mapping[str, float | str] | None = None,
    ic: Mapping[str, float] | None = None,
    vectors: Sequence[str] = (),
    data_file: str = "waveforms.txt",
) -> str:
    """A complete deck.

    Parameters
    ----------
    title : str
        First line (plain text).
    blocks : iterable of str
        Subcircuit definitions and element lines, already built by the builders.
    analysis : Analysis
        The transient analysis.
    options : mapping, optional
        ``.options``.
    ic : mapping of node name to float, optional
        ``.ic v(node)=value`` lines (node names may be hierarchical, ``x1.mx``).
    vectors : sequence of str
        Vectors the control block writes; no control block when empty.
    """
    lines = [safe.title(title)]
    lines += [b.rstrip("\n") for b in blocks]
    if ic:
        parts = []
        for nodename, value in ic.items():
            if not re.match(r"^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$", nodename):
                raise NetlistError(f".ic node: got {nodename!r}; allowed: plain identifiers joined by '.'")
            parts.append(f"v({nodename})={safe.num(value, f'.ic v({nodename})')}")
        lines += [".ic " + " ".join(parts[i : i + 6]) for i in range(0, len(parts), 6)]
    opt = options_line(options or {})
    if opt:
        lines.append(opt)
    lines.append(analysis.line())
    if vectors:
        lines.append(control_block(vectors, data_file))
    lines.append(".end")
    return "\n".join(lines) + "\n"


def strip_control(text: str) -> str:
    """The deck without its ``.control ... .endc`` block (for the shared-library engine)."""
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

