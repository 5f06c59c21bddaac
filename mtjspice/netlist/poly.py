"""A tiny exact polynomial algebra for writing the LLGS equations as behavioral-source text.

A polynomial is a dict from exponent tuples over the symbols (mx, my, mz, a) to float
coefficients. Building the right-hand side symbolically drops every term that vanishes for the
device (a pinned vector along y leaves no p_x or p_z terms), so the B-source expressions ngspice
differentiates at every step are as short as the physics allows, and a test can evaluate the
same polynomial against the numpy kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import safe

__all__ = ["Poly", "SYMBOLS", "const", "var"]

#: The symbols: the magnetization components and the reduced torque a = a_J / Ms.
SYMBOLS: tuple[str, ...] = ("mx", "my", "mz", "a")


class Poly:
    """A polynomial in :data:`SYMBOLS` with float coefficients."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[tuple[int, ...], float] | None = None) -> None:
        self.terms: dict[tuple[int, ...], float] = {k: v for k, v in (terms or {}).items() if v != 0.0}

    def __add__(self, other: Poly | float) -> Poly:
        o = other if isinstance(other, Poly) else const(other)
        out = dict(self.terms)
        for k, v in o.terms.items():
            out[k] = out.get(k, 0.0) + v
        return Poly(out)

    __radd__ = __add__

    def __neg__(self) -> Poly:
        return Poly({k: -v for k, v in self.terms.items()})

    def __sub__(self, other: Poly | float) -> Poly:
        return self + (-(other if isinstance(other, Poly) else const(other)))

    def __rsub__(self, other: float) -> Poly:
        return const(other) - self

    def __mul__(self, other: Poly | float) -> Poly:
        if not isinstance(other, Poly):
            return Poly({k: v * float(other) for k, v in self.terms.items()})
        out: dict[tuple[int, ...], float] = {}
        for k1, v1 in self.terms.items():
            for k2, v2 in other.terms.items():
                k = tuple(a + b for a, b in zip(k1, k2, strict=True))
                out[k] = out.get(k, 0.0) + v1 * v2
        return Poly(out)

    __rmul__ = __mul__

    def diff(self, name: str) -> Poly:
        """Partial derivative with respect to one symbol."""
        i = SYMBOLS.index(name)
        out: dict[tuple[int, ...], float] = {}
        for k, v in self.terms.items():
            if k[i]:
                kk = list(k)
                kk[i] -= 1
                out[tuple(kk)] = out.get(tuple(kk), 0.0) + v * k[i]
        return Poly(out)

    def is_zero(self) -> bool:
        """True for the zero polynomial."""
        return not self.terms

    def evaluate(self, values: Sequence[np.ndarray | float]) -> np.ndarray | float:
        """Value at ``values`` (one per symbol, arrays broadcast)."""
        total: np.ndarray | float = 0.0
        for k, v in self.terms.items():
            term: np.ndarray | float = v
            for x, e in zip(values, k, strict=True):
                if e:
                    term = term * np.asarray(x) ** e
            total = total + term
        return total

    def spice(self, names: Mapping[str, str]) -> str:
        """The polynomial as an ngspice expression, symbols replaced by ``names`` (e.g. 'V(mx)').

        Terms are grouped by their power of ``a`` so the expression reads P0 + a*(P1) + ...
        """
        by_a: dict[int, list[tuple[tuple[int, ...], float]]] = {}
        for k, v in sorted(self.terms.items(), key=lambda kv: (kv[0][3], [-e for e in kv[0][:3]])):
            by_a.setdefault(k[3], []).append((k, v))
        groups = []
        for pa, items in sorted(by_a.items()):
            parts = []
            for k, v in items:
                factors = [names[SYMBOLS[i]] for i in range(3) for _ in range(k[i])]
                mono = "*".join(factors)
                parts.append(f"{safe.num(v)}*{mono}" if mono else safe.num(v))
            body = " + ".join(parts).replace("+ -", "- ")
            if pa == 0:
                groups.append(body)
            else:
                groups.append("*".join([names["a"]] * pa) + f"*({body})")
        return " + ".join(groups).replace("+ -", "- ") if groups else "0"


def const(c: float) -> Poly:
    """The constant polynomial ``c``."""
    return Poly({(0, 0, 0, 0): float(c)})


def var(name: str) -> Poly:
    """The polynomial equal to one symbol."""
    k = [0, 0, 0, 0]
    k[SYMBOLS.index(name)] = 1
    return Poly({tuple(k): 1.0})
