"""Argument types shared by the subcommands: SI numbers with SPICE suffixes, checked ranges."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..circuits.comparators import comparator_kinds
from ..circuits.models import mtj_model, mtj_models
from ..errors import ParameterError
from ..units import parse_count, parse_si

if TYPE_CHECKING:
    from ..runoptions import RunOptions
    from ..variation import VariationSpec

__all__ = ["si", "positive_si", "nonnegative_si", "count", "kelvin", "KELVIN_HELP", "seed", "add_breakdown_argument",
           "add_model_argument", "add_out_argument", "add_seed_argument", "add_mtj_argument", "add_cache_argument",
           "mtj_settings", "json_default", "variation_spec", "add_run_arguments", "run_options"]


def si(option: str, unit: str | None = None) -> Callable[[str], float]:
    """argparse type: a finite SI number, SPICE suffixes allowed; errors name ``option``.

    ``unit`` (a symbol of :data:`mtjspice.units.UNIT_NAMES`) makes a written unit match it and
    refuses a suffix letter that is also the unit's symbol (``300K`` for kelvin), as
    :func:`mtjspice.units.parse_si` does."""

    def convert(text: str) -> float:
        try:
            return parse_si(text, option, unit)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def positive_si(option: str, unit: str | None = None) -> Callable[[str], float]:
    """argparse type: like :func:`si`, and > 0."""

    def convert(text: str) -> float:
        v = si(option, unit)(text)
        if v <= 0:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, "a number > 0")))
        return v

    return convert


def nonnegative_si(option: str, unit: str | None = None) -> Callable[[str], float]:
    """argparse type: like :func:`si`, and >= 0."""

    def convert(text: str) -> float:
        v = si(option, unit)(text)
        if v < 0:
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, "a number >= 0")))
        return v

    return convert


#: Help text of every temperature option: how a temperature is written.
KELVIN_HELP = "in K, written without a suffix (300, 3e2; 300K is refused: SPICE reads K as kilo)"


def kelvin(option: str = "--temperature") -> Callable[[str], float]:
    """argparse type: a temperature >= 0 in kelvin; ``300K`` (300 kilo- to SPICE) is refused by name."""
    return nonnegative_si(option, "K")


def count(option: str, minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """argparse type: a whole number in [minimum, maximum], SPICE suffixes and exponents allowed
    (``20k``, ``1e3``; ``2.5`` refused); errors name ``option``."""

    def convert(text: str) -> int:
        try:
            return parse_count(text, option, minimum, maximum)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def seed(option: str = "--seed") -> Callable[[str], int]:
    """argparse type: a random seed, an integer from 0 to 2**63 - 1 (numpy's range)."""
    return count(option, 0, 2**63 - 1)


def add_seed_argument(p: argparse.ArgumentParser, what: str) -> None:
    """The --seed option (an integer >= 0)."""
    p.add_argument("--seed", type=seed(), default=0, metavar="N", help=f"seed of {what} (integer >= 0, default 0)")


def add_breakdown_argument(p: argparse.ArgumentParser) -> None:
    """The --allow-breakdown option (see :mod:`mtjspice.circuits.breakdown`)."""
    from ..circuits.breakdown import REFUSE_FACTOR

    p.add_argument("--allow-breakdown", action="store_true",
                   help=f"run even a drive that puts more than {REFUSE_FACTOR:g} x the junction's breakdown voltage "
                        "across it (estimated before the run as peak |I| x R_P, the parallel state's resistance; "
                        "such a drive is refused without this option, as it is nearly always a unit forgotten: "
                        "dc:0.6 is 0.6 A); any run past the breakdown voltage itself warns after it")


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
    p.add_argument("--timeout", type=positive_si("--timeout", "s"), default=None, metavar="SECONDS",
                   help="stop the command after this many seconds of wall time, writing nothing "
                        "(default: no limit for the command; each ngspice process stops after an hour)")


def _registered(option: str, names: Callable[[], tuple[str, ...]]) -> Callable[[str], str]:
    """An argparse type that accepts a name registered when the command line is parsed."""
    def convert(text: str) -> str:
        if text not in names():
            raise argparse.ArgumentTypeError(str(ParameterError(option, text, " or ".join(map(repr, names())))))
        return text

    return convert


_mtj_choice = _registered("--mtj", mtj_models)
#: ``--comparator``'s type: a comparator of :mod:`mtjspice.circuits.comparators`' registry.
comparator_choice = _registered("--comparator", comparator_kinds)


def add_comparator_argument(p: argparse.ArgumentParser, help: str) -> None:
    """The --comparator option: a registered comparator (:func:`mtjspice.circuits.comparators.comparator_kinds`)."""
    p.add_argument("--comparator", type=comparator_choice, default="behavioral",
                   help=f"{help}; registered: {', '.join(comparator_kinds())}")


def add_cache_argument(p: argparse.ArgumentParser) -> None:
    """The --cache DIR option: where fits (the compact MTJ's, its thermal noise) are kept between runs."""
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="keep the device's fits (compact MTJ, its thermal noise) in DIR, keyed by the device's "
                        "content, and reuse them; each file read or written is said on stderr (default: "
                        "$MTJSPICE_CACHE if set, else no cache: a fit is recomputed in each run)")


