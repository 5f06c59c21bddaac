"""``mtjspice fit``: fit the signed LIF to a device's macrospin response."""

from __future__ import annotations

import argparse
import json
import math

from ..errors import printable
from ..params import load_device
from .common import add_model_argument, add_out_argument, add_seed_argument, count, positive_si

HELP = "fit the signed LIF tau_m du/dt = -a1 u + a2 I R_m (a1 = 1) to the device's u = m.p"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("fit", help=HELP, description=HELP + ". Runs pulse trains of both signs and random signed "
                       "trains through the macrospin model, fits tau_m (s) and a2 (1/V) by simulating the LIF, "
                       "and scans square pulses for the validity range. Writes DIR/fit.json (tau_m, a1, a2, R_m, "
                       "r2, nrmse, i_min, i_max, SI units), DIR/fit.png and DIR/lif_params.json (loadable with "
                       "mtjspice.analysis.lif.load_params).")
    add_model_argument(p)
    p.add_argument("--t-stop", type=positive_si("--t-stop"), default=40e-9, metavar="SECONDS",
                   help="length of each training run in s (default 40n)")
    p.add_argument("--random", type=count("--random", 0, 1000), default=4, metavar="N",
                   help="number of random signed training trains (default 4)")
    p.add_argument("--r2-min", type=float, default=0.9, metavar="R2",
                   help="R^2 that defines the validity range [i_min, i_max] (default 0.9)")
    p.add_argument("--u-th", type=positive_si("--u-th"), default=0.5, metavar="U",
                   help="firing threshold stored in lif_params.json, dimensionless (default 0.5)")
    add_seed_argument(p, "the random trains")
    p.add_argument("--no-hysteresis", dest="hysteresis", action="store_false",
                   help="skip the down-sweep onset (the quasi-static staircase, about 15 s)")
    add_out_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..analysis.lif import save_params
    from ..characterize.devicefit import fit_device
    from ..errors import ParameterError
    from ..plots.fit import plot_fit

    if args.random < 0:
        raise ParameterError("--random", args.random, "an integer >= 0")
    if not 0 < args.r2_min < 1:
        raise ParameterError("--r2-min", args.r2_min, "a number in (0, 1)")
    if not 0 < args.u_th <= 1:
        raise ParameterError("--u-th", args.u_th, "a threshold in (0, 1]")
    device = load_device(args.model)
    result = fit_device(device, n_random=args.random, t_stop=args.t_stop, r2_min=args.r2_min, seed=args.seed,
                        hysteresis=args.hysteresis)
    summary = result.summary()
    json_summary = {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in summary.items()}
    params = replace(result.params, u_th=args.u_th)
    with args.output as tmp:
        (tmp / "fit.json").write_text(json.dumps(json_summary, indent=2) + "\n", encoding="utf-8")
        down = {} if result.hysteresis is None or not math.isfinite(result.hysteresis.i_down) else {
            "i_down": min(result.hysteresis.i_down, params.i_th)}  # the compact MTJ's driven branch (--mtj compact)
        save_params(params, tmp / "lif_params.json", device=device.name, source=str(args.model),
                    i_min=result.i_min, i_max=result.i_max, r2=result.fit.r2, **down)
        plot_fit(result, tmp / "fit.png")
    print(f"{device.name}: tau_m = {summary['tau_m'] * 1e9:.4g} ns, a2/a1 = {summary['a2']:.4g} 1/V "
          f"(gain {summary['gain']:.4g} 1/A), R_m = {summary['R_m']:.5g} Ohm, R^2 = {summary['r2']:.4f}, "
          f"nrmse = {summary['nrmse']:.4f}; valid for {summary['i_min'] * 1e3:.3g} <= |I| <= "
          f"{summary['i_max'] * 1e3:.3g} mA (R^2 >= {args.r2_min}); gate i_th = {summary['i_th'] * 1e3:.4g} mA")
    bd = summary["breakdown_voltage"]
    print(f"junction voltage over the valid range: {summary['v_at_i_min']:.3g} to {summary['v_at_i_max']:.3g} V; "
          f"breakdown {bd:g} V is reached at |I| = {summary['i_breakdown'] * 1e3:.3g} mA")
    if result.hysteresis is not None:
        h = result.hysteresis
        print(f"onset hysteresis: from rest u stays 0 up to {h.up[0] * 1e3:.3g} / {h.up[1] * 1e3:.3g} mA (+I / -I); "
              f"driven down from {h.i_start * 1e3:.3g} mA it stays driven down to {h.down[0] * 1e3:.3g} / "
              f"{h.down[1] * 1e3:.3g} mA")
    print(f"wrote {printable(args.out)}/fit.json, fit.png, lif_params.json")
    return 0
