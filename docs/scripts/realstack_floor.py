"""The lowest onset the realistic stack's device space holds, for each interface anisotropy (docs/guide/design.md,
"The realistic stack"): the onset from rest (the design search's onset table, mtjspice.montecarlo.robust) over a
5^5 grid of W, L, T, taper and Ms spanning the search's bounds (mtjspice.design.space), at each K_i; and the
junction voltage of that onset at the lowest RA (1 + TMR) of the space (0.1 Ohm um^2, TMR 0.5).

    python docs/scripts/realstack_floor.py
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from mtjspice.design.space import DEFAULT_SPACE
from mtjspice.montecarlo.robust import robust_table
from mtjspice.params import load_device
from mtjspice.physics.batch import DeviceBatch
from mtjspice.variation import VariationSpec


def main() -> None:
    dev = load_device("cofeb_mgo")
    table = robust_table(dev, VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%"))
    names = ("W", "L", "T", "taper", "Ms")
    axes = [np.linspace(DEFAULT_SPACE.knob(n).low, DEFAULT_SPACE.knob(n).high, 5) for n in names]
    grid = np.array(list(itertools.product(*axes))).T
    n = grid.shape[1]
    ra, tmr = DEFAULT_SPACE.knob("RA").low, DEFAULT_SPACE.knob("TMR").low
    print(f"{n} devices per K_i; onset voltage at RA {ra * 1e12:g} Ohm um^2, TMR {tmr:g}")
    print("K_i (mJ/m^2) | lowest onset (mA) | at W, L, T (nm), taper (deg), Ms (MA/m) | its onset voltage (V) | "
          "median onset voltage (V)")
    for ki in np.linspace(0.0, DEFAULT_SPACE.knob("Ki").high, 14):
        b = DeviceBatch.from_device(dev, n=n, theta0=0.0, **dict(zip(names, grid, strict=True)), Ki=np.full(n, ki))
        i_th = table.onset(b)[0]
        v = i_th * ra * (1.0 + tmr) / (math.pi * grid[0] * grid[1] / 4.0)
        k = int(np.nanargmin(i_th))
        print(f"{ki * 1e3:.2f} | {i_th[k] * 1e3:.4f} | {grid[0, k] * 1e9:.1f}, {grid[1, k] * 1e9:.1f}, {grid[2, k] * 1e9:.1f}, "
              f"{math.degrees(grid[3, k]):.2f}, {grid[4, k] / 1e6:.2f} | {v[k]:.4f} | {np.nanmedian(v):.3f}")


if __name__ == "__main__":
    main()
