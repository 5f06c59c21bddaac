"""Throughput of the batched macrospin solver per core: against cmtj (a C++ macrospin solver, run
per device) at equal or better accuracy, and against this package's solver before issue #29's
rewrite (main at 56a709f, loaded from git beside the current one: benchmarks/baseline.py).

Run: python benchmarks/bench_macrospin.py [--devices 10000] [--rounds 3]   (needs cmtj: pip install '.[bench]')

The run: the default orthogonal device, a 10 ns current pulse then 10 ns of relaxation (20 ns),
currents spread over both signs (-1 to 1 mA), outputs every 100 ps.

Accuracy, each tool against a reference for its own equation, as the largest deviation of any
component of m at the outputs over four sample currents (-0.9, -0.5, 0.3, 0.7 mA):
* mtjspice's adaptive Dormand-Prince at ``rtol``: against scipy's DOP853 at rtol 1e-12;
* cmtj's RK4 at a fixed step (0.1 ps): against cmtj's RK4 at a tenth of that step (its error
  falls as step^4, so the finer run is about 1e4 times closer to the exact solution).
mtjspice's rtol is the largest of 1e-6, 5e-7, 3e-7, 1e-7, 3e-8 whose error is at most cmtj's.

Speed: CPU seconds per device per 20 ns (the process's CPU time: both are single-threaded), each
the median over rounds in which the three runs alternate (the old solver, the new, cmtj on the
four sample currents), so that a change in the machine's load affects them alike.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

import mtjspice as ms
from mtjspice.constants import MU0
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import effective_field, llgs_rhs
from mtjspice.physics.solver import simulate

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline

T_STOP, T_ON, DT_OUT = 20e-9, 10e-9, 100e-12
SAMPLE = np.array([-0.9e-3, -0.5e-3, 0.3e-3, 0.7e-3])
CMTJ_STEP = 1e-13


def reference(dev: ms.Device, current: float) -> np.ndarray:
    """m (k, 3) at the outputs from scipy's DOP853 at rtol = atol = 1e-12."""
    b = DeviceBatch.from_devices(dev)
    N, p, Ms, aj, alpha, gp = b.N, b.p, b.Ms, b.aj_per_amp, b.alpha, b.gamma_prime

    def f(t: float, y: np.ndarray, i: float) -> np.ndarray:
        m = y.reshape(3, 1)
        return llgs_rhs(m, effective_field(m, Ms, N), aj * i, p, alpha, gp).ravel()

    t_eval = np.arange(0, T_STOP + DT_OUT / 2, DT_OUT)
    s1 = solve_ivp(f, (0, T_ON), b.m0[:, 0], method="DOP853", rtol=1e-12, atol=1e-12, args=(current,),
                   t_eval=t_eval[t_eval <= T_ON])
    s2 = solve_ivp(f, (T_ON, T_STOP), s1.y[:, -1], method="DOP853", rtol=1e-12, atol=1e-12, args=(0.0,),
                   t_eval=t_eval[t_eval > T_ON])
    return np.concatenate((s1.y, s2.y), axis=1).T


