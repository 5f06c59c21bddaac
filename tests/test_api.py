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


TIERS = ("mtjspice", "mtjspice.physics", "mtjspice.netlist", "mtjspice.analysis", "mtjspice.characterize")


def test_every_public_name_exists_once_in_each_tier() -> None:
    import importlib

    for name in TIERS:
        package = importlib.import_module(name)
        names = package.__all__
        assert names and len(names) == len(set(names)), f"{name}.__all__ repeats a name"
        missing = [n for n in names if not hasattr(package, n)]
        assert not missing, f"{name}.__all__ names what it does not hold: {missing}"


def test_the_top_level_holds_what_a_user_runs() -> None:
    # the entry points the issue asks for, each with a test-checked home
    for n in ("load_device", "simulate", "simulate_thermal", "run_neuron", "NeuronSettings", "Thermal", "VariationSpec",
              "device_montecarlo", "yield_map", "search", "evaluate_design", "run_study", "compact_params",
              "register_mtj_model", "mtj_models", "register_comparator", "comparator_kinds", "MtjspiceError",
              "ParameterError", "BreakdownWarning"):
        assert n in mtjspice.__all__, n
    # kernels and circuit parts live a tier down, not at the top
    for n in ("llgs_rhs", "effective_field", "demag_factors", "NeuronCircuit", "ArrayCircuit", "render_deck"):
        assert n not in mtjspice.__all__, n


def test_the_api_reference_renders_every_tier() -> None:
    page = (ROOT / "docs" / "reference" / "api" / "public.md").read_text(encoding="utf-8")
    for name in TIERS:
        assert re.search(rf"^::: {re.escape(name)}$", page, re.M), f"docs/reference/api/public.md does not render {name}"
