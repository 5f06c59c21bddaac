"""An array of signed LIF neurons fed by a resistive crossbar: pure string builders.

Topology (N inputs x M neurons)::

    Vin_i --Rdrv_i-- row_i --+-- G+_ij --> colp_j  (virtual ground, 0 V sense source Vcp)
                              +-- G-_ij --> coln_j  (virtual ground, 0 V sense source Vcn)
    neuron j input current  I_j = i(Vcp_j) - i(Vcn_j)      (two linear CCCS, F elements)
                            = sum_i V_row_i (G+_ij - G-_ij)  (Kirchhoff, columns at 0 V)

Why this scheme
---------------
* **Signed weights as differential columns.** A conductance is positive, so a signed weight
  w_ij (S) is the difference of two: ``G+ = g_min + max(w, 0)``, ``G- = g_min + max(-w, 0)``.
  ``g_min`` is the off-state of a programmable resistor; it cancels in the difference.
* **Columns at virtual ground, neuron fed by a current mirror.** Each column ends in a 0 V
  source ``Vcp<j>`` / ``Vcn<j>`` (an ideal transimpedance / the input of a current conveyor), and
  a linear CCCS ``Fp<j>`` / ``Fn<j>`` copies the positive column into the neuron's input node
  ``ni<j>`` and the negative column out of it. The
  neuron's input node therefore never loads the crossbar: the neuron steers its input away from
  the junction during read windows (:mod:`mtjspice.netlist.neuron`) and its node voltage jumps
  with the junction's state, yet the column currents stay exactly the Kirchhoff sum. The mirror
  is ideal (stock SPICE ``F``): its supply cost is not modelled, only the energy it delivers.
* **Independent neurons.** With ideal virtual grounds the crossbar is a linear network driven by
  the inputs and terminated at 0 V, so no neuron's state reaches another. With ideal (zero
  resistance) row and column wires each column's currents depend only on the row voltages,
  and each row voltage only on its driver and the row's total conductance. A *part* of the array
  (a subset of neurons) is then exact if it keeps its own columns and replaces every other
  column on a row by one lumped conductance to ground (:func:`array_blocks` ``columns=``).
  With wire resistance the row voltages differ cell by cell, and the runner keeps one netlist.
* **Shared lines.** Read clock, comparator strobe, read bias, comparator supply and both
  thresholds are one source each at the top level (:func:`mtjspice.netlist.neuron.shared_sources`),
  fed to every neuron through its ports; inside each neuron a 0 V sense source per rail keeps the
  energy bookkeeping per neuron.
* **Drivers.** Each row driver is an ideal voltage source behind an output resistance
  ``r_driver`` plus a static bias current ``i_driver_static`` drawn from a shared driver supply
  ``v_driver_supply``: the drivers' energy is I^2 r_driver plus that bias.

Each neuron is an instance ``XN<j>`` of the neuron subcircuit
(:func:`mtjspice.netlist.neuron.neuron_subckt`), connected by its ports; its probes are the
neuron's own, seen through the instance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ParameterError
from ..stimulus import Waveform
from .circuit import Comment, Element, Item, Probe, Word
from .neuron import NeuronBlock, NeuronCircuit, NeuronProbes, shared_sources
from .sources import vsource

__all__ = ["ArrayCircuit", "ArrayProbes", "ArrayBlock", "split_conductances", "array_block", "neuron_instance"]


@dataclass(frozen=True)
class ArrayCircuit:
    """Crossbar and driver values of the array (SI units).

    Attributes
    ----------
    g_min : float
        Off-state conductance of every crossbar device (S, >= 0); cancels in G+ - G-.
    r_driver : float
        Output resistance of each row driver (Ohm, >= 0; 0 means an ideal driver).
    i_driver_static : float
        Static bias current of each row driver (A, >= 0), drawn from ``v_driver_supply``.
    v_driver_supply : float
        Driver supply voltage (V, > 0).
    r_wire : float
        Wire resistance per crossbar cell on rows and columns (Ohm, >= 0). > 0 couples the
        columns through the rows: the array then runs as one netlist.
    mirror_gain : float
        Gain of the column current mirrors (dimensionless, > 0).
    """

    g_min: float = 1e-6
    r_driver: float = 10.0
    i_driver_static: float = 10e-6
    v_driver_supply: float = 1.0
    r_wire: float = 0.0
    mirror_gain: float = 1.0

    def __post_init__(self) -> None:
        for name in ("r_driver", "i_driver_static", "r_wire"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(name, v, "a finite number >= 0 (SI units)")
        if not (isinstance(self.g_min, (int, float)) and math.isfinite(self.g_min) and self.g_min > 0):
            raise ParameterError("g_min", self.g_min, "a conductance > 0 (S): the off state of a programmable "
                                 "resistor; 0 would leave an open circuit where a resistor stands")
        for name in ("v_driver_supply", "mirror_gain"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(name, v, "a finite number > 0")

    @property
    def coupled(self) -> bool:
        """True when the neurons share a wire network (``r_wire > 0``) and must run as one netlist."""
        return self.r_wire > 0


def split_conductances(weights: np.ndarray, g_min: float) -> tuple[np.ndarray, np.ndarray]:
    """(G+, G-) in S for signed weights (S): ``G+ - G- = w``, both >= ``g_min``."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or not np.all(np.isfinite(w)):
        raise ParameterError("weights", w.shape, "a finite N x M array of conductances (S)")
    return g_min + np.maximum(w, 0.0), g_min + np.maximum(-w, 0.0)


