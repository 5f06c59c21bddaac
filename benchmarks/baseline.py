"""Today's (a git commit's) macrospin solver, importable beside the current one, for benchmarks
that print speed ratios measured in one process.

``load(commit)`` reads mtjspice/physics/{drive,trajectory,thermal,solver}.py as they are at
``commit`` (``git show``) into a temporary package ``mtjspice._baseline_<commit>`` and returns
its ``solver`` module. The files the rewrite did not change (batch, cost, llgs, rest, demag) are
the current ones, so both solvers take the same DeviceBatch objects.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import mtjspice.physics.batch
import mtjspice.physics.cost
import mtjspice.physics.llgs

ROOT = Path(__file__).resolve().parent.parent
#: main's commit before issue #29's rewrite of the solver's inner loop
BEFORE = "56a709f"
_CHANGED = ("drive", "trajectory", "thermal", "solver")


def load(commit: str = BEFORE) -> types.ModuleType:
    """The solver module (``simulate``, ``simulate_thermal``) as it is at ``commit``."""
    name = f"mtjspice._baseline_{commit}"
    if f"{name}.solver" in sys.modules:
        return sys.modules[f"{name}.solver"]
    pkg = types.ModuleType(name)
    pkg.__path__ = []
    sys.modules[name] = pkg
    for same in ("batch", "cost", "llgs"):
        sys.modules[f"{name}.{same}"] = getattr(mtjspice.physics, same)
    for mod in _CHANGED:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:mtjspice/physics/{mod}.py"],
                             check=True, capture_output=True, text=True).stdout
        spec = importlib.util.spec_from_loader(f"{name}.{mod}", loader=None, origin=f"{commit}:{mod}.py")
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        module.__package__ = name
        sys.modules[spec.name] = module
        exec(compile(src, f"{commit}:mtjspice/physics/{mod}.py", "exec"), module.__dict__)
    return sys.modules[f"{name}.solver"]
