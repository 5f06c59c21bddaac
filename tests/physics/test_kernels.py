"""The compiled kernels (mtjspice/physics/kernels.py) against the numpy steps: the same
trajectories bit for bit, for every term of the equation and every kind of ideal current."""

from __future__ import annotations

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.physics import kernels
from mtjspice.physics.batch import DeviceBatch
from mtjspice.physics.drive import CurrentDrive, DividerDrive
from mtjspice.physics.solver import simulate, simulate_thermal
from mtjspice.physics.stepper import GridStepper
from mtjspice.stimulus import DC, PWL, Pulse

pytest.importorskip("numba")


def _both(monkeypatch: pytest.MonkeyPatch, run):  # type: ignore[no-untyped-def]
    """run() with the kernel, then with the numpy step."""
    kernels.kernels.cache_clear()
    monkeypatch.setenv("MTJSPICE_NUMBA", "1")
    fast = run()
    kernels.kernels.cache_clear()
    monkeypatch.setenv("MTJSPICE_NUMBA", "0")
    slow = run()
    kernels.kernels.cache_clear()
    return fast, slow


def _batch() -> DeviceBatch:
    dev = ms.load_device("orthogonal")
    rng = np.random.default_rng(5)
    return DeviceBatch.from_device(dev, n=4, L=45e-9 + rng.uniform(-1e-9, 1e-9, 4), Ku=np.array([0.0, 2e3, 1e3, 0.0]),
                                   xi=np.array([0.0, 0.3, -0.2, 0.1]), Ki=np.array([0.0, 0.0, 5e-5, 1e-4]),
                                   H=np.array([[0.0, 0.0, 0.0], [5e2, 0.0, 0.0], [0.0, 1e3, 0.0], [0.0, 0.0, -3e2]]).T,
                                   p=np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.6, 0.8], [0.0, 1.0, 0.0]]).T)


@pytest.mark.parametrize("drive", [
    CurrentDrive(DC(np.array([0.5e-3, -0.7e-3, 1e-3, 0.8e-3]))),
    CurrentDrive(Pulse(0.1e-3, 0.9e-3, delay=1e-10, rise=1e-10, fall=1e-10, width=2e-10)),
    CurrentDrive(PWL(np.array([0.0, 1e-10, 3e-10]), np.array([0.0, 0.8e-3, -0.4e-3]))),
    DividerDrive(DC(0.5), r_ref=np.array([100.0, 300.0, 600.0, 200.0])),  # not a kernel case: numpy both times
])
def test_the_kernel_is_the_numpy_heun_step_bit_for_bit(monkeypatch: pytest.MonkeyPatch, drive) -> None:  # type: ignore[no-untyped-def]
    batch = _batch()
    fast, slow = _both(monkeypatch, lambda: simulate_thermal(batch, drive, 0.6e-9, 10e-12, dt=2e-12, seed=3,
                                                             temperature=300.0, breakdown="ignore"))
    assert np.array_equal(fast.m, slow.m)
    assert np.abs(fast.m[-1] - fast.m[0]).max() > 1e-3  # the devices moved


@pytest.mark.slow
@pytest.mark.parametrize("temperature", [0.0, 300.0])
def test_grid_stepper_is_the_same_with_the_kernels(monkeypatch: pytest.MonkeyPatch, temperature: float) -> None:
    """GridStepper's fixed Dormand-Prince steps (0 K) and Heun steps (300 K), kernel against numpy."""
    batch = _batch()
    cur = np.outer(np.linspace(0.2, 1.0, 21), np.array([0.6e-3, -0.9e-3, 1.2e-3, 0.4e-3]))

    def run() -> tuple[np.ndarray, bool]:
        st = GridStepper(batch, batch.m0, step=5e-12, temperature=temperature, rng=np.random.default_rng(2))
        out = np.array([st.advance(cur, 10e-12) for _ in range(3)])
        used = st.heun.kernel is not None if st.heun is not None else st.dp.kernel is not None
        return out, used

    (fast, used), (slow, unused) = _both(monkeypatch, run)
    assert used and not unused
    assert np.array_equal(fast, slow)
    assert np.abs(fast[-1, -1] - fast[0, 0]).max() > 1e-3  # m.p moved


