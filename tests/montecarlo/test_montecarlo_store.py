"""The Monte Carlo sample store checks every chunk before using it: a truncated, overwritten,
unlisted, foreign-rows or foreign-schema chunk is removed and recomputed (said by name), and one
that goes bad during a run is refused by name when the samples are read back."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.io.outputs import OutputError
from mtjspice.montecarlo.device import DeviceMC
from mtjspice.montecarlo.onsettable import onset_table
from mtjspice.montecarlo.run import device_montecarlo
from mtjspice.montecarlo.store import MANIFEST, ChunkDiscardedWarning, ChunkStore, stored_samples
from mtjspice.runoptions import RunOptions
from mtjspice.variation import VariationSpec

RUN = {"run": 1}


def chunk(a: int, b: int, scale: float = 1.0) -> dict[str, np.ndarray]:
    idx = np.arange(a, b + 1)
    return {"index": idx, "x": scale * idx.astype(float), "ok": idx % 2 == 0}


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    st = ChunkStore(tmp_path / "s", RUN)
    for a in (0, 5, 10):
        st.write(chunk(a, a + 4))
    return st


def reopen(st: ChunkStore, fragment: str, name: str) -> ChunkStore:
    with pytest.warns(ChunkDiscardedWarning, match=fragment) as rec:
        again = ChunkStore(st.folder, RUN)
    assert any(name in str(w.message) for w in rec)
    return again


def test_a_checked_store_resumes_with_every_chunk(store: ChunkStore) -> None:
    again = ChunkStore(store.folder, RUN)  # no warning: filterwarnings = error would fail the test
    assert again.done() == [(0, 4), (5, 9), (10, 14)]
    assert again.read()["x"].tolist() == list(map(float, range(15)))
    assert stored_samples(store.folder) == 15
    manifest = json.loads((store.folder / MANIFEST).read_text())
    assert manifest["run"] == RUN and len(manifest["chunks"]) == 3 and manifest["schema"][0] == ["index", "int64"]


def test_a_truncated_chunk_is_recomputed_by_name(store: ChunkStore) -> None:
    p = store.path(5, 9)
    p.write_bytes(p.read_bytes()[:100])
    again = reopen(store, "truncated or overwritten", p.name)
    assert again.done() == [(0, 4), (10, 14)] and not p.exists()
    assert stored_samples(store.folder) == 10


def test_an_overwritten_chunk_is_recomputed_by_name(store: ChunkStore, tmp_path: Path) -> None:
    other = ChunkStore(tmp_path / "o", RUN)
    other.write(chunk(5, 9, scale=2.0))  # a valid chunk of the same samples with other values
    shutil.copy(other.path(5, 9), store.path(5, 9))
    again = reopen(store, "differ from the checksum", store.path(5, 9).name)
    assert again.done() == [(0, 4), (10, 14)]


def test_a_chunk_holding_another_chunks_rows_is_recomputed(store: ChunkStore) -> None:
    """Rows 0-4 under the name of rows 5-9, with the manifest's checksum made to agree: the index
    column is checked against the name."""
    src, dest = store.path(0, 4), store.path(5, 9)
    shutil.copy(src, dest)
    m = json.loads((store.folder / MANIFEST).read_text())
    m["chunks"][dest.name] = m["chunks"][src.name]
    (store.folder / MANIFEST).write_text(json.dumps(m))
    again = reopen(store, "rows are not samples 5 to 9", dest.name)
    assert again.done() == [(0, 4), (10, 14)]


def test_an_unlisted_or_foreign_schema_chunk_is_recomputed(store: ChunkStore, tmp_path: Path) -> None:
    other = ChunkStore(tmp_path / "o", RUN)
    other.write({"index": np.arange(15, 20), "y": np.zeros(5)})  # another run's columns
    shutil.copy(other.path(15, 19), store.path(15, 19))
    reopen(store, "not listed in the store's manifest", store.path(15, 19).name)
    shutil.copy(other.path(15, 19), store.path(15, 19))
    m = json.loads((store.folder / MANIFEST).read_text())
    m["chunks"][store.path(15, 19).name] = json.loads((other.folder / MANIFEST).read_text())["chunks"][
        other.path(15, 19).name]
    (store.folder / MANIFEST).write_text(json.dumps(m))
    again = reopen(store, "columns differ from the run's", store.path(15, 19).name)
    assert again.done() == [(0, 4), (5, 9), (10, 14)]
    with pytest.raises(ms.errors.ParameterError, match="columns"):
        again.write({"index": np.arange(15, 20), "y": np.zeros(5)})


def test_a_chunk_that_goes_bad_during_the_run_is_refused_by_name(store: ChunkStore) -> None:
    p = store.path(10, 14)
    p.write_bytes(b"PAR1" + b"\0" * 40)
    with pytest.raises(OutputError, match=r"part-0000000010-0000000014\.parquet changed during the run"):
        store.read()


@pytest.mark.slow
def test_a_run_resumed_from_a_damaged_store_equals_a_fresh_run(tmp_path: Path) -> None:
    """End to end: a finished store with one truncated and one foreign chunk resumes (both recomputed,
    each said once) to the same samples as a run from scratch."""
    dev = ms.load_device("orthogonal")
    table = onset_table(dev, q_range=(5e-4, 0.04), points=12)
    spec = VariationSpec.parse("L=1n,W=1n")
    mc = DeviceMC(t_on=3e-9, t_relax=2e-9, t_stop=6e-9, trim=False)
    opt = RunOptions(seed=3, chunk=4, workers=1)
    fresh = device_montecarlo(dev, spec, 12, mc, replace(opt, store=tmp_path / "a"), table=table)
    st = tmp_path / "a"
    first = st / "part-0000000000-0000000003.parquet"
    first.write_bytes(first.read_bytes()[:-10])
    shutil.copy(st / "part-0000000004-0000000007.parquet", st / "part-0000000008-0000000011.parquet")
    with pytest.warns(ChunkDiscardedWarning) as rec:
        again = device_montecarlo(dev, spec, 12, mc, replace(opt, store=st), table=table)
    assert len(rec) == 2 and again.computed == 8
    for name, v in fresh.columns.items():
        assert np.array_equal(np.asarray(v, float), np.asarray(again.columns[name], float), equal_nan=True), name
