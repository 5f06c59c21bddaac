"""``mtjspice montecarlo``: process variation, device by device (and optionally in the circuit)."""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..circuits.breakdown import REFUSE_FACTOR
from ..errors import ParameterError, RunTimeoutError, printable
from .common import (
    KELVIN_HELP,
    add_model_argument,
    add_out_argument,
    add_run_arguments,
    add_seed_argument,
    count,
    json_default,
    kelvin,
    nonnegative_si,
    positive_si,
    run_options,
    variation_spec,
)

HELP = "Monte Carlo of process variation: yield, onset spread, trim, at device (and circuit) level"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "montecarlo", help=HELP,
        description=HELP + ". Each sample is the device with its parameters drawn from --sigma (or the device "
        "file's [variation] table); sample i depends only on (--seed, i). Device level (the batched macrospin "
        "solver): onset current, LIF tau_m and a2, thermal stability, regime and junction voltage at the "
        "nominal drive, read through the nominal neuron circuit's thresholds; 'usable' = fires both signs, "
        "relaxes, reads do not drive it, no breakdown. Chunks run as tasks on a local Dask cluster (or "
        "--scheduler) and are stored as they finish, so a killed run restarted with the same arguments "
        "resumes. Writes DIR/samples.csv and samples.parquet (every sample), summary.json, onset_table.csv, "
        "distributions.png; with --circuit K also circuit.csv and the circuit yield.")
    add_model_argument(p)
    p.add_argument("--samples", type=count("--samples", 1, 10_000_000), default=10_000, metavar="N",
                   help="device-level samples (default 10000)")
    p.add_argument("--sigma", default=None, metavar="SPEC",
                   help="spreads, e.g. L=1n,W=1n,T=0.5n,Ms=3%%,RA=5%% (absolute in SI units or relative in %%); "
                        "default: the device file's [variation] table")
    add_seed_argument(p, "the samples")
    p.add_argument("--drive", type=positive_si("--drive", "A"), default=0.6e-3, metavar="AMPS",
                   help="nominal input current in A (default 0.6m, the default neuron's working range); refused "
                        f"before any work above {REFUSE_FACTOR:g} x the breakdown voltage / R_P of the device (a unit "
                        "slip: 0.6 is 0.6 A)")
    p.add_argument("--device-test", choices=("clocked", "dc"), default="clocked",
                   help="how the device level drives each sample: 'clocked' (default), as the nominal circuit does "
                        "(input gated off during reads, read current, both signs: agrees with ngspice), or 'dc' (one "
                        "plain pulse, the other sign by symmetry: half the cost, overstates the drive)")
    p.add_argument("--no-trim", action="store_true",
                   help="skip the trimmed runs (thresholds from each device's own resistance; input scaled so that "
                        "each device's firing threshold in the nominal circuit is the nominal one); cuts the cost "
                        "about 4 times")
    p.add_argument("--circuit", type=count("--circuit", 0, 10_000), default=0, metavar="K",
                   help="also run the first K samples as neuron circuits in ngspice (default 0)")
    p.add_argument("--offset", type=nonnegative_si("--offset"), default=0.0, metavar="VOLTS",
                   help="comparator offset sigma per threshold, in V (default 0): each sample's thresholds move by its own "
                        "offsets, at device and circuit level alike; the reference trim calibrates them out")
    p.add_argument("--temperature", type=kelvin(), default=0.0, metavar="KELVIN",
                   help=f"MTJ temperature of the --circuit runs, {KELVIN_HELP} (default 0: noiseless)")
    p.add_argument("--circuit-t-stop", type=positive_si("--circuit-t-stop"), default=40e-9, metavar="SECONDS",
                   help="length of each circuit run in s (default 40n)")
    add_run_arguments(p, chunk=(5000, "samples"),
                      store="folder of the finished chunks while the run is going (default: DIR.parts beside --out); "
                            "kept if the run stops, so the same command resumes; removed once --out is written")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..budget import check_memory, warn_time
    from ..characterize.character import characterize
    from ..circuits.breakdown import check_test_drive
    from ..io.outputs import write_csv
    from ..montecarlo.columns import ONSET_TABLE_COLUMNS, circuit_columns, sample_columns
    from ..montecarlo.device import DeviceMC
    from ..montecarlo.run import device_montecarlo, summarize
    from ..montecarlo.scaleout import default_workers, reach_scheduler
    from ..montecarlo.testspec import check_onset
    from ..params import load_device
    from ..plots.montecarlo import plot_distributions
    from .progress import Progress

    if args.scheduler is not None:  # before any work: a wrong address is said within seconds
        reach_scheduler(args.scheduler)
    device = load_device(args.model)
    check_test_drive(device, args.drive, "--drive", args.drive)  # no clamp in the nominal circuit
    spec = variation_spec(args)  # checked before the onset scan below: a bad --sigma is said at once
    spec.check(device)
    # the nominal circuit's onset scan, before any work (cached: the run's nominal circuit reuses it)
    check_onset(device, characterize(device, negative=False, hysteresis=False).onset,
                "montecarlo builds that circuit from the device and takes no onset of its own: search designs of "
                f"this stack that fire (mtjspice design {printable(args.model)}) and check the chosen one with "
                "mtjspice verify DIR/best, whose settings.toml states its onset i_th")
    mc = DeviceMC(drive=args.drive, trim=not args.no_trim, read=args.device_test, offset_sigma=args.offset)
    n = args.samples
    workers = args.workers if args.scheduler is None else None
    # about 40 columns of 8 bytes per sample in memory (store, table, CSV rows), plus a chunk's
    # trajectories (181 samples x 3 x 8 bytes x 3 arrays per device)
    check_memory(n * 40 * 8 * 3 + min(args.chunk, n) * 181 * 3 * 8 * 4, "--samples", n, f"{n} samples",
                 "use fewer --samples or a smaller --chunk")
    cores = workers or default_workers()
    warn_time(n * 0.7e-3 * (4 if mc.trim else 1) * (2 if mc.read == "clocked" else 1) / cores + 10, f"{n} device samples",
              "use fewer --samples or more --workers")
    out = Path(args.out)
    store = Path(args.store) if args.store else out.parent / (out.name + ".parts")
    if store.resolve() == out.resolve():
        raise ParameterError("--store", args.store, "a folder other than --out")
    try:
        with Progress(n, "montecarlo (device)", enabled=not args.quiet) as bar:
            result = device_montecarlo(device, spec, n, mc,
                                       run_options(args, progress=bar.update, store=store, reset=args.overwrite))
    except (RunTimeoutError, KeyboardInterrupt) as exc:
        done = _stored(store)
        if not done:
            raise
        # still one line: the run is not lost, and how to resume it
        kept = f"{done} finished samples are kept in {printable(store)}; the same command resumes from them"
        if isinstance(exc, KeyboardInterrupt):
            raise type(exc)(f"interrupted; nothing was written to --out, but {kept}") from None
        raise RunTimeoutError(f"{str(exc).split(chr(10))[0]}; {kept}") from None
    summary = summarize(result, mc).to_dict()  # plus the run's identity, below
    summary.update({"device": device.name, "variation": spec.describe(), "seed": args.seed,
                    "u_th": mc.u_th, "i_read": result.circuit.i_read, "breakdown_voltage":
                    device.junction.breakdown_voltage, "resumed_samples": n - result.computed,
                    "nominal": _nominal_words(result.nominal)})
    circuit_cols = None
    if args.circuit:
        circuit_cols, circuit_summary = _circuit(args, device, spec, result)
        summary["circuit"] = circuit_summary
    cols = result.columns
    samples = result.to_frame()
    with args.output as tmp:
        write_csv(tmp / "samples.csv", sample_columns(samples.names), samples.rows())
        _write_parquet(samples.columns, tmp / "samples.parquet")
        t = result.table.to_columns()
        write_csv(tmp / "onset_table.csv", ONSET_TABLE_COLUMNS, zip(t["alpha"], t["q"], t["g"], strict=True))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=json_default) + "\n", encoding="utf-8")
        plot_distributions(cols, summary, tmp / "distributions.png", title=f"{device.name}: sigma {spec.describe()}")
        if circuit_cols is not None:
            from ..plots.montecarlo import plot_circuit

            write_csv(tmp / "circuit.csv", circuit_columns(circuit_cols.names), circuit_cols.rows())
            plot_circuit(circuit_cols.columns, summary["circuit"], tmp / "circuit.png",
                         title=f"{device.name}: sigma {spec.describe()}")
    shutil.rmtree(store, ignore_errors=True)
    _print(summary, n, result.computed, args)
    print(f"wrote {printable(args.out)}/samples.csv, samples.parquet, summary.json, onset_table.csv, distributions.png"
          + (", circuit.csv, circuit.png" if circuit_cols is not None else "") + ", columns.csv (every column's unit and "
          "meaning)")
    return 0


