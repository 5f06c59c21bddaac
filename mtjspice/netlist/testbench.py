"""Single-MTJ testbenches: a current pulse, or a voltage pulse through a reference resistor.

These are the decks behind ``mtjspice macrospin --engine ngspice`` and the examples in
``netlists/``. The MTJ instance is ``x1`` between node ``a`` (free-layer terminal) and ground.
"""

from __future__ import annotations

from typing import Literal

from ..params import Device
from ..stimulus import Waveform
from . import safe
from .deck import Analysis, deck
from .mtj import OPTION_PRESETS, max_step, mtj_ic, mtj_subckt, mtj_vectors
from .sources import isource, vsource

__all__ = ["mtj_testbench", "TESTBENCH_VECTORS"]

#: What the testbench writes: the magnetization, the junction current and its voltage.
TESTBENCH_VECTORS: tuple[str, ...] = (*mtj_vectors("x1"), "v(a)")


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
) -> str:
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
    blocks = [mtj_subckt(device, "mtj", preset)]
    if drive == "current":
        # SPICE current sources push current from their + node through themselves to the - node:
        # "Iin 0 a" drives the current into node a, then into the MTJ's t1.
        blocks.append("* input: current into the MTJ's free-layer terminal")
        blocks.append(isource("in", "0", "a", source))
    elif drive == "divider":
        blocks.append("* input: a voltage source through the reference resistor into the MTJ")
        blocks.append(vsource("dd", "vdd", "0", source))
        blocks.append(f"Rref vdd a {safe.num(r_ref, 'r_ref')}")
    else:
        from ..errors import ParameterError

        raise ParameterError("drive", drive, "'current' or 'divider'")
    blocks.append("X1 a 0 mtj")
    return deck(title, blocks, Analysis(t_stop, t_step, max_step=max_step(preset)),
                options=OPTION_PRESETS[preset], ic=mtj_ic("x1", device), vectors=TESTBENCH_VECTORS,
                data_file=data_file)
