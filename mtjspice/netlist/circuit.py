"""Circuits as data: elements, model cards, subcircuits with named ports, instances and probes.

Builders return these objects and never text; :mod:`mtjspice.netlist.render` writes the ngspice
text in one place, passing every name and value through :mod:`mtjspice.netlist.safe`. A larger
circuit uses a smaller one by instantiating its :class:`Subckt` with a port map, so no builder
ever edits another builder's output.

Every element value is a tuple of *tokens*: a number (rendered by :func:`safe.num`), a
:class:`Word` (a keyword or model name), a :class:`Param` (``key=value``), an :class:`Expr` (a
behavioral expression, restricted to the characters of arithmetic) or a :class:`Wave` (an
independent source's waveform from :mod:`mtjspice.stimulus`). Nothing else can reach a deck.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import NetlistError
from ..stimulus import Waveform
from . import safe

__all__ = [
    "Word",
    "Param",
    "Expr",
    "Wave",
    "Token",
    "Comment",
    "Element",
    "Model",
    "Subckt",
    "Instance",
    "Item",
    "Probe",
    "instance_name",
]


@dataclass(frozen=True)
class Word:
    """A plain word: a keyword (``DC``, ``I``, ``V``, ``=``) or a model name."""

    text: str


@dataclass(frozen=True)
class Param:
    """``key=value``; the value is a number, a word (``TRUE``, ``trap``), a number literal kept as
    written (:class:`NumText`), or a list of numbers rendered ``[a b]``."""

    key: str
    value: float | int | Word | NumText | ParamExpr | tuple[float, ...]


@dataclass(frozen=True)
class NumText:
    """A number literal kept exactly as a model card writes it (``4.0``, ``1.25e-009``)."""

    text: str


@dataclass(frozen=True)
class Expr:
    """A behavioral-source expression, e.g. ``V(n1,t2)*(1e-3 + 2e-4*V(my))``."""

    text: str


@dataclass(frozen=True)
class ParamExpr:
    """A parameter expression, evaluated by ngspice when it expands the deck: rendered ``{text}``
    (e.g. ``{area/RA}``), restricted like :class:`Expr`; for values that depend on ``.subckt``
    parameters (an element's value, a ``Param``'s value)."""

    text: str


@dataclass(frozen=True)
class Wave:
    """An independent source's value: a waveform or a constant (A or V)."""

    waveform: Waveform | float


Token = float | int | Word | Param | Expr | ParamExpr | Wave


@dataclass(frozen=True)
class Comment:
    """A ``*`` comment line (one line of plain text)."""

    text: str


@dataclass(frozen=True)
class ParamDef:
    """A ``.param NAME = {expr}`` line; inside a subcircuit it is local to each instance and may use
    the subcircuit's parameters."""

    name: str
    expr: str

    def __post_init__(self) -> None:
        safe.name(self.name, "parameter name")
        safe.expr(self.expr, f"parameter {self.name}")


@dataclass(frozen=True)
class IcDef:
    """A ``.ic v(node)={expr}`` line inside a subcircuit: ngspice applies it to every instance (the
    operating point holds the node there; with ``uic`` it is the node's initial voltage)."""

    node: str
    expr: str

    def __post_init__(self) -> None:
        safe.node(self.node, "initial-condition node")
        safe.expr(self.expr, f"initial condition of {self.node}")


@dataclass(frozen=True)
class Element:
    """One primitive element: ``NAME NODE... TOKEN...``.

    Attributes
    ----------
    name : str
        The element's SPICE name; its first letter is its kind (R, C, V, I, B, E, F, G, S, M, A).
    nodes : tuple of str
        Its terminals, in the order its kind defines.
    value : tuple of tokens
        Everything after the nodes.
    """

    name: str
    nodes: tuple[str, ...]
    value: tuple[Token, ...] = ()

    def __post_init__(self) -> None:
        safe.name(self.name, "element name")
        for n in self.nodes:
            safe.node(n, f"node of {self.name}")

    @property
    def kind(self) -> str:
        """The element's kind, its upper-case first letter."""
        return self.name[0].upper()


