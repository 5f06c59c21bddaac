"""The ``mtjspice`` command line: one module per subcommand, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from collections.abc import Sequence

from ..errors import MtjspiceError, ParameterError

__all__ = ["main", "build_parser", "as_option_error"]

_NEGATIVE_NUMBER = re.compile(r"^-(?:\d|\.\d)")

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("macrospin", "fit", "compare", "window", "neuron", "array", "power")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="mtjspice",
        description=(
            "Circuit-level co-simulation of orthogonal-easy-axis MTJ spiking neurons. "
            "All quantities are SI (A, V, s, Ohm, m); numbers accept SPICE suffixes "
            "(2m = 2e-3, 5n = 5e-9, 1meg = 1e6)."
        ),
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"mtjspice {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    # Let "--current -0.6m" read as a negative number with a SPICE suffix, not as an option.
    for p in (parser, *sub.choices.values()):
        p._negative_number_matcher = _NEGATIVE_NUMBER
        p._has_negative_number_optionals = []
    return parser


def as_option_error(exc: ParameterError, parser: argparse.ArgumentParser) -> ParameterError:
    """``exc`` named as the command line spells it, where ``parser`` has the matching option.

    The library names a parameter as Python spells it (``t_stop``); when ``parser`` has the
    option ``--t-stop``, the error is re-made with that name (same value, same allowed text).
    Any other error comes back unchanged.
    """
    option = "--" + exc.name.replace("_", "-")
    # argparse has no public list of a parser's options; every action carries its own strings.
    if any(option in action.option_strings for action in parser._actions):
        return ParameterError(option, exc.value, exc.allowed)
    return exc


def _subcommand_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``command`` inside ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[command]
    raise LookupError(f"no subcommand {command!r}")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 failure)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.simplefilter("default")
    try:
        return int(args.run(args) or 0)
    except MtjspiceError as exc:
        shown: MtjspiceError = exc
        if isinstance(exc, ParameterError):
            shown = as_option_error(exc, _subcommand_parser(parser, args.command))
        print(f"mtjspice {args.command}: error: {shown}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
