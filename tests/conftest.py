"""Shared fixtures: paths to the shipped device files, and the ngspice availability rule.

ngspice tests are marked ``ngspice``. Where ngspice is missing they skip, except when
``MTJSPICE_REQUIRE_NGSPICE`` is set (CI sets it): then they fail, so CI never skips them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import mtjspice as ms
from mtjspice.constants import KB, MU0
from mtjspice.params import shipped_path
from mtjspice.physics.devicedemag import device_demag

ROOT = Path(__file__).resolve().parent.parent
#: The shipped device files (models/ in a checkout, package data mtjspice/models/ in a wheel).
MODELS = shipped_path("orthogonal.toml").parent
DATA = Path(__file__).resolve().parent / "data"


def sibling_module(relative: str) -> types.ModuleType:
    """A test module of another folder of tests/ (``"physics/test_references.py"``), loaded by its path
    once: for the shared references and checkers one test file offers another (the folders mirror
    the package, so such a file is not on the importing file's path)."""
    name = "mtjspice_tests." + relative.removesuffix(".py").replace("/", ".")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent / relative)
        assert spec is not None and spec.loader is not None, relative
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def ortho_path() -> Path:
    return MODELS / "orthogonal.toml"


@pytest.fixture
def parallel_path() -> Path:
    return MODELS / "parallel.toml"


def ngspice_available() -> bool:
    return shutil.which("ngspice") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ngspice_available() or os.environ.get("MTJSPICE_REQUIRE_NGSPICE"):
        return
    skip = pytest.mark.skip(reason="ngspice is not installed (./bootstrap.sh test installs it)")
    for item in items:
        if "ngspice" in item.keywords:
            item.add_marker(skip)


# ---------------------------------------------------------------- thermal references (test_thermal, test_noise)


def boltzmann_averages(dev: ms.Device, temperature: float) -> tuple[float, float, float, float]:
    """<mx^2>, <my^2>, <mz^2> and <E - E_min> / kT by quadrature over the +z hemisphere."""
    nx, ny, nz = device_demag(dev)
    Ms, V = dev.material.Ms, dev.geometry.volume
    th = np.linspace(0, np.pi / 2, 3001)
    ph = np.linspace(0, 2 * np.pi, 1201)
    T, P = np.meshgrid(th, ph, indexing="ij")
    mx, my, mz = np.sin(T) * np.cos(P), np.sin(T) * np.sin(P), np.cos(T)
    e = 0.5 * MU0 * Ms**2 * V * (nx * mx**2 + ny * my**2 + nz * mz**2 - nz) / (KB * temperature)
    w = np.exp(-e) * np.sin(T)
    z = np.trapezoid(np.trapezoid(w, ph, axis=1), th)

    def avg(q: np.ndarray) -> float:
        return float(np.trapezoid(np.trapezoid(q * w, ph, axis=1), th) / z)

    return avg(mx**2), avg(my**2), avg(mz**2), avg(e)


def energy_kt(dev: ms.Device, m: np.ndarray, temperature: float) -> np.ndarray:
    """(E - E_min) / kT of magnetizations m (..., 3)."""
    nx, ny, nz = device_demag(dev)
    Ms, V = dev.material.Ms, dev.geometry.volume
    return 0.5 * MU0 * Ms**2 * V * (nx * m[..., 0] ** 2 + ny * m[..., 1] ** 2 + nz * m[..., 2] ** 2 - nz) \
        / (KB * temperature)


def output_rows(path: Path) -> np.ndarray:
    """What a deck's control block wrote (binary raw or wrdata text), as rows: time, then each vector
    in the file's order (as ``np.loadtxt`` gave for wrdata text)."""
    from mtjspice.sim import read_output

    t, sig = read_output(path)
    return np.column_stack([t, *sig.values()])


def pytest_configure(config: pytest.Config) -> None:
    """The compact fit's on-disk cache lives in a folder of this session only: a cache that an
    earlier session (or older code) filled under ~/.cache would hand the tests fits they did not
    compute (it did: a library file regenerated from a stale fit differed in its 8th digit)."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="mtjspice-test-cache-")
    os.environ["MTJSPICE_CACHE"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
