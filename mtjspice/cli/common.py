"""Argument types shared by the subcommands: SI numbers with SPICE suffixes, checked ranges."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..errors import ParameterError
from ..units import parse_si

__all__ = ["si", "positive_si", "nonnegative_si", "add_model_argument", "add_out_argument"]


def si(option: str) -> Callable[[str], float]:
    """argparse type: a finite SI number, SPICE suffixes allowed; errors name ``option``."""

    def convert(text: str) -> float:
        try:
            return parse_si(text, option)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def positive_si(option: str) -> Callable[[str], float]:
    """argparse type: like :func:`si`, and > 0."""

    def convert(text: str) -> float:
        v = si(option)(text)
        if v <= 0:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, "a number > 0")))
        return v

    return convert


def nonnegative_si(option: str) -> Callable[[str], float]:
    """argparse type: like :func:`si`, and >= 0."""

    def convert(text: str) -> float:
        v = si(option)(text)
        if v < 0:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, "a number >= 0")))
        return v

    return convert


def add_model_argument(p: argparse.ArgumentParser) -> None:
    """The positional MODEL.toml argument."""
    p.add_argument("model", metavar="MODEL.toml", help="device parameter file (see models/orthogonal.toml)")


def add_out_argument(p: argparse.ArgumentParser) -> None:
    """The required --out DIR option (outputs go through mtjspice.io.outputs.OutputDir)."""
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created; written whole or not at all)")
