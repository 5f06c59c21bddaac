"""An append-only store of finished Monte Carlo chunks: one Parquet file per chunk, and a manifest.

A run's samples are split into chunks of consecutive indices; each finished chunk is written at
once as ``part-<first>-<last>.parquet`` (written to a temporary name in the same folder, then
renamed: a chunk file is whole or absent, even if the process is killed mid-write). The manifest,
``manifest.json``, records

* ``run``: what the run is (device, variation, seed, test settings; not the chunk size nor the
  number of workers, which do not change any sample's result);
* ``schema``: the chunks' columns and their Arrow types (set by the first chunk written);
* ``chunks``: the SHA-256 of every chunk file, recorded right after the file is renamed into place.

A run restarted on the same store with the same ``run`` reads which indices are done and computes
only the others; a different ``run`` is refused (the store holds another run's samples).

Every chunk is checked before it is used. When a store is opened, a chunk file whose bytes do not
match its checksum (truncated, overwritten), that the manifest does not list (copied in from
elsewhere, or the process was killed between the rename and the manifest's update), that cannot
be read, whose columns differ from the schema, or whose ``index`` column is not the indices its
name says (another chunk's rows) is removed and its samples are computed again; each removal is
said in a :class:`ChunkDiscardedWarning` naming the file and the reason. A chunk that goes bad
after that (during the run) is refused when the samples are read back: :class:`OutputError`
naming the file. No chunk is used unchecked.

Requires pyarrow (the ``mc`` extra).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import OutputError

__all__ = ["ChunkStore", "ChunkDiscardedWarning", "require_pyarrow", "missing_chunks", "chunk_span", "stored_samples"]

_PART = re.compile(r"^part-(\d{10})-(\d{10})\.parquet$")
MANIFEST = "manifest.json"


class ChunkDiscardedWarning(UserWarning):
    """A stored chunk failed its check and was removed; its samples are computed again."""


def require_pyarrow() -> Any:
    """The pyarrow module, or a clear error naming the extra that installs it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ParameterError("store", "pyarrow", "pyarrow installed: pip install 'mtjspice[mc]'") from None
    return pyarrow


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)


