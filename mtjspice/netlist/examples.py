"""The example decks in ``netlists/``: built here, written by ``python -m mtjspice.netlist.examples``,
and checked against the builder by the test suite so they never go stale.

Each runs unchanged with ``ngspice -b netlists/NAME.cir`` and writes ``NAME.txt`` (time, mx, my,
mz, junction current, junction voltage) into the current folder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ..params import load_device
from ..stimulus import Pulse
from .deck import Deck
from .testbench import mtj_testbench

__all__ = ["EXAMPLES", "write_examples"]


def _ortho_current() -> Deck:
    dev = load_device("orthogonal")
    return mtj_testbench(dev, Pulse(0.0, 0.6e-3, 1e-9, 10e-12, 10e-12, 5e-9, 1.0), 12e-9, 10e-12,
                         title="orthogonal MTJ, 0.6 mA current pulse 1 to 6 ns", data_file="ortho_current_pulse.txt")


def _ortho_divider() -> Deck:
    dev = load_device("orthogonal")
    return mtj_testbench(dev, Pulse(0.0, -2.0, 1e-9, 10e-12, 10e-12, 5e-9, 1.0), 12e-9, 10e-12, drive="divider",
                         r_ref=2000.0, title="orthogonal MTJ, -2 V pulse through 2 kOhm",
                         data_file="ortho_divider_pulse.txt")


def _parallel_switch() -> Deck:
    dev = load_device("parallel")
    return mtj_testbench(dev, Pulse(0.0, -1.5e-3, 1e-9, 10e-12, 10e-12, 10e-9, 1.0), 16e-9, 10e-12,
                         title="parallel MTJ, -1.5 mA switching pulse (above 1 V: a baseline, not a design)",
                         data_file="parallel_switch.txt")


#: file name -> builder of the example deck (from the shipped devices).
EXAMPLES: dict[str, Callable[[], Deck]] = {
    "ortho_current_pulse.cir": _ortho_current,
    "ortho_divider_pulse.cir": _ortho_divider,
    "parallel_switch.cir": _parallel_switch,
}


def write_examples(root: Path) -> None:
    """Write every example into ``root/netlists`` (from the shipped devices)."""
    for name, build in EXAMPLES.items():
        (root / "netlists" / name).write_text(build().text(), encoding="utf-8")


if __name__ == "__main__":
    write_examples(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd())
