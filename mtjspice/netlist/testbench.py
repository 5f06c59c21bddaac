"""Single-MTJ testbenches: a current pulse, or a voltage pulse through a reference resistor.

These are the decks behind ``mtjspice macrospin --engine ngspice`` and the examples in
``netlists/``. The MTJ instance is ``x1`` between node ``a`` (free-layer terminal) and ground.
"""

from __future__ import annotations

from typing import Literal

from ..errors import ParameterError
from ..params import Device
from ..stimulus import Waveform
from .circuit import Comment, Element, Item, Probe
from .deck import Analysis, Deck
from .mtj import OPTION_PRESETS, max_step, mtj_probes, mtj_subckt
from .sources import isource, vsource

__all__ = ["mtj_testbench", "TESTBENCH_PROBES", "TESTBENCH_VECTORS"]

#: What the testbench writes: the magnetization, the junction current and its voltage.
TESTBENCH_PROBES: tuple[Probe, ...] = (*mtj_probes("x1"), Probe.node("a"))
TESTBENCH_VECTORS: tuple[str, ...] = tuple(p.vector for p in TESTBENCH_PROBES)


def mtj_testbench(
    device: Device,
    source: Waveform,
    t_stop: float,
    t_step: float,
    *,
    drive: Literal["current", "divider"] = "current",
    r_ref: float = 0.0,
    preset: str = "default",
    title: str = "mtjspice MTJ testbench",
    data_file: str = "waveforms.txt",
) -> Deck:
    """A deck with one behavioral MTJ driven by ``source``.

    Parameters
    ----------
    device : Device
    source : waveform
        Current (A) into the free-layer terminal for ``drive="current"``; source voltage (V)
        for ``drive="divider"``, applied through ``r_ref`` (Ohm) to the junction.
    t_stop, t_step : float
        Transient end and print step (s).
    preset : {"default", "accurate"}
        Simulator options (see :data:`mtjspice.netlist.mtj.OPTION_PRESETS`).
    """
    mtj = mtj_subckt(device, "mtj", preset)
    items: list[Item]
    if drive == "current":
        # SPICE current sources push current from their + node through themselves to the - node:
        # "Iin 0 a" drives the current into node a, then into the MTJ's t1.
        items = [Comment("input: current into the MTJ's free-layer terminal"), isource("in", "0", "a", source)]
    elif drive == "divider":
        items = [Comment("input: a voltage source through the reference resistor into the MTJ"),
                 vsource("dd", "vdd", "0", source), Element("Rref", ("vdd", "a"), (r_ref,))]
    else:
        raise ParameterError("drive", drive, "'current' or 'divider'")
    items.append(mtj.instance("X1", t1="a", t2="0"))
    return Deck(title, tuple(items), Analysis(t_stop, t_step, max_step=max_step(preset)),
                options=OPTION_PRESETS[preset], probes=TESTBENCH_PROBES, data_file=data_file)
