"""Readers of input specifications: the neuron's ``--input`` strings and PWL files (A, s)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputFileError, ParameterError
from ..stimulus import DC, PWL, Waveform, default_stimulus, pulse_train, square_pulse
from ..textio import read_text
from ..units import parse_si

__all__ = ["parse_input", "read_pwl"]


def parse_input(spec: str, option: str = "--input") -> Waveform:
    """An input current from the command line (A, s; SPICE suffixes allowed).

    * ``dc:I`` -- constant current, e.g. ``dc:0.55m``;
    * ``pulse:I,T_ON,T_OFF[,DELAY]`` -- periodic train, period exactly T_ON + T_OFF: I held for
      T_ON, 20 ps edges inside T_OFF (:func:`~mtjspice.stimulus.pulse_train`);
    * ``step:I,T_ON[,DELAY]`` -- one square pulse, I held for T_ON, 20 ps edges outside it;
    * ``pwl:FILE.csv`` -- two columns t,I (s, A; SPICE suffixes allowed), times strictly increasing;
      a header line, blank lines and ``#`` comments are allowed; UTF-8 with or without BOM;
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


def read_pwl(path: Path, option: str = "--input") -> PWL:
    """A piecewise-linear current from a CSV of rows ``t,I`` (s, A; see :func:`parse_input`)."""
    rows: list[list[float]] = []
    header_seen = False
    for k, line in enumerate(read_text(path, f"{option} PWL file").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split(",")]
        try:
            vals = [parse_si(p, "value") for p in parts]
        except ParameterError:
            if not rows and not header_seen:
                header_seen = True
                continue  # a header line
            raise InputFileError(path, f"{option}: expected two finite numbers t,I (s, A; SPICE suffixes allowed); "
                                 f"got {text!r}", k) from None
        if len(vals) != 2:
            raise InputFileError(path, f"{option}: expected two values t,I; got {len(vals)}: {text!r}", k)
        if vals[0] < 0:
            raise InputFileError(path, f"{option}: time {vals[0]!r} s is negative", k)
        if rows and vals[0] <= rows[-1][0]:
            raise InputFileError(path, f"{option}: time {vals[0]!r} s is not after the previous {rows[-1][0]!r} s "
                                 "(times must increase strictly)", k)
        rows.append(vals)
    if not rows:
        raise InputFileError(path, f"{option}: no data rows")
    arr = np.array(rows)
    return PWL(arr[:, 0], arr[:, 1])
