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

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..runoptions import default_workers, scheduler_address

__all__ = ["run_chunks", "default_workers", "require_distributed", "check_scheduler", "reach_scheduler", "dask_client"]

#: Seconds the local cluster may take to close (its workers are stopped when it passes).
CLOSE_TIMEOUT = 10.0

#: Seconds to wait for a scheduler's port to accept a connection before saying nothing answers.
CONNECT_TIMEOUT = 5.0


#: Environment of the local cluster's worker processes (set before they start). Dask's default trims
#: the heap back to the system above 64 kB, and numpy's temporaries of a batch of 10^4 devices
#: (240 kB each) then come from fresh mmap'd pages on every solver stage: measured, a 10^5-sample
#: clocked run spent more time in the kernel than in numpy, and ran 4 times slower than the same
#: chunks in one process. Keeping freed memory (trim and mmap thresholds of 256 and 64 MB) removes
#: that; one thread per numerical library, as Dask's default.
_WORKER_ENVIRON = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_MMAP_THRESHOLD_": str(64 << 20),
                   "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def require_distributed() -> Any:
    """The dask.distributed module, or a clear error naming the extra that installs it."""
    try:
        import dask.distributed
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ParameterError("workers", "dask.distributed", "dask.distributed installed: pip install 'mtjspice[mc]'") \
            from None
    return dask.distributed


def check_scheduler(scheduler: str) -> str:
    """``scheduler`` if it reads as a Dask scheduler address (ParameterError otherwise;
    :func:`mtjspice.runoptions.scheduler_address`)."""
    return scheduler_address(scheduler)


def reach_scheduler(scheduler: str, timeout: float = CONNECT_TIMEOUT) -> str:
    """``scheduler`` if something accepts a TCP connection at its address within ``timeout`` s
    (ParameterError naming the address otherwise: connection refused, unknown host or no answer).

    Dask's own client retries a refused address until its timeout (38 s measured for
    ``tcp://127.0.0.1:1``); one plain connection attempt says at once that nothing listens there.
    Addresses of other protocols (inproc, ucx) are passed on unchecked."""
    import socket

    s = check_scheduler(scheduler)
    proto, _, rest = s.rpartition("://")
    if proto not in ("", "tcp", "tls"):
        return s
    host, _, port_text = rest.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    try:
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise ParameterError("scheduler", scheduler, "a Dask scheduler address with a port, such as "
                             "tcp://127.0.0.1:8786") from None
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except ConnectionRefusedError:
        raise ParameterError("scheduler", scheduler, "the address of a running Dask scheduler (nothing listens "
                             f"there: {host} refused the connection to port {port})") from None
    except socket.gaierror as exc:
        raise ParameterError("scheduler", scheduler, f"the address of a running Dask scheduler (unknown host "
                             f"{host!r}: {exc.strerror})") from None
    except TimeoutError:
        raise ParameterError("scheduler", scheduler, f"the address of a running Dask scheduler (no answer from "
                             f"{host} port {port} within {timeout:g} s)") from None
    except OSError as exc:
        raise ParameterError("scheduler", scheduler, f"the address of a running Dask scheduler ({host} port {port}: "
                             f"{exc.strerror or exc})") from None
    return s


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, tasks: int | None = None) -> Iterator[Any]:
    """A Dask client held for several :func:`run_chunks` calls (one cluster start for a whole search),
    or None when the work runs in this process (``workers == 1`` and no scheduler). A local cluster
    of ``min(workers, tasks)`` processes is started and closed around the block; a scheduler's
    address must answer (:func:`reach_scheduler`)."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ParameterError("workers", workers, "an integer >= 1")
    address = None if scheduler is None else reach_scheduler(scheduler)
    n_workers = default_workers() if workers is None else workers
    if address is None and n_workers == 1:
        yield None
        return
    dd = require_distributed()
    import dask

    with contextlib.ExitStack() as stack:
        if address is None:
            stack.enter_context(_workers_ignore_sigint())
            with _interrupt_deferred(), dask.config.set({"distributed.nanny.pre-spawn-environ": _WORKER_ENVIRON}):
                # no fixed port anywhere: dashboard_address=None would still bind the scheduler's HTTP
                # server to 8787 (and warn when another Dask process holds it); a port the system picks
                # on the loopback interface, with the dashboard itself off, holds nothing shared. Dask's
                # own logs are kept to CRITICAL: a task's error reaches this process through its future,
                # and closing the cluster mid-run (Ctrl-C) made each worker log a heartbeat traceback
                cluster = dd.LocalCluster(n_workers=min(n_workers, tasks or n_workers), threads_per_worker=1,
                                          processes=True, host="127.0.0.1", scheduler_port=0,
                                          dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                                          silence_logs=logging.CRITICAL)
                stack.callback(cluster.close, timeout=CLOSE_TIMEOUT)
                client = dd.Client(cluster)
                stack.callback(client.close)
        else:
            client = stack.enter_context(dd.Client(address, timeout=30))
        yield client


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
    address = None if scheduler is None else check_scheduler(scheduler)  # dask_client reaches it (once)
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
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(n_workers, address, len(chunks)))
        # a random tail: a client held across calls (a design search) must not see one chunk's key twice
        tag = os.urandom(4).hex()
        futures = {client.submit(task, idx, pure=False, key=f"mtjspice-chunk-{int(idx[0])}-{int(idx[-1])}-{tag}"): idx
                   for idx in chunks}
        for fut in dd.as_completed(list(futures)):
            idx = futures.pop(fut)
            sink(fut.result())
            fut.release()
            done += idx.size
            if progress:
                progress(idx.size)
    return done


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """A Ctrl-C during the block (starting the local cluster) raises KeyboardInterrupt when the
    block ends, once the cluster exists and can be closed; raised inside the construction it left a
    half-built cluster that Dask's exit hook failed to close, with a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: hit.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if hit:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Worker processes started in the block ignore SIGINT.

    A Ctrl-C at the terminal goes to the whole process group: each Dask worker (or one still
    importing) printed its own KeyboardInterrupt traceback, 75 lines before the command's one. The
    workers are started through a two-line shell wrapper that ignores SIGINT and execs this Python
    (:func:`multiprocessing.set_executable`; an ignored signal stays ignored across exec, and Python
    then leaves it so). This process alone handles the Ctrl-C, and closing the cluster stops them."""
    import multiprocessing
    import shlex
    import shutil
    import sys
    import tempfile
    from multiprocessing import spawn

    old = spawn.get_executable()
    folder = tempfile.mkdtemp(prefix="mtjspice-workers-")
    wrapper = os.path.join(folder, "python")
    with open(wrapper, "w", encoding="utf-8") as fh:
        fh.write(f"#!/bin/sh\ntrap '' INT\nexec {shlex.quote(os.fsdecode(old or sys.executable))} \"$@\"\n")
    os.chmod(wrapper, 0o755)
    multiprocessing.set_executable(wrapper)
    try:
        yield
    finally:
        multiprocessing.set_executable(old or sys.executable)
        shutil.rmtree(folder, ignore_errors=True)
