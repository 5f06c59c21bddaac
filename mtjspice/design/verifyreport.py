"""What a verification writes (:func:`write_verify`): verify.csv (one row per measured quantity,
with its unit, the issue's target and whether it is met), circuit.csv (one row per ngspice
neuron, with the device level's verdict beside it), summary.json and report.md."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..io.outputs import Column, write_csv
from .verify import Part

__all__ = ["TARGETS", "VERIFY_COLUMNS", "CIRCUIT_COLUMNS", "rows_of", "write_verify"]

#: The targets of issue #27: (part, quantity) -> (relation, bound, unit of the bound).
TARGETS: dict[tuple[str, str], tuple[str, float]] = {
    ("device", "yield"): (">=", 0.99), ("device", "yield_lo"): (">=", 0.98),
    ("circuit", "yield"): (">=", 0.99), ("circuit", "yield_lo"): (">=", 0.98),
    ("objectives", "window"): (">=", 0.30), ("objectives", "levels"): (">=", 8.0),
    ("network_digits", "drop_points"): ("<=", 3.0), ("network_events", "drop_points"): ("<=", 5.0),
    ("network_digits", "over_breakdown"): ("<=", 0.0), ("network_events", "over_breakdown"): ("<=", 0.0),
    ("circuit", "breakdown_share"): ("<=", 0.0),
}

_NOT_RUN = " (empty: not simulated, i.e. not a valid device, inverted thresholds or a failed run)"

VERIFY_COLUMNS = (
    Column("part", "", "device (device-level Monte Carlo), circuit (ngspice neurons), objectives (the design's "
           "window, rate levels and energy as the design search computes them), network_digits, network_events, "
           "timing (wall time of each part)"),
    Column("quantity", "", "what is measured (see report.md)"),
    Column("value", "", "the measured value, in the unit of the next column (empty: not measurable, e.g. a rate "
           "where no sample fired)"),
    Column("unit", "", "SI unit of value ('1' a pure number or fraction, '%' percentage points)"),
    Column("target", "", "issue #27's target for this quantity (empty: none)"),
    Column("met", "", "yes / no against the target (empty: no target)"),
)

CIRCUIT_COLUMNS = (
    Column("index", "1", "sample index: the device from (seed, index), its comparator offsets from (seed, index, 1)"),
    Column("ok", "1", "1 if the ngspice neuron fires both signs, no wrong sign, no breakdown"),
    Column("device_ok", "1", "1 if the device-level verdict of the same sample is usable (empty: no device level)"),
    Column("v_hi", "V", "upper threshold the sample's comparators used (its DAC's level with trim dac)" + _NOT_RUN),
    Column("v_lo", "V", "lower threshold the sample's comparators used" + _NOT_RUN),
    Column("rate_pos", "Hz", "right-sign spikes per second under +drive" + _NOT_RUN),
    Column("rate_neg", "Hz", "right-sign spikes per second under -drive" + _NOT_RUN),
    Column("latency_pos", "s", "first right-sign spike under +drive (empty: none)"),
    Column("latency_neg", "s", "first right-sign spike under -drive (empty: none)"),
    Column("energy_per_spike", "J", "energy of both runs over their right-sign spikes (empty: none)"),
    Column("v_junction_max", "V", "largest junction voltage of both runs" + _NOT_RUN),
    Column("wrong_sign", "1", "1 if any spike of the other sign"),
    Column("breakdown", "1", "1 if the junction passed its breakdown voltage"),
    Column("sim_failed", "1", "1 if an ngspice run failed"),
)


def _met(part: str, q: str, v: float) -> tuple[str, str]:
    t = TARGETS.get((part, q))
    if t is None:
        return "", ""
    rel, bound = t
    ok = math.isfinite(v) and (v >= bound if rel == ">=" else v <= bound)
    return f"{rel} {bound:g}", "yes" if ok else "no"


def rows_of(parts: list[Part]) -> list[list[Any]]:
    """verify.csv's rows."""
    out: list[list[Any]] = []
    for p in parts:
        for q, v in p.values.items():
            out.append([p.name, q, v, p.units.get(q, ""), *_met(p.name, q, v)])
    out += [["timing", f"{p.name}_seconds", p.seconds, "s", "", ""] for p in parts]
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %" if math.isfinite(x) else "n/a"


