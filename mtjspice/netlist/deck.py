"""A runnable deck as data: title, top-level items, analysis, options, probes.

:meth:`Deck.text` (:func:`render_deck`) assembles its text from :mod:`mtjspice.netlist.render`'s
items and subcircuits plus the deck's own lines (all through :mod:`mtjspice.netlist.safe`): a deck that runs
unchanged with ``ngspice -b``: its control block writes the probes' vectors (to a binary raw
file with ``write``, or as ``wrdata`` text columns for a ``.txt`` data file) and quits.
``Deck.text(control=False)`` is the circuit alone, for the shared-library engine. Initial
conditions come from the subcircuits: every instance of a subcircuit that declares ``ic`` (the
MTJ's magnetization) gets its ``.ic`` line under its hierarchical name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import NetlistError, ParameterError
from . import safe
from .circuit import Comment, FileName, Instance, Item, Model, Probe, Subckt, collect_subckts, walk_ic
from .render import WRITE_CHUNK, options_line, render_item, render_model, render_subckt, vector_name

__all__ = ["Analysis", "Deck", "FileName", "MIN_BREAK", "TIME_OPTIONS", "render_deck"]

_IC_NODE = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")

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
        return render_deck(self, control=control)


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
