"""How a long run is carried out, apart from what it computes: one frozen options object.

The Monte Carlo (:func:`mtjspice.montecarlo.run.device_montecarlo`, the circuit Monte Carlo), the
robust design (:func:`mtjspice.montecarlo.robust.yield_map`) and the design window
(:func:`mtjspice.characterize.window.sweep_plane`) take one :class:`RunOptions` instead of six
keywords each: where the work runs (``workers``, ``scheduler``), how it is cut (``chunk``), its
seed, where finished chunks are kept so a stopped run resumes (``store``, ``reset``), and who hears
of progress. None of them changes a result except ``seed``: a sample's result depends on its index
and the seed only, never on the chunking or the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError

__all__ = ["RunOptions", "scheduler_address", "default_workers", "MAX_WORKERS", "MAX_CHUNK", "MAX_SEED"]

#: Largest number of worker processes a run may ask for.
MAX_WORKERS = 1024
#: Largest chunk (samples or devices per task).
MAX_CHUNK = 1_000_000
#: Largest seed (numpy's SeedSequence entropy range used by the package).
MAX_SEED = 2**63 - 1


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _whole(name: str, v: object, low: int, high: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise ParameterError(name, v, f"an integer from {low} to {high}")
    return v


def scheduler_address(scheduler: object) -> str:
    """``scheduler`` if it reads as a Dask scheduler address (ParameterError otherwise); the form only,
    no connection is tried."""
    s = str(scheduler).strip() if isinstance(scheduler, str) else ""
    if not s or any(c.isspace() for c in s) or not (s.startswith(("tcp://", "tls://", "inproc://", "ucx://"))
                                                     or ":" in s):
        raise ParameterError("scheduler", scheduler, "a Dask scheduler address such as tcp://127.0.0.1:8786")
    return s


@dataclass(frozen=True)
class RunOptions:
    """How to run a long computation (none of these moves a figure, except ``seed``).

    Attributes
    ----------
    seed : int
        Seed of the random draws (0 to 2**63 - 1): sample i depends only on (seed, i).
    workers : int or None
        Worker processes (1 to 1024); 1 runs in this process; None: this machine's cores. Not used
        when ``scheduler`` is given.
    scheduler : str or None
        Address of an existing Dask scheduler (``tcp://host:8786``); None starts a local cluster
        when ``workers`` > 1.
    chunk : int
        Samples (or devices) per task, 1 to 1e6. Sets the granularity of resuming and of progress.
    store : Path or None
        Folder of the finished chunks (Parquet) while the run goes on; a run stopped and started again
        with the same store resumes. None: a temporary folder, removed when the run returns.
    reset : bool
        Discard a store that holds another run's chunks instead of refusing it.
    progress : callable or None
        ``progress(n)`` is called with the number of samples (or designs, devices) each finished task
        adds; None reports nothing.
    """

    seed: int = 0
    workers: int | None = None
    scheduler: str | None = None
    chunk: int = 5000
    store: str | Path | None = None
    reset: bool = False
    progress: Callable[[int], None] | None = None

    @classmethod
    def given(cls, options: object, default: RunOptions | None = None) -> RunOptions:
        """``options`` itself when it is a RunOptions, ``default`` (else ``RunOptions()``) for None;
        anything else refused in one line (the check every entry point that takes options makes)."""
        if options is None:
            return cls() if default is None else default
        if not isinstance(options, cls):
            raise ParameterError("options", type(options).__name__, "a RunOptions")
        return options

    def __post_init__(self) -> None:
        _whole("seed", self.seed, 0, MAX_SEED)
        if self.workers is not None:
            _whole("workers", self.workers, 1, MAX_WORKERS)
        if self.scheduler is not None:
            object.__setattr__(self, "scheduler", scheduler_address(self.scheduler))
        _whole("chunk", self.chunk, 1, MAX_CHUNK)
        if self.store is not None:
            if not isinstance(self.store, (str, Path)) or not str(self.store).strip():
                raise ParameterError("store", self.store, "a folder path, or None for a temporary folder")
            object.__setattr__(self, "store", Path(self.store))
        if not isinstance(self.reset, bool):
            raise ParameterError("reset", self.reset, "True or False")
        if self.progress is not None and not callable(self.progress):
            raise ParameterError("progress", self.progress, "a function of one integer (samples done), or None")

    @property
    def local_workers(self) -> int | None:
        """``workers`` when the run is local, None when it runs on ``scheduler``'s cluster."""
        return self.workers if self.scheduler is None else None
