"""Polynomials in the state (mx, my, mz, a, q) whose coefficients are polynomials in named parameters.

:mod:`mtjspice.netlist.poly` writes the LLGS right-hand side with every coefficient a number of one
device. An includable library (:mod:`mtjspice.netlist.library`) needs the same expansion with the
coefficients left as expressions of the subcircuit's parameters (``k``, ``al``, ``nx``...), so that
ngspice computes them from each instance's W, L, T: a term is a monomial of the state times a
monomial of the parameters times a number. The expansion drops exactly the terms that vanish for
every parameter value (those of a zero component of the pinned vector, say), so the behavioral
sources keep the baked subcircuit's shape.

The state symbols are those of :data:`mtjspice.netlist.poly.SYMBOLS` (mx, my, mz and the junction
current a) and one more, ``q``: the squared junction voltage (V^2) of the field-like torque's bias
dependence, read from its own node; a polynomial without ``q`` expands and prints exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import safe
from .poly import SYMBOLS as _POLY_SYMBOLS

__all__ = ["SYMBOLS", "SymPoly", "sym_const", "sym_var", "sym_param"]

#: The state symbols: the baked polynomials' (mx, my, mz, a), then q (squared junction voltage, V^2).
SYMBOLS: tuple[str, ...] = (*_POLY_SYMBOLS, "q")
_Q = SYMBOLS.index("q")

#: A term's key: (exponents of the state symbols, sorted ((parameter, exponent), ...)).
Key = tuple[tuple[int, ...], tuple[tuple[str, int], ...]]


def _merge(p1: tuple[tuple[str, int], ...], p2: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = dict(p1)
    for name, e in p2:
        out[name] = out.get(name, 0) + e
    return tuple(sorted(out.items()))


class SymPoly:
    """A polynomial in :data:`SYMBOLS` with parameter-polynomial coefficients."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[Key, float] | None = None) -> None:
        self.terms: dict[Key, float] = {k: v for k, v in (terms or {}).items() if v != 0.0}

    def __add__(self, other: SymPoly | float) -> SymPoly:
        o = other if isinstance(other, SymPoly) else sym_const(other)
        out = dict(self.terms)
        for k, v in o.terms.items():
            out[k] = out.get(k, 0.0) + v
        return SymPoly(out)

    __radd__ = __add__

    def __neg__(self) -> SymPoly:
        return SymPoly({k: -v for k, v in self.terms.items()})

    def __sub__(self, other: SymPoly | float) -> SymPoly:
        return self + (-(other if isinstance(other, SymPoly) else sym_const(other)))

    def __rsub__(self, other: float) -> SymPoly:
        return sym_const(other) - self

    def __mul__(self, other: SymPoly | float) -> SymPoly:
        if not isinstance(other, SymPoly):
            return SymPoly({k: v * float(other) for k, v in self.terms.items()})
        out: dict[Key, float] = {}
        for (s1, p1), v1 in self.terms.items():
            for (s2, p2), v2 in other.terms.items():
                k = (tuple(a + b for a, b in zip(s1, s2, strict=True)), _merge(p1, p2))
                out[k] = out.get(k, 0.0) + v1 * v2
        return SymPoly(out)

    __rmul__ = __mul__

    def diff(self, name: str) -> SymPoly:
        """Partial derivative with respect to one state symbol."""
        i = SYMBOLS.index(name)
        out: dict[Key, float] = {}
        for (s, p), v in self.terms.items():
            if s[i]:
                ss = list(s)
                ss[i] -= 1
                k = (tuple(ss), p)
                out[k] = out.get(k, 0.0) + v * s[i]
        return SymPoly(out)

    def without(self, name: str) -> SymPoly:
        """The polynomial at ``name`` = 0 (the terms free of that state symbol)."""
        i = SYMBOLS.index(name)
        return SymPoly({k: v for k, v in self.terms.items() if k[0][i] == 0})

    def is_zero(self) -> bool:
        """True for the zero polynomial."""
        return not self.terms

    def coefficients(self) -> dict[tuple[int, ...], str]:
        """State monomial -> its coefficient as a parameter expression, in a fixed order."""
        by_state: dict[tuple[int, ...], list[tuple[tuple[tuple[str, int], ...], float]]] = {}
        for (s, p), v in sorted(self.terms.items()):
            by_state.setdefault(s, []).append((p, v))
        out = {}
        for s in sorted(by_state, key=_order):
            parts = []
            for p, v in by_state[s]:
                factors = [n for n, e in p for _ in range(e)]
                parts.append("*".join([safe.num(v), *factors]) if v != 1.0 or not factors else "*".join(factors))
            out[s] = " + ".join(parts).replace("+ -", "- ")
        return out

    def coefficient_values(self, values: Mapping[str, float]) -> dict[tuple[int, ...], float]:
        """State monomial -> its coefficient's value with the parameters at ``values``."""
        out: dict[tuple[int, ...], float] = {}
        for (s, p), v in self.terms.items():
            term = v
            for name, e in p:
                term *= values[name] ** e
            out[s] = out.get(s, 0.0) + term
        return out

    def spice(self, names: Mapping[str, str], coef: Mapping[tuple[int, ...], str]) -> str:
        """The polynomial as an ngspice expression: state symbols replaced by ``names``, the
        coefficient of each state monomial by ``coef[monomial]`` (a parameter name, or a product
        such as ``2*f1_3``). Grouped by the power of ``a`` as P0 + a*(P1) + ..., like
        :meth:`mtjspice.netlist.poly.Poly.spice`."""
        monos = sorted({s for s, _ in self.terms}, key=_order)
        by_a: dict[int, list[str]] = {}
        for s in monos:
            factors = [names[SYMBOLS[i]] for i in (0, 1, 2, _Q) for _ in range(s[i])]
            by_a.setdefault(s[3], []).append("*".join([coef[s], *factors]))
        groups = []
        for pa, parts in sorted(by_a.items()):
            body = " + ".join(parts).replace("+ -", "- ")
            groups.append(body if pa == 0 else "*".join([names["a"]] * pa) + f"*({body})")
        return " + ".join(groups).replace("+ -", "- ") if groups else "0"


def _order(s: tuple[int, ...]) -> tuple[int, int, list[int]]:
    return (s[3], s[_Q], [-e for e in s[:3]])


def sym_const(c: float) -> SymPoly:
    """The constant ``c``."""
    return SymPoly({((0,) * len(SYMBOLS), ()): float(c)})


def sym_var(name: str) -> SymPoly:
    """One state symbol."""
    k = [0] * len(SYMBOLS)
    k[SYMBOLS.index(name)] = 1
    return SymPoly({(tuple(k), ()): 1.0})


def sym_param(name: str) -> SymPoly:
    """One named parameter (a plain identifier)."""
    return SymPoly({((0,) * len(SYMBOLS), ((safe.name(name, "parameter name"), 1),)): 1.0})
