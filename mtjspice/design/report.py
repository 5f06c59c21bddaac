"""The design report: designs.csv (every evaluated design, described in columns.csv), the chosen
design as best/device.toml and best/settings.toml, the onset's sensitivities, and report.md with
its figures (:func:`write_report`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..io.outputs import Column, write_csv
from ..params import Device
from ..physics.batch import DeviceBatch
from ..plots.design import plot_comparison, plot_pareto, plot_sensitivity
from .engine import NOT_A_DEVICE, DesignRecord, Evaluation, SearchResult
from .neuron import CONSTRAINTS, EXTRA, OBJECTIVES, DesignSpec, design_of, settings_of
from .space import DEVICE_KNOBS, SearchSpace, has_effect

__all__ = ["columns", "rows", "choose", "device_toml", "settings_toml", "sensitivities", "write_report", "design_toml"]


def columns(space: SearchSpace) -> list[Column]:
    """The columns of designs.csv, each with its unit and description."""
    out = [Column("design", "1", "the design's number, in the order the search proposed it")]
    out += [Column(k.name, k.unit, f"knob: {k.description}" + (f" ({', '.join(map(str, k.choices))})"
                                                              if k.choices else "")) for k in space.knobs]
    out += [Column(o.name, o.unit, f"objective ({o.direction}): {o.description}; empty when not computable")
            for o in OBJECTIVES]
    out += [Column(n, u, d + "; empty when not computable") for n, u, d in EXTRA]
    out += [Column(f"c_{n}", "1", f"hard constraint, holds at <= 0: {d}; empty when not computable")
            for n, d in CONSTRAINTS]
    out += [Column("feasible", "1", "1 when every hard constraint holds, else 0"),
            Column("why", "", "the constraints broken (name and value), or why the design is not a device or "
                   "circuit; empty when feasible")]
    return out


def rows(result: SearchResult, space: SearchSpace) -> list[list[Any]]:
    """designs.csv's rows, in design order."""
    out = []
    for r in result.records:
        e = r.evaluation
        row: list[Any] = [r.number, *(r.params.get(k.name, "") for k in space.knobs), *e.values,
                          *(e.extra.get(n, math.nan) for n, _, _ in EXTRA), *e.constraints,
                          int(e.feasible), e.why]
        out.append(row)
    return out


def choose(records: list[DesignRecord]) -> tuple[DesignRecord, bool]:
    """The chosen design and whether it is feasible: the feasible design of highest yield (then
    widest window, then least energy); with none feasible, the device that breaks its constraints least
    (sum of the positive constraint values); with no device at all, :class:`ParameterError` named
    ``range`` (the CLI's ``--range``: the bounds hold no device)."""
    feasible = [r for r in records if r.evaluation.feasible]
    if feasible:
        def key(r: DesignRecord) -> tuple[float, ...]:
            y, w, _, e, _ = (v if math.isfinite(v) else -math.inf for v in r.evaluation.values)
            return (y, w, -e)
        return max(feasible, key=key), True

    def violation(r: DesignRecord) -> tuple[float, float]:
        return (sum(max(c, 0.0) for c in r.evaluation.constraints), -r.evaluation.values[0])
    # a design that is not a device has no device.toml to write: never the chosen one
    devices = [r for r in records if not r.evaluation.why.startswith(NOT_A_DEVICE)]
    if not devices:
        first = min(records, key=lambda r: r.number)
        raise ParameterError("range", "the searched bounds", f"bounds with at least one design that is a device; "
                             f"none of the {len(records)} designs evaluated is (design {first.number}: "
                             f"{first.evaluation.why})")
    return min(devices, key=violation), False


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(type(v).__name__)


def device_toml(device: Device, header: str) -> str:
    """A device file for ``device`` (every set value, its unit and description as a comment)."""
    lines = [f"# {line}" for line in header.splitlines()]
    for section in ("geometry", "material", "junction", "initial", "field"):
        part = getattr(device, section)
        lines += ["", f"[{section}]"]
        for f in fields(part):
            v = getattr(part, f.name)
            if v is None:
                continue
            meta = f.metadata
            lines.append(f"{f.name} = {_toml_value(v)}   # {meta.get('unit', '')}, {meta.get('doc', '')}")
    return "\n".join(lines) + "\n"


#: Neuron settings a design sets, with units (for the settings file's comments).
_SETTINGS_UNITS = {"u_th": "1", "i_th": "A", "i_read": "A", "v_mid": "V", "clock_period": "s", "read_width": "s",
                   "t_refractory": "s", "v_clamp": "V", "dac_bits": "1"}


