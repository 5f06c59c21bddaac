"""``mtjspice verify``: verify one design (a ``mtjspice design`` best/ folder) at the device level,
in ngspice and in the networks."""

from __future__ import annotations

import argparse
import math
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..circuits.breakdown import REFUSE_FACTOR
from ..errors import InputFileError, ParameterError, printable
from ..network.train import PER_CLASS_MAX
from .common import add_out_argument, count, nonnegative_si, positive_si

HELP = "verify a design: device-level Monte Carlo, ngspice neurons at temperature, and the networks"

#: Full sizes of each part (issue #27), against which a shrunk run's time is projected.
FULL = {"device": 100_000, "circuit": 200, "images": 360}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "verify", help=HELP,
        description=HELP + ". DESIGN is a folder as `mtjspice design` writes best/: device.toml, settings.toml "
        "(the neuron circuit, its onset i_th, clamp v_clamp, DAC bits) and design.toml (test input, trim, "
        "variation, offsets, seed, temperature); options override design.toml, and --device / --settings replace "
        "the folder's files (then DESIGN may be a device name, e.g. orthogonal for the paper's device). Runs: "
        "--device-samples device-level Monte Carlo samples (noiseless, clocked read, comparator offsets, the "
        "trim), the first --circuit-samples of them as ngspice neurons at --temperature (both signs of the test "
        "input for --t-stop: yield, rate, latency, energy per spike, junction peak; the two verdicts' agreement "
        "on the same samples), and each --tasks network trained variation-aware (each neuron's activation drawn "
        "from --pool sampled devices' rate curves), run on "
        "--images test images with every neuron a sampled device at "
        "--temperature behind the clamp (accuracy with Wilson 95 % intervals, the drop from the better of two ideal networks: "
        "those weights on ideal neurons and a network trained on the design's ideal LIF, the "
        "share of neuron-time above breakdown). Writes verify.csv (targets of issue #27 and whether each is "
        "met), circuit.csv, summary.json, report.md.")
    p.add_argument("design", metavar="DESIGN", help="a design folder (best/), or with --device a device name")
    p.add_argument("--device", default=None, metavar="FILE", help="device file or name (default DESIGN/device.toml)")
    p.add_argument("--settings", default=None, metavar="FILE", help="settings file (default DESIGN/settings.toml)")
    p.add_argument("--drive", type=positive_si("--drive", "A"), default=None, metavar="AMPS",
                   help="test input in A (default design.toml's); checked before any work, clamp or not, against "
                        f"{REFUSE_FACTOR:g} x the breakdown voltage / R_P of the device (the current that would put "
                        f"{REFUSE_FACTOR:g} x the breakdown across the junction without a clamp): above it, a unit slip "
                        "(0.54 for 0.54m) is refused; below it the drive runs, and behind the settings' clamp "
                        "v_clamp the junction sees at most about v_clamp whatever the drive")
    p.add_argument("--trim", choices=("none", "dac"), default=None, help="per-neuron trim (default design.toml's)")
    p.add_argument("--dac-bits", type=count("--dac-bits", 1, 16), default=None, metavar="N",
                   help="bits of each threshold DAC (default design.toml's, else 8)")
    p.add_argument("--sigma", default=None, metavar="SPEC", help="variation spec (default design.toml's)")
    p.add_argument("--offset", type=nonnegative_si("--offset"), default=None, metavar="VOLTS",
                   help="comparator offset sigma per threshold in V (default design.toml's, else 5m)")
    p.add_argument("--seed", type=count("--seed", 0, 2**31 - 1), default=None, metavar="S",
                   help="sample i from (seed, i) (default design.toml's, else 11)")
    p.add_argument("--temperature", type=nonnegative_si("--temperature"), default=300.0, metavar="KELVIN",
                   help="temperature of the ngspice neurons and the networks in K (default 300)")
    p.add_argument("--device-samples", type=count("--device-samples", 1, 10_000_000), default=FULL["device"],
                   metavar="N", help="device-level samples (default 100k)")
    p.add_argument("--circuit-samples", type=count("--circuit-samples", 0, 100_000), default=FULL["circuit"],
                   metavar="N", help="ngspice neurons (default 200; 0 skips)")
    p.add_argument("--t-stop", type=positive_si("--t-stop", "s"), default=40e-9, metavar="SECONDS",
                   help="length of each ngspice run in s (default 40n)")
    p.add_argument("--images", type=count("--images", 0, 100_000), default=FULL["images"], metavar="N",
                   help="test images per network (default 360; 0 skips the networks)")
    p.add_argument("--tasks", default="digits,events", metavar="NAMES", help="network tasks (default digits,events)")
    p.add_argument("--hidden", type=count("--hidden", 1, 1024), default=64, metavar="N",
                   help="hidden neurons of each network, each a sampled device (default 64, chosen on the validation split)")
    p.add_argument("--epochs", type=count("--epochs", 1, 100_000), default=120, metavar="N",
                   help="training epochs of each network (default 120)")
    p.add_argument("--split", choices=("test", "validation"), default="test",
                   help="the networks' images: the test split (default), or the validation split, 20 %% of the "
                        "training split held out (stratified, from the seed) for choosing settings without the "
                        "test images; the networks then train on the other 80 %%")
    p.add_argument("--window", type=positive_si("--window", "s"), default=60e-9, metavar="SECONDS",
                   help="inference window per image in s, for the networks and their ideal twins (default 60n, "
                        "chosen on the validation split; 10n to 1u in whole 0.4n, at least 37.2n with the event task, whose "
                        "saccades end at 37 ns): a longer one averages more "
                        "spikes per decision at the cost of latency and energy per inference")
    p.add_argument("--train-seed", type=count("--train-seed", 0, 2**31 - 1), default=None, metavar="S",
                   help="seed of the networks' trainings (default: --seed); another value retrains on the same "
                        "images, devices and pool")
    p.add_argument("--per-class", type=count("--per-class", 1, PER_CLASS_MAX), default=3, metavar="K",
                   help="output neurons per class of each network, each a sampled device, their signed spike counts "
                        "summed into the class's score (default 3, chosen on the validation split: one device per "
                        f"class carries its spread into the decision whole; 1 to {PER_CLASS_MAX})")
    p.add_argument("--calibrate-readout", action="store_true",
                   help="also retrain each chip's output crossbar on its own hidden responses to the training images "
                        "(digits only; a per-chip step with its cost) and report it beside the default, which the "
                        "target judges")
    p.add_argument("--chips", type=count("--chips", 1, 64), default=1, metavar="K",
                   help="sampled chips the deployed weights run on, each its own hidden + 10 x --per-class devices (default 1); "
                        "the drop is chip 0's, the others give its spread")
    p.add_argument("--pool", type=count("--pool", 0, 4096), default=64, metavar="N",
                   help="sampled devices whose rate curves the variation-aware training draws from (default 64, "
                        "never the network's own; 0: train with the ideal LIF's curve only)")
    p.add_argument("--input-limit", type=float, default=0.0, metavar="FRACTION",
                   help="hold the networks' mean inputs under this fraction of the safe current v_clamp / R_AP in "
                        "training (default 0: no limit, the clamp alone bounds every junction)")
    p.add_argument("--quick", action="store_true",
                   help="shrink every part: 2000 device samples, 10 ngspice neurons, 30 images, 30 epochs")
    p.add_argument("--workers", type=count("--workers", 1, 1024), default=2, metavar="N",
                   help="ngspice processes and device-level chunks at once (default 2)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run the device level on a Dask cluster")
    add_out_argument(p)
    p.set_defaults(run=run)


