"""Run chunks of samples as tasks on a Dask cluster and store each finished chunk at once.

:func:`run_chunks` takes a task (a picklable function of one chunk's indices that returns that
chunk's columns) and the chunks still to do. It runs them

* in this process, one after the other, when ``workers == 1`` and no scheduler is named (no
  cluster to start: the right choice for small runs and single cores);
* on a :class:`dask.distributed.LocalCluster` of ``workers`` processes (one thread each: the
  solver is numpy-bound and each process has its own interpreter lock) started for the run and
  closed after it; or
* on an existing cluster, ``scheduler="tcp://host:8786"`` (its workers must have mtjspice installed).

Each chunk's result is handed to ``sink`` (for a Monte Carlo run, the write of its
:class:`~mtjspice.montecarlo.store.ChunkStore`) by this process as soon as it arrives, so a run
that is killed keeps every chunk that finished. Dask reruns the task of a worker that dies on
another worker. A sample's result depends on its index
and the run's seed only, so neither the chunking nor the number of workers changes it.

Requires dask.distributed (the ``mc`` extra) when it starts or joins a cluster.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["run_chunks", "default_workers", "require_distributed", "check_scheduler", "dask_client"]


#: Environment of the local cluster's worker processes (set before they start). Dask's default trims
#: the heap back to the system above 64 kB, and numpy's temporaries of a batch of 10^4 devices
#: (240 kB each) then come from fresh mmap'd pages on every solver stage: measured, a 10^5-sample
#: clocked run spent more time in the kernel than in numpy, and ran 4 times slower than the same
#: chunks in one process. Keeping freed memory (trim and mmap thresholds of 256 and 64 MB) removes
#: that; one thread per numerical library, as Dask's default.
_WORKER_ENVIRON = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_MMAP_THRESHOLD_": str(64 << 20),
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def require_distributed() -> Any:
    """The dask.distributed module, or a clear error naming the extra that installs it."""
    try:
        import dask.distributed
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ParameterError("workers", "dask.distributed", "dask.distributed installed: pip install 'mtjspice[mc]'") \
            from None
    return dask.distributed


def check_scheduler(scheduler: str) -> str:
    """``scheduler`` if it reads as a Dask scheduler address (ParameterError otherwise)."""
    s = str(scheduler).strip()
    if not s or any(c.isspace() for c in s) or not (s.startswith(("tcp://", "tls://", "inproc://", "ucx://"))
                                                     or ":" in s):
        raise ParameterError("scheduler", scheduler, "a Dask scheduler address such as tcp://127.0.0.1:8786")
    return s


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, tasks: int | None = None) -> Iterator[Any]:
    """A Dask client held for several :func:`run_chunks` calls (one cluster start for a whole search),
    or None when the work runs in this process (``workers == 1`` and no scheduler). A local cluster
    of ``min(workers, tasks)`` processes is started and closed around the block."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ParameterError("workers", workers, "an integer >= 1")
    address = None if scheduler is None else check_scheduler(scheduler)
    n_workers = default_workers() if workers is None else workers
    if address is None and n_workers == 1:
        yield None
        return
    dd = require_distributed()
    import dask

    cluster = None
    try:
        if address is None:
            # dashboard on a free port: dashboard_address=None means Dask's default 8787, and measured on
            # this shared machine, another user's cluster holding 8787 failed the start ("Port 8787 is
            # already in use" as a warning, an error under pytest's warnings-as-errors)
            with dask.config.set({"distributed.nanny.pre-spawn-environ": _WORKER_ENVIRON}):
                cluster = dd.LocalCluster(n_workers=min(n_workers, tasks or n_workers), threads_per_worker=1,
                                          processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
            client = dd.Client(cluster)
        else:
            client = dd.Client(address, timeout=30)
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()


def run_chunks(task: Callable[[np.ndarray], Any], chunks: Sequence[np.ndarray], sink: Callable[[Any], object],
               *, workers: int | None = None, scheduler: str | None = None,
               progress: Callable[[int], None] | None = None, client: Any = None) -> int:
    """Run ``task`` on every chunk, handing each result to ``sink`` as it finishes.

    Parameters
    ----------
    task : callable
        ``task(chunk) -> result``; picklable (a module-level function or a functools.partial of one).
    chunks : sequence of int arrays
        The chunks to run (consecutive indices each).
    sink : callable
        Called with each chunk's result, in this process, in the order they finish.
    workers : int, optional
        Worker processes of the local cluster (default: this machine's cores); 1 runs here.
    scheduler : str, optional
        Address of an existing Dask scheduler; then ``workers`` is not used.
    progress : callable, optional
        Called with the number of samples of each finished chunk.
    client : dask.distributed.Client, optional
        A client already held (:func:`dask_client`); then ``workers`` and ``scheduler`` are not used.

    Returns
    -------
    int : the number of samples computed.
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ParameterError("workers", workers, "an integer >= 1")
    address = None if scheduler is None else check_scheduler(scheduler)
    n_workers = default_workers() if workers is None else workers
    done = 0
    if not chunks:
        return 0
    if client is None and address is None and (n_workers == 1 or len(chunks) == 1):
        for idx in chunks:
            sink(task(idx))
            done += idx.size
            if progress:
                progress(idx.size)
        return done
    dd = require_distributed()
    with (_held(client) if client is not None else dask_client(n_workers, address, len(chunks))) as cl:
        futures = {cl.submit(task, idx, pure=False, key=f"mtjspice-chunk-{int(idx[0])}-{int(idx[-1])}-{os.urandom(4).hex()}"): idx
                   for idx in chunks}
        for fut in dd.as_completed(list(futures)):
            idx = futures.pop(fut)
            sink(fut.result())
            fut.release()
            done += idx.size
            if progress:
                progress(idx.size)
    return done


@contextmanager
def _held(client: Any) -> Iterator[Any]:
    yield client
