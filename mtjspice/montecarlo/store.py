"""An append-only store of finished Monte Carlo chunks: one Parquet file per chunk, and a manifest.

A run's samples are split into chunks of consecutive indices; each finished chunk is written at
once as ``part-<first>-<last>.parquet`` (written to a temporary name in the same folder, then
renamed: a chunk file is whole or absent, even if the process is killed mid-write). The manifest,
``manifest.json``, records what the run is (device, variation, seed, test settings; not the chunk
size nor the number of workers, which do not change any sample's result). A run restarted on the
same store with the same manifest reads which indices are done and computes only the others; a
different manifest is refused (the store holds another run's samples).

Requires pyarrow (the ``mc`` extra).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..io.outputs import OutputError

__all__ = ["ChunkStore", "require_pyarrow", "missing_chunks", "chunk_span"]

_PART = re.compile(r"^part-(\d{10})-(\d{10})\.parquet$")
MANIFEST = "manifest.json"


def require_pyarrow() -> Any:
    """The pyarrow module, or a clear error naming the extra that installs it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ParameterError("store", "pyarrow", "pyarrow installed: pip install 'mtjspice[mc]'") from None
    return pyarrow


class ChunkStore:
    """The chunk files of one run in ``folder`` (created if missing).

    Parameters
    ----------
    folder : path
        The store's folder.
    manifest : mapping
        What the run is (JSON-serialisable). A folder that already holds a different manifest is
        refused (:class:`OutputError`) unless ``reset`` is true, which empties it first; one that
        holds the same manifest is resumed either way.
    """

    def __init__(self, folder: str | os.PathLike[str], manifest: Mapping[str, Any], *, reset: bool = False) -> None:
        require_pyarrow()
        self.folder = Path(folder)
        text = json.dumps(dict(manifest), sort_keys=True, indent=1)
        if self.folder.exists() and not self.folder.is_dir():
            raise OutputError(f"the sample store {self.folder} is a file, not a folder")
        path = self.folder / MANIFEST
        if self.folder.is_dir() and any(self.folder.iterdir()):
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            if old is None and not reset:
                raise OutputError(f"{self.folder} is not empty and is not a Monte Carlo sample store; choose another "
                                  "folder")
            if old is not None and old != text:
                if not reset:
                    raise OutputError(f"the sample store {self.folder} holds another run (different device, variation, "
                                      "seed or test); rerun with --overwrite to start afresh, or use another --out")
            if reset and old != text:  # the same run resumes even with reset: its chunks are still right
                if old is None:
                    raise OutputError(f"{self.folder} is not a Monte Carlo sample store; refusing to empty it")
                for p in self.folder.iterdir():
                    if _PART.match(p.name) or p.name == MANIFEST or p.name.startswith(".part-"):
                        p.unlink()
        self.folder.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            _atomic_write(path, text.encode())

    def done(self) -> list[tuple[int, int]]:
        """Finished chunks as (first, last) index pairs (inclusive), sorted."""
        out = []
        for p in self.folder.iterdir():
            m = _PART.match(p.name)
            if m:
                out.append((int(m.group(1)), int(m.group(2))))
        return sorted(out)

    def done_indices(self) -> np.ndarray:
        """Indices of finished samples."""
        parts = [np.arange(a, b + 1) for a, b in self.done()]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def path(self, first: int, last: int) -> Path:
        return self.folder / f"part-{first:010d}-{last:010d}.parquet"

    def write(self, columns: Mapping[str, np.ndarray]) -> Path:
        """Write one finished chunk (columns of equal length with an ``index`` column of consecutive
        indices) whole: to a temporary file, then renamed into place."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        idx = np.asarray(columns["index"])
        if idx.size == 0 or np.any(np.diff(idx) != 1):
            raise ParameterError("index", idx[:5].tolist(), "consecutive sample indices")
        table = pa.table({k: np.asarray(v) for k, v in columns.items()})
        dest = self.path(int(idx[0]), int(idx[-1]))
        with _staged(dest, ".part-") as tmp:
            pq.write_table(table, tmp)
        return dest

    def read(self) -> dict[str, np.ndarray]:
        """Every finished sample's columns, sorted by index."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        parts = [pq.read_table(self.path(a, b)) for a, b in self.done()]
        if not parts:
            return {}
        table = pa.concat_tables(parts)
        cols = {name: table.column(name).to_numpy() for name in table.column_names}
        order = np.argsort(cols["index"], kind="stable")
        return {k: np.asarray(v)[order] for k, v in cols.items()}


def chunk_span(name: str) -> int:
    """How many samples a file name of a finished chunk holds (0 for any other name)."""
    m = _PART.match(name)
    return int(m.group(2)) - int(m.group(1)) + 1 if m else 0


def missing_chunks(n: int, done: Iterable[tuple[int, int]], chunk: int) -> list[np.ndarray]:
    """The indices 0..n-1 not covered by ``done``, in runs of consecutive indices cut into pieces of
    at most ``chunk``."""
    if not (isinstance(chunk, int) and chunk >= 1):
        raise ParameterError("chunk", chunk, "an integer >= 1")
    todo = np.ones(n, bool)
    for a, b in done:
        todo[max(a, 0):min(b, n - 1) + 1] = False
    idx = np.flatnonzero(todo)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) != 1) + 1
    out: list[np.ndarray] = []
    for run in np.split(idx, breaks):
        out.extend(run[i:i + chunk] for i in range(0, run.size, chunk))
    return out


@contextmanager
def _staged(dest: Path, prefix: str) -> Iterator[Path]:
    """A temporary path beside ``dest`` to write; renamed onto ``dest`` when the block ends without
    error, removed otherwise: ``dest`` is whole or untouched."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _atomic_write(path: Path, data: bytes) -> None:
    with _staged(path, ".manifest-") as tmp:
        tmp.write_bytes(data)