def neuron_instance(j: int) -> str:
    """Instance name of neuron ``j`` (0-based): ``XN0``, ``XN1``..."""
    return f"XN{int(j)}"


@dataclass(frozen=True)
class ArrayProbes:
    """What an array deck writes.

    Attributes
    ----------
    rows : tuple of (Probe, Probe, Probe)
        Per input: the row source's current (A), its voltage and the row's driven end (V).
    columns : dict of int to (Probe, Probe)
        Per neuron in the deck: the currents of its positive and negative column (A).
    neurons : dict of int to NeuronProbes
        Per neuron in the deck: its own probes, through its instance.
    i_driver_supply : Probe
        The drivers' shared supply current (A).
    row_far : tuple of Probe
        With wire resistance: per input, the row's far end (V), where it sags most; else empty
        (the driven end is the whole row).
    column_far : dict of int to (Probe, Probe)
        With wire resistance: per neuron, the far (top) end of its positive and negative column
        (V); else empty (the columns are ideal virtual grounds at 0 V).
    """

    rows: tuple[tuple[Probe, Probe, Probe], ...]
    columns: dict[int, tuple[Probe, Probe]]
    neurons: dict[int, NeuronProbes]
    i_driver_supply: Probe
    row_far: tuple[Probe, ...] = ()
    column_far: dict[int, tuple[Probe, Probe]] = field(default_factory=dict)

    def all(self) -> tuple[Probe, ...]:
        """Every probe: rows, then per neuron its columns and its own probes, then the driver supply."""
        out = [p for row in self.rows for p in row]
        for j, (cp, cn) in self.columns.items():
            out += [cp, cn, *self.neurons[j].all()]
        out.append(self.i_driver_supply)
        out += [*self.row_far, *(p for pair in self.column_far.values() for p in pair)]
        return tuple(out)


@dataclass(frozen=True)
class ArrayBlock:
    """The array's top-level items (shared lines, drivers, crossbar, neurons) and their probes."""

    items: tuple[Item, ...]
    probes: ArrayProbes


