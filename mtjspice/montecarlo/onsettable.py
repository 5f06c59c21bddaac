"""The onset current of many sampled devices from one table: an exact reduction of the macrospin model.

Why a table. The onset of :func:`mtjspice.characterize.onset.onset_current` (the smallest DC step,
applied at rest, after which u = m.p leaves 0) costs a bisection of simulations per device: fine
for one device, too slow for 10^5 samples. But for the orthogonal design (p perpendicular to the
easy axis) the onset depends on the sampled parameters through two numbers only.

The reduction. With no applied field and the extra anisotropy Ku along a coordinate axis, the
anisotropy is diagonal: H = -Ms K m, K = diag(Nx, Ny, Nz) - (2 Ku / (mu0 Ms^2)) e_u e_u^T. Only
differences of K's entries act on a unit vector. Name the easy (smallest), middle and hard axes of
K; measure time in 1 / (gamma' Ms (K_hard - K_easy)) and the spin-torque field a_J = k_J I in
Ms (K_hard - K_easy). The LLGS equation then has three dimensionless parameters: alpha,

    q = (K_mid - K_easy) / (K_hard - K_easy),

and the current I k_J / (Ms (K_hard - K_easy)); the start (the rest state, along the easy axis)
and p (the hard axis for the orthogonal design: +y) are the same for every sample. So

    i_th = g(q, alpha) Ms (K_hard - K_easy) / k_J,

with one function g for every sample whose easy, middle and hard axes and p have the same roles. A
sample whose easy axis has swapped with the middle one (L grown until Nx < Nz) is the same system
turned by 90 degrees about p, so the same g holds. Geometry, Ms, P (or eta) and Ku enter through q
and the scale; RA, TMR and V_half do not enter (a current drive). The one thing that does not
scale is the onset criterion's fixed dwell (8 ns): a sample whose dynamics are a few % slower
or faster sees it as a few % shorter or longer, which only matters for the slowest responses
(smallest q); the tests check the table against direct scans.

g is computed once per run (:func:`onset_table`): the nominal device with Ku along its easy axis
scanned to sweep q over a log grid (and alpha over a grid when alpha varies), each point's onset by
a batched bisection with the same criterion as :func:`~mtjspice.characterize.onset.onset_current`. A
sample's onset is then interpolated in (log q, alpha) (:meth:`OnsetTable.onset`); samples outside
the table (q beyond its ends, or p not along the hard axis) get nan and say why in
:meth:`OnsetTable.onset`'s ``inside`` mask.

Also here, exact for the same diagonal model: the static onset (the fold where the tilted fixed
point disappears: a_J = Ms (K_mid - K_easy) / 2, above the dynamic onset of a step, which leaves
the shrinking basin earlier), the linear relaxation time at rest, and the thermal stability factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..characterize.onset import ONSET_T_ON, responds
from ..constants import KB, MU0
from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from ..physics.solver import simulate

__all__ = ["Reduced", "reduce", "OnsetTable", "onset_table", "table_model"]


@dataclass(frozen=True)
class Reduced:
    """The reduced parameters of a batch (arrays of shape (n,)).

    Attributes
    ----------
    K : (3, n) array
        Diagonal anisotropy entries (dimensionless), demagnetizing factors minus 2 Ku / (mu0 Ms^2)
        on Ku's axis.
    easy, mid, hard : (n,) int arrays
        Axis index (0 x, 1 y, 2 z) of the smallest, middle and largest entry.
    q : (n,) array
        (K_mid - K_easy) / (K_hard - K_easy) (dimensionless).
    scale : (n,) array
        Ms (K_hard - K_easy) / k_J (A): the current unit of g.
    p_on_hard : (n,) bool array
        Whether p lies along the hard axis (the orthogonal design; the table holds only then).
    """

    K: np.ndarray
    easy: np.ndarray
    mid: np.ndarray
    hard: np.ndarray
    q: np.ndarray
    scale: np.ndarray
    p_on_hard: np.ndarray

    def static_onset(self, batch: DeviceBatch) -> np.ndarray:
        """Current (A) at which the tilted fixed point of the DC-driven device disappears (a fold):
        a_J = Ms (K_mid - K_easy) / 2. Exact for the diagonal model with p along the hard axis
        (nan elsewhere); a DC step from rest leaves the shrinking basin before it, so the onset of
        :func:`onset_table` lies below this."""
        n = np.arange(self.q.size)
        dmid = self.K[self.mid, n] - self.K[self.easy, n]
        return np.where(self.p_on_hard, batch.Ms * dmid / (2.0 * batch.aj_per_amp), np.nan)

    def relaxation_time(self, batch: DeviceBatch) -> np.ndarray:
        """Decay time (s) of small deviations from rest: the LLG linearised about the easy axis has
        eigenvalues gamma' Ms (-alpha (ka + kb) / 2 +- sqrt(alpha^2 (ka - kb)^2 / 4 - ka kb)), ka and kb
        the other two entries minus the easy one; the slower real part sets the time."""
        n = np.arange(self.q.size)
        ka = self.K[self.mid, n] - self.K[self.easy, n]
        kb = self.K[self.hard, n] - self.K[self.easy, n]
        a = batch.alpha
        disc = (a * (ka - kb) / 2.0) ** 2 - ka * kb
        slow = a * (ka + kb) / 2.0 - np.sqrt(np.maximum(disc, 0.0))
        with np.errstate(divide="ignore"):
            return np.where(slow > 0, 1.0 / (batch.gamma_prime * batch.Ms * slow), np.inf)

    def stability(self, batch: DeviceBatch, temperature: np.ndarray | float) -> np.ndarray:
        """Thermal stability factor Delta = E_b / (kB T) (dimensionless): the lowest barrier out of
        the rest state, over the middle axis, E_b = mu0 Ms^2 V (K_mid - K_easy) / 2 (J)."""
        n = np.arange(self.q.size)
        eb = 0.5 * MU0 * batch.Ms**2 * batch.volume * (self.K[self.mid, n] - self.K[self.easy, n])
        t = np.broadcast_to(np.asarray(temperature, float), eb.shape)
        with np.errstate(divide="ignore"):
            return np.where(t > 0, eb / (KB * np.where(t > 0, t, 1.0)), np.inf)


def _axis_index(u: np.ndarray, Ku: np.ndarray) -> np.ndarray:
    """Index of the coordinate axis each Ku lies along (-1 where Ku = 0, so no axis matters)."""
    a = np.abs(u)
    on_axis = np.isclose(np.max(a, axis=0), 1.0, rtol=0, atol=1e-12)
    if not np.all(on_axis | (Ku == 0)):
        i = int(np.argmax(~on_axis & (Ku != 0)))
        raise ParameterError("field.axis", tuple(float(x) for x in u[:, i]),
                             "x, y or z when field.Ku is not 0 (the Monte Carlo's onset table needs a diagonal anisotropy)")
    return np.where(Ku == 0, -1, np.argmax(a, axis=0))


def reduce(batch: DeviceBatch) -> Reduced:
    """The reduced parameters of every device of ``batch`` (module docstring).

    Raises :class:`ParameterError` for an applied field or an off-axis Ku (the reduction needs a
    diagonal anisotropy and no field)."""
    if np.any(batch.H != 0):
        raise ParameterError("field.H", tuple(float(x) for x in batch.H[:, 0]),
                             "(0, 0, 0): the Monte Carlo's onset table holds without an applied field")
    axis = _axis_index(batch.u, batch.Ku)
    K = batch.NK.copy()  # with the interface anisotropy folded into z
    n = np.arange(batch.n)
    k = 2.0 * batch.Ku / (MU0 * batch.Ms**2)
    has = axis >= 0
    K[axis[has], n[has]] -= k[has]
    order = np.argsort(K, axis=0, kind="stable")
    easy, mid, hard = order
    span = K[hard, n] - K[easy, n]
    q = (K[mid, n] - K[easy, n]) / np.where(span > 0, span, np.nan)
    p_hard = np.abs(batch.p[hard, n]) > 1.0 - 1e-9
    return Reduced(K=K, easy=easy, mid=mid, hard=hard, q=q, scale=batch.Ms * span / batch.aj_per_amp,
                   p_on_hard=p_hard)


@dataclass(frozen=True)
class OnsetTable:
    """g(q, alpha) on a grid (see the module docstring).

    Attributes
    ----------
    q : (a,) array
        Increasing grid of q (dimensionless, > 0).
    alpha : (b,) array
        Increasing grid of alpha (one value when alpha does not vary).
    g : (b, a) array
        Onset in units of the scale (dimensionless); inf where even ``g_max`` did not start the device.
    resolution : float
        Bisection resolution, relative to g.
    """

    q: np.ndarray
    alpha: np.ndarray
    g: np.ndarray
    resolution: float

    def onset(self, batch: DeviceBatch, red: Reduced | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Onset current (A) of each device, and the mask of devices inside the table.

        Linear interpolation of log g in log q, then linearly in alpha. Devices outside (q beyond
        the grid, alpha beyond it by more than 1e-9, or p not along the hard axis) get nan."""
        red = reduce(batch) if red is None else red
        q = red.q
        a = batch.alpha
        inside = red.p_on_hard & np.isfinite(q) & (q >= self.q[0]) & (q <= self.q[-1])
        if self.alpha.size > 1:
            inside &= (a >= self.alpha[0] - 1e-9) & (a <= self.alpha[-1] + 1e-9)
        else:
            inside &= np.abs(a - self.alpha[0]) <= 1e-9 * max(self.alpha[0], 1e-30)
        lq = np.log(np.where(inside, q, self.q[0]))
        lg = np.log(self.g)
        rows = np.array([np.interp(lq, np.log(self.q), row) for row in lg])  # (b, n)
        if self.alpha.size > 1:
            x = np.clip(a, self.alpha[0], self.alpha[-1])
            j = np.clip(np.searchsorted(self.alpha, x) - 1, 0, self.alpha.size - 2)
            w = (x - self.alpha[j]) / (self.alpha[j + 1] - self.alpha[j])
            cols = np.arange(q.size)
            val = (1 - w) * rows[j, cols] + w * rows[j + 1, cols]
        else:
            val = rows[0]
        return np.where(inside, np.exp(val) * red.scale, np.nan), inside

    def to_columns(self) -> dict[str, np.ndarray]:
        """Flat columns (alpha, q, g) for a CSV."""
        aa, qq = np.meshgrid(self.alpha, self.q, indexing="ij")
        return {"alpha": aa.ravel(), "q": qq.ravel(), "g": self.g.ravel()}


