"""``mtjspice export``: the MTJ as an includable ngspice library for your own decks."""

from __future__ import annotations

import argparse

from ..errors import ParameterError, printable
from ..params import load_device
from .common import add_out_argument, add_seed_argument, count, nonnegative_si, positive_si

HELP = "write the MTJ as an includable ngspice library (.subckt with instance parameters) for your own decks"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help=HELP, description=HELP + ". Writes DIR/<device>.lib (ports t1 t2; current into "
                       "t1 positive; parameters W, L, T (m), Ms (A/m), alpha, ... with the device's values as defaults), "
                       "with --temperature the thermal-noise sample files the instances read, and DIR/usage.txt with "
                       "the lines to paste into a deck (also printed).")
    p.add_argument("device", metavar="DEVICE", help="device file (TOML) or shipped device name (orthogonal, parallel)")
    p.add_argument("--model", choices=("macrospin", "compact"), default="macrospin",
                   help="macrospin: the behavioral LLGS MTJ (picosecond steps); compact: the device's fitted signed "
                        "LIF (its fit takes about 25 s the first time, then it is cached)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=0.0, metavar="KELVIN",
                   help="temperature of Brown's thermal field in K (default 0: noiseless); > 0 writes one noise file "
                        "per instance (macrospin only)")
    add_seed_argument(p, "the thermal-noise samples")
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=100e-9, metavar="SECONDS",
                   help="the noise files cover 0 to this time in s (default 100n); ignored without --temperature")
    p.add_argument("--instances", type=count("--instances", 1, 1000), default=1, metavar="N",
                   help="noisy MTJs to write, each its own subcircuit <name>_t<k> and noise file (default 1)")
    p.add_argument("--preset", choices=("default", "accurate"), default="default",
                   help="simulator options and maximum step the library is made for (default: 2 ps, reltol 1e-3)")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..netlist.libfile import library_text, usage_lines
    from ..netlist.library import library_name
    from ..netlist.noise import check_temperature
    from ..netlist.safe import num

    device = load_device(args.device)
    temp = check_temperature(args.temperature)
    stem = library_name(device)[len("mtj_"):]
    file = f"{stem}.lib"
    files: dict[str, str] = {}
    if args.model == "compact":
        if temp > 0:
            raise ParameterError("--temperature", args.temperature, "0 with --model compact (the compact model's "
                                 "thermal term is fitted per device; export the macrospin model for noise)")
        from ..circuits.compact import compact_params
        from ..netlist.libcompact import compact_library_subckt

        cp = compact_params(device)
        usage = [f".include {file}", f"X1 t1 t2 {library_name(device, 'compact')}    (parameters: tau_m=... i_th=...)",
                 ".options method=trap reltol=0.001", ".tran 10p 20n"]
        text = library_text(device, cp, file=file, version=__version__, preset=args.preset,
                            subckts=(compact_library_subckt(device, cp),), usage=usage)
    elif temp > 0:
        from ..netlist.libnoise import thermal_library

        th = thermal_library(device, temp, args.seed, args.t_stop, args.instances, args.preset)
        files = th.files
        names = [s.name for s in th.subckts]
        note = [f"THERMAL NOISE at {temp:g} K from seed {args.seed}: subcircuits {names[0]}" +
                (f" ... {names[-1]}" if len(names) > 1 else "") + ", each reading its own noise file (write the",
                f"files beside your deck); instantiate each once. The files cover {args.t_stop:g} s; the deck's",
                f"maximum step must be the noise interval {num(th.interval)} s (hstep's default). Add .options",
                "xtrtol=7 (the filesource would lower trtol and make the step non-uniform)."]
        usage = [f".include {file}", *(f"X{k} t1_{k} t2_{k} {n}" for k, n in enumerate(names)),
                 ".options method=trap reltol=0.001 xtrtol=7", f".tran 10p {num(args.t_stop)} 0 {num(th.interval)}"]
        text = library_text(device, None, file=file, version=__version__, preset=args.preset, extra_header=note,
                            subckts=th.subckts, usage=usage)
    else:
        text = library_text(device, None, file=file, version=__version__, preset=args.preset)
        usage = usage_lines(device, file, False, args.preset)
    with args.output as tmp:
        (tmp / file).write_bytes(text.encode("ascii"))
        for name, body in files.items():
            (tmp / name).write_text(body, encoding="ascii")
        (tmp / "usage.txt").write_text("\n".join(usage) + "\n", encoding="ascii")
    print(f"wrote {printable(args.out)}/{file}" + (f" and {len(files)} noise file(s)" if files else "") +
          "; paste into your deck:")
    for line in usage:
        print("  " + line)
    return 0
