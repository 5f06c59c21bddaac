"""mtjspice.frame: a table of named numpy columns with units."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.frame import Frame


def test_frame_checks_its_columns_and_converts() -> None:
    f = Frame({"t": np.array([1.0, 2.0]), "n": np.array([1, 2])}, {"t": "s", "n": "1"})
    assert f.names == ("t", "n") and len(f) == 2 and list(f.rows()) == [(1.0, 1), (2.0, 2)]
    assert f.renamed("_x", keep=("n",)).names == ("t_x", "n")
    assert f.join(Frame({"v": np.array([3.0, 4.0])}, {"v": "V"})).units == {"t": "s", "n": "1", "v": "V"}
    with pytest.raises(ParameterError, match="^columns: "):
        Frame({"t": np.zeros(2), "n": np.zeros(3)}, {"t": "s", "n": "1"})
    with pytest.raises(ParameterError, match="^units: "):
        Frame({"t": np.zeros(2)}, {})
    with pytest.raises(ParameterError, match="^column: "):
        f["x"]
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ParameterError, match="pip install pandas"):
            f.to_pandas()
    else:  # pragma: no cover - pandas is not installed with the test extra
        assert list(f.to_pandas().columns) == ["t", "n"]