@pytest.mark.slow
@pytest.mark.parametrize("temperature", [0.0, 300.0])
@pytest.mark.parametrize("v_half", [0.0, 0.5])
def test_kernels_carry_the_field_quadratic_in_the_junction_voltage(monkeypatch: pytest.MonkeyPatch, temperature: float,
                                                                   v_half: float) -> None:
    """junction.field_like_quadratic: the kernels solve the junction voltage (with the bias-dependent TMR's
    fixed point when V_half > 0) as CurrentDrive.solve does, so GridStepper's Dormand-Prince (0 K) and Heun
    (300 K) steps give the numpy steps' numbers bit for bit; and the term moves m.p."""
    base = _batch()
    xi_v2 = np.array([0.0, 2e4, -1e4, 5e3])

    def run(q: np.ndarray) -> tuple[np.ndarray, bool]:
        batch = DeviceBatch.from_device(ms.load_device("orthogonal"), n=4, L=base.L, Ku=base.Ku, xi=base.xi, Ki=base.Ki,
                                        H=base.H, p=base.p, xi_v2=q, V_half=v_half)
        cur = np.outer(np.linspace(0.2, 1.0, 21), np.array([0.6e-3, -0.9e-3, 1.2e-3, 0.4e-3]))
        st = GridStepper(batch, batch.m0, step=5e-12, temperature=temperature, rng=np.random.default_rng(2))
        out = np.array([st.advance(cur, 10e-12) for _ in range(3)])
        used = st.heun.kernel is not None if st.heun is not None else st.dp.kernel is not None
        return out, used

    (fast, used), (slow, unused) = _both(monkeypatch, lambda: run(xi_v2))
    assert used and not unused
    assert np.array_equal(fast, slow)
    plain, _ = run(np.zeros(4))
    assert np.abs(plain[..., 1:] - fast[..., 1:]).max() > 1e-3  # the term moved the devices that have it
    assert np.array_equal(plain[..., 0], fast[..., 0])  # and not the one without it


@pytest.mark.slow  # about 5 s on the loaded 2-core machine, most of it compiling the kernels afresh
def test_simulate_fixed_step_takes_the_kernel_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """simulate(fixed_step=...), the device-level Monte Carlo's and the design search's run, takes every
    step in the compiled Dormand-Prince kernel (counted) and gives the numpy steps' numbers bit for bit,
    through a clocked piecewise-linear current of the neuron twin's kind (input gated off in read windows,
    per-device values) on devices with Ku, a field-like torque, an applied field and tilted p."""
    from mtjspice.physics import stepper
    batch = _batch()
    times = np.array([0.0, 0.2e-9, 0.21e-9, 0.35e-9, 0.36e-9, 0.6e-9, 0.61e-9, 1.0e-9])
    gate = np.array([1.0, 1.0, 0.1, 0.1, 1.0, 1.0, 0.0, 0.0])
    drive = PWL(times, np.outer(gate, np.array([0.6e-3, -0.9e-3, 1.2e-3, 0.4e-3])))
    calls: list[int] = []

    def counted() -> kernels.Kernels | None:
        k = kernels.kernels()
        if k is None:
            return None

        def dp(*args):  # type: ignore[no-untyped-def]
            calls.append(1)
            return k.dormand_prince(*args)
        return kernels.Kernels(k.heun, dp)

    monkeypatch.setattr(stepper, "kernels", counted)
    fast, slow = _both(monkeypatch, lambda: simulate(batch, drive, 1.0e-9, 10e-12, fixed_step=5e-12,
                                                     breakdown="ignore"))
    assert len(calls) == fast.steps > 200  # every step of the kernel run, none of the numpy run
    assert fast.steps == slow.steps
    assert np.array_equal(fast.m, slow.m) and np.array_equal(fast.voltage, slow.voltage)
    assert np.abs(fast.m[-1] - fast.m[0]).max() > 1e-3  # the devices moved


@pytest.mark.slow  # about 5 s on the loaded 2-core machine, most of it compiling the kernels afresh
def test_the_blocked_kernel_over_several_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """More devices than two of the kernel's blocks and a remainder (kernels.BLOCK): every device the
    numpy steps' numbers bit for bit, whichever block and lane it falls in; half the devices with Ku."""
    n = 2 * kernels.BLOCK + 37
    rng = np.random.default_rng(8)
    batch = DeviceBatch.from_device(ms.load_device("orthogonal"), n=n, theta0=0.0,
                                    L=45e-9 + rng.normal(0.0, 1e-9, n), Ms=1e6 * (1 + rng.normal(0.0, 0.03, n)),
                                    Ku=np.where(np.arange(n) % 2 == 0, 0.0, 1e3))
    times = np.array([0.0, 0.2e-9, 0.21e-9, 0.3e-9, 0.31e-9, 0.5e-9])
    drive = PWL(times, np.outer(np.array([1.0, 1.0, 0.2, 0.2, 1.0, 1.0]), rng.uniform(0.4e-3, 1.2e-3, n)))
    fast, slow = _both(monkeypatch, lambda: simulate(batch, drive, 0.5e-9, 50e-12, fixed_step=5e-12,
                                                     breakdown="ignore"))
    assert np.array_equal(fast.m, slow.m)
    assert np.unique(fast.m[-1, :, 0]).size == n  # every device its own trajectory
