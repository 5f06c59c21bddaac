"""``mtjspice export``: the MTJ as an includable ngspice library for your own decks."""

from __future__ import annotations

import argparse

from ..errors import printable
from ..params import load_device
from .common import add_cache_argument, add_out_argument, add_seed_argument, count, nonnegative_si, positive_si

HELP = "write the MTJ as an includable ngspice library (.subckt with instance parameters) for your own decks"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help=HELP, description=HELP + ". Writes DIR/<device>.lib (ports t1 t2; current into "
                       "t1 positive; parameters W, L, T (m), Ms (A/m), alpha, ... with the device's values as defaults; "
                       "a device with interface anisotropy, field-like torque, heating or a taper gets their parameters "
                       "too: Ki_bottom, Ki_top (J/m^2), xi, flq ((A/m)/V^2), Rth (K/W), tauth (s), Tamb, Tc (K), bexp, "
                       "and a tapered pillar's Nx, Ny, Nz, computed by the package), "
                       "with --temperature the thermal-noise sample files the instances read, and DIR/usage.txt with "
                       "the lines to paste into a deck (also printed).")
    p.add_argument("device", metavar="DEVICE", help="device file (TOML) or shipped device name (orthogonal, parallel, cofeb_mgo)")
    p.add_argument("--model", choices=("macrospin", "compact"), default="macrospin",
                   help="macrospin: the behavioral LLGS MTJ (picosecond steps); compact: the device's fitted signed "
                        "LIF (its fit takes about 25 s; kept for later runs with --cache DIR)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=0.0, metavar="KELVIN",
                   help="temperature in K (default 0: noiseless); > 0 writes one noise file per instance: Brown's "
                        "thermal field (macrospin), the fitted membrane noise (compact; its fit takes about 20 s once)")
    add_seed_argument(p, "the thermal-noise samples")
    add_cache_argument(p)
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=100e-9, metavar="SECONDS",
                   help="the noise files cover 0 to this time in s (default 100n); ignored without --temperature")
    p.add_argument("--instances", type=count("--instances", 1, 1000), default=1, metavar="N",
                   help="noisy MTJs to write, each its own subcircuit <name>_t<k> and noise file (default 1)")
    p.add_argument("--preset", choices=("default", "accurate"), default="default",
                   help="simulator options and maximum step the library is made for (default: 2 ps, reltol 1e-3)")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..circuits.library import export_library

    lib = export_library(load_device(args.device), args.model, temperature=args.temperature, seed=args.seed,
                         t_stop=args.t_stop, instances=args.instances, preset=args.preset)
    with args.output as tmp:
        (tmp / lib.file).write_bytes(lib.text.encode("ascii"))
        for name, body in lib.files.items():
            (tmp / name).write_text(body, encoding="ascii")
        (tmp / "usage.txt").write_text("\n".join(lib.usage) + "\n", encoding="ascii")
    print(f"wrote {printable(args.out)}/{lib.file}" + (f" and {len(lib.files)} noise file(s)" if lib.files else "") +
          "; paste into your deck:")
    for line in lib.usage:
        print("  " + line)
    return 0