def cmtj_run(dev: ms.Device, current: float, step: float) -> np.ndarray:
    """cmtj's RK4 at ``step`` (s): m (k, 3) at DT_OUT, DT_OUT * 2, ... T_STOP (cmtj logs from its first write)."""
    import cmtj
    from cmtj import CVector, Junction, Layer, ScalarDriver

    b = DeviceBatch.from_devices(dev)
    N = b.N[:, 0]
    area, thickness = float(b.area[0]), float(b.T[0])
    demag = [CVector(float(N[0]), 0, 0), CVector(0, float(N[1]), 0), CVector(0, 0, float(N[2]))]
    layer = Layer.createSTTLayer("free", CVector(*map(float, b.m0[:, 0])), CVector(0, 0, 1), float(MU0 * b.Ms[0]),
                                 thickness, area, demag, damping=float(b.alpha[0]), SlonczewskiSpacerLayerParameter=1.0,
                                 beta=0.0, spinPolarisation=float(b.eta[0]))
    layer.setReferenceLayer(CVector(*map(float, b.p[:, 0])))
    junction = Junction([layer])
    junction.setLayerAnisotropyDriver("free", ScalarDriver.getConstantDriver(0.0))
    junction.setLayerCurrentDriver("free", ScalarDriver.getStepDriver(0.0, current / area, 0.0, T_ON))
    junction.runSimulation(T_STOP, step, DT_OUT, solverMode=cmtj.RK4)
    log = junction.getLog()
    return np.stack([np.asarray(log[f"free_m{c}"]) for c in "xyz"], axis=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rtol", type=float, default=None, help="mtjspice's rtol (default: the equal-accuracy choice)")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ms.BreakdownWarning)
    np.seterr(over="ignore", invalid="ignore")  # solve_ivp's first trial steps may overflow; it rejects them
    old = baseline.load()
    dev = ms.load_device("orthogonal")

    # accuracy
    ref = np.stack([reference(dev, float(i)) for i in SAMPLE], axis=1)  # (k, 4, 3)
    coarse = [cmtj_run(dev, float(i), CMTJ_STEP) for i in SAMPLE]
    fine = [cmtj_run(dev, float(i), CMTJ_STEP / 10) for i in SAMPLE]
    err_cmtj = max(float(np.max(np.abs(c - f))) for c, f in zip(coarse, fine, strict=True))
    wave4 = ms.square_pulse(SAMPLE, T_ON, edge=1e-15)
    batch4 = DeviceBatch.from_device(dev, n=4)
    for rtol in (1e-6, 5e-7, 3e-7, 1e-7, 3e-8) if args.rtol is None else (args.rtol,):
        err_new = float(np.max(np.abs(simulate(batch4, wave4, T_STOP, DT_OUT, rtol=rtol).m - ref)))
        if err_new <= err_cmtj:
            break
    err_old = float(np.max(np.abs(old.simulate(batch4, wave4, T_STOP, DT_OUT, rtol=rtol).m - ref)))
    print(f"accuracy (max |m - m_ref| over 20 ns, 4 currents): cmtj RK4 step {CMTJ_STEP * 1e12:g} ps: {err_cmtj:.2e}; "
          f"mtjspice rtol {rtol:g}: {err_new:.2e} (before #29: {err_old:.2e})")

    # speed
    n = args.devices
    batch = DeviceBatch.from_device(dev, n=n)
    wave = ms.square_pulse(np.linspace(-1e-3, 1e-3, n), T_ON, edge=1e-15)
    times: dict[str, list[float]] = {"before": [], "now": [], "cmtj": []}
    steps = {}
    for r in range(args.rounds):
        for name, fn in (("before", old.simulate), ("now", simulate)):
            c0 = time.process_time()
            tr = fn(batch, wave, T_STOP, DT_OUT, rtol=rtol)
            times[name].append((time.process_time() - c0) / n)
            steps[name] = tr.steps
        c0 = time.process_time()
        for i in SAMPLE:
            cmtj_run(dev, float(i), CMTJ_STEP)
        times["cmtj"].append((time.process_time() - c0) / SAMPLE.size)
        print(f"round {r + 1}: " + ", ".join(f"{k} {1e3 * v[-1]:.3f}" for k, v in times.items()) + " ms per device",
              flush=True)
    med = {k: float(np.median(v)) for k, v in times.items()}
    print(f"CPU ms per device per 20 ns, median of {args.rounds} rounds ({n} devices in one batch; cmtj one device "
          f"at a time, {int(round(T_STOP / CMTJ_STEP))} RK4 steps):")
    print(f"  mtjspice now    {1e3 * med['now']:.3f} ({steps['now']} steps)")
    print(f"  mtjspice before {1e3 * med['before']:.3f} ({steps['before']} steps)")
    print(f"  cmtj            {1e3 * med['cmtj']:.3f}")
    print(f"ratios: now / cmtj {med['cmtj'] / med['now']:.1f}x; before / cmtj {med['cmtj'] / med['before']:.1f}x; "
          f"now / before {med['before'] / med['now']:.2f}x")


if __name__ == "__main__":
    main()
