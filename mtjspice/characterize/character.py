"""Characterisation as one explicit step: :func:`characterize` runs the macrospin solver on a device
and returns what the circuits derive from it (:class:`DeviceCharacter`): the onset current from
rest per sign, the onset hysteresis, the signed-LIF fit when asked, and the firing threshold of a
resolved neuron circuit when one is given.

This is the expensive step (seconds for the onsets, about 12 s for the hysteresis, about 30 s for
the fit on the shipped device): it is called by name and its result is passed on, to
:func:`mtjspice.circuits.settings.resolve` (which never runs the solver itself) and to
:class:`mtjspice.circuits.neuronobject.Neuron`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ParameterError
from ..netlist.comparators import BehavioralComparator
from ..netlist.neuroncircuit import NeuronCircuit
from ..params import Device
from .devicefit import DeviceFit, fit_device
from .firing import FiringThreshold, firing_threshold
from .onset import OnsetHysteresis, onset_current, onset_hysteresis
from .readtest import DeviceMC, ReadCircuit

__all__ = ["DeviceCharacter", "characterize", "circuit_firing"]


@dataclass(frozen=True)
class DeviceCharacter:
    """What the macrospin solver finds about a device (SI units, A).

    Attributes
    ----------
    device : str
        The device's name (which device this character is of).
    onset : float
        Onset current from rest for a positive input (A, > 0;
        :func:`~mtjspice.characterize.onset.onset_current`): the ``i_th`` the neuron circuit derives
        its read current and thresholds from. inf when the device has none below 2 mA.
    onset_negative : float or None
        The same for a negative input, as a magnitude (A); None when not measured.
    hysteresis : OnsetHysteresis or None
        Up- and down-sweep onsets, both signs (:func:`~mtjspice.characterize.onset.onset_hysteresis`);
        None when not measured.
    fit : DeviceFit or None
        The signed-LIF fit with its validity range (:func:`~mtjspice.characterize.devicefit.fit_device`);
        None when not asked for.
    firing : FiringThreshold or None
        The firing threshold per sign under a resolved circuit's clocked read
        (:func:`circuit_firing`); None when no circuit was given.
    circuit : NeuronCircuit or None
        The circuit ``firing`` was measured in.
    """

    device: str
    onset: float
    onset_negative: float | None = None
    hysteresis: OnsetHysteresis | None = None
    fit: DeviceFit | None = None
    firing: FiringThreshold | None = None
    circuit: NeuronCircuit | None = None

    def __post_init__(self) -> None:
        if isinstance(self.onset, bool) or not isinstance(self.onset, (int, float)) or not self.onset > 0:
            raise ParameterError("onset", self.onset, "an onset current > 0 (A; inf when the device has none)")

    @property
    def i_th(self) -> float:
        """The onset the neuron uses (A): :attr:`onset`, checked finite."""
        if not math.isfinite(self.onset):
            raise ParameterError("i_th", self.onset, "a finite onset current; the device has none below 2 mA, set i_th")
        return self.onset

    @property
    def asymmetric(self) -> bool:
        """Whether the negative onset was measured and differs from the positive one."""
        return self.onset_negative is not None and self.onset_negative != self.onset

    def summary(self) -> dict[str, float]:
        """The character's numbers (A), flat: onsets, down-sweep onsets, firing thresholds (what was measured)."""
        out = {"onset_pos": self.onset}
        if self.onset_negative is not None:
            out["onset_neg"] = self.onset_negative
        if self.hysteresis is not None:
            out["onset_down_pos"], out["onset_down_neg"] = (abs(d) for d in self.hysteresis.down)
        if self.firing is not None:
            out["firing_pos"], out["firing_neg"] = self.firing.positive, self.firing.negative
        return out


def circuit_firing(device: Device, circuit: NeuronCircuit, comparator: BehavioralComparator, i_th: float) -> FiringThreshold:
    """The firing threshold of ``device`` per sign under ``circuit``'s clocked read (the numpy twin,
    :mod:`mtjspice.characterize.firing`): DC inputs up to 3 ``i_th`` (A), 12 points, one refinement
    round (resolution i_th / 48), as the Monte Carlo's gain trim measures it."""
    rc = ReadCircuit.from_circuit(device, circuit, comparator, i_th)
    return firing_threshold(device, rc, DeviceMC(read="clocked"), i_max=3.0 * i_th, points=12, rounds=1)


def characterize(device: Device, *, negative: bool = True, hysteresis: bool = True, fit: bool = False,
                 circuit: NeuronCircuit | None = None, comparator: BehavioralComparator | None = None) -> DeviceCharacter:
    """Characterise ``device`` with the macrospin solver (module docstring).

    Parameters
    ----------
    device : Device
    negative : bool
        Also measure the onset for a negative input (about 2 s).
    hysteresis : bool
        Also measure the onset hysteresis (about 12 s on the shipped device).
    fit : bool
        Also fit the signed LIF (about 30 s; :func:`~mtjspice.characterize.devicefit.fit_device`).
    circuit : NeuronCircuit, optional
        A resolved neuron circuit: also measure the device's firing threshold in it (:func:`circuit_firing`).
    comparator : BehavioralComparator, optional
        The comparators' timing and hysteresis for the firing threshold; default the behavioral defaults.

    Returns
    -------
    DeviceCharacter
    """
    onset = onset_current(device)
    neg = abs(onset_current(device, sign=-1)) if negative else None
    lif = fit_device(device, hysteresis=hysteresis) if fit else None  # the fit measures the hysteresis itself
    hyst = lif.hysteresis if lif is not None else (onset_hysteresis(device) if hysteresis else None)
    firing = None
    if circuit is not None:
        if not math.isfinite(onset):
            raise ParameterError("device", device.name, "a device with an onset below 2 mA (the firing threshold "
                                 "is searched up to 3 onsets)")
        firing = circuit_firing(device, circuit, comparator or BehavioralComparator(), onset)
    return DeviceCharacter(device=device.name, onset=onset, onset_negative=neg, hysteresis=hyst, fit=lif,
                           firing=firing, circuit=circuit if firing is not None else None)
