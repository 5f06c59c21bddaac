"""MTJ models as plug-ins: one class per junction model, a registry, and the two shipped models.

A neuron, an array and a power sweep ask their junction model, never its name, for everything that
depends on it: the subcircuit, the deck's step and options, the thermal noise, the run's cost, the
range its parameters are valid in, and the validity statement the reports print. A model is one
subclass of :class:`MtjModel` registered with :func:`register_mtj_model`; its ``name`` is the value
of ``NeuronSettings(mtj=...)`` and of the command line's ``--mtj`` (scikit-rf's ``Media`` pattern:
one abstract base, a registry, one contract test over every registered kind).

Contract of :meth:`MtjModel.subckt` (what the neuron's readout and probes rely on): a
``.subckt NAME t1 t2`` whose junction current flows through a 0 V source ``vsense`` (probe
``i(v.x<NAME>.vsense)``, A) and whose membrane (dimensionless, in [-1, 1]) is the voltage of its
node ``my`` (probe ``v(x<NAME>.my)``, 1 V per unit; the macrospin's m_y, which is u = m.p for a
pinned layer along +y, the orthogonal device). A model's numpy twin (:meth:`MtjModel.twin`), where
it has one, gives the same node's value for a current drive without ngspice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from ..errors import ParameterError
from ..netlist.circuit import Subckt
from ..netlist.compact import CompactMTJ, CompactNoise, compact_subckt
from ..netlist.mtj import mtj_subckt
from ..netlist.noise import ThermalNoise, noise_interval
from ..params import Device
from ..physics.solver import simulate
from ..stimulus import Waveform
from .compact import (
    COMPACT_OPTIONS,
    COMPACT_POINT_STEP,
    compact_cost,
    compact_params,
    fit_noise,
    load_compact,
    range_stats,
    warn_range,
)
from .cost import RunCost

__all__ = ["MtjModel", "MtjNoise", "MacrospinModel", "CompactModel", "register_mtj_model", "unregister_mtj_model", "mtj_model",
           "mtj_models", "MTJ_MODELS", "DEFAULT_GROUP", "COMPACT_GROUP"]

#: Neurons per split array part (macrospin MTJs and the default of any model).
DEFAULT_GROUP = 8
#: Neurons per split part with compact MTJs: CPU per neuron-ns 2.15e-3 s at 4, 2.36e-3 at 8, 2.93e-3 at 16
#: (benchmarks/bench_compact.py's workload): each neuron's spike edges cut the step of a whole deck.
COMPACT_GROUP = 4


class StepSettings(Protocol):
    """The neuron settings a model reads (:class:`mtjspice.circuits.settings.NeuronSettings`)."""

    @property
    def preset(self) -> str: ...
    @property
    def max_step(self) -> float: ...
    @property
    def compact_step(self) -> float: ...
    @property
    def compact(self) -> CompactMTJ | None: ...


@dataclass(frozen=True)
class MtjNoise:
    """One MTJ instance's thermal noise, as its subcircuit reads it.

    Attributes
    ----------
    temperature : float
        Temperature (K), > 0.
    file : str
        The sample file beside the netlist (a bare name; a deck attachment).
    interval : float
        Sample interval (s).
    variance, tau : float
        Of a fitted membrane noise (dimensionless, s); 0 for a model whose noise is Brown's field.
    """

    temperature: float
    file: str
    interval: float
    variance: float = 0.0
    tau: float = 0.0


class MtjModel(ABC):
    """A junction model of the neuron. Subclass, set the class attributes, implement :meth:`subckt`
    and register an instance with :func:`register_mtj_model`; override the rest where the defaults
    (a model with no parameters, no thermal noise, the macrospin's step and cost) do not hold.

    Class attributes
    ----------------
    name : str
        Registry key: ``NeuronSettings(mtj=name)`` and ``--mtj name``.
    label : str
        Words added to a deck's title ("" for none).
    validity : str
        What the model can be trusted for; every report ends with it.
    params_type : type or None
        Type of the model's own parameters (``NeuronSettings.compact``, the ``compact`` arguments of
        the neuron and array runs), None for a model that has none.
    options : mapping
        ngspice options the model adds to a deck.
    group : int
        Neurons per split array part.
    """

    name: ClassVar[str]
    label: ClassVar[str] = ""
    validity: ClassVar[str]
    params_type: ClassVar[type | None] = None
    options: ClassVar[Mapping[str, float | str]] = {}
    group: ClassVar[int] = DEFAULT_GROUP

    @abstractmethod
    def subckt(self, device: Device, settings: StepSettings, name: str, params: Any = None,
               noise: MtjNoise | None = None) -> Subckt:
        """The junction ``.subckt <name> t1 t2`` (module docstring's contract) with ``params`` (from
        :meth:`params`) and, at temperature, ``noise``."""

    def params(self, device: Device, settings: StepSettings, given: Any = None) -> Any:
        """The model's parameters for ``device``: ``given``, else what the settings carry, else derived."""
        return None

    def load_params(self, path: str) -> Any:
        """The model's parameters read from a file (``--lif-params``); a model without any refuses."""
        raise ParameterError("--lif-params", path, f"no file with --mtj {self.name} (its model takes no parameters)")

    def step(self, settings: StepSettings) -> float:
        """The deck's largest time step (s)."""
        return settings.max_step

    def cost_step(self, settings: StepSettings, interval: float | None) -> float:
        """The step (s) the cost estimates take; ``interval``: the noise's sample interval, if any."""
        return settings.max_step if interval is None else interval

    def cost(self, cost: RunCost) -> RunCost:
        """The estimated cost of a run with this model, from the macrospin-based estimate."""
        return cost

    def noise(self, device: Device, settings: StepSettings, temperature: float) -> tuple[float, float, float]:
        """(sample interval s, variance, tau s) of the thermal noise at ``temperature`` (K) > 0."""
        raise ParameterError("temperature", temperature, f"0 K: the {self.name!r} MTJ model has no thermal noise")

    def twin(self, device: Device, params: Any, current: Waveform, t_stop: float, dt: float) -> np.ndarray | None:
        """The numpy twin: v(my) at times 0, dt, ... <= ``t_stop`` (s) of the junction alone, driven by
        ``current`` (A into t1), from rest; None for a model without one."""
        return None

    def run_range(self, params: Any, t: np.ndarray, current: np.ndarray) -> tuple[float, float] | None:
        """What the range check needs of one junction's current (A, sampled at ``t``, s); None: no check."""
        return None

    def warn_range(self, params: Any, stats: tuple[float, float], where: str = "") -> None:
        """Warn when :meth:`run_range`'s ``stats`` leave the model's valid range."""
        return None

    def worst_range(self, params: Sequence[Any], ranges: Mapping[int, tuple[float, float]]) -> int | None:
        """The neuron (a key of ``ranges``) whose range to report, None for none."""
        return None


