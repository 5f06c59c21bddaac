"""The signed leaky integrate-and-fire (LIF) neuron: model, ideal simulator, spike matching, parameter files.

The membrane equation (the paper's, with u = m.p the signed membrane potential)::

    tau_m du/dt = -a1 (u - u_rest) + a2 R_m s(I)
    s(I) = I  where |I| >= i_th,  else 0                                   (gated input)

Only ``tau_m / a1`` and ``a2 / a1`` are identifiable from u(t), so ``a1 = 1`` is fixed and
``tau_m`` (s) and ``a2`` (1/V) are the fitted numbers; ``R_m`` (Ohm) is the junction resistance
at u = 0 and just sets the units of ``a2``.

Why the gate: the orthogonal MTJ has a threshold current i_th below which m.p stays ~0 (the torque
only tilts m in x). Above it the time-averaged steady state u measured in the macrospin model is
proportional to I itself (u_ss / I is constant to a few %, and extrapolates through zero, not
through i_th), so the input is the signed current with the sub-threshold part cut away, not a
current shifted by i_th. ``u_rest`` is 0 for the orthogonal design; fits of other designs may free
it to give them their best LIF (:func:`mtjspice.analysis.liffit.fit_lif` with ``fit_rest=True``).

Integration is exact for inputs linear between samples (first-order hold), so the ideal simulator
and the fit (:mod:`mtjspice.analysis.liffit`) have no step-size error beyond the sampling of the input.

Spiking (:func:`simulate_lif`): a positive spike when u >= ``u_th``, a negative one when
u <= -``u_th``; u is then reset to ``u_reset`` and held there for ``t_ref`` (s).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..errors import InputFileError, ParameterError
from ..textio import read_text

__all__ = [
    "LIFParams",
    "Spikes",
    "find_spikes",
    "gated_input",
    "lif_response",
    "load_params",
    "file_number",
    "PARAM_RULES",
    "REQUIRED_PARAMS",
    "save_params",
    "simulate_lif",
    "spike_agreement",
]


@dataclass(frozen=True)
class LIFParams:
    """Parameters of the signed LIF neuron (SI units).

    Attributes
    ----------
    tau_m : float
        Membrane time constant (s), > 0.
    a2 : float
        Input gain (1/V): steady state u = a2 R_m I / a1 for a DC current I above ``i_th``.
    R_m : float
        Membrane resistance (Ohm): the junction resistance at u = 0.
    a1 : float
        Leak coefficient (dimensionless); fixed at 1 by the fits.
    i_th : float
        Input gate (A): currents with |I| < i_th do not drive u; 0 for no gate.
    u_rest : float
        Resting potential (dimensionless).
    u_th : float
        Firing threshold (dimensionless, > 0): spikes at u >= u_th and u <= -u_th.
    u_reset : float
        Potential after a spike (dimensionless).
    t_ref : float
        Refractory time after a spike (s), during which u is held at ``u_reset``.
    """

    tau_m: float
    a2: float
    R_m: float
    a1: float = 1.0
    i_th: float = 0.0
    u_rest: float = 0.0
    u_th: float = 0.5
    u_reset: float = 0.0
    t_ref: float = 0.0

    def __post_init__(self) -> None:
        for name in ("tau_m", "a2", "R_m", "a1", "i_th", "u_rest", "u_th", "u_reset", "t_ref"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v)):
                raise ParameterError(name, v, "a finite number")
            object.__setattr__(self, name, float(v))
        for name, unit in (("tau_m", "s"), ("R_m", "Ohm"), ("a1", "-"), ("u_th", "-")):
            if getattr(self, name) <= 0:
                raise ParameterError(name, getattr(self, name), f"a number > 0 ({unit})")
        for name, unit in (("i_th", "A"), ("t_ref", "s")):
            if getattr(self, name) < 0:
                raise ParameterError(name, getattr(self, name), f"a number >= 0 ({unit})")

    @property
    def gain(self) -> float:
        """DC gain a2 R_m / a1 (1/A): steady-state u per ampere above the gate."""
        return self.a2 * self.R_m / self.a1

    @property
    def tau_eff(self) -> float:
        """Effective time constant tau_m / a1 (s)."""
        return self.tau_m / self.a1


@dataclass(frozen=True)
class Spikes:
    """Spike times (s) and signs (+1 / -1) of one neuron, in time order."""

    times: np.ndarray
    signs: np.ndarray

    @property
    def count(self) -> int:
        return int(self.times.size)


def as_columns(name: str, a: ArrayLike, k: int) -> np.ndarray:
    """``a`` as a finite (k, n) array, a (k,) one becoming one column; ``name`` is reported on error."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != k:
        raise ParameterError(name, np.shape(a), f"shape ({k},) or ({k}, n): one row per time")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "non-finite values", "finite numbers")
    return arr


def check_times(t: ArrayLike) -> np.ndarray:
    """``t`` as a 1-D float array of at least 2 strictly increasing times (s)."""
    tt = np.asarray(t, dtype=float)
    if tt.ndim != 1 or tt.size < 2 or not np.all(np.isfinite(tt)) or np.any(np.diff(tt) <= 0):
        raise ParameterError("t", np.shape(t), "a 1-D array of at least 2 strictly increasing times (s)")
    return tt


