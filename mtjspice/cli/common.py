"""Argument types shared by the subcommands: SI numbers with SPICE suffixes, checked ranges."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..errors import ParameterError
from ..units import parse_si

__all__ = ["si", "positive_si", "nonnegative_si", "count", "seed", "add_model_argument", "add_out_argument",
           "add_seed_argument"]


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


def count(option: str, minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """argparse type: an integer in [minimum, maximum]; errors name ``option``."""
    allowed = f"an integer >= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")

    def convert(text: str) -> int:
        try:
            v = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, allowed))) from None
        if v < minimum or (maximum is not None and v > maximum):
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, allowed)))
        return v

    return convert


def seed(option: str = "--seed") -> Callable[[str], int]:
    """argparse type: a random seed, an integer from 0 to 2**63 - 1 (numpy's range)."""
    return count(option, 0, 2**63 - 1)


def add_seed_argument(p: argparse.ArgumentParser, what: str) -> None:
    """The --seed option (an integer >= 0)."""
    p.add_argument("--seed", type=seed(), default=0, metavar="N", help=f"seed of {what} (integer >= 0, default 0)")


def add_model_argument(p: argparse.ArgumentParser) -> None:
    """The positional MODEL.toml argument."""
    p.add_argument("model", metavar="DEVICE", help="device: a shipped name (orthogonal, parallel) or a TOML "
                   "parameter file")


def add_out_argument(p: argparse.ArgumentParser) -> None:
    """The required --out DIR, --overwrite and --timeout options.

    The command line checks --out before the work starts and hands the command
    ``args.output``, an :class:`mtjspice.io.outputs.OutputDir`.
    """
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder: new or empty; written whole when the run succeeds, not at all otherwise")
    p.add_argument("--overwrite", action="store_true",
                   help="replace --out whole if it holds an earlier mtjspice run (never file by file)")
    p.add_argument("--timeout", type=positive_si("--timeout"), default=None, metavar="SECONDS",
                   help="stop the command after this many seconds of wall time, writing nothing "
                        "(default: no limit for the command; each ngspice process stops after an hour)")