def settings_toml(settings: Any, header: str) -> str:
    """A neuron settings file (``mtjspice neuron --settings``) with the values a design sets."""
    lines = [f"# {line}" for line in header.splitlines()] + ["", "[neuron]"]
    for name, unit in _SETTINGS_UNITS.items():
        v = getattr(settings, name, None)
        if v is not None and math.isfinite(v):
            lines.append(f"{name} = {_toml_value(v if isinstance(v, int) else float(v))}   # {unit}")
    return "\n".join(lines) + "\n"


def design_toml(params: dict[str, Any], extra: Mapping[str, float], ds: DesignSpec, header: str) -> str:
    """How the design was judged (``mtjspice verify`` reads it): the test input (A), the trim and
    its DAC's bits, the variation spec, the comparator offsets (V), the seed and the temperature (K)."""
    trim = "dac" if params.get("trim") in ("dac", "reference") else "none"
    lines = [f"# {line}" for line in header.splitlines()] + [
        "", "[design]", f"drive = {_toml_value(float(extra.get('drive', math.nan)))}   # A, the test input (both signs)",
        f'trim = "{trim}"   # the per-neuron threshold DAC ("dac") or none',
        f"dac_bits = {int(params.get('dac_bits', 8))}   # 1, bits of each threshold DAC",
        f'sigma = "{ds.spec.describe()}"   # the variation spec',
        f"offset_sigma = {_toml_value(float(ds.offset_sigma))}   # V, comparator offset per threshold",
        f"seed = {int(ds.seed)}", f"temperature = {_toml_value(float(ds.temperature))}   # K"]
    return "\n".join(lines) + "\n"


#: Half-steps (SI units) of the knobs whose sensitivity is per an absolute change (they may be 0).
_ABSOLUTE_STEPS: dict[str, tuple[float, str]] = {"Ku": (500.0, "per +1 kJ/m^3"), "Ki": (0.5e-4, "per +0.1 mJ/m^2"),
                                                 "taper": (math.pi / 360.0, "per +1 degree")}


def sensitivities(ds: DesignSpec, params: dict[str, Any]) -> list[tuple[str, str, float, float]]:
    """The onset's sensitivity to each device knob the base device has (:func:`~mtjspice.design.space.has_effect`)
    at a design: (name, per-what, relative change of the onset, onset in A). Relative: the onset's
    fractional change for +1 % of the parameter (a central difference on the onset table); for the knobs
    that may be 0 an absolute step instead: Ku per +1 kJ/m^3, Ki per +0.1 mJ/m^2, taper per +1 degree."""
    dev = design_of(ds.device, params)
    out = []
    i0 = float(ds.table.onset(DeviceBatch.from_device(dev, theta0=0.0))[0][0])
    for k in DEVICE_KNOBS:
        if not has_effect(ds.device, k.needs):
            continue
        section, leaf = k.key.split(".")
        v = float(getattr(getattr(dev, section), leaf))
        h, per = _ABSOLUTE_STEPS.get(k.name, (0.005 * abs(v), "per +1 %"))
        onsets = []
        for s in (-1.0, 1.0):
            try:
                d = design_of(dev, {k.name: v + s * h})
            except Exception:
                onsets.append(math.nan)
                continue
            onsets.append(float(ds.table.onset(DeviceBatch.from_device(d, theta0=0.0))[0][0]))
        if math.isnan(onsets[0]):  # v - h is not a device (a taper of 0 less a degree): one-sided
            onsets[0], onsets[1] = i0 - (onsets[1] - i0), onsets[1]
        out.append((k.name, per, (onsets[1] - onsets[0]) / i0, i0))  # per 2h: 1 %, or the absolute step
    return out


