"""Model cards as data: a SPICE ``.model`` library parsed into :class:`~mtjspice.netlist.circuit.Model`
objects, so a deck changes a card's parameters by value (``Model.with_params``), never by editing
its text, and every value is checked again when the deck is rendered.
"""

from __future__ import annotations

import re

from ..errors import NetlistError
from . import safe
from .circuit import Comment, Model, NumText, Param, Word

__all__ = ["parse_model_card"]

_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)")


def parse_model_card(text: str, source: str = "model card") -> tuple[Model | Comment, ...]:
    """The ``*`` comments and ``.model`` cards of a SPICE library text, in order.

    Supports ``.model NAME TYPE k=v ...`` with ``+`` continuation lines (parentheses optional);
    values must be numbers or plain words. Anything else (another dot-command, an element line)
    is refused, so a library cannot smuggle lines into a deck.
    """
    out: list[Model | Comment] = []
    current: list[str] | None = None

    def close() -> None:
        if current is None:
            return
        head, *rest = current
        parts = head.split(None, 3)
        if len(parts) < 3:
            raise NetlistError(f"{source}: '.model' needs a name and a type; got {head!r}")
        name, mtype = parts[1], parts[2]
        body = " ".join([parts[3] if len(parts) > 3 else "", *rest]).replace("(", " ").replace(")", " ")
        params = []
        consumed = _PAIR.sub("", body).strip()
        if consumed:
            raise NetlistError(f"{source}: model {name}: cannot read {consumed[:60]!r}; allowed: key=value pairs")
        for key, value in _PAIR.findall(body):
            try:
                val: NumText | Word = NumText(safe.number_literal(value))
            except NetlistError:
                val = Word(safe.word(value, f"{source}: model {name} parameter {key}"))
            params.append(Param(key, val))
        out.append(Model(name, mtype, tuple(params)))

    for k, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("*"):
            close()
            current = None
            out.append(Comment(safe.comment(line[1:].strip())))
        elif line.lower().startswith(".model"):
            close()
            current = [line]
        elif line.startswith("+") and current is not None:
            current.append(line[1:])
        else:
            raise NetlistError(f"{source}, line {k}: got {line[:60]!r}; allowed: '*' comments and .model cards")
    close()
    return tuple(out)
