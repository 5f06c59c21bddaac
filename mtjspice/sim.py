"""The one module that runs ngspice: as a program in batch mode, or through PySpice's shared library.

Both engines take a deck (:class:`mtjspice.netlist.deck.Deck`, or its text and vectors) and return the
same plain :class:`mtjspice.results.Waveforms`. The batch engine runs ``ngspice -b`` in a private temporary
folder, so any number of runs can go in parallel processes; the shared engine keeps one
ngspice library per process (PySpice cannot hold two) and serialises runs through it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .errors import ParameterError, RunTimeoutError, SimulationError, SimulatorNotFoundError
from .netlist import safe
from .netlist.deck import Deck
from .netlist.render import strip_control, vector_name
from .results import Waveforms
from .simoutput import parse_raw, parse_wrdata, read_output
from .simprocess import Overdue, feed_deck, map_parallel, registered, stopped, wait_sampling

__all__ = ["run", "run_deck", "run_decks", "run_batch", "run_batch_many", "run_shared", "ngspice_program", "parse_wrdata",
           "parse_raw", "read_output", "Engine", "time_limit", "remaining_time", "map_parallel"]

Engine = Literal["batch", "shared"]

#: Wall seconds after which an ``ngspice -b`` run is stopped when no limit is given.
DEFAULT_TIMEOUT = 3600.0

_ERROR_PATTERNS = re.compile(
    r"(error|timestep too small|singular matrix|no convergence|aborted|unknown|can't find|not found|fatal)",
    re.IGNORECASE,
)


def ngspice_program() -> str:
    """Path of the ``ngspice`` program, or :class:`SimulatorNotFoundError` with how to install it."""
    override = os.environ.get("MTJSPICE_NGSPICE")
    path = shutil.which(override) if override else shutil.which("ngspice")
    if not path:
        raise SimulatorNotFoundError(f"the ngspice program ({override!r} from MTJSPICE_NGSPICE)" if override
                                     else "the ngspice program")
    return path


def _relevant(log: str) -> list[str]:
    lines = [ln for ln in log.splitlines() if ln.strip()]
    hits = [ln for ln in lines if _ERROR_PATTERNS.search(ln)]
    return hits or lines[-15:]


def run_batch(deck_text: str, vectors: Sequence[str], *, data_file: str = "waveforms.raw",
              timeout: float | None = None, keep_dir: str | Path | None = None,
              attachments: Mapping[str, str] | None = None) -> Waveforms:
    """Run a deck (with its control block) through ``ngspice -b`` in a temporary folder.

    Parameters
    ----------
    deck_text : str
        A deck from :func:`mtjspice.netlist.deck.deck` with ``vectors`` and ``data_file``.
    vectors : sequence of str
        The vectors its control block writes, in order.
    timeout : float, optional
        Seconds before the run is killed (:class:`RunTimeoutError`); default: what is left of an
        enclosing :func:`time_limit`, else :data:`DEFAULT_TIMEOUT`.
    keep_dir : path, optional
        Also copy the deck, log and data into this folder (for debugging).
    attachments : mapping of str to str, optional
        Data files the deck reads (file name -> text; :attr:`Deck.attachments`), written beside it.
    """
    program = ngspice_program()
    names = [vector_name(v) for v in vectors]
    files = _check_attachments(attachments, data_file)
    if stopped():  # the batch this run belongs to was interrupted: start no new ngspice
        raise KeyboardInterrupt
    with tempfile.TemporaryDirectory(prefix="mtjspice-") as tmp:
        deck_path = Path(tmp) / "circuit.cir"
        data = deck_text.encode("utf-8")
        # The deck reaches ngspice through a named pipe where there is one: ngspice has exec'd and
        # opened it before the first byte is written, so its memory is sampled at least once after
        # exec however short the run and however loaded the machine (a sample before exec reads
        # the forked Python's memory; ru_maxrss counts that image too).
        piped = hasattr(os, "mkfifo")
        if piped:
            os.mkfifo(deck_path)
        else:  # pragma: no cover - not POSIX
            deck_path.write_bytes(data)
        for fname, text in files.items():
            (Path(tmp) / fname).write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        with open(Path(tmp) / "ngspice.log", "w+", encoding="utf-8") as logf:
            proc = subprocess.Popen([program, "-b", "circuit.cir"], cwd=tmp, stdout=logf, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
            # Peak memory of the ngspice process itself: VmHWM from /proc, sampled while it runs.
            limit = timeout if timeout is not None else remaining_time(DEFAULT_TIMEOUT)
            assert limit is not None
            deadline = time.monotonic() + limit
            try:
                with registered(proc):
                    first = feed_deck(proc, deck_path, data, deadline) if piped else 0
                    peak_kib = max(first, wait_sampling(proc, deadline))
            except BaseException as exc:  # the limit, Ctrl-C or an alarm: never leave ngspice running
                if proc.returncode is None:
                    proc.kill()
                    proc.wait()
                if isinstance(exc, Overdue):
                    raise RunTimeoutError(f"ngspice did not finish within {limit:.3g} s (the time limit; "
                                          "give a longer --timeout, or shorten the run)") from None
                raise
            logf.seek(0)
            log = logf.read()
        wall = time.perf_counter() - t0
        if keep_dir is not None:
            for f in Path(tmp).iterdir():
                if f != deck_path:
                    shutil.copy(f, Path(keep_dir) / f.name)
            (Path(keep_dir) / deck_path.name).write_bytes(data)
        out = Path(tmp) / data_file
        if proc.returncode != 0 or not out.exists():
            raise SimulationError(f"ngspice failed (exit status {proc.returncode})", _relevant(log))
        if re.search(r"timestep too small|simulation\(s\) aborted|doAnalyses: .*error", log, re.IGNORECASE):
            raise SimulationError("ngspice aborted the transient (no convergence)", _relevant(log))
        t, sig = read_output(out, names)
    stats = {"wall_s": wall, "points": float(t.size),
             "peak_rss_bytes": float(peak_kib) * 1024.0}
    return Waveforms(t=t, signals=sig, engine="ngspice-batch", log=log, stats=stats)


def _check_attachments(attachments: Mapping[str, str] | None, data_file: str) -> dict[str, str]:
    """The attachments as a dict, each a bare file name other than the run's own files."""
    files = dict(attachments or {})
    for fname in files:
        safe.filename(fname, "attachment file name")
        if fname.lower() in ("circuit.cir", "ngspice.log", str(data_file).lower()):
            raise ParameterError("attachments", fname, "file names other than circuit.cir, ngspice.log and "
                                 f"the data file {data_file!r}")
    return files