class MacrospinModel(MtjModel):
    """The behavioral LLGS macrospin (:func:`mtjspice.netlist.mtj.mtj_subckt`)."""

    name = "macrospin"
    validity = ("macrospin model of the free layer: one uniform magnetization (see docs/physics.md: micromagnetics "
                "gives a smaller m_y above about 2 mA in the representative device)")

    def subckt(self, device: Device, settings: StepSettings, name: str, params: Any = None,
               noise: MtjNoise | None = None) -> Subckt:
        th = None if noise is None else ThermalNoise(noise.temperature, noise.file, noise.interval)
        return mtj_subckt(device, name, settings.preset, step=settings.max_step if noise is None else noise.interval,
                          thermal=th)

    def noise(self, device: Device, settings: StepSettings, temperature: float) -> tuple[float, float, float]:
        return noise_interval(device, settings.max_step), 0.0, 0.0

    def twin(self, device: Device, params: Any, current: Waveform, t_stop: float, dt: float) -> np.ndarray | None:
        """The macrospin solver's m_y (:func:`mtjspice.physics.solver.simulate`, rtol 1e-10)."""
        return simulate(device, current, t_stop, dt, rtol=1e-10, breakdown="ignore").my[:, 0]


class CompactModel(MtjModel):
    """The compact signed-LIF MTJ fitted to the device (:mod:`mtjspice.netlist.compact`). No numpy
    twin: :func:`mtjspice.analysis.lif.lif_response` is the fitted LIF without the subcircuit's
    hysteretic gate."""

    name = "compact"
    label = "compact MTJ"
    validity = ("compact MTJ: the device's fitted signed LIF (one state u = m.p, no precession, an Ornstein-"
                "Uhlenbeck stand-in for thermal noise), fitted to the macrospin model and valid only for junction "
                "currents within the fit's range [i_min, i_max] (the run warns when a junction leaves it); the "
                "macrospin model's own limits apply on top")
    params_type = CompactMTJ
    options = COMPACT_OPTIONS
    group = COMPACT_GROUP

    def subckt(self, device: Device, settings: StepSettings, name: str, params: Any = None,
               noise: MtjNoise | None = None) -> Subckt:
        cn = None if noise is None else CompactNoise(noise.temperature, noise.variance, noise.tau, noise.file,
                                                     noise.interval)
        return compact_subckt(device, self.params(device, settings, params), name, noise=cn)

    def params(self, device: Device, settings: StepSettings, given: Any = None) -> CompactMTJ:
        return given or settings.compact or compact_params(device)

    def load_params(self, path: str) -> CompactMTJ:
        return load_compact(path)

    def step(self, settings: StepSettings) -> float:
        return settings.compact_step

    def cost_step(self, settings: StepSettings, interval: float | None) -> float:
        return min(COMPACT_POINT_STEP, interval if interval is not None else COMPACT_POINT_STEP)

    def cost(self, cost: RunCost) -> RunCost:
        return compact_cost(cost)

    def noise(self, device: Device, settings: StepSettings, temperature: float) -> tuple[float, float, float]:
        var, tau = fit_noise(device, temperature)
        return min(settings.compact_step, tau / 20), var, tau

    def run_range(self, params: Any, t: np.ndarray, current: np.ndarray) -> tuple[float, float] | None:
        return range_stats(params, t, current)

    def warn_range(self, params: Any, stats: tuple[float, float], where: str = "") -> None:
        warn_range(params, *stats, where)

    def worst_range(self, params: Sequence[Any], ranges: Mapping[int, tuple[float, float]]) -> int | None:
        return max(ranges, key=lambda j: (ranges[j][0] > params[j].i_max, ranges[j][1] / params[j].tau_m),
                   default=None)


