"""Confidence intervals for the package's proportions (yields, accuracies): pure numpy/scipy."""

from __future__ import annotations

import math

from ..errors import ParameterError

__all__ = ["wilson_interval"]


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion: ``k`` successes in ``n`` trials.

    Parameters
    ----------
    k : int
        Successes (usable neurons, correct images), 0 <= k <= n.
    n : int
        Trials, n >= 1.
    confidence : float
        Two-sided confidence level, 0 < confidence < 1 (fraction).

    Returns
    -------
    (lo, hi) : tuple of float
        Bounds of the proportion (fractions, 0 <= lo <= k/n <= hi <= 1).
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ParameterError("n", n, "a whole number of trials >= 1")
    if isinstance(k, bool) or int(k) != k or not 0 <= k <= n:
        raise ParameterError("k", k, f"a whole number of successes from 0 to n = {n}")
    if not 0.0 < confidence < 1.0:
        raise ParameterError("confidence", confidence, "a fraction strictly between 0 and 1")
    from scipy import stats as _st  # lazy: scipy.stats costs about 0.5 s to import

    z = float(_st.norm.ppf(0.5 + confidence / 2.0))
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / den
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