def run_batch_many(jobs: Sequence[tuple[Any, ...]], *, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   each: Callable[[int, Waveforms], Any] | None = None, **kw: Any) -> list[Any]:
    """Run independent decks as parallel ``ngspice -b`` processes; results in the jobs' order.

    Parameters
    ----------
    jobs : sequence of (deck_text, vectors), (deck_text, vectors, data_file) or
        (deck_text, vectors, data_file, attachments)
        Deck texts with the vectors their control blocks write (and the file they write them to,
        and the data files they read: file name -> text).
    workers : int, optional
        Concurrent ngspice processes (default: the number of CPU cores).
    progress : callable(done, total), optional
        Called after each deck finishes.
    each : callable(index, waveforms), optional
        Applied to each result in its worker as soon as its deck finishes; the list then holds
        what it returns and the waveforms are dropped (bounded memory for many large decks).
    **kw
        Passed to :func:`run_batch` (``timeout``).

    Notes
    -----
    The first failure is raised (as :class:`SimulationError`) after the running decks finish.
    """
    n = len(jobs)
    if n == 0:
        return []
    ngspice_program()  # fail fast, once, if ngspice is missing

    def one(i: int) -> Any:
        text, vectors, *rest = jobs[i]
        extra: dict[str, Any] = {"data_file": rest[0]} if rest else {}
        if len(rest) > 1 and rest[1]:
            extra["attachments"] = rest[1]
        wf = run_batch(text, vectors, **extra, **kw)
        return wf if each is None else each(i, wf)

    return map_parallel(one, range(n), workers=workers, progress=progress)


_SHARED: Any = None
_SHARED_LOCK = threading.Lock()


def _shared_instance() -> Any:
    global _SHARED
    if _SHARED is None:
        # PySpice 1.5 logs that it does not know ngspice 39; that one message is harmless.
        class _DropVersionWarning(logging.Filter):
            def filter(self, record: logging.LogRecord) -> bool:
                return "Unsupported Ngspice version" not in record.getMessage()

        logging.getLogger("PySpice").addFilter(_DropVersionWarning())
        for name in list(logging.root.manager.loggerDict):
            if name.startswith("PySpice"):
                logging.getLogger(name).addFilter(_DropVersionWarning())
        try:
            from PySpice.Spice.NgSpice.Shared import NgSpiceShared
        except ImportError as exc:  # pragma: no cover - PySpice is a dependency
            raise SimulatorNotFoundError(f"PySpice ({exc})") from None
        try:
            _SHARED = NgSpiceShared.new_instance()
        except OSError as exc:
            raise SimulatorNotFoundError(f"the ngspice shared library ({exc})") from None
    return _SHARED


