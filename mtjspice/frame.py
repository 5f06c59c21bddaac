"""A table of named numpy columns with their units: what the typed results' ``to_frame()`` return.

pandas is not a dependency of the package (nor of any extra), and pyarrow comes only with the ``mc``
extra, so a result's table is a :class:`Frame`: the columns as numpy arrays, named and ordered as in
the CSV file the command line writes for the same run, each with its SI unit. It is what both
libraries take as it is: ``pandas.DataFrame(frame.columns)``, ``pyarrow.table(frame.columns)``
(:meth:`Frame.to_pandas` does the first when pandas is installed).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = ["Frame"]


@dataclass(frozen=True, eq=False)
class Frame:
    """Named columns of equal length, each with its unit.

    Attributes
    ----------
    columns : mapping of str to (n,) array
        The columns in file order. Coded values are words (as in the CSV files), flags 0/1 integers,
        and "not applicable" is nan (an empty cell in the CSV).
    units : mapping of str to str
        Each column's SI unit (``"1"`` for a pure number, ``""`` for words), as the output folder's
        ``columns.csv`` gives it.
    """

    columns: Mapping[str, np.ndarray]
    units: Mapping[str, str]

    def __post_init__(self) -> None:
        cols = {str(k): np.asarray(v) for k, v in self.columns.items()}
        sizes = {k: v.shape for k, v in cols.items()}
        n = next(iter(sizes.values()), (0,))
        if any(s != n or len(s) != 1 for s in sizes.values()):
            raise ParameterError("columns", sizes, "one-dimensional columns of one length")
        if set(self.units) != set(cols):
            raise ParameterError("units", sorted(self.units), "one unit per column: " + ", ".join(cols))
        object.__setattr__(self, "columns", cols)
        object.__setattr__(self, "units", {k: str(self.units[k]) for k in cols})

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in order."""
        return tuple(self.columns)

    def __len__(self) -> int:
        return int(next(iter(self.columns.values())).shape[0]) if self.columns else 0

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.columns:
            raise ParameterError("column", name, "one of " + ", ".join(self.columns))
        return self.columns[name]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples of Python values (for :func:`mtjspice.io.outputs.write_csv`)."""
        return zip(*(self.columns[k].tolist() for k in self.columns), strict=True)

    def renamed(self, suffix: str, keep: tuple[str, ...] = ("index",)) -> Frame:
        """The frame with ``suffix`` appended to every column name but those in ``keep``."""
        name = {k: (k if k in keep else k + suffix) for k in self.columns}
        return Frame({name[k]: v for k, v in self.columns.items()}, {name[k]: u for k, u in self.units.items()})

    def join(self, other: Frame) -> Frame:
        """This frame's columns followed by ``other``'s that it does not have (same number of rows)."""
        if len(other) != len(self):
            raise ParameterError("other", len(other), f"a frame of {len(self)} rows")
        extra = [k for k in other.columns if k not in self.columns]
        return Frame({**self.columns, **{k: other.columns[k] for k in extra}},
                     {**self.units, **{k: other.units[k] for k in extra}})

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the columns (pandas is not installed with mtjspice: ``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ParameterError("to_pandas", "pandas", "pandas installed (pip install pandas); or use "
                                 "frame.columns, a dict of numpy arrays") from None
        return pd.DataFrame(dict(self.columns))
