"""Ctrl-C ends a run within seconds with one line, and leaves no child process running: a neuron's
parallel ngspice trials, and a Monte Carlo run on a local Dask cluster.

Each test starts the command in its own session and sends SIGINT to the whole process group, as a
terminal's Ctrl-C does. The bound on the exit (60 s) is generous for a loaded machine; today's
main needed 58-88 s for the neuron trials (both trials' ngspice ran to the end after the
interrupt) and printed 75 lines of worker tracebacks for the Monte Carlo run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

#: Seconds a loaded machine may take to reach the state the interrupt is sent in (imports, the
#: onset table, the first deck's noise file, the cluster's start).
REACH = 600.0
#: Seconds from the interrupt to the exit that a loaded machine meets (measured on an idle one:
#: 0.3-1.7 s for the trials, 3-5 s for the cluster).
BOUND = 60.0


def session(sid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every live process of session ``sid`` (the command's descendants)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append((int(d), comm))
    return out


def interrupt(argv: list[str], ready: Callable[[subprocess.Popen[str]], bool], *,
              terminate: bool = False) -> tuple[int, str, float, list]:
    """Run ``mtjspice argv``, Ctrl-C it once ``ready`` (or, with ``terminate``, send SIGTERM to the
    command's process alone, as ``kill PID`` or a batch system does); returns (status, stderr,
    seconds to exit, the session's processes left running)."""
    # The command starts as a terminal's foreground job does, with SIGINT at its default: a suite
    # run as a background job of a script (``cmd &`` without job control) inherits SIGINT ignored,
    # and an ignored signal stays ignored across exec, so the command would never see the Ctrl-C.
    # A handled signal is reset to its default by exec, so the child starts with SIG_DFL.
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "mtjspice", *argv], start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, old)
    try:
        deadline = time.monotonic() + REACH
        while not ready(proc):
            assert proc.poll() is None, f"the command ended before the interrupt: {proc.stderr.read()}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the command never reached the state to interrupt"
            time.sleep(0.05)
        t0 = time.monotonic()
        if terminate:
            os.kill(proc.pid, signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {BOUND:g} s after Ctrl-C")
        elapsed = time.monotonic() - t0
        time.sleep(0.5)  # a child killed at the exit has gone by now
        return proc.returncode, err, elapsed, session(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid, _ in session(proc.pid):  # never leave anything behind, whatever the test found
            os.kill(pid, signal.SIGKILL)


def lines(err: str) -> list[str]:
    """stderr's lines without the progress bar's redraws."""
    return [ln for ln in re.split(r"[\r\n]+", err) if ln.strip() and not re.match(r"^\s*trials:", ln)]


@pytest.mark.slow
@pytest.mark.ngspice
def test_ctrl_c_stops_parallel_ngspice_trials(tmp_path: Path) -> None:
    seen: list[list[tuple[int, str]]] = []

    def ngspice_running(proc: subprocess.Popen[str]) -> bool:
        procs = session(proc.pid)
        seen.append(procs)
        return any(name == "ngspice" for _, name in procs)

    rc, err, elapsed, left = interrupt(["neuron", "orthogonal", "--trials", "2", "--t-stop", "1u", "--temperature",
                                        "300", "--out", str(tmp_path / "n")], ngspice_running)
    assert rc == 130, err
    assert lines(err) == ["mtjspice neuron: error: interrupted; no results were written"], err
    assert left == [], left  # no ngspice of either trial runs on
    assert elapsed < BOUND
    assert not (tmp_path / "n").exists()


@pytest.mark.slow
@pytest.mark.ngspice
def test_sigterm_stops_the_trials_and_their_ngspice_too(tmp_path: Path) -> None:
    # SIGTERM reaches the command alone (not its ngspice children): Python's default ended the
    # command at once and left both trials' ngspice running to their end, orphaned.
    def ngspice_running(proc: subprocess.Popen[str]) -> bool:
        return any(name == "ngspice" for _, name in session(proc.pid))

    rc, err, elapsed, left = interrupt(["neuron", "orthogonal", "--trials", "2", "--t-stop", "1u", "--temperature",
                                        "300", "--out", str(tmp_path / "n")], ngspice_running, terminate=True)
    assert rc == 143, err
    assert lines(err) == ["mtjspice neuron: error: stopped by SIGTERM; no results were written"], err
    assert left == [], left
    assert elapsed < BOUND
    assert not (tmp_path / "n").exists()


@pytest.mark.slow
def test_ctrl_c_stops_a_monte_carlo_on_a_local_cluster_with_one_line(tmp_path: Path) -> None:
    store = tmp_path / "mc.parts"

    def a_chunk_is_stored(proc: subprocess.Popen[str]) -> bool:
        return any(store.glob("part-*.parquet")) if store.is_dir() else False

    rc, err, elapsed, left = interrupt(["montecarlo", "orthogonal", "--sigma", "L=1n,W=1n", "--samples", "50000",
                                        "--chunk", "100", "--no-trim", "--workers", "2", "--quiet", "--out",
                                        str(tmp_path / "mc")], a_chunk_is_stored)
    assert rc == 130, err
    got = lines(err)
    assert len(got) == 1 and "Traceback" not in err, err  # no worker's traceback, one line
    assert re.fullmatch(r"mtjspice montecarlo: error: interrupted; nothing was written to --out, but \d+ finished "
                        r"samples are kept in .*mc\.parts; the same command resumes from them", got[0]), got
    assert left == [], left  # no Dask worker or nanny left
    assert elapsed < BOUND
    assert not (tmp_path / "mc").exists()
