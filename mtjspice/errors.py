"""One exception hierarchy for mtjspice.

Every error raised on purpose by the package derives from :class:`MtjspiceError`.
Messages share one shape: what was received, and what is allowed.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

__all__ = [
    "Terminated",
    "MtjspiceError",
    "ParameterError",
    "InputFileError",
    "CostError",
    "RunTimeoutError",
    "SimulatorNotFoundError",
    "SimulationError",
    "NetlistError",
    "BreakdownWarning",
    "CostWarning",
    "printable",
    "shown",
]


def printable(text: object, keep_newlines: bool = False) -> str:
    """``str(text)`` with every non-printable character escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    User text (a file name, an unknown key, a value) reaches messages only through this, so no
    file can move the terminal's cursor, clear it or split one error over several lines.
    ``keep_newlines`` keeps line breaks (for multi-line messages the package writes itself).
    """
    out = []
    for ch in str(text):
        if ch.isprintable() or (keep_newlines and ch == "\n"):
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def shown(value: object) -> str:
    """How a message shows a received value: ``repr(value)``, except that a float (numpy's too) whose
    repr needs more than 10 significant digits has 10, inside a tuple or list as well.

    A number parsed from ``45n`` is ``4.5000000000000006e-08`` (binary round-off in the 16th and
    17th digits, no digit anyone typed): it shows as ``4.5e-08``. Ten digits keep every digit a user
    types in practice; the exception's ``value`` keeps the number itself.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        v = float(value)
        short = format(v, ".10g")
        return repr(v) if float(short) == v else short  # repr where it is as short (0.0, 1e-05)
    if isinstance(value, (tuple, list)) and type(value) in (tuple, list):  # not a namedtuple: its repr names it
        items = [shown(v) for v in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return repr(value)


class MtjspiceError(Exception):
    """Base class of every error raised on purpose by mtjspice."""


class ParameterError(MtjspiceError, ValueError):
    """A parameter has a value outside what is allowed.

    Parameters
    ----------
    name : str
        The parameter's name as the caller spells it: the Python name in the library
        (``"t_stop"``, ``"geometry.W"`` for a device file's key). The command line shows a
        library name as its option (``--t-stop``) where a subcommand has that option.
    value : object
        The value received (the message shows it through :func:`shown`: a float to 10 significant
        digits, so ``45n`` reads ``4.5e-08``, not ``4.5000000000000006e-08``).
    allowed : str
        What is allowed, in words (``"a finite number > 0 (metres)"``).
    """

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = printable(name)
        self.value = value
        self.allowed = allowed
        super().__init__(f"{self.name}: got {printable(shown(value))}; allowed: {allowed}")


class CostError(ParameterError):
    """A run would need more memory (or more solver steps) than allowed; refused before it starts.

    Same fields as :class:`ParameterError`: ``name`` is the parameter that sets the cost,
    ``allowed`` says the estimate, the limit and how to proceed.
    """


class InputFileError(MtjspiceError, ValueError):
    """A data file (weights, spikes, PWL input, TOML) is malformed.

    The message names the file and, where known, the line.
    """

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        self.path = printable(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {printable(message)}")


class NetlistError(MtjspiceError, ValueError):
    """A name or value would make an unsafe or invalid netlist."""


class SimulatorNotFoundError(MtjspiceError, RuntimeError):
    """ngspice (the program or its shared library) is not installed."""

    INSTALL_HINT = (
        "install it from Debian's packages: "
        "apt-get install -y ngspice libngspice0 libngspice0-dev "
        "(or, in a clone of mtjspice, run ./bootstrap.sh test or ./bootstrap.sh demo, "
        "which install them and mtjspice into .venv)"
    )

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found; {self.INSTALL_HINT}")


class SimulationError(MtjspiceError, RuntimeError):
    """ngspice ran but failed (no convergence, bad netlist).

    Attributes
    ----------
    log_lines : list of str
        The ngspice log lines that explain the failure.
    """

    def __init__(self, message: str, log_lines: Sequence[str] = ()) -> None:
        self.log_lines = list(log_lines)
        text = message
        if self.log_lines:
            text += "\nngspice said:\n  " + "\n  ".join(self.log_lines[-30:])
        super().__init__(text)


class RunTimeoutError(SimulationError):
    """A run (ngspice or a Python solver) passed its time limit and was stopped."""


class Terminated(KeyboardInterrupt):
    """The command was asked to stop by SIGTERM (``kill PID``, a batch system's time limit): it stops
    as a Ctrl-C does, through the same clean-up (ngspice runs and Dask workers stopped, nothing
    half-written), and the command line exits with 143 (128 + SIGTERM)."""


class CostWarning(UserWarning):
    """A run is estimated to take long (more than a minute); the message gives the estimate."""


class BreakdownWarning(UserWarning):
    """A run put more than the barrier's breakdown voltage across a junction."""
