"""The one after-run breakdown test (:func:`mtjspice.limits.warn_over_breakdown`)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mtjspice.errors import BreakdownWarning
from mtjspice.limits import warn_over_breakdown


def test_warns_only_strictly_above_and_writes_the_text_only_then() -> None:
    written = []

    def message(over: np.ndarray) -> str:
        written.append(over.copy())
        return f"{int(over.sum())} over"

    with warnings.catch_warnings():
        warnings.simplefilter("error", BreakdownWarning)
        assert warn_over_breakdown(1.0, 1.0, message) is False  # at the breakdown voltage: not above
        assert warn_over_breakdown([0.2, 0.9], [1.0, 1.0], message) is False
    assert written == []
    with pytest.warns(BreakdownWarning, match=r"^2 over$"):
        assert warn_over_breakdown([1.5, 0.5, 2.0], 1.0, message) is True
    assert written[0].tolist() == [True, False, True]


def test_the_stack_level_is_the_callers_own() -> None:
    def library_function() -> None:
        warn_over_breakdown(2.0, 1.0, lambda _: "over", stacklevel=2)

    with pytest.warns(BreakdownWarning) as rec:
        library_function()  # this line is where the user called the function that warned
    assert rec[0].filename == __file__ and rec[0].lineno == test_the_stack_level_is_the_callers_own.__code__.co_firstlineno + 5
