"""Characterising a device with the macrospin solver: the layer above the solver and the pure
numpy analysis, below the circuits that use what it finds.

:func:`characterize` runs the steps a neuron needs and returns them as one typed
:class:`DeviceCharacter` (:mod:`.character`). Its parts: the onset current and its hysteresis
(:mod:`.onset`), the device's signed-LIF fit and its own spike trains (:mod:`.devicefit`,
:mod:`.devicespikes`), the numpy neuron twin (:mod:`.twin`, :mod:`.readtest`) and the firing
threshold it measures (:mod:`.firing`). Beside them: the dimension design window (:mod:`.window`,
:mod:`.windowspec`) and the orthogonal/parallel comparison (:mod:`.compare`). Each of these runs
the solver, some for tens of seconds: they are the expensive steps, called explicitly, never from
a cheap-looking constructor.
"""

from .character import DeviceCharacter, characterize
from .compare import Comparison, compare_designs
from .devicefit import DeviceFit, device_spikes, fit_device
from .firing import FiringThreshold, firing_threshold
from .onset import OnsetHysteresis, onset_current, onset_hysteresis
from .window import WindowMap, WindowSpec, sweep_plane

#: The device's characterisation: the one step and its result, onset, hysteresis, the LIF fit, the
#: firing threshold, the design window, the comparison.
__all__ = [
    "characterize", "DeviceCharacter", "FiringThreshold", "firing_threshold",
    "onset_current", "onset_hysteresis", "OnsetHysteresis", "DeviceFit", "fit_device", "device_spikes",
    "WindowSpec", "WindowMap", "sweep_plane", "Comparison", "compare_designs",
]
