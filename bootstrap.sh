#!/usr/bin/env bash
# Set mtjspice up from nothing on Debian (as root, or with sudo) and run the demo or the tests.
#   ./bootstrap.sh demo [OUTDIR]   install, then simulate the default neuron into OUTDIR (default results/demo)
#   ./bootstrap.sh test [ARGS...]  install, then run the whole test suite (ngspice tests included)
# Installs ngspice and libngspice from Debian's packages when missing, and mtjspice into .venv.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-}"
case "$mode" in
  demo|test) shift ;;
  *) echo "usage: $0 demo [OUTDIR] | test [PYTEST ARGS...]" >&2; exit 2 ;;
esac

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v ngspice >/dev/null 2>&1 || need_apt+=(ngspice)
# (grep without -q reads all of ldconfig's output: with -q and pipefail an early exit would
# SIGPIPE ldconfig and read as "missing")
libs=$(ldconfig -p 2>/dev/null || true)
grep 'libngspice\.so\.0 ' >/dev/null <<<"$libs" || need_apt+=(libngspice0)
grep 'libngspice\.so ' >/dev/null <<<"$libs" || need_apt+=(libngspice0-dev)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing from Debian's packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.mtjspice-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing mtjspice and its dependencies into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  touch "$stamp"
fi

case "$mode" in
  demo)
    out="${1:-results/demo}"
    exec .venv/bin/mtjspice neuron orthogonal --out "$out" --overwrite  # a second demo replaces the first whole
    ;;
  test)
    exec .venv/bin/python -m pytest "$@"
    ;;
esac