class ChunkStore:
    """The chunk files of one run in ``folder`` (created if missing).

    Parameters
    ----------
    folder : path
        The store's folder.
    manifest : mapping
        What the run is (JSON-serialisable). A folder that already holds a different run is
        refused (:class:`OutputError`) unless ``reset`` is true, which empties it first; one that
        holds the same run is resumed either way, after every chunk in it is checked (module
        docstring).
    """

    def __init__(self, folder: str | os.PathLike[str], manifest: Mapping[str, Any], *, reset: bool = False) -> None:
        require_pyarrow()
        self.folder = Path(folder)
        run = json.loads(json.dumps(dict(manifest)))  # as it reads back from the file
        if self.folder.exists() and not self.folder.is_dir():
            raise OutputError(f"the sample store {printable(self.folder)} is a file, not a folder")
        path = self.folder / MANIFEST
        old: dict[str, Any] | None = None
        if self.folder.is_dir() and any(self.folder.iterdir()):
            old = _read_manifest(path) if path.is_file() else None
            if old is None and not reset:
                raise OutputError(f"{printable(self.folder)} is not empty and is not a Monte Carlo sample store; choose "
                                  "another folder")
            same = old is not None and _canonical(old.get("run")) == _canonical(run)
            if old is not None and not same and not reset:
                raise OutputError(f"the sample store {printable(self.folder)} holds another run (different device, "
                                  "variation, seed or test, or written by an older mtjspice); rerun with --overwrite "
                                  "to start afresh, or use another --out")
            if reset and not same:  # the same run resumes even with reset: its checked chunks are still right
                if old is None:
                    raise OutputError(f"{printable(self.folder)} is not a Monte Carlo sample store; refusing to empty it")
                for p in self.folder.iterdir():
                    if _PART.match(p.name) or p.name == MANIFEST or p.name.startswith(".part-"):
                        p.unlink()
                old = None
        self.folder.mkdir(parents=True, exist_ok=True)
        self._state: dict[str, Any] = {"run": run, "schema": None, "chunks": {}}
        if old is not None:
            self._state["schema"] = old.get("schema")
            self._state["chunks"] = dict(old.get("chunks") or {})
        self._check_all()
        self._save()

    # ------------------------------------------------------------------ checks

    def _problem(self, name: str, *, with_checksum: bool = True) -> str | None:
        """Why the chunk file ``name`` cannot be used (None when it can)."""
        import pyarrow.parquet as pq

        m = _PART.match(name)
        if m is None:
            return "not a chunk file name"
        p = self.folder / name
        recorded = self._state["chunks"].get(name)
        if with_checksum:
            if recorded is None:
                return "not listed in the store's manifest (copied in, or written just before the run was killed)"
            if _sha256(p) != recorded:
                return "its bytes differ from the checksum in the manifest (truncated or overwritten)"
        try:
            table = pq.read_table(p)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and friends for a damaged file
            return f"not a readable Parquet file ({printable(str(exc).splitlines()[0] if str(exc) else exc)})"
        schema = self._state["schema"]
        if schema is not None and _schema(table) != schema:
            return "its columns differ from the run's (another run's or another version's chunk)"
        first, last = int(m.group(1)), int(m.group(2))
        if "index" not in table.column_names:
            return "it has no index column"
        idx = np.asarray(table.column("index").to_numpy())
        if idx.shape != (last - first + 1,) or not np.array_equal(idx, np.arange(first, last + 1)):
            return f"its rows are not samples {first} to {last} (another chunk's rows)"
        return None

    def _check_all(self) -> None:
        """Remove (with a warning) every chunk that fails its check, and forget checksums of missing files."""
        present = {p.name for p in self.folder.iterdir() if _PART.match(p.name)}
        for name in sorted(present):
            why = self._problem(name)
            if why is not None:
                (self.folder / name).unlink()
                self._state["chunks"].pop(name, None)
                warnings.warn(ChunkDiscardedWarning(
                    f"{printable(self.folder / name)}: {why}; removed, its samples are computed again"), stacklevel=3)
        for name in list(self._state["chunks"]):
            if name not in present or not (self.folder / name).is_file():
                del self._state["chunks"][name]
        spans = sorted((int(_PART.match(n).group(1)), int(_PART.match(n).group(2)), n)  # type: ignore[union-attr]
                       for n in self._state["chunks"])
        end = -1
        for a, b, name in spans:  # overlapping chunks: keep the first, recompute the rest
            if a <= end:
                (self.folder / name).unlink()
                del self._state["chunks"][name]
                warnings.warn(ChunkDiscardedWarning(f"{printable(self.folder / name)}: overlaps another chunk; removed, "
                                                    "its samples are computed again"), stacklevel=3)
            else:
                end = b

    def _save(self) -> None:
        _atomic_write(self.folder / MANIFEST, json.dumps(self._state, sort_keys=True, indent=1).encode())

    # ------------------------------------------------------------------ use

    def done(self) -> list[tuple[int, int]]:
        """Finished (checked) chunks as (first, last) index pairs (inclusive), sorted."""
        out = []
        for name in self._state["chunks"]:
            m = _PART.match(name)
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
        indices) whole: to a temporary file, then renamed into place; then record its checksum."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        idx = np.asarray(columns["index"])
        if idx.size == 0 or np.any(np.diff(idx) != 1):
            raise ParameterError("index", idx[:5].tolist(), "consecutive sample indices")
        table = pa.table({k: np.asarray(v) for k, v in columns.items()})
        schema = _schema(table)
        if self._state["schema"] is None:
            self._state["schema"] = schema
        elif schema != self._state["schema"]:
            raise ParameterError("columns", [c for c, _ in schema], "the columns of the run's other chunks: "
                                 + ", ".join(c for c, _ in self._state["schema"]))
        dest = self.path(int(idx[0]), int(idx[-1]))
        with _staged(dest, ".part-") as tmp:
            pq.write_table(table, tmp)
            digest = _sha256(tmp)
        self._state["chunks"][dest.name] = digest
        self._save()
        return dest

    def read(self) -> dict[str, np.ndarray]:
        """Every finished sample's columns, sorted by index; each chunk checked again first
        (:class:`OutputError` naming a chunk that went bad during the run)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        parts = []
        for a, b in self.done():
            p = self.path(a, b)
            why = self._problem(p.name) if p.is_file() else "the file is gone"
            if why is not None:
                raise OutputError(f"the sample store's chunk {printable(p)} changed during the run: {why}; remove it "
                                  "and run the same command again to recompute its samples")
            parts.append(pq.read_table(p))
        if not parts:
            return {}
        table = pa.concat_tables(parts)
        cols = {name: table.column(name).to_numpy() for name in table.column_names}
        order = np.argsort(cols["index"], kind="stable")
        return {k: np.asarray(v)[order] for k, v in cols.items()}


def _schema(table: Any) -> list[list[str]]:
    return [[f.name, str(f.type)] for f in table.schema]


def _read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest's content, or a marker dict that equals no run when it is not one of ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {"run": "(unreadable manifest)"}
    if not isinstance(data, dict) or "run" not in data:
        return {"run": "(manifest of an older mtjspice)"}
    return data


def stored_samples(folder: str | os.PathLike[str]) -> int:
    """Samples in the chunks a store folder's manifest lists and that are present (0 if none, or no store)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return 0
    data = _read_manifest(path) or {}
    chunks = data.get("chunks")
    if not isinstance(chunks, dict):
        return 0
    return sum(chunk_span(str(n)) for n in chunks if (Path(folder) / str(n)).is_file())


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
