"""The shipped device files: loadable by name, and consistent with the claims in their comments."""

from __future__ import annotations

import mtjspice as ms
from mtjspice.characterize.devicefit import onset_current
from mtjspice.physics.llgs import junction_resistance


def test_onset_below_breakdown() -> None:
    """The files say: the integrating regime starts at about 0.38 mA, about 0.5 V across the
    junction, below the 1 V breakdown (the parallel file shares the free layer and the barrier)."""
    ortho, par = ms.load_device("orthogonal"), ms.load_device("parallel")
    i_on = onset_current(ortho)
    assert 0.34e-3 < i_on < 0.42e-3
    v_on = i_on * junction_resistance(ortho, 0.0)
    assert 0.4 < v_on < 0.65
    assert ortho.junction.breakdown_voltage == par.junction.breakdown_voltage == 1.0
    assert ortho.geometry == par.geometry and ortho.junction.RA == par.junction.RA
