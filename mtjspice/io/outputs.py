"""Output folders written whole or not at all, and never mixed.

:class:`OutputDir` checks the destination before any work starts (so an hour of simulation
is never lost to a folder that cannot be written), stages every file in a hidden folder beside
the destination, and publishes the staged folder in one rename when the block finishes without
error. On error nothing is published and the staging folder is removed.

* A destination that does not exist, or is an empty folder, is used.
* An existing non-empty folder is refused, unless ``overwrite``; then it is replaced whole
  (renamed aside, the new folder renamed in, the old one removed): no folder ever holds files of
  two runs. ``overwrite`` replaces only folders an mtjspice run wrote (they carry the marker file
  :data:`MARKER`), so a mistyped ``--out ~ --overwrite`` cannot delete a home folder.
* Every published folder holds :data:`MARKER`, a JSON record of the command that wrote it.
* Every CSV file written with :func:`write_csv` is described in the folder's :data:`COLUMNS_FILE`:
  one row per column of every CSV file (file, column, unit, description), so a folder explains
  itself without the source. An empty cell in a CSV file means "not applicable" (never ``nan``);
  the column's description says when that happens.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from .._version import __version__
from ..errors import MtjspiceError, ParameterError, printable

__all__ = ["Column", "OutputDir", "OutputError", "write_csv", "describe", "MARKER", "COLUMNS_FILE"]

#: File that marks a folder written by mtjspice (JSON: command, arguments, version, time).
MARKER = ".mtjspice-run.json"

#: The sidecar that describes every column of every CSV file in an output folder.
COLUMNS_FILE = "columns.csv"


@dataclass(frozen=True)
class Column:
    """One column of an output CSV file, described for a reader who has no source code.

    Attributes
    ----------
    name : str
        The header as written in the CSV file.
    unit : str
        SI unit of the values (``"A"``, ``"s"``, ``"J"``, ``"Hz"``, ``"1"`` for a pure number or
        fraction, ``"%"`` for a percentage, ``""`` for words and labels).
    description : str
        What the column holds, including what its words mean and when a cell is empty.
    """

    name: str
    unit: str
    description: str

    def __post_init__(self) -> None:
        if not self.name or any(c in self.name for c in ",\n\r"):
            raise ParameterError("column name", self.name, "a non-empty name without commas or line breaks")
        if not self.description:
            raise ParameterError(f"column {self.name!r} description", self.description, "a non-empty description")


class OutputError(MtjspiceError, RuntimeError):
    """The results could not be published (the disk filled, the folder changed during the run)."""


class OutputDir:
    """Stage files for the folder ``out`` and publish them together.

    Parameters
    ----------
    out : path
        Destination folder.
    overwrite : bool
        Replace an existing non-empty mtjspice output folder (whole).
    record : mapping, optional
        What wrote the folder (command, arguments), stored in :data:`MARKER`.
    option : str
        How the caller names the destination in errors (``"--out"``).

    Notes
    -----
    Use as ``with OutputDir(out) as tmp: write files into tmp``. The constructor checks the
    destination (so create it before the work starts); publishing happens on leaving the block.

    Raises
    ------
    ParameterError
        If ``out`` is empty, exists and is not a folder, is a non-empty folder without
        ``overwrite`` (or with it, but not written by mtjspice), or its parent cannot be
        created or written.
    """

    def __init__(self, out: str | Path, overwrite: bool = False, record: Mapping[str, object] | None = None,
                 option: str = "out") -> None:
        self.option = option
        if str(out).strip() == "":
            raise ParameterError(option, str(out), "a folder path (empty text would write into the working folder)")
        self.out = Path(out)
        self.overwrite = overwrite
        self.record = dict(record or {})
        self._tmp: Path | None = None
        self._check()

    def _check(self) -> None:
        out, option = self.out, self.option
        try:
            if out.exists() or out.is_symlink():
                if not out.is_dir():
                    raise ParameterError(option, str(out), "a folder path (it exists and is not a folder)")
                if any(out.iterdir()):
                    if not self.overwrite:
                        raise ParameterError(option, str(out), "a new or empty folder (this one holds files: "
                                             "choose another folder, or add --overwrite to replace it whole)")
                    if not (out / MARKER).is_file():
                        raise ParameterError(option, str(out), f"a folder written by mtjspice to overwrite (it has "
                                             f"no {MARKER}, so it is not replaced; remove it yourself or choose "
                                             "another folder)")
                    if out.resolve() in (Path.cwd().resolve(), *Path.cwd().resolve().parents):
                        raise ParameterError(option, str(out), "a folder that does not hold the working folder")
            parent = self._parent()
            parent.mkdir(parents=True, exist_ok=True)
            probe = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".check", dir=parent))
            probe.rmdir()
        except ParameterError:
            raise
        except OSError as exc:
            raise ParameterError(option, str(out), f"a folder that can be created and written (in "
                                 f"{printable(self._parent())}: {printable(exc.strerror or exc)})") from None

    def _parent(self) -> Path:
        return self.out.absolute().parent

    def __enter__(self) -> Path:
        try:
            self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".partial", dir=self._parent()))
            self._tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a published folder follows the umask
        except OSError as exc:
            raise OutputError(f"{printable(self.out)}: cannot stage the results ({printable(exc.strerror or exc)})") \
                from None
        return self._tmp

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._tmp is not None
        tmp, self._tmp = self._tmp, None
        if exc_type is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            return
        try:
            (tmp / MARKER).write_text(json.dumps(self._marker(), indent=2) + "\n", encoding="utf-8")
            self._publish(tmp)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise OutputError(f"{printable(self.out)}: results not written ({printable(exc.strerror or exc)}); "
                              "nothing was changed") from None

    def _marker(self) -> dict[str, object]:
        return {"mtjspice": __version__, "written": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                **self.record}

    def _publish(self, tmp: Path) -> None:
        out = self.out
        if not out.exists():
            os.rename(tmp, out)
            return
        if out.is_dir() and not any(out.iterdir()):
            os.replace(tmp, out)  # an empty folder is replaced in one step
            return
        if not (self.overwrite and (out / MARKER).is_file()):
            # The folder filled while this run worked (another run?): keep both, say where.
            raise OutputError(f"{printable(out)} received other files during this run; this run's results are "
                              f"kept in {printable(tmp)}")
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=self._parent()))
        os.replace(out, old)  # renames the old folder onto the empty placeholder
        try:
            os.rename(tmp, out)
        except OSError:
            os.replace(old, out)  # put the old results back
            raise
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_csv(path: str | Path, header: Sequence[str | Column], rows: Iterable[Sequence[object]] | np.ndarray) -> None:
    """Write a CSV file with a header line; floats with 10 significant digits, NaN as an empty cell.

    Columns given as :class:`Column` are also described, one row each, in the folder's
    :data:`COLUMNS_FILE` (file, column, unit, description), created on the first such file.
    """
    path = Path(path)
    names = [c.name if isinstance(c, Column) else c for c in header]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for row in rows:
            w.writerow([_cell(v) for v in row])
    described = [c for c in header if isinstance(c, Column)]
    if described:
        describe(path, described)


def describe(path: str | Path, columns: Sequence[Column]) -> None:
    """Describe the columns of a file written some other way (a matrix without a header line, say)
    in its folder's :data:`COLUMNS_FILE`, one row per column."""
    path = Path(path)
    sidecar = path.parent / COLUMNS_FILE
    new = not sidecar.exists()
    with open(sidecar, "a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(("file", "column", "unit", "description"))
        for c in columns:
            w.writerow((path.name, c.name, c.unit, c.description))


def _cell(v: object) -> object:
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:.10g}"
    return v
