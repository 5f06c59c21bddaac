"""One neuron, described once (:class:`Neuron`): the device, the settings, the circuit resolved from
them, its derived timing and the device's character; and where a characterisation is needed and
not given, the one place that runs it, visibly (:func:`character_for`).

Build a neuron with :meth:`Neuron.build` (characterises the device when the settings give no
``i_th`` and no character is passed, with a log line on the ``mtjspice`` logger, which the
command line prints on stderr once the command has run), then hand it to :func:`mtjspice.circuits.neuron.run_neuron`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..characterize.character import DeviceCharacter, characterize, circuit_firing
from ..characterize.firing import FiringThreshold
from ..characterize.readtest import ReadCircuit
from ..errors import ParameterError
from ..netlist.neuroncircuit import NeuronCircuit
from ..netlist.timing import NeuronTiming
from ..params import Device
from ..physics.llgs import junction_resistance
from .settings import NeuronSettings, device_onset, resolve

__all__ = ["Neuron", "character_for", "LOGGER"]

#: The package's logger: characterisations run on a caller's behalf and cache reads and writes
#: are reported here (INFO); the command line prints them on stderr.
LOGGER = logging.getLogger("mtjspice")


def character_for(device: Device, settings: NeuronSettings, character: DeviceCharacter | None = None,
                  ) -> DeviceCharacter | None:
    """The character :func:`~mtjspice.circuits.settings.resolve` needs for ``device`` under ``settings``:
    ``character`` when given; None when the settings give ``i_th`` (nothing to measure); else the
    device is characterised here (the onset from rest only, :func:`~mtjspice.characterize.characterize`),
    and the step is logged (INFO, logger ``mtjspice``) so that no caller runs it unawares."""
    if character is not None or settings.i_th is not None:
        return character
    LOGGER.info("characterisation of device %r: onset scan from rest with the macrospin solver (the settings "
                "give no i_th; pass i_th or a DeviceCharacter to skip it)", device.name)
    return characterize(device, negative=False, hysteresis=False)


@dataclass(frozen=True)
class Neuron:
    """One neuron: everything that describes it, once, frozen.

    Attributes
    ----------
    device : Device
        The junction.
    settings : NeuronSettings
        Every circuit choice (defaults derived from the device where None).
    circuit : NeuronCircuit
        The settings resolved for the device (:func:`~mtjspice.circuits.settings.resolve`).
    character : DeviceCharacter or None
        The device's character the circuit was resolved with; None when the settings gave ``i_th``
        and none was passed.
    """

    device: Device
    settings: NeuronSettings
    circuit: NeuronCircuit
    character: DeviceCharacter | None = None

    def __post_init__(self) -> None:
        for name, kind in (("device", Device), ("settings", NeuronSettings), ("circuit", NeuronCircuit)):
            if not isinstance(getattr(self, name), kind):
                raise ParameterError(name, type(getattr(self, name)).__name__, f"a {kind.__name__}")
        if self.character is not None and not isinstance(self.character, DeviceCharacter):
            raise ParameterError("character", type(self.character).__name__, "None or a DeviceCharacter")

    @staticmethod
    def given(neuron: object) -> Neuron:
        """``neuron`` itself when it is a :class:`Neuron`; anything else refused in one line (the check
        every entry point that takes a neuron makes)."""
        if not isinstance(neuron, Neuron):
            raise ParameterError("neuron", type(neuron).__name__, "a Neuron (Neuron.build(device, settings))")
        return neuron

    @staticmethod
    def build(device: Device, settings: NeuronSettings | None = None,
              character: DeviceCharacter | None = None) -> Neuron:
        """The neuron of ``device`` with ``settings`` (default :class:`NeuronSettings`), resolved with
        ``character``; without ``character`` and without ``settings.i_th`` the device is characterised
        first (:func:`character_for`: logged)."""
        s = NeuronSettings() if settings is None else settings
        ch = character_for(device, s, character)
        return Neuron(device, s, resolve(device, s, ch), ch)

    @property
    def i_th(self) -> float:
        """The onset current the circuit was resolved with (A)."""
        return device_onset(self.device, self.settings, self.character)

    @property
    def timing(self) -> NeuronTiming:
        """The circuit's derived timing with the behavioral comparator's delays (s;
        :class:`~mtjspice.netlist.timing.NeuronTiming`): read windows, decisions, refractory."""
        return NeuronTiming.of(self.circuit, self.settings.behavioral)

    @property
    def i_read(self) -> float:
        """The read current at u = 0 (A): v_read / (R(u = 0) + r_ref + r_on)."""
        c = self.circuit
        return c.v_read / (junction_resistance(self.device, 0.0) + c.r_ref + c.r_on)

    def read_circuit(self) -> ReadCircuit:
        """The numpy twin's view of this neuron (:class:`~mtjspice.characterize.readtest.ReadCircuit`)."""
        return ReadCircuit.from_circuit(self.device, self.circuit, self.settings.behavioral, self.i_th)

    def firing_threshold(self) -> FiringThreshold:
        """The device's firing threshold per sign in this circuit (A): the character's when it was
        measured in this circuit, else measured now with the numpy twin (seconds;
        :func:`~mtjspice.characterize.character.circuit_firing`)."""
        ch = self.character
        if ch is not None and ch.firing is not None and ch.circuit == self.circuit:
            return ch.firing
        return circuit_firing(self.device, self.circuit, self.settings.behavioral, self.i_th)