def _nominal_words(nominal: dict) -> dict:
    """The nominal device's row with its coded values (easy, regime, i_th_reason) as words, as in samples.csv."""
    import numpy as np

    from ..montecarlo.columns import sample_words

    coded = ("easy", "regime", "i_th_reason")
    words = sample_words({k: np.array([nominal[k]]) for k in coded if k in nominal})
    return {**nominal, **{k: str(v[0]) for k, v in words.items()}}


def _stored(store: Path) -> int:
    """Samples in the finished chunks of a store folder (0 if none, or no store)."""
    from ..montecarlo.store import stored_samples

    return stored_samples(store)


def _write_parquet(cols: Mapping, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(dict(cols)), path)


def _circuit(args: argparse.Namespace, device, spec, result):  # type: ignore[no-untyped-def]
    """circuit.csv's frame (untrimmed, then the trims' columns with _ref and _trim, then device_usable) and
    the circuit's summary."""
    import numpy as np

    from ..circuits.neuronobject import Neuron
    from ..frame import Frame
    from ..montecarlo.circuit import CircuitMC
    from ..montecarlo.circuitrun import circuit_montecarlo
    from ..montecarlo.run import percentiles, wilson

    k = min(args.circuit, args.samples)
    opts = run_options(args)
    neuron = Neuron.build(device)  # characterises the nominal device (said on stderr)
    # both levels apply the device level's gain k (each sample's firing threshold through its
    # reference-trimmed thresholds over the nominal's, samples.csv's k_trim): circuit_chunk divides
    # what it is given by the nominal onset, so it gets k x that onset. Its own scan (no onsets) reads
    # the samples through the nominal thresholds and came out 0-30 % higher on the docs' 20 neurons,
    # which put 11 of them past breakdown
    k_dev = np.asarray(result.columns["k_trim"], float)[:k] if "k_trim" in result.columns else np.full(k, np.nan)
    onsets = k_dev * neuron.i_th

    def run(trim: str):  # type: ignore[no-untyped-def]
        mc = CircuitMC(drive=args.drive, t_stop=args.circuit_t_stop, offset_sigma=args.offset,
                       temperature=args.temperature, trim=trim)
        return circuit_montecarlo(neuron, spec, k, mc, opts, onsets=onsets)

    base = run("none")
    frame = base.to_frame()
    ok = base.ok
    pred = np.asarray(result.columns["usable"], bool)[:k]
    out = {"neurons": k, "yield": base.yield_fraction, "yield_ci95": base.yield_ci95,
           "device_level_yield_same_samples": float(pred.mean()),
           "device_level_yield_same_samples_ci95": wilson(int(pred.sum()), k), "agreement": float(np.mean(ok == pred)),
           "offset_sigma": args.offset, "temperature": args.temperature, "t_stop": args.circuit_t_stop}
    for name in ("rate_pos", "rate_neg", "latency_pos", "latency_neg", "energy_per_spike", "v_junction_max"):
        out[name] = percentiles(np.asarray(base.columns[name], float))
    if not args.no_trim:
        for trim, tag in (("reference", "ref"), ("gain+reference", "trim")):
            rt = run(trim)
            out[f"yield_{tag}"] = rt.yield_fraction
            out[f"yield_{tag}_ci95"] = rt.yield_ci95
            frame = frame.join(rt.to_frame().renamed(f"_{tag}"))
        pref = np.asarray(result.columns["usable_ref"], bool)[:k]
        out["device_level_yield_ref_same_samples"] = float(np.mean(pref))
        out["device_level_yield_ref_same_samples_ci95"] = wilson(int(pref.sum()), k)
        out["agreement_ref"] = float(np.mean(frame["ok_ref"].astype(bool) == pref))
    frame = frame.join(Frame({"device_usable": pred.astype(np.int64)}, {"device_usable": "1"}))
    return frame, out


