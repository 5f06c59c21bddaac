#!/usr/bin/env bash
# Mutation testing of mtjspice modules with mutmut 3 (the `dev` extra installs it).
#
#   tests/mutation.sh MODULE...        e.g. tests/mutation.sh physics/llgs.py netlist/safe.py
#   tests/mutation.sh all              every module of the list below
#
# Each MODULE (a path under mtjspice/) is mutated with the fast tests that cover it (the table
# below; for some modules only the functions of the floor, the second table); mutmut runs, per
# mutant, only the tests that executed the mutated function. The work
# happens in a scratch copy of the tree (nothing is written here). Mutants listed in
# tests/mutation_equivalent.txt (name, then the reason they cannot be told apart) are excluded.
# Prints one line per module, the surviving mutants' names, and ends with `killed K of N`.
# Timeouts count as killed (the mutant made a test loop or stall: it was detected). Survivors are
# rechecked in a fresh process with the mutant switched on from the first import (see below).
# Environment: PYTHON (default: python on PATH) must have mtjspice's test dependencies and mutmut;
# JOBS (default 2) parallel mutants; KEEP=1 keeps the scratch copy (its path is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python}"
JOBS="${JOBS:-2}"

# module -> the fast tests that cover it (pytest arguments, relative to the repository)
declare -A TESTS=(
  [physics/llgs.py]="tests/physics/test_references.py tests/physics/test_kernels_unit.py tests/physics/test_anisotropy_reference.py"
  [physics/demag.py]="tests/physics/test_references.py tests/physics/test_demag.py"
  [physics/devicedemag.py]="tests/physics/test_references.py tests/physics/test_demag.py tests/physics/test_taper.py"
  [physics/taper.py]="tests/physics/test_taper.py"
  [physics/thermal.py]="tests/physics/test_thermal.py tests/physics/test_thermal_unit.py"
  [physics/stepper.py]="tests/physics/test_thermal_unit.py tests/physics/test_thermal.py tests/physics/test_stepper.py tests/physics/test_kernels.py"
  [netlist/safe.py]="tests/netlist/test_netlist_safety.py"
  [netlist/mtj.py]="tests/physics/test_references.py tests/netlist/test_mtj_netlist.py tests/netlist/test_noise.py tests/netlist/test_mtj_builder_unit.py tests/netlist/test_mtj_effects_reference.py tests/physics/test_field_like_quadratic.py"
  [physics/trajectory.py]="tests/physics/test_references.py tests/physics/test_llgs.py tests/physics/test_stepper.py tests/physics/test_effects.py tests/physics/test_field_like_quadratic.py tests/physics/test_thermal_unit.py tests/physics/test_kernels_unit.py tests/physics/test_trajectory_unit.py"
  [analysis/energy.py]="tests/analysis/test_energy_reference.py"
  [analysis/spikes.py]="tests/analysis/test_spikes_unit.py"
  [montecarlo/verdict.py]="tests/montecarlo/test_verdicts.py"
)
# module -> the functions mutated (mutmut name patterns; absent: every function of the module). Of
# physics/stepper.py only Brown's thermal field and the stochastic Heun step that applies it belong to
# the floor (issue #30); its Dormand-Prince and grid steppers are the deterministic solver's.
# Of physics/taper.py, the tapered pillar's factors; not taper_changes, the Monte Carlo batch's
# interpolation of them (a stated approximation, checked by a slow test only).
declare -A ONLY=(
  [physics/stepper.py]="x_brown_density__mutmut_* xǁHeunǁ*"
  [physics/taper.py]="x__slab_factors__mutmut_* x__richardson_change__mutmut_* x_taper_change__mutmut_* x_tapered_factors__mutmut_*"
)
ORDER=(physics/llgs.py physics/demag.py physics/devicedemag.py physics/taper.py physics/thermal.py physics/stepper.py
       netlist/safe.py netlist/mtj.py analysis/energy.py analysis/spikes.py montecarlo/verdict.py)

