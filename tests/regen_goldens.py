"""Regenerate the golden files after a deliberate change; then review the diff (git diff tests/data netlists).

    python tests/regen_goldens.py

Tests only compare against these files: no test writes them (an environment variable that made a
test rewrite its golden file also made it pass whatever the builder wrote). The texts come from the
same builders the golden tests call, imported from those test modules, so the two cannot drift:

* tests/data/mtj_orthogonal.sub, mtj_parallel.sub, mtj_quadratic.sub, mtj_quadratic_heated.sub:
  tests/netlist/test_mtj_netlist.py's golden_subckt_text
* tests/data/mtj_compact.sub: tests/circuits/test_compact.py's golden_subckt_text
* tests/data/lib_<effect>.sub: tests/netlist/test_library_effects.py's golden_library_text (the library MTJ
  with one issue-26 effect on, and cofeb_mgo's with all of them)
* tests/data/array_2x2.cir and netlists/array_2x2.cir: tests/circuits/test_array.py's _golden_deck
* netlists/ortho_*.cir, parallel_switch.cir: mtjspice.netlist.examples (also
  ``python -m mtjspice.netlist.examples .``)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    from conftest import sibling_module

    test_array = sibling_module("circuits/test_array.py")
    test_compact = sibling_module("circuits/test_compact.py")
    test_library_effects = sibling_module("netlist/test_library_effects.py")
    test_mtj_netlist = sibling_module("netlist/test_mtj_netlist.py")

    from mtjspice import load_device
    from mtjspice.netlist.examples import write_examples
    from mtjspice.params import shipped_path

    data = HERE / "data"
    written = []
    for model in test_mtj_netlist.GOLDEN_MODELS:
        path = data / f"mtj_{model}.sub"
        path.write_text(test_mtj_netlist.golden_subckt_text(model, shipped_path("orthogonal.toml"),
                                                            shipped_path("parallel.toml")))
        written.append(path)
    path = data / "mtj_compact.sub"
    path.write_text(test_compact.golden_subckt_text(load_device("orthogonal")))
    written.append(path)
    for effect in (*test_library_effects.EFFECTS, "cofeb_mgo"):
        path = data / f"lib_{effect}.sub"
        path.write_text(test_library_effects.golden_library_text(effect), encoding="ascii")
        written.append(path)
    deck = test_array._golden_deck(load_device("orthogonal"))
    for path in (data / "array_2x2.cir", ROOT / "netlists" / "array_2x2.cir"):
        path.write_text(deck, encoding="utf-8")
        written.append(path)
    write_examples(ROOT)
    written += [ROOT / "netlists" / n for n in ("ortho_current_pulse.cir", "ortho_divider_pulse.cir", "parallel_switch.cir")]
    for p in written:
        print(p.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
