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

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_NODE = re.compile(r"^(?:0|[A-Za-z_][A-Za-z0-9_]{0,63})$")
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_TITLE = re.compile(r"^[A-Za-z0-9 _.,:=()+/-]{0,200}$")
# Behavioral expressions: the characters of arithmetic, function calls and node references only
# (no newline, no ';' or '$' comment starts, no quotes or braces).
_EXPR = re.compile(r"^[A-Za-z0-9_ .,()+*/^<>-]{1,100000}$")
_COMMENT = re.compile(r"^[\x20-\x7e]{0,300}$")
_WORD = re.compile(r"^(?:=|[A-Za-z_][A-Za-z0-9_]{0,63})$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def name(value: object, what: str = "name") -> str:
    """An element, model or subcircuit name: a plain identifier (letters, digits, _), <= 64 chars."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: a plain identifier (letter or _, then letters, "
                           "digits or _; at most 64 characters)")
    return value


def node(value: object, what: str = "node") -> str:
    """A node name: ``0`` (ground) or a plain identifier."""
    if not isinstance(value, str) or not _NODE.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: '0' or a plain identifier (letters, digits, _)")
    return value


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
    if not isinstance(value, str) or not _FILE.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: a bare file name of letters, digits, '_', '.', '-'")
    return value


def title(value: object) -> str:
    """The deck's first line: plain printable text without newlines or SPICE punctuation."""
    if not isinstance(value, str) or not _TITLE.match(value):
        raise NetlistError(f"title: got {value!r}; allowed: up to 200 letters, digits, spaces and _ . , : = ( ) + / -")
    return value


def expr(value: object, what: str = "expression") -> str:
    """A behavioral expression: letters, digits, spaces and ``_ . , ( ) + - * / ^ < >`` only."""
    if not isinstance(value, str) or not _EXPR.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: an arithmetic expression of letters, digits, "
                           "spaces and _ . , ( ) + - * / ^ < > (no newline, ';', '$' or quotes)")
    return value


def comment(value: object) -> str:
    """The text of a ``*`` comment line: printable ASCII, no line breaks, at most 300 characters."""
    if not isinstance(value, str) or not _COMMENT.match(value):
        raise NetlistError(f"comment: got {value!r}; allowed: one line of printable ASCII (at most 300 characters)")
    return value


def word(value: object, what: str = "word") -> str:
    """A keyword or model name in an element's value: an identifier, or ``=``."""
    if not isinstance(value, str) or not _WORD.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: a plain identifier or '='")
    return value


def number_literal(value: object, what: str = "number") -> str:
    """A number written as text (kept as written, e.g. ``4.0`` or ``1.25e-009``)."""
    if not isinstance(value, str) or not _NUMBER.match(value):
        raise NetlistError(f"{what}: got {value!r}; allowed: a decimal number such as 4.0 or 1.25e-009")
    return value
