"""What a deck's control block wrote, read back: ngspice binary raw files and ``wrdata`` text.

Both readers return the time column (s) and the requested vectors by name, and turn anything
malformed into :class:`~mtjspice.errors.SimulationError` naming the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import SimulationError

__all__ = ["parse_wrdata", "parse_raw", "read_output"]


def parse_wrdata(path: str | Path, vectors: Sequence[str] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read ngspice ``wrdata`` output written with ``wr_singlescale`` and ``wr_vecnames``.

    Returns the time column (s) and each vector by its requested name.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            header = [h.lower() for h in fh.readline().split()]
            body = fh.read()
        data = np.loadtxt(io.StringIO(body), ndmin=2) if body.strip() else np.empty((0, 0))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimulationError(f"ngspice's output {Path(path).name} cannot be read as numbers ({exc})") from None
    return _columns(path, header, data, vectors)


def parse_raw(path: str | Path, vectors: Sequence[str] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read an ngspice binary raw file of real vectors (``set filetype=binary``, ``write``).

    The file may hold several plots one after another (a deck with more vectors than one ``write``
    takes writes them in parts with ``appendwrite``): their columns are joined, and each part must
    have the same time scale. Returns the scale (time, s) and each vector by its requested name.
    """
    name = Path(path).name
    blob = Path(path).read_bytes()
    header: list[str] = []
    blocks: list[np.ndarray] = []
    pos = 0
    while pos < len(blob):
        names, data, pos = _raw_section(name, blob, pos)
        if blocks:
            if data.shape[0] != blocks[0].shape[0] or not np.array_equal(data[:, 0], blocks[0][:, 0]):
                raise SimulationError(f"ngspice's output {name} holds parts with different time points")
            names, data = names[1:], data[:, 1:]
        header += names
        blocks.append(data)
    if not blocks:
        raise SimulationError(f"ngspice's output {name} is empty")
    return _columns(path, header, blocks[0] if len(blocks) == 1 else np.hstack(blocks), vectors)


def _raw_section(name: str, blob: bytes, pos: int) -> tuple[list[str], np.ndarray, int]:
    """One plot of a binary raw file from byte ``pos``: its vector names, its (points x vectors)
    data and the position after it."""
    mark = blob.find(b"Binary:\n", pos)
    if mark < 0:
        raise SimulationError(f"ngspice's output {name} is not a binary raw file (no 'Binary:' section)")
    try:
        head = blob[pos:mark].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SimulationError(f"ngspice's output {name} has an unreadable header ({exc})") from None
    fields = dict(ln.split(":", 1) for ln in head.splitlines() if ":" in ln and not ln.startswith("\t"))
    if "complex" in fields.get("Flags", "").lower():
        raise SimulationError(f"ngspice's output {name} holds complex data; a transient's real vectors were expected")
    names = [ln.split("\t")[2].strip().lower() for ln in head.split("Variables:", 1)[-1].splitlines()
             if ln.count("\t") >= 3]
    count = fields.get("No. Points", "-1").strip()
    if not count.lstrip("-").isdigit():
        raise SimulationError(f"ngspice's output {name} has an unreadable point count {count!r}")
    points = int(count)
    start = mark + len(b"Binary:\n")
    # the header's point count delimits the block (several plots may follow each other); without it,
    # the block is the rest of the file
    size = len(blob) - start if points < 0 else min(points * 8 * len(names), len(blob) - start)
    if not names or size % (8 * len(names)):
        raise SimulationError(f"ngspice's output {name} holds {size} bytes, not whole rows of "
                              f"{len(names)} numbers")
    data = np.frombuffer(blob, dtype="<f8", count=size // 8, offset=start).reshape(-1, len(names))
    if points >= 0 and data.shape[0] != points:
        raise SimulationError(f"ngspice's output {name} holds {data.shape[0]} points; its header says {points}")
    return names, data, start + size


def read_output(path: str | Path, vectors: Sequence[str] | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read what a deck's control block wrote: a binary raw file (``*.raw``) or ``wrdata`` text.

    Returns the time column (s) and each vector by its requested name (``vectors=None``: every
    vector in the file, in its order).
    """
    return parse_raw(path, vectors) if str(path).lower().endswith(".raw") else parse_wrdata(path, vectors)


def _columns(path: str | Path, header: list[str], data: np.ndarray,
             vectors: Sequence[str] | None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    if data.size == 0 or not header:
        raise SimulationError(f"ngspice wrote no data to {Path(path).name}")
    if data.shape[1] != len(header):
        raise SimulationError(f"ngspice wrote {data.shape[1]} columns under {len(header)} names to {Path(path).name}")
    index = {v: k for k, v in reversed(list(enumerate(header)))}  # the first column of a name, as list.index
    wanted = header[1:] if vectors is None else list(vectors)
    for v in wanted:
        if v not in index:
            raise SimulationError(f"ngspice wrote no vector {v} to {Path(path).name} (it wrote {', '.join(header[1:])})")
    # Rows are points: one transposed copy makes every column contiguous at once (much cheaper than a
    # strided copy per column when most are wanted); a few columns are copied one by one.
    cols = np.array(data.T, order="C") if 2 * len(wanted) >= data.shape[1] else None
    def column(k: int) -> np.ndarray:
        return cols[k] if cols is not None else np.array(data[:, k])
    return column(0), {v: column(index[v]) for v in wanted}
