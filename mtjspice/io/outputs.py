"""Output folders written whole or not at all.

:class:`OutputDir` stages every file in a hidden temporary folder beside the destination and
moves them into place only when the block finishes without error; on error nothing is written.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

from ..errors import ParameterError

__all__ = ["OutputDir", "write_csv"]


class OutputDir:
    """Stage files for the folder ``out`` and publish them together.

    Use as ``with OutputDir(out) as tmp: write files into tmp``; on success they move into
    ``out`` (created if needed), replacing files of the same names; on error ``out`` is untouched.

    Raises
    ------
    ParameterError
        If ``out`` exists and is not a folder.
    """

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise ParameterError("out", str(out), "a folder path (it exists and is not a folder)")
        self._tmp: Path | None = None

    def __enter__(self) -> Path:
        parent = self.out.resolve().parent
        if not parent.exists():
            parent.mkdir(parents=True)
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".partial", dir=parent))
        return self._tmp

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._tmp is not None
        try:
            if exc_type is None:
                self.out.mkdir(parents=True, exist_ok=True)
                for item in sorted(self._tmp.iterdir()):
                    os.replace(item, self.out / item.name)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]] | np.ndarray) -> None:
    """Write a CSV file with a header line; floats with 10 significant digits."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([f"{v:.10g}" if isinstance(v, (float, np.floating)) else v for v in row])
