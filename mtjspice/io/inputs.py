"""Readers of input specifications: the neuron's ``--input`` strings and PWL files (A, s)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import InputFileError, ParameterError
from ..stimulus import DC, PWL, Waveform, default_stimulus, pulse_train, square_pulse
from ..units import parse_si

__all__ = ["parse_input", "read_pwl"]


def parse_input(spec: str, option: str = "--input") -> Waveform:
    """An input current from the command line (A, s; SPICE suffixes allowed).

    * ``dc:I`` -- constant current, e.g. ``dc:0.55m``;
    * ``pulse:I,T_ON,T_OFF[,DELAY]`` -- periodic train;
    * ``step:I,T_ON[,DELAY]`` -- one square pulse;
    * ``pwl:FILE.csv`` -- two columns t,I (s, A), times strictly increasing; a header line is allowed;
    * ``default`` -- :func:`default_stimulus`.
    """
    kind, _, rest = spec.partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "default" and not rest:
            return default_stimulus()
        if kind == "dc":
            return DC(parse_si(rest, option))
        if kind in ("pulse", "step"):
            vals = [parse_si(x, option) for x in rest.split(",")]
            if kind == "pulse" and len(vals) in (3, 4):
                if min(vals[1:]) < 0 or vals[1] <= 0:
                    raise ParameterError(option, spec, "pulse:I,T_ON,T_OFF[,DELAY] with T_ON > 0, T_OFF, DELAY >= 0")
                return pulse_train(vals[0], vals[1], vals[2], delay=vals[3] if len(vals) == 4 else 0.0,
                                   edge=20e-12)
            if kind == "step" and len(vals) in (2, 3):
                if vals[1] <= 0 or (len(vals) == 3 and vals[2] < 0):
                    raise ParameterError(option, spec, "step:I,T_ON[,DELAY] with T_ON > 0, DELAY >= 0")
                return square_pulse(vals[0], vals[1], edge=20e-12, delay=vals[2] if len(vals) == 3 else 0.0)
        if kind == "pwl" and rest:
            return read_pwl(Path(rest), option)
    except ParameterError as exc:
        if exc.name == option:
            raise
        raise ParameterError(option, spec, f"{exc.name}: {exc.allowed}") from None
    raise ParameterError(option, spec, "default, dc:I, pulse:I,T_ON,T_OFF[,DELAY], step:I,T_ON[,DELAY] or pwl:FILE.csv")


def read_pwl(path: Path, option: str) -> PWL:
    if not path.is_file():
        raise InputFileError(path, f"{option}: no such file")
    rows: list[list[float]] = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = [p.strip() for p in text.split(",")]
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            if not rows and k == 1:
                continue  # header
            raise InputFileError(path, f"{option}: expected two numbers t,I; got {text!r}", k) from None
        if len(vals) != 2 or not all(math.isfinite(v) for v in vals):
            raise InputFileError(path, f"{option}: expected two finite numbers t,I; got {text!r}", k)
        if rows and vals[0] <= rows[-1][0]:
            raise InputFileError(path, f"{option}: time {vals[0]!r} s is not after the previous {rows[-1][0]!r} s "
                                 "(times must increase strictly)", k)
        rows.append(vals)
    if not rows:
        raise InputFileError(path, f"{option}: no data rows")
    arr = np.array(rows)
    return PWL(arr[:, 0], arr[:, 1])
