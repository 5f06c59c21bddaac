"""What the nominal neuron circuit fixes for every sample of the device-level Monte Carlo
(:class:`NominalCircuit`: the twin's :class:`~mtjspice.characterize.readtest.ReadCircuit`, resolved
from the nominal device and the settings), beside the test itself (:class:`DeviceMC`, defined with
the numpy twin in :mod:`mtjspice.characterize.readtest`)."""

from __future__ import annotations

import math

from ..characterize.character import DeviceCharacter
from ..characterize.onset import ONSET_I_MAX
from ..characterize.readtest import DeviceMC, ReadCircuit
from ..circuits.neuronobject import character_for
from ..circuits.settings import NeuronSettings, resolve
from ..errors import ParameterError
from ..params import Device
from ..physics.batch import DeviceBatch
from .onsettable import OnsetTable

__all__ = ["DeviceMC", "NominalCircuit", "check_onset", "ONSET_HINT"]

#: What a refusal of a device without an onset advises a caller of :func:`device_montecarlo
#: <mtjspice.montecarlo.run.device_montecarlo>`, which builds the nominal circuit from the device alone.
ONSET_HINT = ("to read samples through a circuit with a given onset, give it in the settings of "
              "mtjspice.design.verify.device_level (i_th)")


def check_onset(device: Device, onset: float, hint: str = ONSET_HINT) -> None:
    """Refuse ``device`` when its onset from rest ``onset`` (A; :func:`~mtjspice.characterize.character.characterize`)
    is not finite: the nominal neuron circuit every Monte Carlo sample is read through takes its read
    current and thresholds from that onset, so there is no circuit to read the samples through. Says
    whether the scan's largest current already passes the junction's breakdown (then the device
    cannot fire below breakdown at all), and ``hint``: what the caller can do instead.

    Raises
    ------
    ParameterError
        Named ``device``, with the device's name.
    """
    if math.isfinite(onset):
        return
    v = ONSET_I_MAX * device.R_P
    v_bd = device.junction.breakdown_voltage
    why = (f"{ONSET_I_MAX * 1e3:g} mA already puts {v:.3g} V across R_P = {device.R_P:.4g} Ohm, above its {v_bd:g} V "
           "breakdown: it cannot fire below breakdown" if v > v_bd else f"the scan stops at {ONSET_I_MAX * 1e3:g} mA")
    raise ParameterError("device", device.name, f"a device with an onset current from rest below {ONSET_I_MAX * 1e3:g} "
                         "mA: the nominal neuron circuit every sample is read through takes its read current and "
                         f"thresholds from it; this one has none ({why}); {hint}")


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
        character = character_for(device, settings)
        check_onset(device, character.onset if character is not None else i_th)
        return NominalCircuit.resolved(device, settings, i_th, character)