def add_mtj_argument(p: argparse.ArgumentParser) -> None:
    """The --mtj and --lif-params options (the junction model of every neuron)."""
    p.add_argument("--mtj", type=_mtj_choice, default="macrospin",
                   help="junction model: macrospin (the behavioral LLGS magnet, 5 ps steps) or compact (the "
                        "device's fitted signed LIF, one state; about 10 times cheaper per simulated ns; fitted on "
                        "first use, about 30 s, and kept on disk only with --cache or $MTJSPICE_CACHE); registered: "
                        f"{', '.join(mtj_models())}")
    add_cache_argument(p)
    p.add_argument("--lif-params", default=None, metavar="FILE",
                   help="with --mtj compact: the compact MTJ's parameters from a lif_params.json written by "
                        "mtjspice fit (default: fit the device)")


def mtj_settings(args: argparse.Namespace) -> dict[str, object]:
    """NeuronSettings keywords from --mtj and --lif-params."""
    mtj = getattr(args, "mtj", "macrospin")
    path = getattr(args, "lif_params", None)
    if path is None:
        return {"mtj": mtj}
    return {"mtj": mtj, "compact": mtj_model(mtj).load_params(path)}


def json_default(x: object) -> object:
    """``json.dumps`` default: numpy scalars as Python numbers, non-finite floats as null."""
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    raise TypeError(type(x).__name__)


def variation_spec(args: argparse.Namespace) -> VariationSpec:
    """The spreads of ``--sigma``, else the device file's ``[variation]`` table (ParameterError if neither)."""
    from ..params import load_variation
    from ..variation import VariationSpec

    if args.sigma is not None:
        spec: VariationSpec | None = VariationSpec.parse(args.sigma)
    else:
        spec = load_variation(args.model)
    if spec is None:
        raise ParameterError("--sigma", None, "a variation spec such as L=1n,W=1n,T=0.5n,Ms=3%, or a [variation] "
                             "table in the device file")
    if not spec.spreads:
        raise ParameterError("--sigma", args.sigma, "at least one NAME=SIGMA item")
    return spec


def add_run_arguments(p: argparse.ArgumentParser | argparse._ArgumentGroup, *, chunk: tuple[int, str] | None = None,
                      store: str | None = None, workers: str = "worker processes of the local Dask cluster (default: "
                      "this machine's cores; 1 runs here)", workers_default: int | None = None,
                      scheduler: str = "run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (workers need "
                      "mtjspice)", quiet: bool = True) -> None:
    """The scale-out options of every command that runs chunks (one definition; :func:`run_options` reads
    them): --workers, --scheduler, and when given --chunk (default, what one is) and --store (its help)."""
    if chunk is not None:
        p.add_argument("--chunk", type=count("--chunk", 1, 1_000_000), default=chunk[0], metavar="N",
                       help=f"{chunk[1]} per task (default {chunk[0]})")
    p.add_argument("--workers", type=count("--workers", 1, 1024), default=workers_default, metavar="N", help=workers)
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help=scheduler)
    if store is not None:
        p.add_argument("--store", default=None, metavar="DIR", help=store)
    if quiet:
        p.add_argument("--quiet", action="store_true", help="no progress bar and no progress messages")


def run_options(args: argparse.Namespace, *, progress: Callable[[int], None] | None = None,
                store: str | Path | None = None, reset: bool = False) -> RunOptions:
    """The :class:`~mtjspice.runoptions.RunOptions` of the options :func:`add_run_arguments` added (and
    --seed where the command has it); ``workers`` is dropped when a scheduler is named."""
    from ..runoptions import RunOptions

    sched = getattr(args, "scheduler", None)
    return RunOptions(seed=getattr(args, "seed", 0), workers=args.workers if sched is None else None, scheduler=sched,
                      chunk=getattr(args, "chunk", 5000), store=store, reset=reset, progress=progress)
