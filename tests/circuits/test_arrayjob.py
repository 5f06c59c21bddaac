"""mtjspice.circuits.arrayjob: an array workload refuses bad values by name."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtjspice.errors import ParameterError


def test_array_job_refuses_bad_values_by_name() -> None:
    from mtjspice.circuits.array import ArrayJob

    job = ArrayJob([[1e-3, -1e-3]], [0.3], 10e-9, np.int64(4))  # type: ignore[arg-type]
    assert job.shape == (1, 2) and job.inputs == (0.3,) and job.input_events == 4
    for kw, name in (({"weights": np.zeros(3)}, "weights"), ({"weights": [[math.nan]]}, "weights"),
                     ({"inputs": "0.3"}, "inputs"), ({"t_stop": 0.0}, "t_stop"), ({"t_stop": math.inf}, "t_stop"),
                     ({"input_events": -1}, "input_events"), ({"input_events": 1.5}, "input_events")):
        args = {"weights": [[1e-3]], "inputs": [0.3], "t_stop": 10e-9, **kw}
        with pytest.raises(ParameterError) as info:
            ArrayJob(**args)  # type: ignore[arg-type]
        assert info.value.name == name and "\n" not in str(info.value)
