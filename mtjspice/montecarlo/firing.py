"""The firing thresholds of the nominal device and a set of sampled devices under the nominal circuit
(:func:`firing_thresholds`), the gain trim's reference; the threshold of one device in one circuit
is measured by :mod:`mtjspice.characterize.firing` (re-exported here)."""

from __future__ import annotations

import math

import numpy as np

from ..characterize.character import DeviceCharacter
from ..characterize.firing import FiringThreshold, firing_threshold, mean_threshold
from ..characterize.readtest import DeviceMC
from ..circuits.neuronobject import character_for
from ..circuits.settings import NeuronSettings
from ..params import Device
from .testspec import NominalCircuit

__all__ = ["FiringThreshold", "firing_threshold", "mean_threshold", "firing_thresholds"]


def firing_thresholds(nominal: Device, devices: list[Device | None], settings: NeuronSettings,
                      i_th: float, *, nominal_threshold: float | None = None,
                      character: DeviceCharacter | None = None) -> tuple[float, np.ndarray]:
    """(the nominal device's mean firing threshold (A), each device's (A; nan for None, inf where a sign
    does not fire up to 3 i_th)), all under the nominal circuit ``resolve(nominal, settings)`` and its
    clocked read, ``i_th`` (A) its onset. Inputs up to 3 i_th, 12 points, one refinement round:
    resolution i_th / 48 (2 % of it, the gain DAC's step :data:`~mtjspice.montecarlo.trim.GAIN_RESOLUTION`).
    ``nominal_threshold`` (A), when known, is returned as the nominal one instead of measuring it again.
    ``character``: the nominal device's, when the settings give no i_th (else characterised here, logged)."""
    circuit = NominalCircuit.resolved(nominal, settings, i_th, character_for(nominal, settings, character))
    mc = DeviceMC(read="clocked", u_th=settings.u_th)

    def one(d: Device) -> float:
        return mean_threshold(firing_threshold(d, circuit, mc, i_max=3.0 * i_th, points=12, rounds=1))

    nom = one(nominal) if nominal_threshold is None else float(nominal_threshold)
    return nom, np.array([one(d) if d is not None else math.nan for d in devices])
