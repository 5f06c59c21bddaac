"""A device-level Monte Carlo run: samples -> chunks -> store -> columns -> summary.

:func:`device_montecarlo` builds the onset table and the nominal circuit once, then runs the
chunks still missing from the store (:mod:`mtjspice.montecarlo.scaleout`) and reads every sample
back. :func:`summarize` turns the columns into the numbers a designer asks first (yield with its
confidence interval, the onset's spread, the regimes, the trim and its cost).
"""

from __future__ import annotations

import functools
import hashlib
import math
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..analysis.stats import wilson_interval
from ..device import Device
from ..errors import ParameterError
from ..frame import Frame
from ..runoptions import RunOptions
from ..variation import VariationSpec
from .columns import FAILS_OVERLAP, ONSET_REASONS, sample_columns, sample_words
from .device import REGIMES, DeviceMC, NominalCircuit, device_chunk, nominal_firing
from .onsettable import OnsetTable, onset_table, table_model
from .scaleout import run_chunks
from .store import ChunkStore, missing_chunks
from .summary import MonteCarloSummary, Spread
from .trim import trim_cost

__all__ = ["percentiles", "alpha_grid", "MonteCarloResult", "device_montecarlo", "summarize", "MonteCarloSummary",
           "wilson", "manifest", "MAX_SAMPLES"]

#: Largest number of samples of one run (a store of 10^7 samples is about 2 GB of Parquet).
MAX_SAMPLES = 10_000_000


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """A finished device-level run.

    Attributes
    ----------
    columns : dict of str to (n,) array
        Every sample's columns, sorted by index, as computed (codes and booleans; SI units:
        :mod:`mtjspice.montecarlo.columns` gives each one's unit). :meth:`to_frame` gives them as written.
    table : OnsetTable
        The onset table the samples' onsets were read from.
    circuit : NominalCircuit
        The nominal neuron circuit every sample is read through.
    nominal : dict
        The nominal device's own row (the same columns, one value each).
    computed : int
        Samples this call computed (the rest came from the store).
    """

    columns: dict[str, np.ndarray]
    table: OnsetTable
    circuit: NominalCircuit
    nominal: dict[str, Any]
    computed: int

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.columns["index"].size)

    @property
    def usable(self) -> np.ndarray:
        """(n,) bool: each sample works in the nominal circuit (the yield's numerator)."""
        return np.asarray(self.columns["usable"], bool)

    @property
    def yield_fraction(self) -> float:
        """The device-level yield: the usable fraction of the samples (0 to 1)."""
        return float(self.usable.mean())

    @property
    def yield_ci95(self) -> tuple[float, float]:
        """95 % Wilson score interval of :attr:`yield_fraction`."""
        return wilson(int(self.usable.sum()), self.n)

    def to_frame(self) -> Frame:
        """Every sample's row, as ``samples.csv`` and ``samples.parquet`` hold it: the columns of
        :func:`~mtjspice.montecarlo.columns.sample_columns` with their units, coded values as words
        (``easy``, ``regime``, ``i_th_reason``), flags as 0/1."""
        words = sample_words(self.columns)
        return Frame(words, {c.name: c.unit for c in sample_columns(list(words))})


def manifest(device: Device, spec: VariationSpec, seed: int, samples: int, mc: DeviceMC) -> dict[str, Any]:
    """What identifies a run (JSON-serialisable): the device's content, the spread, the seed, the
    number of samples and the test; and the package version (a new version may compute differently)."""
    dev = repr(device)  # a frozen dataclass of numbers and strings: its repr is its content
    return {"mtjspice": __version__, "device_sha256": hashlib.sha256(dev.encode()).hexdigest(),
            "variation": spec.describe(), "seed": int(seed), "samples": int(samples),
            "test": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(mc).items()}}


