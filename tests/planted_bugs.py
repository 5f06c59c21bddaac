"""Plant the bugs of issue #30 one at a time in a scratch copy and run the fast tests on each.

    python tests/planted_bugs.py

Each bug must make at least one fast (not slow) test fail; the script prints, per bug, the failing
tests, and exits 1 if any bug passes every test. Nothing in the working tree changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what, file, original text, planted text, fast tests that should notice)
BUGS = [
    ("sign of the alpha a_J term in llgs_rhs flipped", "mtjspice/physics/llgs.py",
     "B = H - alpha * aJp", "B = H + alpha * aJp", ["tests/physics/test_references.py", "tests/physics/test_llgs.py"]),
    ("sign of the alpha a_J term in the netlist's polynomials flipped", "mtjspice/netlist/mtj.py",
     "b = [h[i] - a * (alpha * p[i]) for i in range(3)]", "b = [h[i] + a * (alpha * p[i]) for i in range(3)]",
     ["tests/physics/test_references.py"]),
    ("half the height in the elliptic-cylinder demag", "mtjspice/physics/demag.py",
     "return elliptic_cylinder_factors(L_ / 2.0, W_ / 2.0, T_)",
     "return elliptic_cylinder_factors(L_ / 2.0, W_ / 2.0, T_ / 2.0)",
     ["tests/physics/test_references.py", "tests/physics/test_demag.py"]),
    ("the ground switch's term dropped from the neuron energy", "mtjspice/analysis/energy.py",
     " + v2 * v2 / c.r_ref + v2 * i_gnd)", " + v2 * v2 / c.r_ref)", ["tests/analysis/test_energy_reference.py"]),
    ("spike times taken on falling edges", "mtjspice/analysis/spikes.py",
     "        up, _ = crossings(wave.t, wave[probe.vector], vdd / 2)\n        rows",
     "        _, up = crossings(wave.t, wave[probe.vector], vdd / 2)\n        rows", ["tests/analysis/test_spikes_unit.py"]),
    ("the device Monte Carlo verdict without the breakdown condition", "mtjspice/montecarlo/verdict.py",
     "& np.asarray(relaxed, bool) & ~breakdown)", "& np.asarray(relaxed, bool))", ["tests/montecarlo/test_verdicts.py"]),
    ("the circuit Monte Carlo verdict without the breakdown condition", "mtjspice/montecarlo/verdict.py",
     "            & ~np.asarray(breakdown, bool))", "            )", ["tests/montecarlo/test_verdicts.py"]),
    ("the netlist expression validator opened to ; $ ' \" { }", "mtjspice/netlist/safe.py",
     '_EXPR = re.compile(r"[A-Za-z0-9_ .,()+*/^<>-]{1,100000}")',
     '_EXPR = re.compile(r"[A-Za-z0-9_ .,()+*/^<>;$\'\\"{}-]{1,100000}")', ["tests/netlist/test_netlist_safety.py"]),
]


def main() -> int:
    missed = 0
    for what, rel, old, new, tests in BUGS:
        with tempfile.TemporaryDirectory(prefix="mtjspice-planted-") as tmp:
            work = Path(tmp)
            for part in ("mtjspice", "tests", "models", "pyproject.toml"):
                src = ROOT / part
                if src.is_dir():
                    shutil.copytree(src, work / part, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(src, work / part)
            path = work / rel
            text = path.read_text()
            if text.count(old) != 1:
                print(f"{what}: the original text is not in {rel} exactly once; update this script")
                return 2
            path.write_text(text.replace(old, new))
            proc = subprocess.run([sys.executable, "-m", "pytest", *tests, "-q", "-m", "not slow", "-p", "no:cacheprovider"],
                                  cwd=work, env={**os.environ, "PYTHONPATH": str(work)}, capture_output=True, text=True)
            failed = [ln.split(" - ")[0].removeprefix("FAILED ") for ln in proc.stdout.splitlines() if ln.startswith("FAILED")]
            tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]
            print(f"{what}: {'caught' if failed else 'MISSED'} ({tail})")
            for f in failed:
                print(f"    {f}")
            missed += not failed
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
