"""The MTJ as a PySpice subcircuit, for your own PySpice circuits.

>>> from PySpice.Spice.Netlist import Circuit
>>> from mtjspice.pyspice import mtj_subcircuit
>>> circuit = Circuit("divider")
>>> mtj = mtj_subcircuit("orthogonal")                  # a SubCircuitFactory, ports t1 t2
>>> circuit.subcircuit(mtj)
>>> circuit.X("1", mtj.name, "a", circuit.gnd, W=11e-9)  # instance parameters as keywords
>>> # ... circuit.simulator().transient(step_time=10e-12, end_time=8e-9, max_time=mtj.max_step)

The subcircuit is the library's (:mod:`mtjspice.netlist.library`, the text of ``models/<device>.lib``):
it renders through the package's validating renderer, takes the device's parameters as instance
parameters, and starts at rest by itself. The macrospin model needs the transient's maximum step to
equal its ``hstep`` (:attr:`MtjSubCircuit.max_step`) and ``simulator.options(**mtj.options)``.

This module imports PySpice; ``import mtjspice`` does not import it.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from .circuits.compact import COMPACT_OPTIONS, compact_params
from .errors import ParameterError
from .netlist.libcompact import compact_library_subckt
from .netlist.library import library_subckt
from .netlist.mtj import OPTION_PRESETS, max_step
from .netlist.render import render_subckt
from .params import Device, load_device

__all__ = ["mtj_subcircuit"]


def mtj_subcircuit(device: Device | str = "orthogonal", model: Literal["macrospin", "compact"] = "macrospin", *,
                   preset: str = "default") -> Any:
    """The MTJ of ``device`` as a PySpice ``SubCircuitFactory`` instance (ports t1, t2).

    Parameters
    ----------
    device : Device or str
        A device, or a device file / shipped device name (:func:`mtjspice.params.load_device`).
    model : {"macrospin", "compact"}
        The behavioral macrospin MTJ, or the compact signed-LIF MTJ (its parameters from the
        device's fit, :func:`mtjspice.circuits.compact.compact_params`: about 25 s the first time
        for a device, then cached).
    preset : {"default", "accurate"}
        The macrospin model's step (``hstep``) and simulator options.

    Returns
    -------
    SubCircuitFactory
        Pass it to ``circuit.subcircuit(...)`` and instantiate it with ``circuit.X(name, sub.name,
        t1_node, t2_node, **params)``. Its attributes: ``name``; ``max_step`` (s), the transient's
        maximum step the macrospin model needs (None for the compact one); ``options``, the
        simulator options to pass to ``simulator.options(...)``; ``parameters``, the instance
        parameters with their defaults (SI).
    """
    from PySpice.Spice.Netlist import SubCircuitFactory

    dev = device if isinstance(device, Device) else load_device(device)
    if model == "macrospin":
        sub = library_subckt(dev, preset)
        step: float | None = max_step(preset)
        options: dict[str, float | str] = dict(OPTION_PRESETS[preset])
    elif model == "compact":
        sub = compact_library_subckt(dev, compact_params(dev))
        step, options = None, {**OPTION_PRESETS[preset], **COMPACT_OPTIONS}
    else:
        raise ParameterError("model", model, "'macrospin' or 'compact'")
    text = render_subckt(sub) + os.linesep

    class MtjSubCircuit(SubCircuitFactory):  # type: ignore[misc]
        __doc__ = f"The mtjspice MTJ {sub.name} (ports t1 t2; positive current enters t1)."
        NAME = sub.name
        NODES = sub.ports
        max_step = step

        def __init__(self) -> None:
            super().__init__(**dict(sub.params))
            self.options = dict(options)

        def __str__(self) -> str:  # the package's rendering, not PySpice's: one text, validated
            return text

    return MtjSubCircuit()
