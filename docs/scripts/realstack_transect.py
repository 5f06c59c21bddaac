"""The realistic stack's yield against its interface anisotropy at a fixed anisotropy margin (docs/guide/design.md,
"The realistic stack"): the design b53s mapped onto cofeb_mgo (tests/data/design_b53s_cofeb: K_i 0.27 mJ/m^2), then
for each K_i its length L re-tuned (bisection) so that Nz_eff - Nx stays b53s's, every other knob kept, each judged
as the design search judges a design (mtjspice.design.neuron.evaluate_design: --samples samples of --sigma, seed 11,
5 mV offsets, the breakdown over 10^5 samples' R_AP, at least 8 rate levels).

    python docs/scripts/realstack_transect.py --ki 0.27m,0.4m,0.6m,0.9m,1.3m
    python docs/scripts/realstack_transect.py --ki 1.3m --sigma L=1n,W=1n,T=0.5n,Ms=1.5%,RA=5%
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mtjspice.cli.design import start_params
from mtjspice.design.neuron import DesignSpec, design_of, evaluate_design
from mtjspice.montecarlo.onsettable import reduce
from mtjspice.montecarlo.robust import robust_table
from mtjspice.params import load_device
from mtjspice.physics.batch import DeviceBatch
from mtjspice.units import parse_si
from mtjspice.variation import VariationSpec

START = Path(__file__).resolve().parents[2] / "tests" / "data" / "design_b53s_cofeb"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ki", default="0.27m,0.4m,0.6m,0.9m,1.3m", help="interface anisotropies, J/m^2")
    ap.add_argument("--sigma", default="L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")
    ap.add_argument("--samples", type=int, default=500)
    args = ap.parse_args()
    dev = load_device("cofeb_mgo")
    spec = VariationSpec.parse(args.sigma)
    p0 = start_params(str(START), spec)
    p0.pop("Ku", None)  # the realistic stack's anisotropy along z is its K_i

    def zx(p: dict) -> float:
        k = reduce(DeviceBatch.from_device(design_of(dev, p), theta0=0.0)).K[:, 0]
        return float(k[2] - k[0])

    target = zx(p0)
    ds = DesignSpec(dev, spec, args.samples, 11, robust_table(dev, spec), breakdown_samples=100_000, levels_min=8)
    print(f"cofeb_mgo, {spec.describe()}, {args.samples} samples; Nz_eff - Nx held at {target:.5f}")
    print("K_i (J/m^2) | L (nm) | onset (mA) | onset p5-p95 (mA) | yield % (Wilson 95 %) | levels | under threshold | "
          "worst junction (V) | broken")
    for text in args.ki.split(","):
        ki = parse_si(text, "--ki")
        lo, hi = 30e-9, 120e-9  # Nz_eff - Nx grows with L (Nx falls)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if zx({**p0, "Ki": ki, "L": mid}) < target else (lo, mid)
        p = {**p0, "Ki": ki, "L": 0.5 * (lo + hi)}
        t = time.time()
        ev = evaluate_design(ds, 0, p)
        e = ev.extra
        print(f"{ki:.3g} | {p['L'] * 1e9:.2f} | {e['i_th'] * 1e3:.4f} | {e['onset_p5'] * 1e3:.4f}-{e['onset_p95'] * 1e3:.4f} | "
              f"{ev.values[0] * 100:.1f} ({e['yield_lo'] * 100:.1f}-{e['yield_hi'] * 100:.1f}) | {ev.values[2]:.0f} | "
              f"{e['fail_under_threshold'] * 100:.1f} % | {e['v_clamp_worst']:.3f} | {ev.why or '-'} ({time.time() - t:.0f} s)",
              flush=True)


if __name__ == "__main__":
    main()