def write_report(out: Path, result: SearchResult, space: SearchSpace, ds: DesignSpec, paper: Evaluation,
                 paper_params: dict[str, Any], command: str, elapsed: float) -> dict[str, Any]:
    """Write designs.csv, best/, report.md and the figures into ``out``; return the summary."""
    cols = columns(space)
    write_csv(out / "designs.csv", cols, rows(result, space))
    best, feasible = choose(result.records)
    best = DesignRecord(best.number, ds.full(best.params), best.evaluation)  # with the knobs not searched
    e = best.evaluation
    i_th = e.extra.get("i_th", math.nan)
    best_dir = out / "best"
    best_dir.mkdir()
    head = (f"design {best.number} of `{command}`\n{'feasible' if feasible else 'NOT feasible: ' + e.why}; yield "
            f"{e.values[0]:.4g} at {ds.spec.describe()}, {ds.samples} samples, seed {ds.seed}")
    dev = design_of(ds.device, best.params, ds.temperature)
    (best_dir / "device.toml").write_text(device_toml(dev, head), encoding="utf-8")
    if math.isfinite(i_th):
        st = settings_of(best.params, i_th)
        vc = e.extra.get("v_clamp", math.nan)
        st = replace(st, v_clamp=vc) if math.isfinite(vc) else st
        if best.params.get("trim") == "dac":
            st = replace(st, dac_bits=int(best.params.get("dac_bits", 8)))
        (best_dir / "settings.toml").write_text(settings_toml(st, head), encoding="utf-8")
        (best_dir / "design.toml").write_text(design_toml(best.params, e.extra, ds, head), encoding="utf-8")
    sens = sensitivities(ds, best.params) if math.isfinite(i_th) else []
    sens_paper = sensitivities(ds, paper_params)
    write_csv(out / "sensitivity.csv", (
        Column("parameter", "", "device knob"), Column("step", "", "the change the sensitivity is per"),
        Column("chosen", "1", "the chosen design's onset change, a fraction, per step; empty where a step leaves "
               "the device's limits or the onset table"),
        Column("paper", "1", "the paper's device's onset change, a fraction, per step; empty where a step leaves "
               "the device's limits or the onset table")),
        [(a[0], a[1], a[2], b[2]) for a, b in zip(sens, sens_paper, strict=False)] if sens else [])
    recs = result.records
    vals = np.array([r.evaluation.values for r in recs], float)
    ok = np.array([r.evaluation.feasible for r in recs], bool)
    plot_pareto(vals, ok, [o.name for o in OBJECTIVES], [o.unit for o in OBJECTIVES], out / "pareto.png",
                best=best.number, numbers=[r.number for r in recs])
    plot_comparison([o.name for o in OBJECTIVES], [o.unit for o in OBJECTIVES], e.values, paper.values,
                    out / "chosen_vs_paper.png")
    if sens:
        plot_sensitivity([s[0] for s in sens], [s[2] for s in sens], [s[2] for s in sens_paper],
                         out / "sensitivity.png")
    summary = _summary(result, best, feasible, paper, ds, elapsed)
    (out / "report.md").write_text(_markdown(summary, best, space, paper, paper_params, sens, sens_paper, command),
                                   encoding="utf-8")
    return summary


def _summary(result: SearchResult, best: DesignRecord, feasible: bool, paper: Evaluation, ds: DesignSpec,
             elapsed: float) -> dict[str, Any]:
    recs = result.records
    n_ok = sum(r.evaluation.feasible for r in recs)
    broken: dict[str, int] = {}
    for r in recs:
        for (name, _), c in zip(CONSTRAINTS, r.evaluation.constraints, strict=True):
            if c > 0:
                broken[name] = broken.get(name, 0) + 1
    e = best.evaluation
    # what stops the best designs: the constraints broken by the ten of highest yield, and by how much
    top = sorted(recs, key=lambda r: -(r.evaluation.values[0] if math.isfinite(r.evaluation.values[0]) else -1))[:10]
    top_broken: dict[str, list[float]] = {}
    for r in top:
        for (name, _), c in zip(CONSTRAINTS, r.evaluation.constraints, strict=True):
            if c > 0:
                top_broken.setdefault(name, []).append(c)
    return {"designs": len(recs), "computed": result.computed, "feasible": n_ok, "broken": broken,
            "top_yields": [r.evaluation.values[0] for r in top],
            "top_broken": {k: {"designs": len(v), "largest": max(v), "smallest": min(v)} for k, v in top_broken.items()},
            "best": best.number, "best_feasible": feasible, "yield": e.values[0],
            "yield_ci95": (e.extra.get("yield_lo"), e.extra.get("yield_hi")),
            "objectives": dict(zip([o.name for o in OBJECTIVES], e.values, strict=True)),
            "paper": dict(zip([o.name for o in OBJECTIVES], paper.values, strict=True)),
            "paper_yield_ci95": (paper.extra.get("yield_lo"), paper.extra.get("yield_hi")),
            "samples": ds.samples, "variation": ds.spec.describe(), "seed": ds.seed, "elapsed": elapsed,
            "best_extra": dict(e.extra), "paper_extra": dict(paper.extra), "why": e.why}


def _fmt(v: float, unit: str) -> str:
    if not math.isfinite(v):
        return "not computable"
    return f"{v:.4g} {unit}".strip() if unit not in ("1", "") else f"{v:.4g}"