def _bisect(batch: DeviceBatch, hi: np.ndarray, rounds: int, step: float, split: int = 4) -> np.ndarray:
    """Multisection of each device's bracket [0, hi]: ``split`` currents per round in one batch
    (the batch's cost is mostly numpy's per-call overhead, so four points cost about one), the bracket
    shrinking by split + 1 per round."""
    n = batch.n
    lo = np.zeros(n)
    hi = hi.copy()
    ok = np.ones(n, bool)
    for _ in range(5):  # the bracket's top must start the device; double it where it does not
        on = _starts(batch, hi, step)
        if on.all():
            break
        hi = np.where(on, hi, 2.0 * hi)
    else:
        ok = on
    big = batch.subset(np.tile(np.arange(n), split))
    frac = np.repeat(np.arange(1, split + 1) / (split + 1), n)
    for _ in range(rounds):
        cur = np.tile(lo, split) + frac * np.tile(hi - lo, split)
        on = _starts(big, cur, step).reshape(split, n)
        first = np.where(on.any(axis=0), np.argmax(on, axis=0), split)  # first "on" point, split if none
        width = (hi - lo) / (split + 1)
        lo, hi = lo + first * width, lo + (first + 1) * width
    return np.where(ok, hi, np.inf)


def _starts(batch: DeviceBatch, current: np.ndarray, step: float) -> np.ndarray:
    traj = simulate(batch, current, ONSET_T_ON, 20e-12, fixed_step=step, breakdown="ignore")
    m, p = traj.m, batch.p
    u = m[:, :, 0] * p[0] + m[:, :, 1] * p[1] + m[:, :, 2] * p[2]
    return responds(traj.t, u)  # the criterion of onset_current