def device_montecarlo(device: Device, spec: VariationSpec, samples: int, mc: DeviceMC | None = None,
                      options: RunOptions | None = None, *, table: OnsetTable | None = None) -> MonteCarloResult:
    """Run (or resume) ``samples`` samples of ``spec`` around ``device``; :mod:`mtjspice.montecarlo.device`
    gives the columns.

    Parameters
    ----------
    device : Device
        The nominal device.
    spec : VariationSpec
        The spreads; sample i is drawn from (``options.seed``, i).
    samples : int
        Number of samples, 1 to :data:`MAX_SAMPLES`.
    mc : DeviceMC, optional
        The test every sample goes through (drive, trim, read); default :class:`DeviceMC()`.
    options : RunOptions, optional
        Seed, workers or scheduler, chunk, store folder, reset, progress. A store holding a finished
        part of the same run is resumed (only missing chunks run); one holding another run is refused
        unless ``options.reset``; with no store the chunks go to a temporary folder.
    table : OnsetTable, optional
        A precomputed onset table (default: computed for the device and the spread of alpha).
    """
    mc = DeviceMC() if mc is None else mc
    opt = RunOptions.given(options)
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise ParameterError("samples", samples, f"an integer from 1 to {MAX_SAMPLES}")
    spec.check(device)
    if opt.store is None:
        with tempfile.TemporaryDirectory(prefix="mtjspice-mc-") as tmp:
            return _run(device, spec, samples, mc, opt, table, Path(tmp) / "store")
    return _run(device, spec, samples, mc, opt, table, Path(opt.store))


def _run(device: Device, spec: VariationSpec, samples: int, mc: DeviceMC, opt: RunOptions, table: OnsetTable | None,
         store: Path) -> MonteCarloResult:
    seed, progress = opt.seed, opt.progress
    if table is None:  # built without the current's own heating and V^2 field-like field (table_model)
        model = table_model(device)
        table = onset_table(model, alphas=alpha_grid(model, spec))
    circuit = NominalCircuit.of(device, table, mc.u_th)
    if mc.trim and mc.gain_trim and mc.gain_reference == "firing":  # the gain trim's reference, measured once
        circuit = replace(circuit, i_fire=nominal_firing(device, circuit, mc))
    st = ChunkStore(store, manifest(device, spec, seed, samples, mc), reset=opt.reset)
    todo = missing_chunks(samples, st.done(), opt.chunk)
    task = functools.partial(device_chunk, device, spec, seed, mc=mc, table=table, circuit=circuit)
    if progress and samples - sum(c.size for c in todo):
        progress(samples - sum(c.size for c in todo))
    computed = run_chunks(task, todo, st.write, workers=opt.local_workers, scheduler=opt.scheduler, progress=progress)
    cols = st.read()
    nominal = device_chunk(device, VariationSpec(), seed, np.array([0]), mc, table, circuit)
    return MonteCarloResult(columns=cols, table=table, circuit=circuit,
                            nominal={k: v[0].item() for k, v in nominal.items()}, computed=computed)


def alpha_grid(device: Device, spec: VariationSpec) -> np.ndarray | None:
    """alpha values for the onset table: the device's own, or a grid over +-6 sigma when alpha varies."""
    s = next((s for s in spec.spreads if s.key == "material.alpha"), None)
    if s is None or s.sigma == 0:
        return None
    a0 = device.material.alpha
    sig = s.absolute(a0)
    width = 6.0 * sig if s.distribution == "normal" else math.sqrt(3.0) * sig * 1.0001
    lo = max(a0 - width, 1e-4)
    return np.linspace(lo, a0 + width, 7)