def _print(summary: dict, n: int, computed: int, args: argparse.Namespace) -> None:
    lo, hi = summary["yield_ci95"]
    it = summary["i_th"]
    print(f"{summary['device']}, {summary['variation']}, seed {summary['seed']}: {n} samples"
          + (f" ({n - computed} resumed from the store)" if n - computed else ""))
    print(f"  onset i_th: nominal {it['nominal'] * 1e3:.3g} mA; 5/50/95 % {it['p5'] * 1e3:.3g} / {it['p50'] * 1e3:.3g} / "
          f"{it['p95'] * 1e3:.3g} mA")
    r = summary["regimes"]
    print(f"  at the drive {summary['drive'] * 1e3:.3g} mA: under {100 * r['under']:.1f} %, lif {100 * r['lif']:.1f} %, "
          f"over {100 * r['over']:.1f} %")
    f = summary["fails"]
    print(f"  usable neurons: {100 * summary['yield']:.1f} % (95 % CI {100 * lo:.1f} to {100 * hi:.1f}); fails "
          "(overlapping: a sample can fail for several reasons): "
          + ", ".join(f"{k.replace('_', ' ')} {100 * v:.1f} %" for k, v in f.items() if v))
    missing = summary.get("i_th_missing", {})
    if missing:
        print("  no onset for " + "; ".join(f"{n} samples ({why.split(':')[0]})" for why, n in missing.items())
              + " (samples.csv: i_th empty, i_th_reason says why)")
    if "yield_trim" in summary:
        lo, hi = summary["yield_trim_ci95"]
        kt = summary["k_trim"]
        c = summary["trim_cost"]
        rl, rh = summary["yield_ref_ci95"]
        print(f"  after reference trim (thresholds from each device's resistance): {100 * summary['yield_ref']:.1f} % "
              f"(95 % CI {100 * rl:.1f} to {100 * rh:.1f})")
        print(f"  after gain + reference trim: {100 * summary['yield_trim']:.1f} % (95 % CI {100 * lo:.1f} to "
              f"{100 * hi:.1f}); gain k "
              f"5/50/95 % {kt['p5']:.3g} / {kt['p50']:.3g} / {kt['p95']:.3g}; a {c['bits']}-bit DAC; input energy "
              f"{100 * c['junction_energy']:+.0f} % (junction), {100 * c['mirror_energy']:+.0f} % (mirror)")
    if "circuit" in summary:
        c = summary["circuit"]

        def pct(key: str) -> str:
            a, b = c[key + "_ci95"]
            return f"{100 * c[key]:.0f} % (95 % CI {100 * a:.0f} to {100 * b:.0f})"

        print(f"  circuit (ngspice, {c['neurons']} neurons): yield {pct('yield')}, device-level prediction "
              f"{pct('device_level_yield_same_samples')}, agreement {100 * c['agreement']:.0f} %"
              + (f"; after reference trim {pct('yield_ref')} (device level {pct('device_level_yield_ref_same_samples')}), "
                 f"after gain + reference trim {pct('yield_trim')}" if "yield_trim" in c else ""))