def design_file(folder: Path) -> dict[str, Any]:
    f = folder / "design.toml"
    if not f.is_file():
        return {}
    try:
        data = tomllib.loads(f.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(f, f"not valid TOML: {exc}") from None
    table = data.get("design")
    if not isinstance(table, dict):
        raise InputFileError(f, "a design file holds a [design] table")
    return table


#: The type each design.toml key must have, the values it may take, and what a user reads when it has
#: not (the file is named in the refusal, not an option the user did not type).
_FILE_TYPES: dict[str, tuple[tuple[type, ...], Callable[[Any], bool], str]] = {
    "sigma": ((str,), lambda v: True, "a variation spec as a string, e.g. \"L=1n,W=1n,T=0.5n,Ms=3%\""),
    "drive": ((int, float), lambda v: math.isfinite(v) and v > 0,
              "a number > 0, the test input in A (0.539e-3, not \"0.539m\")"),
    "seed": ((int,), lambda v: 0 <= v < 2**63, "an integer >= 0"),
    "trim": ((str,), lambda v: True, "\"dac\" or \"none\""),
    "dac_bits": ((int,), lambda v: 1 <= v <= 16, "an integer from 1 to 16, the bits of each threshold DAC"),
    "offset_sigma": ((int, float), lambda v: math.isfinite(v) and v >= 0,
                     "a number >= 0, the comparator offset sigma in V"),
}


def design_value(table: dict[str, Any], key: str, default: Any, folder: Path | None = None) -> Any:
    """design.toml's ``key`` (its type and value checked: a wrong one is one line naming the file and
    the key), else ``default``."""
    if key not in table:
        return default
    v = table[key]
    types, ok, allowed = _FILE_TYPES[key]
    if isinstance(v, bool) or not isinstance(v, types) or not ok(v):
        raise ParameterError(f"{printable(Path(folder or '.') / 'design.toml')}: {key}", v, allowed)
    return v


def _pick(arg: Any, table: dict[str, Any], key: str, default: Any, folder: Path | None = None) -> Any:
    """The option's value if given, else :func:`design_value`."""
    return arg if arg is not None else design_value(table, key, default, folder)


def run(args: argparse.Namespace) -> int:
    from ..circuits.breakdown import check_test_drive
    from ..circuits.settings import NeuronSettings
    from ..design.verify import VerifySpec, circuit_level, device_level, objectives
    from ..design.verifynet import network_level
    from ..design.verifyreport import write_verify
    from ..io.settingsfile import read_settings
    from ..montecarlo.robust import robust_table
    from ..params import load_device
    from ..physics.batch import DeviceBatch
    from ..variation import VariationSpec

    folder = Path(args.design)
    table = design_file(folder) if folder.is_dir() else {}
    dev_src = args.device or (str(folder / "device.toml") if folder.is_dir() else args.design)
    device = load_device(dev_src)
    set_src = args.settings or (str(folder / "settings.toml") if (folder / "settings.toml").is_file() else None)
    kw = read_settings(set_src) if set_src else {}
    settings = NeuronSettings(**kw)
    sigma = _pick(args.sigma, table, "sigma", None, folder)
    if sigma is None:
        raise ParameterError("--sigma", None, "a variation spec (design.toml has none), e.g. L=1n,W=1n,T=0.5n,Ms=3%")
    spec = VariationSpec.parse(str(sigma))
    spec.check(device)
    drive = _pick(args.drive, table, "drive", None, folder)
    if drive is None:
        raise ParameterError("--drive", None, "the test input in A (design.toml has none)")
    if args.drive is not None:
        check_test_drive(device, args.drive, "--drive", args.drive, settings.v_clamp)
    else:  # a number: _pick checked the file's type
        check_test_drive(device, drive, f"{printable(folder / 'design.toml')}: drive", drive, settings.v_clamp,
                         f"the file states the drive in A ({drive:g} mA would be {drive * 1e-3:g})")
    quick = args.quick
    n_dev = 2000 if quick and args.device_samples == FULL["device"] else args.device_samples
    n_circ = 10 if quick and args.circuit_samples == FULL["circuit"] else args.circuit_samples
    images = 30 if quick and args.images == FULL["images"] else args.images
    epochs = 30 if quick and args.epochs == 120 else args.epochs
    vs = VerifySpec(spec=spec, drive=float(drive), seed=int(_pick(args.seed, table, "seed", 11, folder)),
                    trim=str(_pick(args.trim, table, "trim", "none", folder)),
                    dac_bits=int(_pick(args.dac_bits, table, "dac_bits", 8, folder)),
                    offset_sigma=float(_pick(args.offset, table, "offset_sigma", 5e-3, folder)),
                    temperature=float(args.temperature), device_samples=n_dev, circuit_samples=n_circ,
                    t_stop=float(args.t_stop), images=images,
                    tasks=tuple(t.strip() for t in str(args.tasks).split(",") if t.strip()), workers=args.workers,
                    epochs=epochs, pool=args.pool, input_limit=args.input_limit, hidden=args.hidden, per_class=args.per_class,
                    split=args.split, chips=args.chips, train_seed=args.train_seed,
                    calibrate_readout=args.calibrate_readout, window=args.window)
    t0 = time.perf_counter()
    # the table of the device without its extra anisotropy, as the design search builds it (it reduces
    # every sample, Ku included, to the quantities it tabulates)
    onsets = robust_table(device.replace(**{"field.Ku": 0.0}) if device.field.Ku else device, spec)
    if settings.i_th is None:  # the paper's device: its onset by the samples' own method
        settings = replace(settings, i_th=float(onsets.onset(DeviceBatch.from_device(device, theta0=0.0))[0][0]))
    t_table = time.perf_counter() - t0

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    say(f"device level: {vs.device_samples} samples")
    dev = device_level(device, settings, vs, onsets, scheduler=args.scheduler)
    parts = [dev, objectives(device, settings, vs, onsets)]
    if vs.circuit_samples:
        say(f"circuit level: {vs.circuit_samples} ngspice neurons x 2 runs")
        parts.append(circuit_level(device, settings, vs, dev.columns["device_ok"]))
    if vs.images:
        say(f"networks: {', '.join(vs.tasks)} on {vs.images} images")
        parts += network_level(device, settings, vs, onsets)
    sec = {p.name: p.seconds for p in parts}
    proj = {"onset table": t_table, "device level": sec["device"] * FULL["device"] / vs.device_samples}
    if "circuit" in sec:
        proj["circuit level"] = sec["circuit"] * FULL["circuit"] / vs.circuit_samples
    for t in vs.tasks:
        if f"network_{t}" in sec:  # training does not scale with the images; the runs do (an upper bound)
            proj[f"network {t}"] = sec[f"network_{t}"] * FULL["images"] / vs.images
    proj["total"] = sum(proj.values())
    command = "mtjspice " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["verify"] else "mtjspice verify"
    header = {"command": command, "design": str(args.design), "sigma": spec.describe(), "drive": vs.drive,
              "trim": vs.trim, "dac_bits": vs.dac_bits, "offset_sigma": vs.offset_sigma, "temperature": vs.temperature,
              "seed": vs.seed}
    with args.output as tmp:
        summary = write_verify(tmp, parts, header, proj)
    for row in summary["targets"]:
        v = row["value"]
        print(f"  {row['part']} {row['quantity']} = {v:.4g} (target {row['target']}): {row['met']}"
              if isinstance(v, float) and math.isfinite(v) else f"  {row['part']} {row['quantity']}: n/a")
    print(f"projected full verification: {proj['total'] / 60:.1f} min; wrote {printable(args.out)}/verify.csv, "
          "circuit.csv, summary.json, report.md")
    return 0