_REGISTRY: dict[str, MtjModel] = {}


def register_mtj_model(model: MtjModel) -> MtjModel:
    """Add ``model`` to the registry under ``model.name`` (a later one of the same name replaces it)."""
    if not isinstance(model, MtjModel):
        raise ParameterError("model", type(model).__name__, "an MtjModel instance")
    name = getattr(model, "name", None)
    if not (isinstance(name, str) and name.isidentifier()):
        raise ParameterError("model.name", name, "an identifier (letters, digits, underscores)")
    _REGISTRY[name] = model
    return model


def unregister_mtj_model(name: str) -> None:
    """Remove the model ``name`` from the registry (a test's own model, when it is done)."""
    mtj_model(name)
    del _REGISTRY[name]


def mtj_models() -> tuple[str, ...]:
    """The registered MTJ models' names, in registration order."""
    return tuple(_REGISTRY)


def mtj_model(name: str) -> MtjModel:
    """The registered MTJ model ``name`` (:class:`~mtjspice.errors.ParameterError` for an unknown one)."""
    if name not in _REGISTRY:
        raise ParameterError("mtj", name, " or ".join(map(repr, _REGISTRY)))
    return _REGISTRY[name]


register_mtj_model(MacrospinModel())
register_mtj_model(CompactModel())
#: The shipped models' names (the registry may hold more: :func:`mtj_models`).
MTJ_MODELS: tuple[str, ...] = mtj_models()