@dataclass(frozen=True)
class Model:
    """A ``.model NAME TYPE (params)`` card; ``params`` keep their order."""

    name: str
    type: str
    params: tuple[Param, ...] = ()

    def __post_init__(self) -> None:
        safe.name(self.name, "model name")
        safe.name(self.type, "model type")

    def with_params(self, **changes: float | int | Word | NumText) -> Model:
        """A copy with some parameters replaced (each must exist)."""
        lower = {k.lower(): v for k, v in changes.items()}  # SPICE parameter names ignore case
        keys = {p.key.lower() for p in self.params}
        for k in changes:
            if k.lower() not in keys:
                raise NetlistError(f"model {self.name} parameter: got {k!r}; allowed: one of its parameters")
        new = tuple(Param(p.key, lower[p.key.lower()]) if p.key.lower() in lower else p for p in self.params)
        return Model(self.name, self.type, new)


@dataclass(frozen=True)
class Instance:
    """``X<name>``: an instance of ``subckt`` with each port connected to a node.

    ``connections`` maps every port name of the subcircuit to a node of the enclosing circuit;
    ``params`` sets instance parameters of a subcircuit that declares them (``W=1.1e-08``, or an
    expression ``W={agauss(10n, 0.5n, 3)}``).
    """

    name: str
    subckt: Subckt
    connections: Mapping[str, str]
    params: tuple[tuple[str, float | ParamExpr], ...] = ()

    def __post_init__(self) -> None:
        safe.name(self.name, "instance name")
        if not self.name.lower().startswith("x"):
            raise NetlistError(f"instance name: got {self.name!r}; allowed: a name starting with X")
        ports, given = set(self.subckt.ports), set(self.connections)
        if ports != given:
            raise NetlistError(f"instance {self.name} of {self.subckt.name}: ports {sorted(ports)}, "
                               f"got connections for {sorted(given)}")
        for n in self.connections.values():
            safe.node(n, f"node of {self.name}")
        declared = {k.lower() for k, _ in self.subckt.params}
        for key, _ in self.params:
            if safe.name(key, f"parameter of {self.name}").lower() not in declared:
                raise NetlistError(f"instance {self.name} parameter: got {key!r}; allowed: a parameter of "
                                   f"{self.subckt.name} ({', '.join(k for k, _ in self.subckt.params) or 'none'})")

    @property
    def nodes(self) -> tuple[str, ...]:
        """The connected nodes in the subcircuit's port order."""
        return tuple(self.connections[p] for p in self.subckt.ports)


Item = Element | Instance | Comment | Model | ParamDef | IcDef


@dataclass(frozen=True)
class Subckt:
    """``.subckt NAME PORT... / .ends``.

    Attributes
    ----------
    name : str
        Subcircuit name.
    ports : tuple of str
        Port names in order.
    items : tuple
        Elements, instances, comments and local model cards.
    header : tuple of str
        Comment lines written above the definition.
    ic : tuple of (node, value)
        Initial conditions (V) of internal nodes; the deck writes one ``.ic`` per instance,
        with the instance's hierarchical name.
    models : tuple of Model and Comment
        Model cards (with their comments) the subcircuit uses that belong at the top level of a
        deck: written once per deck after the definition, however many instances.
    params : tuple of (name, default)
        Instance parameters with their defaults, ``.subckt NAME PORTS params: NAME=DEFAULT ...``.
    """

    name: str
    ports: tuple[str, ...]
    items: tuple[Item, ...]
    header: tuple[str, ...] = ()
    ic: tuple[tuple[str, float], ...] = ()
    models: tuple[Model | Comment, ...] = ()
    params: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        safe.name(self.name, "subcircuit name")
        for key, default in self.params:
            safe.name(key, f"parameter of {self.name}")
            safe.num(default, f"default of parameter {key} of {self.name}")
        for p in self.ports:
            safe.node(p, f"port of {self.name}")
        if len(set(self.ports)) != len(self.ports):
            raise NetlistError(f"subcircuit {self.name}: repeated port in {self.ports}")
        for node, _ in self.ic:
            if node in self.ports:
                raise NetlistError(f"subcircuit {self.name} ic: got port {node!r}; allowed: an internal node "
                                   "(ngspice ignores .ic on a port's hierarchical name)")

    def instance(self, name: str, params: Mapping[str, float | ParamExpr] | None = None,
                 **connections: str) -> Instance:
        """An instance ``name`` of this subcircuit; unnamed ports connect to the node of their name;
        ``params`` sets instance parameters."""
        conn = {p: connections.pop(p, p) for p in self.ports}
        if connections:
            raise NetlistError(f"instance {name} of {self.name}: no port(s) {sorted(connections)}")
        return Instance(name, self, conn, tuple((params or {}).items()))

    def element(self, name: str) -> Element:
        """The element called ``name`` (case-insensitive)."""
        for it in self.items:
            if isinstance(it, Element) and it.name.lower() == name.lower():
                return it
        raise NetlistError(f"subcircuit {self.name}: no element {name!r}")

    def subckts(self) -> Iterator[Subckt]:
        """Every subcircuit this one instantiates, depth first, dependencies before users."""
        for it in self.items:
            if isinstance(it, Instance):
                yield from it.subckt.subckts()
                yield it.subckt


