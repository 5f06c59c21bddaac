"""The package's public face: its version, its package docstrings and its curated names."""

from __future__ import annotations

import ast
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



def _says_something(doc: str | None) -> bool:
    """At least 40 letters and digits: not missing, not empty, not a lone dot."""
    return len(re.sub(r"[\W_]+", "", doc or "")) >= 40


def test_every_package_says_what_it_holds() -> None:
    # A package docstring is the folder's table of contents.
    bare = [f"{init.relative_to(ROOT)}: {ast.get_docstring(ast.parse(init.read_text(encoding='utf-8')))!r}"
            for init in sorted((ROOT / "mtjspice").rglob("__init__.py"))
            if not _says_something(ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))))]
    assert not bare, "packages without a docstring that tells what they hold:\n" + "\n".join(bare)
    assert not _says_something(ast.get_docstring(ast.parse('"""."""\n')))
    assert not _says_something(None)
