"""The ``mtjspice`` command line: one module per subcommand, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import re
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import NoReturn, TextIO

from .._version import __version__
from ..errors import MtjspiceError, ParameterError, RunTimeoutError, SimulationError, Terminated, printable
from ..io.outputs import OutputDir

__all__ = ["main", "build_parser", "as_option_error", "option_error_line"]

_NEGATIVE_NUMBER = re.compile(r"^-(?:\d|\.\d)")

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("macrospin", "fit", "compare", "window", "neuron", "array", "power", "montecarlo", "design",
                             "network")
COMMANDS += ("export",)  # mtjspice export: the MTJ as an includable library (cli/export.py)
COMMANDS += ("margin",)  # mtjspice budget: the margin budget per effect (cli/margin.py)
COMMANDS += ("verify",)  # mtjspice verify: one design at the device level, in ngspice and in the networks (#27)


_ARGUMENT = re.compile(r"^argument (\S+): (.*)$", re.DOTALL)
_CHOICE = re.compile(r"^invalid choice: (.*) \(choose from (.*)\)$", re.DOTALL)


def option_error_line(message: str) -> str:
    """argparse's error ``message`` as one line that names the option once.

    argparse writes ``argument --reset: --reset: got ...`` when a type's own message names the
    option; the prefix goes. Its own wordings keep the option once: ``argument --x: expected one
    argument`` -> ``--x: expected one argument``; ``invalid choice: 'x' (choose from 'a', 'b')`` ->
    ``--x: got 'x'; allowed: 'a' or 'b'``.
    """
    match = _ARGUMENT.match(message)
    if match is None:
        return printable(message)
    names, rest = match.group(1).split("/"), match.group(2)
    if any(rest.startswith(f"{n}: ") or rest.startswith(f"{n}/") for n in names):
        return printable(rest)
    option = next((n for n in names if n.startswith("--")), names[-1])
    choice = _CHOICE.match(rest)
    if choice is not None:
        allowed = [c.strip() for c in choice.group(2).split(",")]
        return printable(f"{option}: got {choice.group(1)}; allowed: " + (" or ".join(allowed) if len(allowed) < 3
                         else ", ".join(allowed[:-1]) + " or " + allowed[-1]))
    return printable(f"{option}: {rest}")


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, ``PROG: error: --option: ...``, naming the option once,
    with user text escaped (no terminal control codes), exit status 2; ``--help`` shows the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {option_error_line(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = _Parser(
        prog="mtjspice",
        description=(
            "Circuit-level co-simulation of orthogonal-easy-axis MTJ spiking neurons. "
            "All quantities are SI (A, V, s, Ohm, m, K); numbers accept SPICE suffixes "
            "(2m = 2e-3, 5n = 5e-9, 1meg = 1e6), counts too (20k = 20000, 1e3; a count must come out whole). "
            "A unit written after a number must be the option's own (100nA is not a time). SPICE reads "
            "K as kilo, F as femto, T as tera: a temperature is written without a suffix (300, not 300K)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mtjspice {__version__}")
    parser.add_argument("--debug", action="store_true", help="on an error, also print the Python traceback")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    for p in sub.choices.values():
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="on an error, also print the Python traceback")
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
    # argparse has no public list of a parser's options; every action carries its own strings.
    options = {s for action in parser._actions for s in action.option_strings}
    allowed = exc.allowed
    for opt in options:  # library names in the explanation too ("shorten t_stop" -> "--t-stop")
        name = opt[2:].replace("-", "_")
        if "_" in name:
            allowed = re.sub(rf"(?<![\w-]){re.escape(name)}(?!\w)", opt, allowed)
    option = "--" + exc.name.replace("_", "-")
    if option in options:
        return type(exc)(option, exc.value, allowed)
    if allowed != exc.allowed:
        return type(exc)(exc.name, exc.value, allowed)
    return exc


def _subcommand_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``command`` inside ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[command]
    raise LookupError(f"no subcommand {command!r}")  # pragma: no cover


def _show_warning(command: str) -> Callable[..., None]:
    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        print(f"mtjspice {command}: warning: {printable(message)}", file=file or sys.stderr)

    return show


class _CommandLog(logging.Handler):
    """The package's INFO messages (a characterisation run on the user's behalf, a cache file read or
    written), kept as ``mtjspice COMMAND: message`` lines until the command finishes."""

    def __init__(self, command: str) -> None:
        super().__init__(logging.INFO)
        self.command = command
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"mtjspice {self.command}: {printable(record.getMessage())}")


@contextlib.contextmanager
def _show_log(command: str, cache: str | None, quiet: bool) -> Iterator[None]:
    """The ``mtjspice`` logger's INFO messages, printed on stderr when the command finishes without
    an error (a failing command says one line, its error; ``--quiet`` silences them too), and the
    fits cached in ``cache`` (``--cache DIR``) when given."""
    from ..circuits.compact import use_cache

    logger = logging.getLogger("mtjspice")
    handler, level = _CommandLog(command), logger.level
    if not quiet:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        with use_cache(cache):
            yield
        for line in handler.lines:
            print(line, file=sys.stderr)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _time_limit(seconds: float | None) -> contextlib.AbstractContextManager[None]:
    """The whole command stopped after ``seconds`` (SIGALRM in the main thread; ngspice runs get
    the same deadline through :func:`mtjspice.sim.time_limit`)."""
    from ..sim import time_limit

    if seconds is None or threading.current_thread() is not threading.main_thread():
        return time_limit(seconds)

    @contextlib.contextmanager
    def limited() -> Iterator[None]:
        def expire(signum: int, frame: object) -> None:
            raise RunTimeoutError(f"stopped after --timeout {seconds:g} s; nothing was written")

        old = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            with time_limit(seconds):
                yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    return limited()


@contextlib.contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM raises :class:`~mtjspice.errors.Terminated` (a KeyboardInterrupt) in the main thread
    for the block, so ``kill PID`` stops a command as Ctrl-C does: its ngspice runs and Dask workers
    are stopped before it exits. Python's default for SIGTERM ends the process at once and left
    the neuron's ngspice runs orphaned, running to their end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated()

    old = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 failure, 130 interrupted
    by Ctrl-C, 143 stopped by SIGTERM).

    Every failure ends as one line on stderr, ``mtjspice COMMAND: error: ...``, naming the option
    or file the user gave, with control characters escaped; ``--debug`` also prints the traceback.
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the subcommand, whose options the user was typing
        _subcommand_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    debug = bool(getattr(args, "debug", False))
    command = args.command
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning(command)
            logged = _show_log(command, getattr(args, "cache", None), bool(getattr(args, "quiet", False)))
            with _sigterm_stops(), _time_limit(getattr(args, "timeout", None)), logged:
                if getattr(args, "out", None) is not None:
                    args.output = OutputDir(args.out, overwrite=getattr(args, "overwrite", False), option="--out",
                                            record={"command": command, "argv": list(argv if argv is not None
                                                                                     else sys.argv[1:]),
                                                    "options": _recorded(args)})
                return int(args.run(args) or 0)
    except KeyboardInterrupt as exc:  # a command may say what it kept (montecarlo's finished chunks)
        term = isinstance(exc, Terminated)
        said = str(exc) or "interrupted; no results were written"
        _fail(command, said.replace("interrupted", "stopped by SIGTERM", 1) if term else said, debug)
        return 143 if term else 130
    except SimulationError as exc:
        # One line: what failed and ngspice's first reason; --debug adds ngspice's whole story.
        head = str(exc).split("\nngspice said:", 1)[0]
        reason = next((ln.strip() for ln in exc.log_lines if ln.strip()), "")
        _fail(command, head + (f" (ngspice: {reason})" if reason else ""), debug)
        if debug and exc.log_lines:
            print("ngspice said:\n  " + "\n  ".join(printable(ln) for ln in exc.log_lines), file=sys.stderr)
        return 1
    except MtjspiceError as exc:
        shown: MtjspiceError = exc
        if isinstance(exc, ParameterError):
            shown = as_option_error(exc, _subcommand_parser(parser, command))
        _fail(command, str(shown), debug)
        return 2 if isinstance(exc, ValueError) else 1
    except MemoryError:
        _fail(command, "out of memory; shorten the run (--t-stop) or coarsen its output (--dt); no results were "
              "written", debug)
        return 1
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        _fail(command, f"{exc.strerror or exc}{where}; no results were written", debug)
        return 1
    except Exception as exc:
        _fail(command, f"internal error ({type(exc).__name__}: {exc}); no results were written. Please report it "
              "with the command line; --debug shows the traceback", debug)
        return 1


def _recorded(args: argparse.Namespace) -> dict[str, object]:
    """Every option's value as the command ran with it (seeds and temperatures included, given or
    default), for the run record: plain JSON values only."""
    return {k: v for k, v in sorted(vars(args).items())
            if k not in ("run", "output") and (v is None or isinstance(v, (bool, int, float, str, list)))}


def _fail(command: str, message: str, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    print(f"mtjspice {command}: error: {printable(message)}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
