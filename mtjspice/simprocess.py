"""The ngspice child processes of :mod:`mtjspice.sim`: feeding a deck, waiting with a deadline while
sampling peak memory, and running many in parallel so that Ctrl-C stops them all at once.

Part of the sim layer (only :mod:`mtjspice.sim` uses it); split off to keep modules short.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import queue
import select
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import RunTimeoutError

__all__ = ["map_parallel", "stopped", "registered", "feed_deck", "wait_sampling", "Overdue"]


class Overdue(Exception):
    """The run passed its deadline (turned into RunTimeoutError by the caller)."""


#: Longest interval (s) between samples of a running ngspice's peak memory; the samples start 1 ms
#: apart and space out to this, so short runs are sampled too.
_SAMPLE = 0.02


class _Batch:
    """One call of :func:`map_parallel`: its stop event and the ones of the batches it runs inside."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.stops: tuple[threading.Event, ...] = (*_stops(), self.stop)


_LOCAL = threading.local()
#: Running ngspice processes, each with the stop events of the batches it belongs to.
_LIVE: dict[subprocess.Popen[Any], tuple[threading.Event, ...]] = {}
_LIVE_LOCK = threading.Lock()


def _stops() -> tuple[threading.Event, ...]:
    """The stop events of the batches this thread works for (none outside :func:`map_parallel`)."""
    return getattr(_LOCAL, "stops", ())


def stopped() -> bool:
    """Whether a batch this thread works for was stopped (Ctrl-C, the command's time limit): then no
    new ngspice may start and a running one is killed."""
    return any(e.is_set() for e in _stops())


def _check_stop(deadline: float) -> None:
    if stopped():
        raise KeyboardInterrupt
    if time.monotonic() > deadline:
        raise Overdue


@contextlib.contextmanager
def registered(proc: subprocess.Popen[Any]) -> Iterator[None]:
    """Record ``proc`` as running for the stopping of its batches (and for this interpreter's exit)."""
    with _LIVE_LOCK:
        _LIVE[proc] = _stops()
    try:
        yield
    finally:
        with _LIVE_LOCK:
            _LIVE.pop(proc, None)


def _kill_live(stop: threading.Event | None = None) -> None:
    """Kill the running ngspice processes of the batch with ``stop`` (all of them for None)."""
    with _LIVE_LOCK:
        procs = [p for p, stops in _LIVE.items() if stop is None or stop in stops]
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(OSError):
                p.kill()


atexit.register(_kill_live)  # a worker thread that outlives an interrupt leaves no ngspice behind


def feed_deck(proc: subprocess.Popen[Any], fifo: Path, data: bytes, deadline: float) -> int:
    """Write ``data`` into the named pipe ``fifo`` once ``proc`` has opened it; returns ngspice's
    peak memory (KiB) sampled at that moment (after exec), 0 if it exited without opening it."""
    fd = -1
    while fd < 0:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO until a reader has it open
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if proc.poll() is not None:
                return 0
            _check_stop(deadline)
            time.sleep(0.001)
    try:
        peak = _vm_hwm_kib(proc.pid)
        view = memoryview(data)
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        while view:
            _check_stop(deadline)
            if not poller.poll(20):
                continue
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue
            except BrokenPipeError:  # ngspice stopped reading (it failed): its log says why
                break
        return peak
    finally:
        os.close(fd)


def wait_sampling(proc: subprocess.Popen[Any], deadline: float) -> int:
    """Wait for ``proc`` to exit (setting its returncode) by ``deadline`` (monotonic s), sampling its
    peak memory; returns the peak (KiB). On Linux a pidfd wakes the wait the moment ngspice exits, so
    the samples can be sparse; elsewhere a short sleep loop polls for the exit."""
    peak, gap = 0, 0.001
    fd = -1
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(proc.pid)
    try:
        poller = None
        if fd >= 0:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
        while True:
            peak = max(peak, _vm_hwm_kib(proc.pid))
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return peak
            _check_stop(deadline)
            left = deadline - time.monotonic()
            if left < 0:
                raise Overdue
            if poller is not None:
                poller.poll(max(1, round(min(gap, left) * 1000)))
                gap = min(2 * gap, _SAMPLE)
            else:
                time.sleep(0.005)
    finally:
        if fd >= 0:
            os.close(fd)


def _vm_hwm_kib(pid: int) -> int:
    """Peak resident memory (KiB) of a running process, 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0




def map_parallel(fn: Callable[[Any], Any], items: Iterable[Any], *, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(x) for x in items]`` in worker threads (each ``fn`` runs its ngspice decks as child
    processes, so threads are enough: the work seldom holds the GIL); results in the items' order.

    Parameters
    ----------
    fn : callable
        Applied to each item in a worker thread.
    items : iterable
        The work.
    workers : int, optional
        Threads (default: the number of CPU cores), at most one per item.
    progress : callable(done, total), optional
        Called in this thread after each item finishes.

    Notes
    -----
    The first failure of an item is raised after the running items finish; items not yet started
    never start. Ctrl-C (KeyboardInterrupt) or the command's time limit in this thread stops the
    batch at once: running ngspice processes are killed (within one memory sample, 20 ms), none
    starts after it, and this call raises without waiting for a worker busy in Python (building a
    deck's noise file takes seconds): the workers are daemon threads that can start no ngspice any
    more, and any that outlive the interpreter leave none behind (an :mod:`atexit` hook kills them).
    """
    todo = list(items)
    n = len(todo)
    if n == 0:
        return []
    batch = _Batch()
    results: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()
    order = iter(range(n))
    take = threading.Lock()
    no_more = threading.Event()

    def work() -> None:
        _LOCAL.stops = batch.stops
        while not (no_more.is_set() or stopped()):
            with take:
                i = next(order, None)
            if i is None:
                return
            try:
                results.put((i, True, fn(todo[i])))
            except BaseException as exc:  # handed to the caller's thread; no other item starts
                no_more.set()
                results.put((i, False, exc))

    threads = [threading.Thread(target=work, name=f"mtjspice-run-{k}", daemon=True)
               for k in range(max(1, min(n, workers or os.cpu_count() or 1)))]
    out: list[Any] = [None] * n
    failure: BaseException | None = None
    try:
        for t in threads:
            t.start()
        done = 0
        while done < n:
            try:
                i, ok, value = results.get(timeout=0.1)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and results.empty():
                    break  # after a failure: every running item has finished
                continue
            if not ok:
                if failure is None:
                    failure = value
                    no_more.set()  # the running items finish; no other starts
                continue
            out[i] = value
            done += 1
            if progress is not None:
                progress(done, n)
        if failure is not None:
            raise failure
    except BaseException as exc:
        if exc is not failure and (not isinstance(exc, Exception) or isinstance(exc, RunTimeoutError)):
            batch.stop.set()
            for t in threads:  # the workers in an ngspice run end within a sample; others are left
                t.join(0.5)
            _kill_live(batch.stop)
        raise
    return out
