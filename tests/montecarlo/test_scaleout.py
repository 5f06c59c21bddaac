"""Scale-out plumbing: a local Dask cluster holds no fixed port, and a scheduler address where
nothing listens is said at once."""

from __future__ import annotations

import socket
import time
import warnings

import numpy as np
import pytest

from mtjspice.cli import main
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.scaleout import reach_scheduler, run_chunks


@pytest.mark.slow
def test_local_cluster_runs_while_another_process_holds_port_8787() -> None:
    """Another Dask cluster's dashboard on 8787 (here: a plain socket listening there, or whoever
    already holds it) neither stops the run nor warns (filterwarnings = error would fail it)."""
    holder = socket.socket()
    try:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("", 8787))
        holder.listen()
    except OSError:
        pass  # someone else holds it already: the same situation
    try:
        got: list[np.ndarray] = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            n = run_chunks(np.cumsum, [np.arange(0, 3), np.arange(3, 6)], got.append, workers=2)
        assert n == 6
        assert sorted(a.tolist() for a in got) == [[0, 1, 3], [3, 7, 12]]
    finally:
        holder.close()


def test_a_scheduler_where_nothing_listens_is_said_at_once(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:  # a port bound but not listening refuses connections
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        t0 = time.monotonic()
        with pytest.raises(ParameterError, match="nothing listens there"):
            reach_scheduler(f"tcp://127.0.0.1:{port}")
        rc = main(["montecarlo", "orthogonal", "--sigma", "L=1n", "--samples", "4", "--scheduler",
                   f"tcp://127.0.0.1:{port}", "--out", str(tmp_path / "o")])
        elapsed = time.monotonic() - t0
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "--scheduler" in err and "nothing listens there" in err
    assert not (tmp_path / "o").exists()
    # today's main took 38 s (Dask's client retried until its timeout); a refused connection is
    # immediate however loaded the machine, so this bound is generous
    assert elapsed < 30
    with pytest.raises(ParameterError, match="with a port"):
        reach_scheduler("tcp://127.0.0.1:http")