def write_verify(out: Path, parts: list[Part], header: dict[str, Any], projection: dict[str, float]) -> dict[str, Any]:
    """Write the files (module docstring) into ``out``; return the summary."""
    write_csv(out / "verify.csv", VERIFY_COLUMNS, rows_of(parts))
    circ = next((p for p in parts if p.name == "circuit"), None)
    if circ is not None and circ.columns["index"].size:
        c = circ.columns
        n = c["index"].size
        dev = c.get("device_ok", np.full(n, np.nan))
        rows = [[int(c["index"][i]), int(bool(c["ok"][i])), (int(bool(dev[i])) if not isinstance(dev[i], float) else dev[i]),
                 *(float(c[k][i]) for k in ("v_hi", "v_lo", "rate_pos", "rate_neg", "latency_pos", "latency_neg",
                                            "energy_per_spike", "v_junction_max")),
                 int(bool(c["wrong_sign"][i])), int(bool(c["breakdown"][i])), int(bool(c["sim_failed"][i]))]
                for i in range(n)]
        write_csv(out / "circuit.csv", CIRCUIT_COLUMNS, rows)
    summary = {**header, "parts": {p.name: {**p.values, "seconds": p.seconds} for p in parts},
               "projection": projection,
               "targets": [{"part": r[0], "quantity": r[1], "value": r[2], "target": r[4], "met": r[5]}
                           for r in rows_of(parts) if r[4]]}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n", encoding="utf-8")
    (out / "report.md").write_text(_markdown(parts, header, projection), encoding="utf-8")
    return summary


def _markdown(parts: list[Part], header: dict[str, Any], projection: dict[str, float]) -> str:
    L = ["# Design verification", "", f"`{header.get('command', 'mtjspice verify')}`", "",
         f"Design: {header.get('design', '')}; variation {header.get('sigma', '')}; test input "
         f"{1e3 * header.get('drive', math.nan):.4g} mA; trim {header.get('trim', '')}"
         + (f" ({header.get('dac_bits')} bits)" if header.get("trim") == "dac" else "")
         + f"; comparator offsets {1e3 * header.get('offset_sigma', math.nan):.3g} mV; {header.get('temperature', 0):g} K "
         "(circuit level and networks; the device level is noiseless).", "",
         "| part | quantity | value | unit | target | met |", "|---|---|---|---|---|---|"]
    for r in rows_of(parts):
        v = r[2]
        txt = f"{v:.6g}" if isinstance(v, float) and math.isfinite(v) else str(v)
        L.append(f"| {r[0]} | {r[1]} | {txt} | {r[3]} | {r[4]} | {r[5]} |")
    byname = {p.name: p for p in parts}
    L += [""]
    for name in ("device", "circuit"):
        p = byname.get(name)
        if p is not None:
            v = p.values
            L.append(f"* {name} level: yield {_pct(v['yield'])} (Wilson 95 % {_pct(v['yield_lo'])} to "
                     f"{_pct(v['yield_hi'])}) over {int(v['samples'])} samples.")
    c = byname.get("circuit")
    if c is not None and "agreement" in c.values:
        L.append(f"* device-level and ngspice verdicts agree on {_pct(c.values['agreement'])} of the same "
                 f"{int(c.values['samples'])} samples ({int(c.values['device_only'])} usable only at the device "
                 f"level, {int(c.values['circuit_only'])} only in ngspice).")
    for name in ("network_digits", "network_events"):
        p = byname.get(name)
        if p is not None:
            v = p.values
            own = v.get("accuracy_ideal_own", v["accuracy_ideal"])
            L.append(f"* {name[8:]}: ideal {_pct(v['accuracy_ideal'])} (the deployed weights on ideal neurons; "
                     f"the network trained on the ideal curve: {_pct(own)}; training pool "
                     f"{int(v.get('pool', 0))} devices), sampled devices "
                     f"{_pct(v['accuracy_sampled'])} (Wilson 95 % {_pct(v['accuracy_sampled_lo'])} to "
                     f"{_pct(v['accuracy_sampled_hi'])}) on {int(v['images'])} "
                     f"{'validation' if v.get('validation_split') else 'test'} images"
                     + (f" over a {v['inference_window'] * 1e9:g} ns window" if "inference_window" in v else "")
                     + (f", {int(v['hidden'])} hidden and {10 * int(v['per_class'])} output neurons "
                        f"({int(v['per_class'])} per class)" if "per_class" in v else "")
                     + ": "
                     f"{v['drop_points']:.1f} points below the better ideal"
                     + (f" (over {int(v['chips'])} sampled chips with the same weights: {v['drop_points_min']:.1f} to "
                        f"{v['drop_points_worst']:.1f}, mean {v['drop_points_mean']:.1f})" if "chips" in v else "")
                     + f"; neuron-time above breakdown "
                     f"{_pct(v['over_breakdown'])}; input limited by the clamp {_pct(v['clamped_share'])} of neuron-time.")
    if projection:
        L += ["", "Timing (this run) and its projection to the full verification (10^5 device samples, 200 ngspice "
              "neurons, both networks on 360 images), scaled linearly by each part's size:", ""]
        L += [f"* {k}: {v:.1f} s" for k, v in projection.items()]
    L += ["", "Files: verify.csv (columns in columns.csv), circuit.csv, summary.json.", ""]
    return "\n".join(L)