if [ $# -eq 0 ]; then
  echo "usage: tests/mutation.sh MODULE... | all   (modules: ${ORDER[*]})" >&2
  exit 2
fi
if [ "$1" = all ]; then set -- "${ORDER[@]}"; fi

total_k=0
total_n=0
for mod in "$@"; do
  mod="${mod#mtjspice/}"
  if [ -z "${TESTS[$mod]+x}" ]; then
    echo "tests/mutation.sh: no test list for module '$mod'; known: ${ORDER[*]}" >&2
    exit 2
  fi
  work="$(mktemp -d /tmp/mtjspice-mutation.XXXXXX)"
  (cd "$ROOT" && tar cf - --exclude=__pycache__ mtjspice tests netlists models pyproject.toml) | (cd "$work" && tar xf -)
  tests_toml=$(printf '"%s", ' ${TESTS[$mod]})
  cat >> "$work/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["mtjspice"]
also_copy = ["netlists", "models"]
only_mutate = ["mtjspice/$mod"]
pytest_add_cli_args_test_selection = [${tests_toml%, }]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-m", "not slow and not ngspice"]
EOF
  prefix="mtjspice.$(echo "${mod%.py}" | tr / .)."
  patterns=()
  for p in ${ONLY[$mod]:-}; do patterns+=("$prefix$p"); done
  start=$(date +%s)
  (cd "$work" && env -u PYTHONPATH nice "$PYTHON" -m mutmut run --max-children "$JOBS" ${patterns[@]+"${patterns[@]}"} \
     > mutmut.log 2>&1) || {
    echo "tests/mutation.sh: mutmut failed on $mod; log: $work/mutmut.log" >&2
    tail -20 "$work/mutmut.log" >&2
    exit 1
  }
  (cd "$work" && env -u PYTHONPATH "$PYTHON" -m mutmut results --all true > results.txt 2>&1)
  # Recheck every survivor in a fresh process: mutmut switches mutants on inside already-imported
  # code, so a mutant in a function that runs at import time (a module-level table) or whose result
  # is cached before the workers fork is never switched on. The fresh process imports mutmut's
  # mutated tree (mutants/) with the mutant named in MUTANT_UNDER_TEST from the start. (Not
  # `mutmut apply`: it rewrites the first function of the mutant's name in the file, the wrong one
  # when two classes have a method of that name, e.g. DormandPrince.step for a Heun.step mutant.)
  recheck() {  # $1: mutant name ('' for none); fails if a test fails
    # shellcheck disable=SC2086
    (cd "$work/mutants" && MUTANT_UNDER_TEST="$1" PYTHONPATH="$work/mutants" nice "$PYTHON" -m pytest ${TESTS[$mod]} \
       -x -q -p no:cacheprovider -m "not slow and not ngspice" > /dev/null 2>&1)
  }
  : > "$work/recheck_killed.txt"
  survivors=$(sed -n 's/^ *\(mtjspice\.[^:]*\): \(survived\|no tests\)$/\1/p' "$work/results.txt")
  if [ -n "$survivors" ] && ! recheck ""; then
    echo "tests/mutation.sh: the tests fail on $mod's mutated tree with no mutant on; nothing rechecked ($work)" >&2
    exit 1
  fi
  for name in $survivors; do
    recheck "$name" || echo "$name" >> "$work/recheck_killed.txt"
  done
  secs=$(( $(date +%s) - start ))
  summary=$("$PYTHON" - "$work/results.txt" "$ROOT/tests/mutation_equivalent.txt" "$mod" "$secs" "$work/recheck_killed.txt" \
            ${patterns[@]+"${patterns[@]}"} <<'PY'
import fnmatch
import sys
from pathlib import Path

results, equiv_file, mod, secs = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
rechecked = set(Path(sys.argv[5]).read_text().split())
only = sys.argv[6:]  # the module's function patterns, if the table restricts it
equivalent = {}
if equiv_file.exists():
    for line in equiv_file.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            equivalent[name] = reason.strip()
status = {}
for line in results.read_text().splitlines():
    name, sep, st = line.strip().rpartition(": ")
    if sep and name.startswith("mtjspice."):
        status[name] = "killed" if name in rechecked else st
prefix = "mtjspice." + mod.removesuffix(".py").replace("/", ".") + "."
mine = {k: v for k, v in status.items() if k.startswith(prefix) and (not only or any(fnmatch.fnmatch(k, p) for p in only))}
excluded = sorted(k for k in mine if k in equivalent)
stale = [k for k in excluded if mine[k] in ("killed", "timeout")]
counted = {k: v for k, v in mine.items() if k not in equivalent}
killed = sum(v in ("killed", "timeout") for v in counted.values())
n = len(counted)
pct = 100.0 * killed / n if n else 100.0
scope = f" ({', '.join(p.removeprefix(prefix) for p in only)})" if only else ""
print(f"{mod}{scope}: killed {killed} of {n} ({pct:.1f} %; {len(rechecked - set(equivalent))} of them on the fresh-process "
      f"recheck), {len(excluded)} equivalent excluded, {secs} s", file=sys.stderr)
for k, v in sorted(counted.items()):
    if v not in ("killed", "timeout"):
        print(f"  {v}: {k}", file=sys.stderr)
for k in stale:
    print(f"  listed as equivalent but killed (remove it from the list): {k}", file=sys.stderr)
print(killed, n)
PY
)
  read -r k n <<< "$summary"
  total_k=$((total_k + k))
  total_n=$((total_n + n))
  if [ "${KEEP:-0}" = 1 ]; then echo "  scratch copy: $work" >&2; else rm -rf "$work"; fi
done
echo "killed $total_k of $total_n"
