"""Comparators as plug-ins: one class per comparator flavour, a registry, the two shipped flavours.

The neuron asks its comparator, never its name, for the comparator subcircuit, the reference offset
its latches need, its relative cost and the thread count its decks run with. ``name`` is the value
of ``NeuronSettings(comparator=...)`` and of the command line's ``--comparator``.

Contract of :meth:`Comparator.subckt`: a ``.subckt cmp inp inn en out vdd`` whose output ``out``
goes to ``vdd`` when ``en`` is high and v(inp) > v(inn) (:mod:`mtjspice.netlist.comparators`).
A comparator that draws from its inputs (``kickback``, the CMOS latches) gets its references
behind matched resistors (:func:`mtjspice.netlist.neuron.neuron_subckt`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from ..errors import ParameterError
from ..netlist.cards import parse_model_card
from ..netlist.circuit import Comment, Subckt
from ..netlist.comparators import LATCH_OFFSET, behavioral_comparator, cmos_comparator
from ..params import shipped_path
from .cost import CMOS_FACTOR

__all__ = ["Comparator", "BehavioralKind", "CmosKind", "register_comparator", "comparator_kind", "comparator_kinds",
           "COMPARATOR_KINDS", "model_card_path"]


def model_card_path() -> Path:
    """The PTM 45 nm card shipped in the package, ``models/ptm45hp.lib`` (the cmos comparator's)."""
    return shipped_path("ptm45hp.lib")


class Comparator(ABC):
    """A comparator flavour of the neuron: subclass, set ``name`` (and ``cost_factor``, ``threads``
    where they differ), implement :meth:`subckt` and register an instance with :func:`register_comparator`.

    Class attributes
    ----------------
    name : str
        Registry key: ``NeuronSettings(comparator=name)`` and ``--comparator name``.
    cost_factor : float
        CPU time of a neuron with this comparator over one with the behavioral one (-).
    threads : int or None
        ngspice threads of a deck that holds it (None: ngspice's default).
    kickback : bool
        It draws from its inputs (:attr:`mtjspice.netlist.neuroncircuit.NeuronCircuit.kickback`):
        the neuron wires its references behind matched resistors, one sensed pair per neuron.
    """

    name: ClassVar[str]
    cost_factor: ClassVar[float] = 1.0
    threads: ClassVar[int | None] = None
    kickback: ClassVar[bool] = False

    @abstractmethod
    def subckt(self, settings: Any, vdd: float) -> Subckt:
        """The comparator ``.subckt cmp inp inn en out vdd`` from the neuron settings, at supply ``vdd`` (V)."""

    def ref_offset(self, settings: Any) -> float:
        """How far the references sit out from the thresholds (V)."""
        return 0.0


class BehavioralKind(Comparator):
    """The behavioral comparator (XSPICE), referenced at its trip point without offset."""

    name = "behavioral"

    def subckt(self, settings: Any, vdd: float) -> Subckt:
        return behavioral_comparator(settings.behavioral, vdd, name="cmp")


class CmosKind(Comparator):
    """The StrongARM CMOS latch on the shipped PTM 45 nm card.

    The card's gate-tunnelling models are off (igcmod = igbmod = 0): they carry nanoamperes here but
    made each transient about 150 times slower (one comparator, 8 ns: 13 s against 0.09 s). Its
    decks run ngspice's BSIM4 evaluation on one OpenMP thread: the default two threads spin while
    they wait, and two such runs on two busy cores went from 3.5 s to over 140 s (measured)."""

    name = "cmos"
    cost_factor = CMOS_FACTOR
    threads = 1
    kickback = True

    def subckt(self, settings: Any, vdd: float) -> Subckt:
        path = model_card_path()
        card = parse_model_card(path.read_text(encoding="utf-8"), source=str(path))
        card = tuple(m.with_params(igcmod=0, igbmod=0) if not isinstance(m, Comment) else m for m in card)
        note = Comment("mtjspice: PTM card below with igcmod=0 igbmod=0 (gate tunnelling off, for speed)")
        return cmos_comparator(settings.cmos, (note, *card), name="cmp")

    def ref_offset(self, settings: Any) -> float:
        # A clocked latch has no hysteresis (it is reset every cycle); the behavioral comparator's
        # output is low when its strobe opens, so it trips at threshold + hysteresis / 2. The CMOS
        # latches are referenced to that same trip point, moved out by their measured in-situ offset.
        c = settings.cmos
        return float(c.ref_offset if c.ref_offset is not None else 0.5 * settings.behavioral.hysteresis + LATCH_OFFSET)


_REGISTRY: dict[str, Comparator] = {}


def register_comparator(kind: Comparator) -> Comparator:
    """Add ``kind`` to the registry under ``kind.name``."""
    if not isinstance(kind, Comparator):
        raise ParameterError("comparator", type(kind).__name__, "a Comparator instance")
    _REGISTRY[kind.name] = kind
    return kind


def comparator_kinds() -> tuple[str, ...]:
    """The registered comparators' names."""
    return tuple(_REGISTRY)


def comparator_kind(name: str) -> Comparator:
    """The registered comparator ``name`` (:class:`~mtjspice.errors.ParameterError` for an unknown one)."""
    if name not in _REGISTRY:
        raise ParameterError("comparator", name, " or ".join(map(repr, _REGISTRY)))
    return _REGISTRY[name]


register_comparator(BehavioralKind())
register_comparator(CmosKind())
#: The shipped comparators' names.
COMPARATOR_KINDS: tuple[str, ...] = comparator_kinds()
