"""The package's public face: its version, its package docstrings and its curated names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import mtjspice
from mtjspice._version import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_written_once_and_pyproject_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mtjspice._version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)?", __version__)
    assert mtjspice.__version__ == __version__
    # no other source file writes a version string of its own
    written = [p for p in (ROOT / "mtjspice").rglob("*.py")
               if p.name != "_version.py" and re.search(r"^__version__\s*=", p.read_text(encoding="utf-8"), re.M)]
    assert written == []