def _markdown(s: dict[str, Any], best: DesignRecord, space: SearchSpace, paper: Evaluation,
              paper_params: dict[str, Any], sens: list, sens_paper: list, command: str) -> str:
    lo, hi = s["yield_ci95"]
    plo, phi = s["paper_yield_ci95"]
    L = [f"# Design for yield: {s['designs']} designs x {s['samples']} samples", "",
         f"Command: `{command}`", "",
         f"Variation {s['variation']}, seed {s['seed']}; {s['computed']} designs evaluated by this run "
         f"({s['designs'] - s['computed']} resumed), {s['elapsed']:.0f} s.", "",
         f"**Chosen design {s['best']}** ({_FEAS if s['best_feasible'] else _INFEAS}): yield "
         f"{100 * s['yield']:.1f} % (Wilson 95 % {100 * lo:.1f} to {100 * hi:.1f} %). The paper's device, "
         f"same test: {100 * paper.values[0]:.1f} % ({100 * plo:.1f} to {100 * phi:.1f} %).", "",
         *_unusable(s),
         f"Feasible designs: {s['feasible']} of {s['designs']}. Constraints broken, designs per constraint: "
         + (", ".join(f"{k} {v}" for k, v in s["broken"].items()) or "none") + ".", ""]
    tb = s["top_broken"]
    L += [f"Of the {len(s['top_yields'])} designs of highest yield ({100 * min(s['top_yields']):.1f} to "
          f"{100 * max(s['top_yields']):.1f} %), "
          + ("; ".join(f"{v['designs']} break {k} (by {v['smallest']:+.3g} to {v['largest']:+.3g})" for k, v in tb.items())
             if tb else "none breaks a hard constraint") + ".", ""]
    if not s["best_feasible"]:
        b = s["best_extra"]
        L += [f"Binding constraint of the chosen design: {s['why']}. Its limiter passes "
              f"{_fmt(b.get('i_clamp', math.nan), 'A')} and its worst sample's junction reaches "
              f"{_fmt(b.get('v_clamp_worst', math.nan), 'V')} against a breakdown of "
              f"{_fmt(b.get('breakdown_voltage', math.nan), 'V')} at that current.", ""]
    L += ["## The chosen design against the paper's device", "", "| | chosen | paper's device |", "|---|---|---|"]
    for k in space.knobs:
        L.append(f"| {k.name} ({k.unit}) | {_v(best.params.get(k.name))} | {_v(paper_params.get(k.name))} |")
    for o, a, b in zip(OBJECTIVES, best.evaluation.values, paper.values, strict=True):
        L.append(f"| **{o.name}** ({o.unit}) | {_fmt(a, '')} | {_fmt(b, '')} |")
    for n, u, _ in EXTRA:
        L.append(f"| {n} ({u}) | {_fmt(best.evaluation.extra.get(n, math.nan), '')} | "
                 f"{_fmt(paper.extra.get(n, math.nan), '')} |")
    L += ["", "![chosen against paper](chosen_vs_paper.png)", "", "## Pareto fronts", "",
          "Each point a design (grey: breaks a hard constraint); yield against each other objective.", "",
          "![Pareto fronts](pareto.png)", "", "## Sensitivity of the onset to each parameter", "",
          "| parameter | step | chosen | paper's device |", "|---|---|---|---|"]
    for a, b in zip(sens, sens_paper, strict=False):
        L.append(f"| {a[0]} | {a[1]} | {100 * a[2]:+.3g} % | {100 * b[2]:+.3g} % |")
    L += ["", "![sensitivity](sensitivity.png)" if sens else "", "",
          "Validity: macrospin device model (docs/physics.md); the device-level test is noiseless; yield is the "
          "Monte Carlo's `usable` verdict (or `usable_ref` with the threshold DAC: the reference trim to the DAC "
          "step). Files: designs.csv "
          "(columns in columns.csv), sensitivity.csv, best/device.toml, best/settings.toml.", ""]
    return "\n".join(L)


def _unusable(s: dict[str, Any]) -> list[str]:
    """The report's warning when the chosen design is feasible but keeps no sample (yield 0): every
    feasible design fails at its own test input, so best/ is buildable but not a neuron to build."""
    if not s["best_feasible"] or s["yield"] > 0:
        return []
    top = s["top_yields"][0] if s["top_yields"] else math.nan  # highest first, nan last
    more = (f" The highest yield of any design, {100 * top:.1f} %, is a design that breaks a hard constraint "
            "(the next paragraph names which)." if math.isfinite(top) and top > 0 else "")
    return ["**No feasible design works**: the chosen design, the feasible one of highest yield, keeps 0 % of "
            "its samples at its test input; best/ holds it because it is the best that meets every hard "
            "constraint, not because it is a neuron to build." + more, ""]


_FEAS = "feasible"
_INFEAS = "no design was feasible; the one that breaks its constraints least"


def _v(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else ("not used" if v is None else str(v))