def array_block(weights: np.ndarray, inputs: Sequence[Waveform | float], circuit: NeuronCircuit,
                neuron: NeuronBlock | Mapping[int, NeuronBlock], arr: ArrayCircuit,
                columns: Sequence[int] | None = None) -> ArrayBlock:
    """The array: shared lines, row drivers, crossbar, column interfaces and neuron instances.

    Parameters
    ----------
    weights : (N, M) array
        Signed synaptic weights, conductances in S (G+ - G-).
    inputs : sequence of N waveforms or floats
        Row driver voltages (V).
    circuit : NeuronCircuit
        The resolved neuron (its clock, read bias, supply and thresholds go on the shared lines).
    neuron : NeuronBlock, or mapping of int to NeuronBlock
        The neuron subcircuit built from ``circuit`` and its probes; or one per column (neurons
        that differ, e.g. each MTJ with its own thermal noise).
    arr : ArrayCircuit
        Crossbar and driver values.
    columns : sequence of int, optional
        The neurons (0-based) this deck contains; default all. A partial deck lumps every other
        column's conductance on each row into one resistor to ground (exact only without wire
        resistance).
    """
    w = np.asarray(weights, dtype=float)
    gp, gn = split_conductances(w, arr.g_min)
    n_in, m = w.shape
    if len(inputs) != n_in:
        raise ParameterError("inputs", len(inputs), f"one driver waveform per weight row ({n_in})")
    cols = list(range(m)) if columns is None else [int(j) for j in columns]
    if not cols or len(set(cols)) != len(cols) or min(cols) < 0 or max(cols) >= m:
        raise ParameterError("columns", columns, f"distinct neuron indices in 0..{m - 1}")
    if columns is not None and len(cols) < m and arr.coupled:
        raise ParameterError("columns", columns, "all neurons: with wire resistance the array is one netlist")
    wire = arr.coupled
    part = f" (part: neurons {cols[0]}..{cols[-1]}, {len(cols)} of {m})" if len(cols) < m else ""
    items: list[Item] = [Comment(f"---- array: {n_in} inputs x {m} neurons{part} ----"), *shared_sources(circuit),
                         Comment("row drivers: ideal source, output resistance, static bias from the driver supply")]
    v_supply = vsource("drvdd", "vdrvdd", "0", arr.v_driver_supply)
    items.append(v_supply)
    rows = []
    for i, wave in enumerate(inputs):
        src, row0 = f"src{i}", (f"row{i}_0" if wire else f"row{i}")
        v_in = vsource(f"in{i}", src, "0", wave)
        items.append(v_in)
        items.append(Element(f"Rdrv{i}", (src, row0), (arr.r_driver,)) if arr.r_driver > 0
                     else Element(f"Vdrv{i}", (src, row0), (0,)))
        if arr.i_driver_static > 0:
            items.append(Element(f"Idrv{i}", ("vdrvdd", "0"), (Word("DC"), arr.i_driver_static)))
        rows.append((Probe.current(v_in), Probe.node(src), Probe.node(row0)))
    items.append(Comment("crossbar: G+ (colp) and G- (coln) per cell; weight = G+ - G- (S)"))
    others = [j for j in range(m) if j not in set(cols)]
    for i in range(n_in):
        for j in cols:
            if wire:
                # row wire from the driver (row{i}_0) to cell j's tap row{i}_{j+1}; column wire from
                # cell i's tap cp{j}_{i} down to cp{j}_{N}, where the column's virtual ground sits
                rn = f"row{i}_{j + 1}"
                items += [Element(f"Rwr{i}_{j}", (f"row{i}_{j}", rn), (arr.r_wire,)),
                          Element(f"Rp{i}_{j}", (rn, f"cp{j}_{i}"), (1.0 / gp[i, j],)),
                          Element(f"Rn{i}_{j}", (rn, f"cn{j}_{i}"), (1.0 / gn[i, j],)),
                          Element(f"Rwp{i}_{j}", (f"cp{j}_{i}", f"cp{j}_{i + 1}"), (arr.r_wire,)),
                          Element(f"Rwn{i}_{j}", (f"cn{j}_{i}", f"cn{j}_{i + 1}"), (arr.r_wire,))]
            else:
                items += [Element(f"Rp{i}_{j}", (f"row{i}", f"cp{j}"), (1.0 / gp[i, j],)),
                          Element(f"Rn{i}_{j}", (f"row{i}", f"cn{j}"), (1.0 / gn[i, j],))]
        if others:
            g_rest = float(np.sum(gp[i, others]) + np.sum(gn[i, others]))
            items.append(Element(f"Rrest{i}", (f"row{i}", "0"), (1.0 / g_rest,)))
    items.append(Comment(f"neurons: column virtual grounds (0 V), current mirrors into each neuron's input "
                         f"ni<j>, instances ({len(cols)})"))
    col_probes, neuron_probes = {}, {}
    for j in cols:
        cp, cn = (f"cp{j}_{n_in}", f"cn{j}_{n_in}") if wire else (f"cp{j}", f"cn{j}")
        v_cp, v_cn = Element(f"Vcp{j}", (cp, "0"), (0,)), Element(f"Vcn{j}", (cn, "0"), (0,))
        nb = neuron if isinstance(neuron, NeuronBlock) else neuron[j]
        inst = nb.subckt.instance(neuron_instance(j), ni=f"ni{j}")
        items += [v_cp, v_cn, Element(f"Fp{j}", ("0", f"ni{j}"), (Word(v_cp.name), arr.mirror_gain)),
                  Element(f"Fn{j}", (f"ni{j}", "0"), (Word(v_cn.name), arr.mirror_gain)), inst]
        col_probes[j] = (Probe.current(v_cp), Probe.current(v_cn))
        neuron_probes[j] = nb.probes.inside(inst)
    far_rows = tuple(Probe.node(f"row{i}_{m}") for i in range(n_in)) if wire else ()
    far_cols = {j: (Probe.node(f"cp{j}_0"), Probe.node(f"cn{j}_0")) for j in cols} if wire else {}
    return ArrayBlock(tuple(items), ArrayProbes(tuple(rows), col_probes, neuron_probes, Probe.current(v_supply),
                                                far_rows, far_cols))
