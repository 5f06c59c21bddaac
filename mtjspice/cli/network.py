"""``mtjspice network``: a signed spiking network whose neurons are the simulated MTJ neurons."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from ..errors import ParameterError, printable
from ..io.outputs import write_csv
from ..params import load_device
from .common import (
    KELVIN_HELP,
    add_model_argument,
    add_mtj_argument,
    add_out_argument,
    add_seed_argument,
    count,
    kelvin,
    mtj_settings,
)

HELP = "train a signed spiking network and run it with ideal, fitted-LIF and macrospin-device neurons (and ngspice)"
TASKS = ("digits", "events")


def _task(text: str) -> str:
    if text not in TASKS:
        raise argparse.ArgumentTypeError(str(ParameterError("--task", text, " or ".join(TASKS))))
    return text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("network", help=HELP, description=HELP + ". Tasks: digits (scikit-learn's bundled 8x8 "
                       "digits, DC rows) or events (the same images as signed ON/OFF event streams from three "
                       "saccades). One set of weights, trained with the ideal signed LIF's rate curve; inference "
                       "with the ideal LIF, the fitted device LIF, the macrospin devices at 0 K and at "
                       "--temperature, with --sigma variation with and without trim, and fine-tuned; "
                       "--circuit-images test images through both layers as ngspice neuron arrays. Writes "
                       "report.txt, accuracy.csv/png, confusion_*.csv, confusion.png, rasters.png, "
                       "rate_curves.csv/png, weights_hidden.csv, weights_output.csv (S, readable by mtjspice "
                       "array) and, with ngspice, circuit.csv and energy.csv.")
    add_model_argument(p)
    p.add_argument("--task", type=_task, default="digits", metavar="TASK", help="digits or events (default digits)")
    p.add_argument("--temperature", type=kelvin(), default=300.0, metavar="KELVIN",
                   help=f"temperature of the thermal device model {KELVIN_HELP} (default 300; 0 skips it)")
    p.add_argument("--sigma", default="L=1n,W=1n,T=0.5n,Ms=3%", metavar="SPEC",
                   help="process variation, NAME=SIGMA items (m, A/m or %%), default L=1n,W=1n,T=0.5n,Ms=3%%; "
                        "'none' skips the variation models")
    add_seed_argument(p, "the split, training, thermal noise and variation samples")
    p.add_argument("--images", type=count("--images", 1, 360), default=60, metavar="N",
                   help="test images to run with each model (default 60; 360: the whole test split)")
    p.add_argument("--circuit-images", type=count("--circuit-images", 0, 360), default=2, metavar="N",
                   help="test images to run in ngspice (default 2, about 1.5 min each; 0 skips ngspice)")
    p.add_argument("--hidden", type=count("--hidden", 1, 512), default=32, metavar="H",
                   help="hidden neurons (default 32)")
    p.add_argument("--epochs", type=count("--epochs", 1, 10000), default=120, metavar="N",
                   help="training epochs (default 120)")
    p.add_argument("--lif", default=None, metavar="FILE",
                   help="fitted LIF parameters (lif_params.json of mtjspice fit); default: fit the device here")
    p.add_argument("--no-fine-tune", dest="fine_tune", action="store_false",
                   help="skip the fine-tuning with the device's rate curve")
    add_mtj_argument(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars and no progress messages")
    add_out_argument(p)
    p.set_defaults(run=run)


class _Bars:
    """One progress bar per stage, opened when the stage starts."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.stage = enabled, ""
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from .progress import Progress

        if stage != self.stage:
            self.close()
            self.stage, self.bar = stage, Progress(total, stage, enabled=self.enabled)
        assert self.bar is not None
        self.bar.set(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..analysis.lif import load_params
    from ..circuits.neuronobject import Neuron
    from ..circuits.settings import NeuronSettings
    from ..io.outputs import describe
    from ..network import Study, TrainSettings, run_study
    from ..network import report as rep
    from ..plots.network import plot_accuracy, plot_confusion, plot_curves, plot_rasters
    from ..variation import VariationSpec

    device = load_device(args.model)
    sigma = "" if args.sigma.strip().lower() in ("", "none", "0") else args.sigma
    if sigma:
        VariationSpec.parse(sigma).check(device)  # a bad spec fails before any work
    lif = load_params(args.lif) if args.lif else None
    study = Study(task=args.task, seed=args.seed, images=args.images, temperature=args.temperature, sigma=sigma,
                  circuit_images=args.circuit_images, fine_tune=args.fine_tune,
                  training=replace(TrainSettings(), hidden=args.hidden, epochs=args.epochs), lif=lif)
    # characterises the device (said on stderr); --mtj chooses the ngspice arrays' junction model
    neuron = Neuron.build(device, NeuronSettings(**mtj_settings(args)))  # type: ignore[arg-type]
    bars = _Bars(not args.quiet)
    try:
        res = run_study(neuron, study, progress=bars)
    finally:
        bars.close()
    acc_table = res.to_frame()
    tm = study.timing
    with args.output as tmp:
        (tmp / "report.txt").write_text(rep.report_text(res, device.name), encoding="utf-8")
        write_csv(tmp / "accuracy.csv", rep.ACCURACY_COLUMNS, acc_table.rows())
        plot_accuracy([str(v) for v in acc_table["description"]], [int(v) for v in acc_table["correct"]],
                      [int(v) for v in acc_table["images"]],
                      list(zip(acc_table["accuracy_low_percent"].tolist(), acc_table["accuracy_high_percent"].tolist(),
                               strict=True)), tmp / "accuracy.png", f"{args.task}: {device.name}, seed {args.seed}")
        mats: dict[str, Any] = {}
        for r in res.runs:
            mats[r.model] = rep.confusion(r.labels, r.predictions)
            write_csv(tmp / f"confusion_{r.model}.csv", rep.CONFUSION_COLUMNS,
                      [(k, *row) for k, row in enumerate(mats[r.model])])
        show = [m for m in ("ideal", "fitted", "device") if m in mats]
        plot_confusion([mats[m] for m in show], show, tmp / "confusion.png")
        plot_rasters([r.rasters for r in res.runs[:3]], [r.model for r in res.runs[:3]],
                     [int(y) for y in res.task.y_test[:3]], res.bars.hidden.shape[1], tm.window,
                     tmp / "rasters.png")
        curves = {k: c(c.currents) for k, c in res.curves.items()}
        cur = next(iter(res.curves.values())).currents
        write_csv(tmp / "rate_curves.csv", rep.rate_columns(list(curves)),
                  np.column_stack([cur, *curves.values()]))
        plot_curves(cur, curves, tmp / "rate_curves.png")
        np.savetxt(tmp / "weights_hidden.csv", res.bars.hidden, delimiter=",", fmt="%.6e",
                   comments="# ", header="stored conductances (S): rows = 64 inputs then the bias row, columns = hidden neurons")
        describe(tmp / "weights_hidden.csv", rep.weight_columns("hidden", "the 64 inputs, then the bias row"))
        np.savetxt(tmp / "weights_output.csv", res.bars.output, delimiter=",", fmt="%.6e",
                   comments="# ", header="stored conductances (S): rows = hidden neurons then the bias row, columns = outputs")
        describe(tmp / "weights_output.csv", rep.weight_columns("output", "the hidden neurons, then the bias row"))
        c = res.circuit
        if c is not None:
            crow = []
            for k, i in enumerate(c.index):
                for layer, a, b in (("hidden", c.hidden_spice, c.hidden_python),
                                    ("output", c.output_spice, c.output_python)):
                    crow += [(int(i), layer, j, *map(int, a[k, j]), *map(int, b[k, j])) for j in range(a.shape[1])]
            write_csv(tmp / "circuit.csv", rep.CIRCUIT_COLUMNS, crow)
            write_csv(tmp / "energy.csv", rep.ENERGY_COLUMNS,
                      [(int(i), *map(float, e), float(e.sum())) for i, e in zip(c.index, c.energy, strict=True)])
    acc = {r.model: r.accuracy for r in res.runs}
    print(f"wrote {printable(args.out)}: {args.task}, ideal {100 * acc['ideal']:.2f} %, fitted LIF "
          f"{100 * acc['fitted']:.2f} %, device {100 * acc['device']:.2f} % on {res.runs[0].index.size} test images"
          + (f"; ngspice spike counts within one for {100 * c.agreement():.0f} % of neurons, "
             f"{c.energy_per_inference * 1e12:.3g} pJ per inference" if c is not None else ""))
    return 0
