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
  source (an ideal transimpedance / the input of a current conveyor), and a linear CCCS copies
  the positive column into the neuron's input node and the negative column out of it. The
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
  thresholds are one source each at the top level, fed to every neuron through ports; inside a
  neuron a 0 V sense source (same name as the neuron's own source, ``Vread``, ``Vddc``...) keeps
  the neuron's energy bookkeeping valid per neuron.
* **Drivers.** Each row driver is an ideal voltage source behind an output resistance
  ``r_driver`` plus a static bias current ``i_driver_static`` drawn from a shared driver supply
  ``v_driver_supply``: the drivers' energy is I^2 r_driver plus that bias.

The neuron subcircuit is the neuron issue's element list (:func:`mtjspice.netlist.neuron.neuron_blocks`)
wrapped into ``.subckt lifn colp coln clk enr vrbus vddbus vthhbus vthlbus``; see
:func:`neuron_subckt` for the lines it rewrites.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import NetlistError, ParameterError
from ..stimulus import Waveform
from . import safe
from .neuron import MTJ_INSTANCE, NeuronCircuit
from .sources import vsource

__all__ = [
    "ArrayCircuit",
    "NEURON_SUBCKT",
    "NEURON_PORTS",
    "neuron_subckt",
    "split_conductances",
    "array_blocks",
    "array_vectors",
    "neuron_instance",
    "hierarchical",
]

#: Name of the wrapped neuron subcircuit and its ports, in order.
NEURON_SUBCKT = "lifn"
NEURON_PORTS: tuple[str, ...] = ("colp", "coln", "clk", "enr", "vrbus", "vddbus", "vthhbus", "vthlbus")

# Neuron lines the wrapper rewrites: element name -> what becomes of it.
_DROP = ("iin", "vclk", "venr")  # input source (replaced by the mirror), clock and strobe (shared ports)
_TO_BUS = {"vread": "vrbus", "vddc": "vddbus", "vthh": "vthhbus", "vthl": "vthlbus"}


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
        for name in ("g_min", "r_driver", "i_driver_static", "r_wire"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ParameterError(name.replace("_", "-"), v, "a finite number >= 0 (SI units)")
        for name in ("v_driver_supply", "mirror_gain"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ParameterError(name.replace("_", "-"), v, "a finite number > 0")

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
    """Instance name of neuron ``j`` (0-based): ``xn0``, ``xn1``..."""
    return f"xn{int(j)}"


def hierarchical(vector: str, instance: str) -> str:
    """A neuron vector name (``v(t1)``, ``i(vsi)``, ``i(v.xmtj.vsense)``, ``v(xmtj.my)``) inside
    neuron ``instance``: ``v(xn0.t1)``, ``i(v.xn0.vsi)``, ``i(v.xn0.xmtj.vsense)``..."""
    kind, inner = vector[0], vector[2:-1]
    inst = safe.name(instance, "instance name").lower()
    if kind == "v":
        return f"v({inst}.{inner})"
    if inner.startswith("v."):
        return f"i(v.{inst}.{inner[2:]})"
    return f"i(v.{inst}.{inner})"


def neuron_subckt(element_lines: Sequence[str], name: str = NEURON_SUBCKT) -> str:
    """Wrap the neuron's element lines into ``.subckt NAME colp coln clk enr vrbus vddbus vthhbus vthlbus``.

    Rewrites, each checked (a missing line is a :class:`NetlistError`, so a change in the neuron
    builder cannot pass silently):

    * ``Iin 0 ni ...`` (the neuron's input source) becomes the column interface: 0 V sources
      ``Vcp colp 0``, ``Vcn coln 0`` (virtual grounds) and mirrors ``Fp 0 ni Vcp g``,
      ``Fn ni 0 Vcn g`` (current i(Vcp) - i(Vcn) into ``ni``);
    * ``Vclk``, ``Venr`` are removed: ``clk``, ``enr`` are ports from one shared clock;
    * ``Vread``, ``Vddc``, ``Vthh``, ``Vthl`` become 0 V sense sources from the shared bus ports,
      so ``i(v.xnJ.vread)`` is neuron J's share of the read-bias current.

    Parameters
    ----------
    element_lines : sequence of str
        The neuron's element lines, without the subcircuit definitions (MTJ, comparator), which
        stay at the top level.
    name : str
        Subcircuit name.
    """
    safe.name(name, "subcircuit name")
    seen: set[str] = set()
    out = [f".subckt {name} " + " ".join(NEURON_PORTS)]
    for block in element_lines:
        for line in block.splitlines():
            head = line.split()[0].lower() if line.split() else ""
            if head in _DROP:
                seen.add(head)
                if head == "iin":
                    parts = line.split()
                    if parts[1:3] != ["0", "ni"]:
                        raise NetlistError(f"neuron input source: got {line!r}; expected 'Iin 0 ni ...'")
                    out += ["* column interface: virtual grounds (0 V) and current mirrors into the input node ni",
                            "Vcp colp 0 0", "Vcn coln 0 0", "Fp 0 ni Vcp {gain}", "Fn ni 0 Vcn {gain}"]
                continue
            if head in _TO_BUS:
                seen.add(head)
                out.append(f"{line.split()[0]} {line.split()[1]} {_TO_BUS[head]} 0")
                continue
            out.append(line)
    missing = [h for h in (*_DROP, *_TO_BUS) if h not in seen]
    if missing:
        raise NetlistError(f"neuron element lines: no {', '.join(missing)} line(s); the neuron builder changed")
    out.append(f".ends {name}")
    return "\n".join(out) + "\n"


def _mirror(text: str, gain: float) -> str:
    return text.replace("{gain}", safe.num(gain, "mirror gain"))


def array_blocks(
    weights: np.ndarray,
    inputs: Sequence[Waveform | float],
    neuron: NeuronCircuit,
    subckts: Sequence[str],
    neuron_lines: Sequence[str],
    arr: ArrayCircuit,
    columns: Sequence[int] | None = None,
) -> list[str]:
    """The array deck's blocks: subcircuits, shared lines, drivers, crossbar, neurons.

    Parameters
    ----------
    weights : (N, M) array
        Signed synaptic weights, conductances in S (G+ - G-).
    inputs : sequence of N waveforms or floats
        Row driver voltages (V).
    neuron : NeuronCircuit
        The resolved neuron (its clock, read bias, supply and thresholds go on the shared lines).
    subckts : sequence of str
        Subcircuit definitions used by the neuron lines (MTJ, comparator, model card).
    neuron_lines : sequence of str
        The neuron's element lines (see :func:`neuron_subckt`).
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
    n = safe.num
    c = neuron
    e = c.edge
    per, rw = c.clock_period, c.read_width
    blocks = [s.rstrip("\n") for s in subckts]
    blocks.append(_mirror(neuron_subckt(neuron_lines), arr.mirror_gain).rstrip("\n"))
    lines = [
        f"* ---- array: {n_in} inputs x {m} neurons" + (f" (part: neurons {cols[0]}..{cols[-1]}, "
                                                        f"{len(cols)} of {m})" if len(cols) < m else "") + " ----",
        "* shared lines: read clock, comparator strobe, read bias, comparator supply, thresholds",
        f"Vclk clk 0 PULSE(0 1 {n(per - rw - e)} {n(e)} {n(e)} {n(rw)} {n(per)})",
        f"Venr enr 0 PULSE(0 1 {n(c.strobe_delay)} {n(e)} {n(e)} {n(rw - c.settle)} {n(per)})",
        f"Vrbus vrbus 0 DC {n(c.v_read)}",
        f"Vddbus vddbus 0 DC {n(c.vdd)}",
        f"Vthhbus vthhbus 0 DC {n(c.v_hi)}",
        f"Vthlbus vthlbus 0 DC {n(c.v_lo)}",
        "* row drivers: ideal source, output resistance, static bias from the driver supply",
        f"Vdrvdd vdrvdd 0 DC {n(arr.v_driver_supply)}",
    ]
    wire = arr.r_wire > 0
    for i, wave in enumerate(inputs):
        src = f"src{i}"
        lines.append(vsource(f"in{i}", src, "0", wave))
        row0 = f"row{i}_0" if wire else f"row{i}"
        if arr.r_driver > 0:
            lines.append(f"Rdrv{i} {src} {row0} {n(arr.r_driver)}")
        else:
            lines.append(f"Vdrv{i} {src} {row0} 0")
        if arr.i_driver_static > 0:
            lines.append(f"Idrv{i} vdrvdd 0 DC {n(arr.i_driver_static)}")
    lines.append("* crossbar: G+ (colp) and G- (coln) per cell; weight = G+ - G- (S)")
    for i in range(n_in):
        for j in cols:
            if wire:
                # row wire from the driver (row{i}_0) to cell j's tap row{i}_{j+1}; column wire from
                # cell i's tap cp{j}_{i} down to cp{j}_{N}, where the neuron's virtual ground sits
                rn = f"row{i}_{j + 1}"
                lines += [f"Rwr{i}_{j} row{i}_{j} {rn} {n(arr.r_wire)}",
                          f"Rp{i}_{j} {rn} cp{j}_{i} {n(1.0 / gp[i, j])}",
                          f"Rn{i}_{j} {rn} cn{j}_{i} {n(1.0 / gn[i, j])}",
                          f"Rwp{i}_{j} cp{j}_{i} cp{j}_{i + 1} {n(arr.r_wire)}",
                          f"Rwn{i}_{j} cn{j}_{i} cn{j}_{i + 1} {n(arr.r_wire)}"]
            else:
                lines += [f"Rp{i}_{j} row{i} cp{j} {n(1.0 / gp[i, j])}", f"Rn{i}_{j} row{i} cn{j} {n(1.0 / gn[i, j])}"]
        others = [j for j in range(m) if j not in set(cols)]
        if others:
            g_rest = float(np.sum(gp[i, others]) + np.sum(gn[i, others]))
            lines.append(f"Rrest{i} row{i} 0 {n(1.0 / g_rest)}")
    lines.append(f"* neurons: column interface, readout, comparators, reset ({len(cols)} instances)")
    for j in cols:
        cp, cn = (f"cp{j}_{n_in}", f"cn{j}_{n_in}") if wire else (f"cp{j}", f"cn{j}")
        lines.append(f"{neuron_instance(j).upper()} {cp} {cn} clk enr vrbus vddbus vthhbus vthlbus {NEURON_SUBCKT}")
    return blocks + lines


def array_vectors(n_inputs: int, neuron_vectors: Sequence[str], columns: Sequence[int],
                  arr: ArrayCircuit) -> list[str]:
    """Vectors the array deck writes: per row the driver current and row voltage, per neuron its
    column currents and every neuron vector (hierarchical), then the shared supplies."""
    out = []
    wire = arr.r_wire > 0
    for i in range(n_inputs):
        out += [f"i(vin{i})", f"v(src{i})", f"v(row{i}_0)" if wire else f"v(row{i})"]
    for j in columns:
        inst = neuron_instance(j)
        out += [f"i(v.{inst}.vcp)", f"i(v.{inst}.vcn)"]
        out += [hierarchical(v, inst) for v in neuron_vectors]
    out.append("i(vdrvdd)")
    return out


def mtj_ic_array(columns: Sequence[int], m0: Sequence[float]) -> dict[str, float]:
    """``.ic`` entries for every neuron's magnetization state nodes."""
    ic = {}
    for j in columns:
        inst = f"{neuron_instance(j)}.{MTJ_INSTANCE}"
        ic.update({f"{inst}.mx": m0[0], f"{inst}.my": m0[1], f"{inst}.mz": m0[2]})
    return ic
