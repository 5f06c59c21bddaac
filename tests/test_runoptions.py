"""mtjspice.runoptions: the run options refuse bad values by name, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtjspice.errors import ParameterError
from mtjspice.runoptions import RunOptions


@pytest.mark.parametrize("kw, name", [
    ({"seed": -1}, "seed"), ({"seed": True}, "seed"), ({"seed": 2**63}, "seed"), ({"workers": 0}, "workers"),
    ({"workers": 2.0}, "workers"), ({"workers": 5000}, "workers"), ({"scheduler": "no address"}, "scheduler"),
    ({"scheduler": ""}, "scheduler"), ({"chunk": 0}, "chunk"), ({"chunk": "10"}, "chunk"), ({"store": ""}, "store"),
    ({"store": 3}, "store"), ({"reset": "yes"}, "reset"), ({"progress": 3}, "progress"),
])
def test_run_options_refuse_bad_values_by_name(kw: dict[str, object], name: str) -> None:
    with pytest.raises(ParameterError) as info:
        RunOptions(**kw)  # type: ignore[arg-type]
    text = str(info.value)
    assert info.value.name == name and text.startswith(f"{name}: got {kw[name]!r}; allowed: ") and "\n" not in text



def test_run_options_keep_good_values() -> None:
    seen: list[int] = []
    o = RunOptions(seed=7, workers=2, scheduler=" tcp://127.0.0.1:8786 ", chunk=10, store="here", reset=True,
                   progress=seen.append)
    assert o.scheduler == "tcp://127.0.0.1:8786" and o.store == Path("here") and o.local_workers is None
    assert RunOptions(workers=3).local_workers == 3
