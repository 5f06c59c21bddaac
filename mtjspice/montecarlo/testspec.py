"""What the nominal neuron circuit fixes for every sample of the device-level Monte Carlo
(:class:`NominalCircuit`: the twin's :class:`~mtjspice.characterize.readtest.ReadCircuit`, resolved
from the nominal device and the settings), beside the test itself (:class:`DeviceMC`, defined with
the numpy twin in :mod:`mtjspice.characterize.readtest`)."""

from __future__ import annotations

from ..characterize.character import DeviceCharacter
from ..characterize.readtest import DeviceMC, ReadCircuit
from ..circuits.neuronobject import character_for
from ..circuits.settings import NeuronSettings, resolve
from ..params import Device
from ..physics.batch import DeviceBatch
from .onsettable import OnsetTable

__all__ = ["DeviceMC", "NominalCircuit"]


class NominalCircuit(ReadCircuit):
    """The nominal neuron circuit as the twin sees it (:class:`~mtjspice.characterize.readtest.ReadCircuit`),
    with the constructors that resolve the settings on the nominal device: r_ref, v_read, the
    thresholds, the read current and trim from :func:`mtjspice.circuits.settings.resolve`, and the
    nominal onset i_th (A) by the samples' own method (the onset table), the trim's reference."""

    @staticmethod
    def resolved(device: Device, settings: NeuronSettings, i_th: float,
                 character: DeviceCharacter | None = None) -> NominalCircuit:
        """The circuit :func:`~mtjspice.circuits.settings.resolve` derives from ``device`` and
        ``settings`` (with ``character`` when the settings give no i_th), with ``i_th`` (A) as the
        trim's reference onset."""
        return NominalCircuit.from_circuit(device, resolve(device, settings, character), settings.behavioral, i_th)

    @staticmethod
    def of(device: Device, table: OnsetTable, u_th: float = 0.3) -> NominalCircuit:
        """The nominal circuit of ``device`` (its i_th from ``table``, the same reduction as the samples'),
        resolved with the device's onset from rest (characterised here when needed, logged)."""
        i_th = float(table.onset(DeviceBatch.from_device(device, theta0=0.0))[0][0])
        settings = NeuronSettings(u_th=u_th)
        return NominalCircuit.resolved(device, settings, i_th, character_for(device, settings))
