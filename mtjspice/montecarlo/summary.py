"""The numbers a designer asks first of a device-level Monte Carlo, as one typed result
(:class:`MonteCarloSummary`, made by :func:`mtjspice.montecarlo.run.summarize`); its
:meth:`~MonteCarloSummary.to_dict` is the body of ``summary.json`` (the command line adds the run's
identity: device, variation, seed, ...)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .trim import TrimCost

__all__ = ["Spread", "MonteCarloSummary"]


@dataclass(frozen=True)
class Spread:
    """The spread of one column over the samples' finite values (its unit; nan when none is finite).

    Attributes
    ----------
    p5, p50, p95 : float
        5th, 50th and 95th percentiles.
    mean, std : float or None
        Mean and standard deviation (ddof 1); given for the onset current only (None elsewhere).
    nominal : float or None
        The nominal device's value; given for the onset current only (None elsewhere).
    """

    p5: float
    p50: float
    p95: float
    mean: float | None = None
    std: float | None = None
    nominal: float | None = None

    def to_dict(self) -> dict[str, float]:
        """The percentiles, then mean, std and nominal where given (``summary.json``'s order)."""
        return {k: v for k, v in (("p5", self.p5), ("p50", self.p50), ("p95", self.p95), ("mean", self.mean),
                                  ("std", self.std), ("nominal", self.nominal)) if v is not None}


@dataclass(frozen=True)
class MonteCarloSummary:
    """A device-level run in numbers (SI units; fractions 0 to 1 of all samples).

    Attributes
    ----------
    samples, valid : int
        Samples, and those that are devices the model accepts.
    drive : float
        The nominal input (A).
    yield_fraction : float
        Usable samples over all (``yield`` in the JSON), with its 95 % Wilson interval ``yield_ci95``.
    regimes : dict of str to float
        Fraction of samples in each regime at the drive (``under``, ``lif``, ``over``).
    fails : dict of str to float
        Fraction of samples failing by each reason (they overlap: ``fails_note``).
    fails_note : str
        How to read ``fails``.
    i_th_missing : dict of str to int
        Samples with no onset current, by reason.
    i_th, tau_m, a2, delta, tau_relax, v_max : Spread
        Onset current (A, with mean, std and the nominal value), the LIF's tau_m (s) and a2 (1/V),
        thermal stability (dimensionless), relaxation time (s), peak junction voltage (V).
    yield_ref, yield_ref_ci95 : float, (float, float) or None
        The yield after the reference trim (None when the run was not trimmed).
    yield_trim, yield_trim_ci95 : float, (float, float) or None
        The yield after gain + reference trim (None when untrimmed or no sample has a gain ratio).
    k_trim : Spread or None
        The gain ratio k's spread (dimensionless).
    trim_cost : TrimCost or None
        What the gain trim costs.
    fails_trim : dict of str to float or None
        After the trim: breakdown, and k at an end of its range (fractions).
    """

    samples: int
    valid: int
    drive: float
    yield_fraction: float
    yield_ci95: tuple[float, float]
    regimes: dict[str, float]
    fails: dict[str, float]
    fails_note: str
    i_th_missing: dict[str, int]
    i_th: Spread
    tau_m: Spread
    a2: Spread
    delta: Spread
    tau_relax: Spread
    v_max: Spread
    yield_ref: float | None = None
    yield_ref_ci95: tuple[float, float] | None = None
    yield_trim: float | None = None
    yield_trim_ci95: tuple[float, float] | None = None
    k_trim: Spread | None = None
    trim_cost: TrimCost | None = None
    fails_trim: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of ``summary.json`` (keys in the file's order; the trimmed yields only when run)."""
        out: dict[str, Any] = {"samples": self.samples, "valid": self.valid, "drive": self.drive,
                               "yield": self.yield_fraction, "yield_ci95": self.yield_ci95,
                               "regimes": dict(self.regimes), "fails": dict(self.fails), "fails_note": self.fails_note,
                               "i_th_missing": dict(self.i_th_missing)}
        for name in ("i_th", "tau_m", "a2", "delta", "tau_relax", "v_max"):
            out[name] = getattr(self, name).to_dict()
        if self.yield_ref is not None:
            out["yield_ref"] = self.yield_ref
            out["yield_ref_ci95"] = self.yield_ref_ci95
        if self.yield_trim is not None:
            out["yield_trim"] = self.yield_trim
            out["yield_trim_ci95"] = self.yield_trim_ci95
            out["k_trim"] = None if self.k_trim is None else self.k_trim.to_dict()
            out["trim_cost"] = None if self.trim_cost is None else asdict(self.trim_cost)
            out["fails_trim"] = None if self.fails_trim is None else dict(self.fails_trim)
        return out
