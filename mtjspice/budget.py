"""Cost guards: what a run will need, checked against this machine before it starts.

Every command estimates its memory (samples x values x 8 bytes) and its run time before the
work begins. :func:`check_memory` refuses an estimate above the memory this machine has
available, with a :class:`~mtjspice.errors.CostError` that states the estimate and how to
proceed; :func:`warn_time` warns (:class:`~mtjspice.errors.CostWarning`) when a run is estimated
to take more than a minute. Library functions call these with their own parameter names; the
command line shows them as its options.
"""

from __future__ import annotations

import os
import warnings

from .errors import CostError, CostWarning

__all__ = ["available_memory", "check_memory", "check_steps", "warn_time", "format_bytes", "format_seconds",
           "MEMORY_FRACTION", "SLOW_SECONDS"]

#: Share of the available memory one run may plan to use.
MEMORY_FRACTION = 0.5
#: Estimated run time (s) above which a run warns.
SLOW_SECONDS = 60.0


def available_memory() -> int:
    """Bytes of memory available to a new allocation on this machine (MemAvailable on Linux).

    The environment variable ``MTJSPICE_MEMORY_LIMIT`` (bytes, SPICE suffixes not allowed)
    overrides it, for tests and shared machines.
    """
    env = os.environ.get("MTJSPICE_MEMORY_LIMIT")
    if env:
        try:
            return max(0, int(float(env)))
        except ValueError:
            pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 4 * 1024**3


def format_bytes(n: float) -> str:
    """``n`` bytes in KiB/MiB/GiB/TiB, three significant digits."""
    for unit, scale in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def format_seconds(s: float) -> str:
    """A duration in s, min, h or days, two significant digits."""
    if s < 120:
        return f"{s:.2g} s"
    if s < 7200:
        return f"{s / 60:.2g} min"
    if s < 2 * 86400:
        return f"{s / 3600:.2g} h"
    return f"{s / 86400:.2g} days"


def check_memory(nbytes: float, name: str, value: object, what: str, advice: str) -> None:
    """Refuse a run whose estimated memory ``nbytes`` exceeds half the available memory.

    Parameters
    ----------
    nbytes : float
        Estimated bytes.
    name, value : str, object
        The parameter that sets the cost and its value (named in the error).
    what : str
        What needs the memory (``"2.0e11 output samples x 5 values"``).
    advice : str
        How to proceed (``"shorten t_stop or raise dt_out"``).

    Raises
    ------
    CostError
        If ``nbytes > MEMORY_FRACTION * available_memory()``.
    """
    limit = MEMORY_FRACTION * available_memory()
    if not nbytes <= limit:
        raise CostError(name, value, f"a run that fits this machine's memory: {what}: about "
                        f"{format_bytes(nbytes)} needed, {format_bytes(limit)} may be used "
                        f"(half of the available memory); {advice}")


def check_steps(steps: float, limit: float, name: str, value: object, what: str, advice: str) -> None:
    """Refuse a run that needs more than ``limit`` solver steps (:class:`CostError`)."""
    if not steps <= limit:
        raise CostError(name, value, f"at most {limit:.3g} {what}; this run needs about {steps:.3g}; {advice}")


def warn_time(seconds: float, what: str, advice: str = "") -> None:
    """Warn (:class:`CostWarning`) when a run is estimated to take more than :data:`SLOW_SECONDS`."""
    if seconds > SLOW_SECONDS:
        tail = f"; {advice}" if advice else ""
        warnings.warn(f"{what} is estimated to take about {format_seconds(seconds)}{tail}", CostWarning,
                      stacklevel=2)