def gated_input(current: ArrayLike, i_th: float) -> np.ndarray:
    """s(I) = I where |I| >= i_th, else 0 (A)."""
    c = np.asarray(current, dtype=float)
    return np.where(np.abs(c) >= i_th, c, 0.0)


def _step_coefficients(h: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact first-order-hold update x1 = E x0 + (1 - E) f0 + B (f1 - f0) for tau dx/dt = -x + f."""
    E = np.exp(-h / tau)
    B = 1.0 - (tau / h) * (1.0 - E)
    return E, B


def lif_response(params: LIFParams, t: ArrayLike, current: ArrayLike, u0: ArrayLike | None = None) -> np.ndarray:
    """u(t) of the LIF without firing (the sub-threshold membrane), integrated exactly.

    Parameters
    ----------
    params : LIFParams
    t : (k,) array
        Sample times (s), strictly increasing.
    current : (k,) or (k, n) array
        Input current (A) at those times, linear in between.
    u0 : float or (n,) array, optional
        u at t[0]; default ``u_rest``.

    Returns
    -------
    (k, n) array
        u at each time for each of the n inputs.
    """
    tt = check_times(t)
    cur = as_columns("current", current, tt.size)
    tau = params.tau_m / params.a1
    f = params.u_rest + (params.a2 * params.R_m / params.a1) * gated_input(cur, params.i_th)
    start = np.broadcast_to(np.asarray(params.u_rest if u0 is None else u0, dtype=float), (f.shape[1],))
    h = np.diff(tt)
    u = np.empty_like(f)
    u[0] = start
    if np.allclose(h, h[0], rtol=1e-9, atol=0.0):
        # uniform sampling: the update is a first-order IIR filter (transposed direct form II)
        from scipy.signal import lfilter

        E, B = _step_coefficients(h[:1], tau)
        e, b = float(E[0]), float(B[0])
        zi = (1.0 - e - b) * f[0] + e * start
        u[1:], _ = lfilter([b, 1.0 - e - b], [1.0, -e], f[1:], axis=0, zi=zi[None, :])
        return u
    E, B = _step_coefficients(h, tau)
    for i in range(tt.size - 1):
        u[i + 1] = E[i] * u[i] + (1.0 - E[i]) * f[i] + B[i] * (f[i + 1] - f[i])
    return u


def simulate_lif(params: LIFParams, t: ArrayLike, current: ArrayLike) -> tuple[np.ndarray, list[Spikes]]:
    """The ideal signed LIF neuron: integrate, fire at +-``u_th``, reset, refractory period.

    Parameters
    ----------
    params : LIFParams
    t : (k,) array
        Sample times (s); a spike is detected at the first sample at or past threshold, so the
        spike-time resolution is the sampling interval.
    current : (k,) or (k, n) array
        Input current (A).

    Returns
    -------
    u : (k, n) array
        Membrane potential (dimensionless), after resets.
    spikes : list of n :class:`Spikes`
    """
    tt = check_times(t)
    cur = as_columns("current", current, tt.size)
    tau = params.tau_m / params.a1
    f = params.u_rest + params.gain * gated_input(cur, params.i_th)
    E, B = _step_coefficients(np.diff(tt), tau)
    n = cur.shape[1]
    u = np.empty_like(f)
    u[0] = params.u_rest
    free_at = np.full(n, -np.inf)
    times: list[list[float]] = [[] for _ in range(n)]
    signs: list[list[int]] = [[] for _ in range(n)]
    for i in range(tt.size - 1):
        nxt = E[i] * u[i] + (1.0 - E[i]) * f[i] + B[i] * (f[i + 1] - f[i])
        held = tt[i + 1] < free_at
        nxt[held] = params.u_reset
        fired = ~held & (np.abs(nxt) >= params.u_th)
        for j in np.nonzero(fired)[0]:
            times[j].append(float(tt[i + 1]))
            signs[j].append(1 if nxt[j] > 0 else -1)
        nxt[fired] = params.u_reset
        free_at[fired] = tt[i + 1] + params.t_ref
        u[i + 1] = nxt
    return u, [Spikes(np.array(a, float), np.array(s, int)) for a, s in zip(times, signs, strict=True)]


def find_spikes(t: ArrayLike, u: ArrayLike, u_th: float, rearm: float = 0.5) -> list[Spikes]:
    """Threshold crossings of sampled u(t) without reset: a spike each time |u| reaches ``u_th``.

    After a spike the detector re-arms when |u| falls below ``rearm * u_th``.

    Returns
    -------
    list of n :class:`Spikes`, one per column of u.
    """
    tt = check_times(t)
    uu = as_columns("u", u, tt.size)
    out = []
    for j in range(uu.shape[1]):
        armed = True
        ts: list[float] = []
        ss: list[int] = []
        for i, v in enumerate(uu[:, j]):
            if armed and abs(v) >= u_th:
                ts.append(float(tt[i]))
                ss.append(1 if v > 0 else -1)
                armed = False
            elif not armed and abs(v) < rearm * u_th:
                armed = True
        out.append(Spikes(np.array(ts, float), np.array(ss, int)))
    return out


def spike_agreement(a: Spikes, b: Spikes, tol: float) -> dict[str, float]:
    """How well two spike trains agree.

    Spikes are matched greedily in time order: a spike of ``a`` matches the earliest unmatched
    spike of ``b`` with the same sign within ``tol`` (s).

    Returns
    -------
    dict with
        ``count_a``, ``count_b`` (spike counts), ``matched``,
        ``coincidence`` = 2 matched / (count_a + count_b) (1 = identical; 1 when both are empty),
        ``mean_abs_dt`` = mean |t_a - t_b| over matched pairs (s; nan when none).
    """
    if not (math.isfinite(tol) and tol > 0):
        raise ParameterError("tol", tol, "a time > 0 (s)")
    used = np.zeros(b.count, bool)
    dts = []
    for ta, sa in zip(a.times, a.signs, strict=True):
        cand = np.nonzero(~used & (b.signs == sa) & (np.abs(b.times - ta) <= tol))[0]
        if cand.size:
            j = cand[np.argmin(np.abs(b.times[cand] - ta))]
            used[j] = True
            dts.append(abs(b.times[j] - ta))
    total = a.count + b.count
    return {
        "count_a": float(a.count),
        "count_b": float(b.count),
        "matched": float(len(dts)),
        "coincidence": 1.0 if total == 0 else 2.0 * len(dts) / total,
        "mean_abs_dt": float(np.mean(dts)) if dts else math.nan,
    }


def save_params(params: LIFParams, path: str | Path, **extra: Any) -> None:
    """Write the parameters as JSON (SI units) that :func:`load_params` and network simulators read.

    ``extra`` key/values (numbers or strings) are stored beside them under ``"info"``.
    """
    data = {"model": "signed_lif", "units": "SI (s, Ohm, A, 1/V)", "params": asdict(params), "info": extra}
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


#: What each key of a parameter file's ``params`` table may hold (the first three are required).
PARAM_RULES: dict[str, str] = {
    "tau_m": "a time > 0 (s)",
    "a2": "a finite input gain (1/V)",
    "R_m": "a resistance > 0 (Ohm)",
    "a1": "a finite leak coefficient > 0 (dimensionless; default 1)",
    "i_th": "a current >= 0 (A; default 0)",
    "u_rest": "a finite potential (dimensionless; default 0)",
    "u_th": "a threshold > 0 (dimensionless; default 0.5)",
    "u_reset": "a finite potential (dimensionless; default 0)",
    "t_ref": "a time >= 0 (s; default 0)",
}
REQUIRED_PARAMS = ("tau_m", "a2", "R_m")


def _shown(value: object) -> str:
    """``repr(value)``, a long one cut to its head and its length (a 400-digit number stays one short line)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}... ({len(text)} characters)"


