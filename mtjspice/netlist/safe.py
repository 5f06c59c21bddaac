"""Validation of everything that reaches a netlist.

ngspice reads a deck line by line, and a ``.control`` block can run shell commands, so a value
that smuggled in a newline, a ``;`` or a dot-command would be an injection. Here names must be
plain identifiers and values finite numbers, rendered by Python's own float formatting.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..errors import NetlistError

__all__ = ["name", "num", "filename", "title", "node", "expr", "comment", "word", "number_literal"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_NODE = re.compile(r"(?:0|[A-Za-z_][A-Za-z0-9_]{0,63})")
_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_TITLE = re.compile(r"[A-Za-z0-9 _.,:=()+/-]{0,200}")
# Behavioral expressions: the characters of arithmetic, function calls and node references only
# (no newline, no ';' or '$' comment starts, no quotes or braces).
_EXPR = re.compile(r"[A-Za-z0-9_ .,()+*/^<>-]{1,100000}")
_COMMENT = re.compile(r"[\x20-\x7e]{0,300}")
_WORD = re.compile(r"(?:=|\[|\]|[A-Za-z_][A-Za-z0-9_]{0,63})")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _matching(pattern: re.Pattern[str], value: object, what: str, allowed: str) -> str:
    """``value`` if it is a string the whole of which ``pattern`` matches (a trailing newline
    included: ``$`` alone would let one through), else :class:`NetlistError`."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: {allowed}")
    return value


def name(value: object, what: str = "name") -> str:
    """An element, model or subcircuit name: a plain identifier (letters, digits, _), <= 64 chars."""
    return _matching(_IDENT, value, what, "a plain identifier (letter or _, then letters, digits or _; "
                     "at most 64 characters)")


def node(value: object, what: str = "node") -> str:
    """A node name: ``0`` (ground) or a plain identifier."""
    return _matching(_NODE, value, what, "'0' or a plain identifier (letters, digits, _)")


def num(value: object, what: str = "value") -> str:
    """A finite real number, rendered with 15 significant digits (round-trips a float closely)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise NetlistError(f"{what}: got {value!r}; allowed: a finite real number")
    v = float(value)
    if not math.isfinite(v):
        raise NetlistError(f"{what}: got {value!r}; allowed: a finite real number")
    return f"{v:.15g}"


def filename(value: object, what: str = "file name") -> str:
    """A bare file name for ngspice's output: letters, digits, ``_ . -``, no folders, no leading ``-``."""
    return _matching(_FILE, value, what, "a bare file name of letters, digits, '_', '.', '-'")


def title(value: object) -> str:
    """The deck's first line: plain printable text without newlines or SPICE punctuation."""
    return _matching(_TITLE, value, "title", "up to 200 letters, digits, spaces and _ . , : = ( ) + / -")


def expr(value: object, what: str = "expression") -> str:
    """A behavioral expression: letters, digits, spaces and ``_ . , ( ) + - * / ^ < >`` only."""
    return _matching(_EXPR, value, what, "an arithmetic expression of letters, digits, spaces and "
                     "_ . , ( ) + - * / ^ < > (no newline, ';', '$' or quotes)")


def comment(value: object) -> str:
    """The text of a ``*`` comment line: printable ASCII, no line breaks, at most 300 characters."""
    return _matching(_COMMENT, value, "comment", "one line of printable ASCII (at most 300 characters)")


def word(value: object, what: str = "word") -> str:
    """A keyword or model name in an element's value: an identifier, ``=``, or an XSPICE vector
    port's bracket ``[`` / ``]``."""
    return _matching(_WORD, value, what, "a plain identifier, '=', '[' or ']'")


def number_literal(value: object, what: str = "number") -> str:
    """A number written as text (kept as written, e.g. ``4.0`` or ``1.25e-009``)."""
    return _matching(_NUMBER, value, what, "a decimal number such as 4.0 or 1.25e-009")