def table_model(device: Device) -> Device:
    """The device the onset table is built on: ``device`` without Joule heating and without the field-like
    field quadratic in bias (``junction.thermal_resistance``, ``junction.field_like_quadratic`` set to 0),
    the two effects that depend on the current itself and so break the table's scaling; ``device`` itself
    when it has neither. Built on the heated device, the table's top of bracket heats the junction past its
    Curie temperature and g comes out inf beyond q of about 0.05 (cofeb_mgo, K_i 1.3 mJ/m^2 at q 0.069: no
    onset at all); near a working onset both effects are small: at K_i 0.1 mJ/m^2 this table gives
    cofeb_mgo 0.439 mA, a direct bisection of heated runs (``onset_current``) 0.438 mA."""
    j = device.junction
    if j.thermal_resistance == 0.0 and j.field_like_quadratic == 0.0:
        return device
    return device.replace(**{"junction.thermal_resistance": 0.0, "junction.thermal_time_constant": 0.0,
                             "junction.field_like_quadratic": 0.0})


def onset_table(device: Device, *, q_range: tuple[float, float] = (2e-4, 0.08), points: int = 28,
                alphas: np.ndarray | None = None, rounds: int = 4, step: float = 4e-12) -> OnsetTable:
    """g(q, alpha) for ``device``'s design (module docstring).

    The device itself, with Ku along its easy axis set for each q of a log grid over ``q_range``
    (``points`` values) and alpha from ``alphas`` (default: the device's own), is bisected
    from a bracket [0, 2 x static onset] (widened where needed) by ``rounds`` multisections into five
    (resolution 5^-rounds of the bracket: 0.3 % of the onset with the defaults), each run with the
    solver's fixed ``step`` (s; 4 ps gives the same table as an adaptive rtol of 1e-6). Refuses a
    device whose p is not along its hard axis (the table is for the orthogonal design)."""
    if not (0 < q_range[0] < q_range[1] < 1):
        raise ParameterError("q_range", q_range, "two increasing numbers in (0, 1)")
    if not (isinstance(points, int) and points >= 2):
        raise ParameterError("points", points, "an integer >= 2")
    base = DeviceBatch.from_device(device, theta0=0.0)
    red = reduce(base)
    if not red.p_on_hard[0]:
        raise ParameterError("junction.pinned", device.junction.pinned,
                             "a polarization along the hard axis (the orthogonal design): the Monte Carlo's "
                             "onset table holds for it only")
    alpha = np.atleast_1d(np.asarray(device.material.alpha if alphas is None else alphas, float))
    if alpha.ndim != 1 or np.any(np.diff(alpha) <= 0) or np.any(alpha <= 0):
        raise ParameterError("alphas", alphas, "increasing damping values > 0")
    e, h = int(red.easy[0]), int(red.hard[0])
    m = int(red.mid[0])
    K = red.K[:, 0]
    qs = np.geomspace(q_range[0], q_range[1], points)
    # K_easy' = K_easy - k with k chosen so that (K_mid - K_easy') / (K_hard - K_easy') = q
    k = (qs * (K[h] - K[e]) - (K[m] - K[e])) / (1.0 - qs)
    Ms = device.material.Ms
    axis = np.zeros(3)
    axis[e] = 1.0
    Ku0 = device.field.Ku if device.field.Ku != 0 else 0.0
    if Ku0 != 0 and not np.allclose(np.abs(device.field.axis), axis):
        raise ParameterError("field.axis", device.field.axis, "the easy axis, for the onset table (or Ku = 0)")
    Ku = Ku0 + k * MU0 * Ms**2 / 2.0
    aa, kk = np.meshgrid(alpha, Ku, indexing="ij")
    batch = DeviceBatch.from_device(device, n=aa.size, Ku=kk.ravel(), u=axis, alpha=aa.ravel(), theta0=0.0)
    r = reduce(batch)
    if not np.allclose(r.q, np.tile(qs, alpha.size), rtol=1e-9):  # pragma: no cover - a broken reduction
        raise AssertionError("onset table: q grid not reproduced")
    hi = 2.0 * r.static_onset(batch)
    on = _bisect(batch, hi, rounds, step)
    g = (on / r.scale).reshape(alpha.size, qs.size)
    return OnsetTable(q=qs, alpha=alpha, g=g, resolution=2.0 * 5.0 ** -rounds)
