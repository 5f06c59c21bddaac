"""Single-MTJ testbenches: a current pulse, or a voltage pulse through a reference resistor.

These are the decks behind ``mtjspice macrospin --engine ngspice`` and the examples in
``netlists/``. The MTJ instance is ``x1`` between node ``a`` (free-layer terminal) and ground.
At a temperature > 0 the MTJ carries Brown's thermal field (:mod:`mtjspice.netlist.noise`) from
the seeded sample file ``noise_x1.txt``, which the deck carries in its ``attachments``.
"""

from __future__ import annotations

from typing import Literal

from ..errors import ParameterError
from ..params import Device
from ..stimulus import Waveform
from .circuit import Comment, Element, Item, Probe
from .deck import Analysis, Deck
from .mtj import mtj_probes, mtj_subckts
from .sources import isource, vsource

__all__ = ["mtj_testbench", "TESTBENCH_PROBES", "TESTBENCH_VECTORS", "NOISE_FILE"]

#: The thermal-noise sample file of the testbench's MTJ ``x1``.
NOISE_FILE = "noise_x1.txt"

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
    data_file: str = "waveforms.raw",
    temperature: float | None = None,
    seed: int = 0,
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
    temperature : float, optional
        Temperature of the thermal field (K), 0 to 1500. None or 0 (default): no noise source,
        the deck of a 0 K junction (the device file's ``material.temperature`` is not used, so
        existing decks stay noiseless); > 0: Brown's field, and the deck's maximum step becomes
        the noise sample interval (:func:`mtjspice.netlist.noise.noise_interval`).
    seed : int
        Seed of the noise samples (>= 0): the same seed gives the same deck and output.
    """
    mtjs = mtj_subckts([device], ["mtj"], t_stop, preset=preset, temperature=temperature, seed=seed,
                       files=[NOISE_FILE])
    mtj = mtjs.subckts[0]
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
    return Deck(title, tuple(items), Analysis(t_stop, t_step, max_step=mtjs.max_step), options=mtjs.options,
                probes=TESTBENCH_PROBES, data_file=data_file, attachments=mtjs.attachments)
