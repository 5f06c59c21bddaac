"""Throughput of the batched macrospin solver against scipy's solve_ivp run per device.

Run: python benchmarks/bench_macrospin.py [--quick]

Both integrate the same equation (the default orthogonal device, a 10 ns current pulse then
10 ns of relaxation, currents spread over both signs) to 20 ns. "Equal accuracy": both are held
to the same measured error, the largest deviation of m from a DOP853 rtol=1e-12 reference on a
sample of devices, printed beside each. solve_ivp uses RK45 (the same Dormand-Prince pair)
with rtol = atol chosen to match. Prints device-steps per second and the ratio, all measured in
this process.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from scipy.integrate import solve_ivp

import mtjspice as ms
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.llgs import effective_field, llgs_rhs

T_STOP, T_ON, DT_OUT = 20e-9, 10e-9, 100e-12


def per_device_solve_ivp(dev: ms.Device, current: float, rtol: float, method: str = "RK45"):
    b = DeviceBatch.from_devices(dev)
    N, p, Ms, aj, alpha, gp = b.N, b.p, b.Ms, b.aj_per_amp, b.alpha, b.gamma_prime

    def f(t, y, i):
        m = y.reshape(3, 1)
        return llgs_rhs(m, effective_field(m, Ms, N), aj * i, p, alpha, gp).ravel()

    t_eval = np.arange(0, T_STOP + DT_OUT / 2, DT_OUT)
    y0 = b.m0[:, 0]
    s1 = solve_ivp(f, (0, T_ON), y0, method=method, rtol=rtol, atol=rtol, args=(current,),
                   t_eval=t_eval[t_eval <= T_ON])
    s2 = solve_ivp(f, (T_ON, T_STOP), s1.y[:, -1], method=method, rtol=rtol, atol=rtol, args=(0.0,),
                   t_eval=t_eval[t_eval > T_ON])
    return np.concatenate((s1.y, s2.y), axis=1).T, s1.t.size and (len(s1.t), s1.nfev + s2.nfev)


def step_count(nfev: int) -> float:
    return nfev / 6.0  # RK45: six evaluations per step (FSAL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (1, 100, 1000)")
    args = ap.parse_args()
    warnings.simplefilter("ignore", ms.BreakdownWarning)
    np.seterr(over="ignore", invalid="ignore")  # solve_ivp's first trial steps may overflow; it rejects them
    dev = ms.load_device("orthogonal")
    sizes = (1, 100, 1000) if args.quick else (1, 100, 10_000)
    rtol = 1e-8

    # Reference accuracy on 4 sample currents.
    sample = np.array([-0.9e-3, -0.5e-3, 0.3e-3, 0.7e-3])
    ref = np.stack([per_device_solve_ivp(dev, float(i), 1e-12, "DOP853")[0] for i in sample], axis=1)
    ours = ms.simulate(DeviceBatch.from_device(dev, n=4), ms.square_pulse(sample, T_ON, edge=1e-15),
                       T_STOP, DT_OUT, rtol=rtol).m
    err_ours = float(np.max(np.abs(ours - ref)))
    # solve_ivp tolerance that gives the same error.
    ivp_rtol, err_ivp = rtol, np.inf
    for cand in (1e-8, 3e-9, 1e-9, 3e-10, 1e-10):
        got = np.stack([per_device_solve_ivp(dev, float(i), cand)[0] for i in sample], axis=1)
        ivp_rtol, err_ivp = cand, float(np.max(np.abs(got - ref)))
        if err_ivp <= err_ours:
            break
    print(f"accuracy (max |m - m_ref| over 20 ns): mtjspice rtol={rtol:g}: {err_ours:.2e}; "
          f"solve_ivp RK45 rtol={ivp_rtol:g}: {err_ivp:.2e}")

    # solve_ivp throughput, per device, at that tolerance.
    t0 = time.perf_counter()
    nsteps = 0.0
    for i in np.linspace(-1e-3, 1e-3, 8):
        _, (_, nfev) = per_device_solve_ivp(dev, float(i), ivp_rtol)
        nsteps += step_count(nfev)
    ivp_rate = nsteps / (time.perf_counter() - t0)
    print(f"solve_ivp per device: {ivp_rate:.3g} device-steps/s")

    print("peak MB: arrays held by the solver, including the stored trajectory")
    print(f"{'devices':>8} {'wall s':>8} {'steps':>7} {'device-steps/s':>15} {'ratio':>8} {'peak MB':>8}")
    for n in sizes:
        currents = np.linspace(-1e-3, 1e-3, n) if n > 1 else np.array([0.6e-3])
        batch = DeviceBatch.from_device(dev, n=n)
        wave = ms.square_pulse(currents, T_ON, edge=1e-15)
        t0 = time.perf_counter()
        traj = ms.simulate(batch, wave, T_STOP, DT_OUT, rtol=rtol)
        wall = time.perf_counter() - t0
        # Peak memory from a separate, untimed 1 ns run (tracemalloc slows Python down).
        tracemalloc.start()
        ms.simulate(batch, wave, 1e-9, DT_OUT, rtol=rtol)
        peak = tracemalloc.get_traced_memory()[1] / 1e6 + traj.m.nbytes * (1 - 1e-9 / T_STOP) / 1e6
        tracemalloc.stop()
        rate = n * traj.steps / wall
        print(f"{n:>8} {wall:>8.2f} {traj.steps:>7} {rate:>15.3g} {rate / ivp_rate:>8.1f} {peak:>8.1f}")


if __name__ == "__main__":
    main()