def run_shared(deck_text: str, vectors: Sequence[str]) -> Waveforms:
    """Run a deck through ngspice's shared library (PySpice), in this process.

    The control block, if any, is dropped; ``vectors`` are read from the resulting plot.
    """
    names = [vector_name(v) for v in vectors]
    circuit = strip_control(deck_text)
    with _SHARED_LOCK:
        ng = _shared_instance()
        ng.clear_output() if hasattr(ng, "clear_output") else None
        try:
            ng.load_circuit(circuit)
            ng.run()
        except Exception as exc:  # PySpice raises its own NgSpiceCommandError and friends
            log = "\n".join(getattr(ng, "_stdout", []) + getattr(ng, "_stderr", []))
            _reset(ng)
            raise SimulationError(f"ngspice (shared) failed: {exc}", _relevant(log)) from None
        log = "\n".join(getattr(ng, "_stdout", []) + getattr(ng, "_stderr", []))
        try:
            plot = ng.plot(None, ng.last_plot)
            t = np.array(plot["time"]._data, dtype=float)
            sig = {n: _shared_vector(plot, n) for n in names}
        except KeyError as exc:
            raise SimulationError(f"ngspice (shared) produced no vector {exc}", _relevant(log)) from None
        finally:
            _reset(ng)
    if re.search(r"timestep too small|simulation\(s\) aborted", log, re.IGNORECASE) or t.size < 2:
        raise SimulationError("ngspice (shared) aborted the transient (no convergence)", _relevant(log))
    return Waveforms(t=t, signals=sig, engine="ngspice-shared", log=log, stats={"points": float(t.size)})


def _shared_vector(plot: Any, name: str) -> np.ndarray:
    kind, inner = name[0], name[2:-1]
    if kind == "v":
        if "," in inner:
            a, b = inner.split(",")
            return _shared_vector(plot, f"v({a})") - _shared_vector(plot, f"v({b})")
        key = inner
    else:
        key = f"{inner}#branch"
    for candidate in (key, key.lower()):
        if candidate in plot:
            return np.real(np.array(plot[candidate]._data))
    raise KeyError(name)


def _reset(ng: Any) -> None:
    for cmd in ("destroy all", "remcirc"):
        try:
            ng.exec_command(cmd)
        except Exception:
            pass


def run(deck_text: str, vectors: Sequence[str], engine: Engine = "batch", **kw: Any) -> Waveforms:
    """Run a deck with the chosen engine (``"batch"``: ngspice program; ``"shared"``: PySpice)."""
    if engine == "batch":
        return run_batch(deck_text, vectors, **kw)
    if engine == "shared":
        return run_shared(deck_text, vectors)

    raise ParameterError("engine", engine, "'batch' or 'shared'")


def run_deck(deck: Deck, engine: Engine = "batch", **kw: Any) -> Waveforms:
    """Run a :class:`~mtjspice.netlist.deck.Deck` and return its probes' waveforms."""
    if engine == "shared":
        if deck.attachments:
            raise ParameterError("engine", engine, "'batch' for a deck with data files (the thermal noise): "
                                 "the shared library reads files from this process's folder")
        return run_shared(deck.text(control=False), deck.vectors)
    if deck.attachments and engine == "batch":
        kw = {**kw, "attachments": deck.attachments}
    return run(deck.text(), deck.vectors, engine=engine, data_file=deck.data_file, **kw)


def run_decks(decks: Sequence[Deck], **kw: Any) -> list[Any]:
    """Run independent decks as parallel ``ngspice -b`` processes (see :func:`run_batch_many`)."""
    return run_batch_many([(d.text(), d.vectors, d.data_file, dict(d.attachments)) if d.attachments
                           else (d.text(), d.vectors, d.data_file) for d in decks], **kw)


_DEADLINE: float | None = None


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Inside this block every ngspice run stops (:class:`RunTimeoutError`) when ``seconds`` of
    wall time have passed since the block began; ``None`` leaves the runs' own limits."""
    global _DEADLINE
    old = _DEADLINE
    if seconds is not None:
        _DEADLINE = time.monotonic() + seconds if old is None else min(old, time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE = old


def remaining_time(default: float | None) -> float | None:
    """Seconds left before the :func:`time_limit` deadline, else ``default``."""
    if _DEADLINE is None:
        return default
    return max(0.0, _DEADLINE - time.monotonic())
