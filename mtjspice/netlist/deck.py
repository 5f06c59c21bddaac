"""A runnable deck as data: title, top-level items, analysis, options, probes.

:meth:`Deck.text` renders it (through :mod:`mtjspice.netlist.render`) into a deck that runs
unchanged with ``ngspice -b``: its control block writes the probes' vectors (to a binary raw
file with ``write``, or as ``wrdata`` text columns for a ``.txt`` data file) and quits.
``Deck.text(control=False)`` is the circuit alone, for the shared-library engine. Initial
conditions come from the subcircuits: every instance of a subcircuit that declares ``ic`` (the
MTJ's magnetization) gets its ``.ic`` line under its hierarchical name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import NetlistError, ParameterError
from . import safe
from .circuit import Item, Probe, Word

__all__ = ["Analysis", "Deck", "FileName", "MIN_BREAK", "TIME_OPTIONS"]

#: ngspice's ``minbreak`` in every deck (s): breakpoints (source corners, XSPICE events) closer
#: than this are merged into one. ngspice with XSPICE sets it to 10 x delmin = 1e-10 x the maximum
#: step (5e-22 s at a 5 ps step), below one rounding unit of the time beyond about 2 us; then two
#: corners that should coincide (a read-clock edge and an input edge, computed by different
#: sources) can land one rounding unit apart, ngspice cuts its step to a tenth of their distance
#: and stops with "Timestep too small". 1 fs merges every such pair in runs up to 10 ms and is far
#: below any time the circuits resolve (edges of 10 ps); measured in docs/notes-ngspice.md.
MIN_BREAK = 1e-15
#: Options every deck carries, under its own (:attr:`Deck.options` may override them).
TIME_OPTIONS: dict[str, float | str] = {"minbreak": MIN_BREAK}


class FileName(Word):
    """A model parameter naming a data file beside the netlist (a :attr:`Deck.attachments` key):
    rendered in double quotes after :func:`safe.filename` (no folders, no quotes)."""


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

    def __post_init__(self) -> None:
        for name in ("t_stop", "t_step"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0 and v < float("inf")):
                raise ParameterError(name, v, "a time > 0 (s)")


@dataclass(frozen=True)
class Deck:
    """A complete deck.

    Attributes
    ----------
    title : str
        First line (plain text).
    items : tuple
        Top-level elements, instances, comments and model cards; the subcircuits the instances
        use are written above them, each once.
    analysis : Analysis
        The transient analysis.
    options : mapping
        ``.options`` (numbers or plain words, e.g. ``method=trap``); rendered after
        :data:`TIME_OPTIONS`, which every deck carries (:attr:`all_options`).
    probes : tuple of Probe
        What the control block writes; no control block when empty.
    ic : mapping of str to float
        Extra ``.ic v(node)=value`` entries (V) for top-level nodes (hierarchical names allowed).
    data_file : str
        The file the control block writes (a bare name): ``*.raw`` an ngspice binary raw file
        (the default, ``waveforms.raw``; read it with :func:`mtjspice.sim.read_output`, or ``load``
        it in ngspice), any other name ``wrdata`` text columns.
    threads : int or None
        ``set num_threads=N`` for ngspice's OpenMP device evaluation (None: ngspice's default).
    attachments : mapping of str to str
        Data files the deck reads (e.g. an MTJ's thermal-noise samples), file name -> text, to be
        written beside the netlist (:mod:`mtjspice.sim` does); bare file names only.
    """

    title: str
    items: tuple[Item, ...]
    analysis: Analysis
    options: Mapping[str, float | str] = field(default_factory=dict)
    probes: tuple[Probe, ...] = ()
    ic: Mapping[str, float] = field(default_factory=dict)
    data_file: str = "waveforms.raw"
    threads: int | None = None
    attachments: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, text in self.attachments.items():
            safe.filename(name, "attachment file name")
            if name.lower() == str(self.data_file).lower():
                raise NetlistError(f"attachment file name: got {name!r}; allowed: a name other than the "
                                   f"deck's data file {self.data_file!r}")
            if not isinstance(text, str):
                raise NetlistError(f"attachment {name}: got {type(text).__name__}; allowed: text")

    @property
    def all_options(self) -> dict[str, float | str]:
        """The ``.options`` the deck writes: :data:`TIME_OPTIONS`, then :attr:`options` (which win)."""
        return {**TIME_OPTIONS, **self.options}

    @property
    def vectors(self) -> list[str]:
        """The probes' ngspice vector names, in order."""
        return [p.vector for p in self.probes]

    def text(self, control: bool = True) -> str:
        """The deck as ngspice text (``control=False``: without the batch control block)."""
        from .render import render_deck

        return render_deck(self, control=control)
