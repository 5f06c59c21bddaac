"""Shared fixtures: paths to the shipped device files, and the ngspice availability rule.

ngspice tests are marked ``ngspice``. Where ngspice is missing they skip, except when
``MTJSPICE_REQUIRE_NGSPICE`` is set (CI sets it): then they fail, so CI never skips them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mtjspice.params import shipped_path

ROOT = Path(__file__).resolve().parent.parent
#: The shipped device files (package data, mtjspice/devices/).
MODELS = shipped_path("orthogonal.toml").parent
DATA = Path(__file__).resolve().parent / "data"


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