def file_number(path: str | Path, key: str, value: object, allowed: str) -> float:
    """``value`` read from the file ``path`` under ``key`` as a finite float, else an
    :class:`InputFileError` naming the file, the key, the value and ``allowed``. JSON numbers may be
    integers of any length, ``1e400`` (infinite) or ``NaN``: all refused by name."""
    v = math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            v = float(value)
        except OverflowError:  # an integer beyond float's range
            v = math.inf
    if not math.isfinite(v):
        raise InputFileError(path, f"{key}: got {_shown(value)}; allowed: {allowed}")
    return v


def load_params(path: str | Path) -> LIFParams:
    """Read parameters written by :func:`save_params` (UTF-8, with or without a byte-order mark).

    Every key is checked by itself: a missing required key (:data:`REQUIRED_PARAMS`), an unknown
    key, a value that is not a finite number, or one outside its range (:data:`PARAM_RULES`) is an
    :class:`~mtjspice.errors.InputFileError` that names the file, ``params.KEY``, the value and
    what is allowed.
    """
    text = read_text(path, "signed-LIF parameter file")
    try:
        data = json.loads(text)
        raw = data["params"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise InputFileError(path, f"not a signed-LIF parameter file ({exc})") from None
    if not isinstance(raw, dict):
        raise InputFileError(path, "'params' is not a table")
    unknown = set(raw) - set(PARAM_RULES)
    if unknown:
        raise InputFileError(path, f"unknown keys {sorted(unknown)}; allowed: {sorted(PARAM_RULES)}")
    for key in REQUIRED_PARAMS:
        if key not in raw:
            raise InputFileError(path, f"params.{key} is missing; allowed: {PARAM_RULES[key]} (every file needs "
                                 f"{', '.join(REQUIRED_PARAMS)})")
    values = {key: file_number(path, f"params.{key}", v, PARAM_RULES[key]) for key, v in raw.items()}
    try:
        return LIFParams(**values)
    except ParameterError as exc:
        raise InputFileError(path, f"params.{exc.name}: got {_shown(exc.value)}; allowed: "
                             f"{PARAM_RULES.get(exc.name, exc.allowed)}") from None