def instance_name(name: str) -> str:
    """The hierarchical prefix ngspice gives an instance (lower case, e.g. ``xn0``)."""
    return safe.name(name, "instance name").lower()


@dataclass(frozen=True)
class Probe:
    """A vector a deck can write: a node voltage or a voltage source's current.

    ``path`` is the chain of instance names ending with the node or source name, relative to the
    circuit that defines it; :meth:`inside` prefixes an instance, so a subcircuit's probes follow
    it into any larger circuit. :attr:`vector` is ngspice's name for it:
    ``v(xn0.xmtj.my)``, ``i(vsense)``, ``i(v.xn0.vsi)``.
    """

    kind: Literal["v", "i"]
    path: tuple[str, ...]

    @classmethod
    def node(cls, node: str) -> Probe:
        """The voltage of ``node`` (V)."""
        return cls("v", (safe.node(node),))

    @classmethod
    def current(cls, source: Element) -> Probe:
        """The current through voltage source ``source`` (A), entering its first node."""
        if source.kind != "V":
            raise NetlistError(f"current probe: got element {source.name!r}; allowed: a voltage source (V...)")
        return cls("i", (source.name.lower(),))

    def inside(self, instance: str | Instance) -> Probe:
        """The same probe seen from the circuit that holds ``instance``."""
        inst = instance.name if isinstance(instance, Instance) else instance
        return Probe(self.kind, (instance_name(inst), *self.path))

    @property
    def vector(self) -> str:
        """ngspice's vector name."""
        if self.kind == "v":
            return "v(" + ".".join(self.path).lower() + ")"
        if len(self.path) == 1:
            return f"i({self.path[0].lower()})"
        return "i(v." + ".".join(self.path).lower() + ")"


def collect_subckts(items: Sequence[Item]) -> list[Subckt]:
    """Every subcircuit the items use, each once, dependencies first; two different definitions
    under one name are an error."""
    seen: dict[str, Subckt] = {}
    for it in items:
        if isinstance(it, Instance):
            for s in (*it.subckt.subckts(), it.subckt):
                old = seen.get(s.name.lower())
                if old is not None and old is not s and old != s:
                    raise NetlistError(f"subcircuit name {s.name!r} is defined twice with different contents")
                seen[s.name.lower()] = s
    return list(seen.values())


def walk_ic(items: Sequence[Item], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, float]]:
    """``(hierarchical node, value)`` for every instance's declared initial conditions."""
    for it in items:
        if isinstance(it, Instance):
            path = (*prefix, instance_name(it.name))
            for node, value in it.subckt.ic:
                yield ".".join((*path, node)), value
            yield from walk_ic(it.subckt.items, path)


__all__ += ["FileName", "NumText", "collect_subckts", "walk_ic", "ParamExpr", "ParamDef", "IcDef"]


class FileName(Word):
    """A model parameter naming a data file beside the netlist (a :attr:`Deck.attachments` key):
    rendered in double quotes after :func:`safe.filename` (no folders, no quotes)."""