def wilson(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion k / n (:func:`mtjspice.analysis.stats.wilson_interval`;
    nan, nan for n = 0)."""
    if n == 0:
        return (math.nan, math.nan)
    lo, hi = wilson_interval(int(k), int(n), confidence=0.95)
    return (0.0 if k == 0 else lo, 1.0 if k == n else hi)  # exact ends, not a rounding error away


def percentiles(x: np.ndarray) -> dict[str, float]:
    """5th, 50th and 95th percentiles of the finite values of ``x`` (nan when there are none)."""
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"p5": math.nan, "p50": math.nan, "p95": math.nan}
    p5, p50, p95 = np.percentile(x, [5, 50, 95])
    return {"p5": float(p5), "p50": float(p50), "p95": float(p95)}


def _spread(x: np.ndarray) -> Spread:
    p = percentiles(x)
    return Spread(p["p5"], p["p50"], p["p95"])


def summarize(result: MonteCarloResult, mc: DeviceMC) -> MonteCarloSummary:
    """The run's numbers (SI units, :class:`~mtjspice.montecarlo.summary.MonteCarloSummary`): yield with
    its 95 % Wilson interval, regime fractions, the spread of the onset and of the LIF's tau_m and a2,
    thermal stability, the reasons samples fail, and, when trimmed, the yield after the reference trim
    and after gain + reference trim, the spread of k and the trim's cost."""
    c = result.columns
    n = result.n
    v = c["valid"].astype(bool)
    k = int(c["usable"].astype(bool).sum())
    fails = {
        "under_threshold": float(np.mean(v & (c["regime"] == 0))),
        "not_relaxed": float(np.mean(v & (c["regime"] == 2))),
        "breakdown": float(np.mean(v & c["breakdown"].astype(bool))),
        "misses_a_sign": float(np.mean(v & ~(c["fires_pos"].astype(bool) & c["fires_neg"].astype(bool)))),
        "wrong_sign": float(np.mean(v & c["wrong_sign"].astype(bool))),
        "read_drives_it": float(np.mean(v & ~c["read_safe"].astype(bool))),
        "easy_axis_not_z": float(np.mean(v & (c["easy"] != 2))),
        "invalid_sample": float(np.mean(~v)),
    }
    reasons = np.asarray(c["i_th_reason"], np.int64) if "i_th_reason" in c else np.zeros(n, np.int64)
    i_th = np.asarray(c["i_th"], float)
    fin = i_th[np.isfinite(i_th)]
    p = percentiles(i_th)
    onset = Spread(p["p5"], p["p50"], p["p95"], mean=float(fin.mean()) if fin.size else math.nan,
                   std=float(fin.std(ddof=1)) if fin.size > 1 else math.nan, nominal=result.nominal["i_th"])
    trims: dict[str, Any] = {}
    if "usable_ref" in c:
        kr = int(np.sum(c["usable_ref"].astype(bool)))
        trims.update(yield_ref=kr / n, yield_ref_ci95=wilson(kr, n))
    if "usable_trim" in c and np.isfinite(np.asarray(c["k_trim"], float)).any():
        kt = int(np.sum(c["usable_trim"].astype(bool)))
        kk = np.asarray(c["k_trim"], float)
        trims.update(yield_trim=kt / n, yield_trim_ci95=wilson(kt, n), k_trim=_spread(kk),
                     trim_cost=trim_cost(kk[np.isfinite(kk) & v]),
                     fails_trim={"breakdown": float(np.mean(v & c["breakdown_trim"].astype(bool))),
                                 "k_at_range_end": float(np.mean(v & ((kk <= mc.k_range[0]) | (kk >= mc.k_range[1]))))})
    return MonteCarloSummary(
        samples=n, valid=int(v.sum()), drive=mc.drive, yield_fraction=k / n, yield_ci95=wilson(k, n),
        regimes={name: float(np.mean(c["regime"] == i)) for i, name in enumerate(REGIMES)}, fails=fails,
        fails_note=FAILS_OVERLAP,
        i_th_missing={ONSET_REASONS[int(r)]: int(np.sum(reasons == r)) for r in np.unique(reasons) if r},
        i_th=onset, tau_m=_spread(np.asarray(c["tau_m"], float)), a2=_spread(np.asarray(c["a2"], float)),
        delta=_spread(np.asarray(c["delta"], float)), tau_relax=_spread(np.asarray(c["tau_relax"], float)),
        v_max=_spread(np.asarray(c["v_max"], float)), **trims)
