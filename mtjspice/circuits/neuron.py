"""The signed LIF neuron circuit: device-derived defaults, one ngspice run, and its analysis
(spikes, timing, firing rate, energy by part).

Defaults derived from the device (each can be overridden, see :class:`NeuronSettings`):

* ``i_th``: the onset current of the leaky-integrating regime (macrospin,
  :func:`mtjspice.devicefit.threshold_current`); about 0.38 mA for ``models/orthogonal.toml``.
* read current ``i_read = 0.25 i_th`` (always positive; below the onset, so a read alone does not
  move u, yet it is simulated and disturbs the magnet a little);
* readout level at u = 0: ``v_mid = 0.65 vdd`` (the CMOS comparator's NMOS input pair needs a
  common mode well above its threshold voltage); so ``r_ref = v_mid / i_read`` and
  ``v_read = i_read (R(u=0) + r_ref)``;
* thresholds: the readout voltage at u = +u_th and u = -u_th, ``u_th = 0.3``:
  ``v = v_read r_ref / (r_ref + R(u))`` with R(u) the junction's zero-bias resistance;
* read clock 1 ns, window 0.2 ns, strobe from 0.07 ns into it; the trim cancels the reads' mean
  current (``TRIM_FACTOR`` = 1); transient max step 5 ps. Against 0.6 ps, DC inputs of +-0.58 to
  +-0.65 mA give spike counts within one in 50 ns (equal in 6 of 8); once a read lands near a
  threshold the trains run whole read clocks apart, as 1.2 ps and 0.6 ps also do (within one, 6 of 8
  equal). Such a read is decided by differences well below the membrane's thermal noise at 300 K
  (m_y about 0.02 rms);
* reset: leak: ``t_refractory = 1.5 ns`` (about 2 relaxation times); active:
  ``t_refractory = 0.5 ns`` and ``i_reset = 1.3 i_th``, which brings u from its plateau to about 0
  within the pulse (measured with the macrospin solver).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BreakdownWarning, InputFileError, ParameterError
from ..netlist.comparators import (
    LATCH_OFFSET,
    BehavioralComparator,
    CmosComparator,
    behavioral_comparator,
    cmos_comparator,
)
from ..netlist.deck import Analysis, deck
from ..netlist.neuron import COMPARATORS, MTJ_INSTANCE, RESETS, NeuronCircuit, neuron_blocks, neuron_vectors
from ..params import Device
from ..physics.llgs import junction_resistance
from ..results import Waveforms
from ..stimulus import DC, PWL, Waveform, square_pulse

__all__ = [
    "NeuronSettings",
    "NeuronResult",
    "neuron_circuit",
    "neuron_deck",
    "run_neuron",
    "detect_spikes",
    "energy_by_part",
    "default_stimulus",
    "parse_input",
    "fi_curve",
    "model_card_path",
    "PARTS",
]

#: The dissipating parts of the neuron, in the order energy.csv lists them.
PARTS: tuple[str, ...] = ("junction", "readout_divider", "comparators", "reset_circuit", "input_driver")


@dataclass(frozen=True)
class NeuronSettings:
    """User choices for the neuron; ``None`` means "derive from the device" (module docstring).

    Units: A, V, Ohm, s; ``u_th`` dimensionless.
    """

    comparator: str = "behavioral"
    reset: str = "leak"
    u_th: float = 0.3
    i_th: float | None = None
    i_read: float | None = None
    v_mid: float | None = None
    r_ref: float | None = None
    v_read: float | None = None
    v_hi: float | None = None
    v_lo: float | None = None
    clock_period: float = 1e-9
    read_width: float = 0.2e-9
    settle: float = 0.07e-9
    t_refractory: float | None = None
    i_reset: float | None = None
    i_trim: float | None = None
    vdd: float = 1.0
    behavioral: BehavioralComparator = field(default_factory=BehavioralComparator)
    cmos: CmosComparator = field(default_factory=CmosComparator)
    preset: str = "default"
    max_step: float = 5e-12

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ParameterError("--comparator", self.comparator, "'behavioral' or 'cmos'")
        if self.reset not in RESETS:
            raise ParameterError("--reset", self.reset, "'leak' or 'active'")
        if not (math.isfinite(self.u_th) and 0 < self.u_th < 1):
            raise ParameterError("--u-th", self.u_th, "a number in (0, 1)")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("comparator", "reset", "behavioral", "cmos", "preset", "u_th") or v is None:
                continue
            if f.name in ("v_hi", "v_lo"):
                if not math.isfinite(v):
                    raise ParameterError(f"--{f.name.replace('_', '-')}", v, "a finite voltage (V)")
                continue
            if not (math.isfinite(v) and v > 0):
                raise ParameterError(f"--{f.name.replace('_', '-')}", v, "a finite number > 0 (SI units)")
        if self.v_hi is not None and self.v_lo is not None and self.v_lo >= self.v_hi:
            raise ParameterError("--v-lo", self.v_lo, f"a threshold below --v-hi = {self.v_hi!r} V (they are inverted)")


#: Share of the reads' mean current that the trim cancels: all of it. Measured on
#: models/orthogonal.toml over 400 ns, both resets: the +I and -I firing rates agree within 4 %
#: from 0.58 to 0.625 mA, within 9 % at 0.65 mA (the intervals lock to whole read clocks) and
#: within 12-25 % at 0.57 mA, at the onset; 0.9 and 1.1 do no better. (With the earlier,
#: continuously watching behavioral comparator, 0.68 had balanced best.)
TRIM_FACTOR = 1.0

_I_TH_CACHE: dict[int, float] = {}


def onset_current(device: Device) -> float:
    """The device's leaky-integration onset current (A), cached per device."""
    key = hash(repr(device))
    if key not in _I_TH_CACHE:
        from ..analysis.devicefit import threshold_current

        _I_TH_CACHE[key] = threshold_current(device, i_max=2e-3, points=16, rounds=1)
    return _I_TH_CACHE[key]


def neuron_circuit(device: Device, s: NeuronSettings) -> NeuronCircuit:
    """Resolve the settings into circuit values with the device-derived defaults."""
    i_th = s.i_th if s.i_th is not None else onset_current(device)
    if not math.isfinite(i_th):
        raise ParameterError("--i-th", i_th, "a finite onset current; the device has none below 2 mA, set --i-th")
    r0 = junction_resistance(device, 0.0)
    i_read = s.i_read if s.i_read is not None else 0.25 * i_th
    v_mid = s.v_mid if s.v_mid is not None else 0.65 * s.vdd
    r_ref = s.r_ref if s.r_ref is not None else v_mid / i_read
    v_read = s.v_read if s.v_read is not None else i_read * (r0 + r_ref)

    def level(u: float) -> float:
        return v_read * r_ref / (r_ref + junction_resistance(device, u))

    v_hi = s.v_hi if s.v_hi is not None else level(s.u_th)
    v_lo = s.v_lo if s.v_lo is not None else level(-s.u_th)
    if v_lo >= v_hi:
        raise ParameterError("--v-lo", v_lo, f"a threshold below --v-hi = {v_hi!r} V (they are inverted)")
    active = s.reset == "active"
    t_ref = s.t_refractory if s.t_refractory is not None else (0.5e-9 if active else 1.5e-9)
    i_reset = (s.i_reset if s.i_reset is not None else 1.3 * i_th) if active else 0.0
    i_trim = s.i_trim if s.i_trim is not None else (
        TRIM_FACTOR * v_read / (r0 + r_ref) * s.read_width / (s.clock_period - s.read_width))
    # A clocked latch has no hysteresis (it is reset every cycle); the behavioral comparator's output
    # is low when its strobe opens, so it trips at threshold + hysteresis / 2. The CMOS latches are
    # referenced to that same trip point, moved out by their measured in-situ offset, so that both
    # flavours implement one decision rule.
    ref_offset = 0.0
    if s.comparator == "cmos":
        ref_offset = (s.cmos.ref_offset if s.cmos.ref_offset is not None
                      else 0.5 * s.behavioral.hysteresis + LATCH_OFFSET)
    return NeuronCircuit(comparator=s.comparator, reset=s.reset, r_ref=r_ref, v_read=v_read,  # type: ignore[arg-type]
                         v_hi=v_hi, v_lo=v_lo, i_trim=i_trim, clock_period=s.clock_period, read_width=s.read_width,
                         settle=s.settle, t_refractory=t_ref, i_reset=i_reset, vdd=s.vdd, ref_offset=ref_offset)


def model_card_path() -> Path:
    """``models/ptm45hp.lib`` beside the package (a source checkout or an editable install)."""
    path = Path(__file__).resolve().parents[2] / "models" / "ptm45hp.lib"
    if not path.exists():
        raise InputFileError(path, "the PTM 45 nm model card is missing (needed by --comparator cmos)")
    return path


def inline_card(text: str) -> str:
    """The PTM card as inlined in a deck: gate-tunnelling models off (igcmod = igbmod = 0).

    They carry nanoamperes here but made each transient about 150 times slower (measured with one
    comparator, 8 ns: 13 s against 0.09 s); the deck states the change next to the card.
    """
    out = text.replace("igcmod=1", "igcmod=0").replace("igbmod=1", "igbmod=0")
    return "* mtjspice: PTM card below with igcmod=0 igbmod=0 (gate tunnelling off, for speed)\n" + out


def single_thread(text: str) -> str:
    """The deck with ngspice's OpenMP model evaluation set to one thread (``set num_threads=1``).

    ngspice evaluates BSIM4 devices with 2 OpenMP threads by default. For this small netlist that
    gains about 10 % alone, but threads spin while they wait: with two such runs on two busy
    cores a 100 ns CMOS run went from 3.5 s to over 140 s (measured). One thread per process is
    also what the parallel runners (F-I sweeps, arrays) assume.
    """
    return text.replace("\n.control\n", "\n.control\nset num_threads=1\n", 1)


def neuron_deck_blocks(device: Device, circuit: NeuronCircuit, settings: NeuronSettings,
                       wave: Waveform | float) -> list[str]:
    """The neuron's subcircuits (MTJ, comparator, model card) and element lines, for any deck that
    holds neurons: the MTJ's trapezoid correction uses the deck's maximum step ``settings.max_step``."""
    from ..netlist.mtj import mtj_subckt

    if circuit.comparator == "cmos":
        cmp_text = cmos_comparator(settings.cmos, name="cmp")
        card = inline_card(model_card_path().read_text(encoding="utf-8"))
    else:
        cmp_text = behavioral_comparator(settings.behavioral, circuit.vdd, name="cmp")
        card = ""
    mtj = mtj_subckt(device, "mtj", settings.preset, step=settings.max_step)
    return neuron_blocks(circuit, mtj, cmp_text, wave, card)


def neuron_deck(device: Device, circuit: NeuronCircuit, wave: Waveform | float, t_stop: float,
                settings: NeuronSettings | None = None) -> tuple[str, list[str]]:
    """The complete deck (runs as it is with ``ngspice -b``) and the vectors it writes."""
    from ..netlist.mtj import OPTION_PRESETS, mtj_ic

    s = settings or NeuronSettings(comparator=circuit.comparator, reset=circuit.reset)
    if not (math.isfinite(t_stop) and t_stop > 0):
        raise ParameterError("--t-stop", t_stop, "a time > 0 (s)")
    blocks = neuron_deck_blocks(device, circuit, s, wave)
    vectors = neuron_vectors(circuit)
    ms = s.max_step
    text = deck(f"mtjspice signed LIF neuron ({circuit.comparator} comparators, {circuit.reset} reset)", blocks,
                Analysis(t_stop, min(10e-12, t_stop / 100), max_step=ms), options=OPTION_PRESETS[s.preset],
                ic=mtj_ic(MTJ_INSTANCE, device), vectors=vectors)
    if circuit.comparator == "cmos":
        text = single_thread(text)
    return text, vectors


@dataclass(frozen=True)
class NeuronResult:
    """One neuron run.

    Attributes
    ----------
    wave : Waveforms
        The written vectors (V, A) against time (s).
    circuit : NeuronCircuit
        The resolved circuit.
    netlist : str
        The deck that ran.
    input : Waveform
        The input current (A).
    spikes : (k, 2) array
        Spike times (s, at the rising 50 % crossing) and polarity (+1 / -1).
    energy : dict
        Dissipated energy per part (J), plus ``total`` (delivered by every source, J) and
        ``sources`` (a dict: delivered per source, J).
    wall_ngspice, wall_python : float
        Seconds spent in ngspice and in Python (deck building and analysis).
    v_junction_max : float
        Largest junction voltage of the run (V).
    """

    wave: Waveforms
    circuit: NeuronCircuit
    netlist: str
    input: Any
    spikes: np.ndarray
    energy: dict[str, Any]
    wall_ngspice: float
    wall_python: float
    v_junction_max: float = 0.0

    @property
    def t(self) -> np.ndarray:
        return self.wave.t

    @property
    def u(self) -> np.ndarray:
        """Membrane potential m_y (dimensionless)."""
        return self.wave[f"v({MTJ_INSTANCE}.my)"]


def _crossings(t: np.ndarray, x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (linearly interpolated) of rising and falling crossings of ``level``."""
    above = x > level
    idx = np.nonzero(above[1:] != above[:-1])[0]
    tc = t[idx] + (level - x[idx]) * (t[idx + 1] - t[idx]) / (x[idx + 1] - x[idx])
    rising = above[idx + 1]
    return tc[rising], tc[~rising]


def detect_spikes(wave: Waveforms, vdd: float) -> np.ndarray:
    """Spikes from the spike nodes: rows (time of the rising 50 % crossing in s, polarity +1/-1)."""
    rows = []
    for node, pol in (("v(spk_p)", 1), ("v(spk_n)", -1)):
        up, _ = _crossings(wave.t, wave[node], vdd / 2)
        rows += [(float(tt), pol) for tt in up]
    rows.sort()
    return np.array(rows, dtype=float).reshape(-1, 2)


def spike_widths(wave: Waveforms, vdd: float) -> np.ndarray:
    """Widths (s) of the complete spike pulses on both nodes, at half the logic level."""
    out = []
    for node in ("v(spk_p)", "v(spk_n)"):
        up, down = _crossings(wave.t, wave[node], vdd / 2)
        for tu in up:
            later = down[down > tu]
            if later.size:
                out.append(float(later[0] - tu))
    return np.array(out)


def _integral(t: np.ndarray, p: np.ndarray) -> float:
    return float(np.sum(0.5 * (p[1:] + p[:-1]) * np.diff(t)))


def energy_by_part(wave: Waveforms, c: NeuronCircuit) -> dict[str, Any]:
    """Energy delivered by each source and dissipated in each part (J).

    Sign conventions: SPICE reports a V source's current entering its + terminal, so the power
    it delivers is -V i. Sense sources (0 V) carry the current from their + to their - node.
    Dissipation is computed element by element from node voltages and sensed currents: the
    junction as V_junction x I_junction (the magnetization-state network is not electrical and is
    excluded); the divider as R_ref's v^2/R plus its two switches; the input driver as its two
    steering switches; the comparators as everything their supply and threshold sources deliver
    (all of it is dissipated in the comparator, the behavioral one's supply model included); the
    reset circuit (an ideal current source) dissipates nothing itself.
    """
    t, w = wave.t, wave
    v1, v2, vdrv = w["v(t1)"], w["v(t2)"], w["v(drv)"]
    i_j = w[f"i(v.{MTJ_INSTANCE}.vsense)"]
    i_src, i_gate, i_rd, i_gnd = w["i(vsi)"], w["i(vsin)"], w["i(vsrd)"], w["i(vsg)"]
    src = {
        "input": _integral(t, vdrv * (i_src - w["i(vstr)"])),
        "read_trim": _integral(t, vdrv * w["i(vstr)"]),
        "read_bias": _integral(t, -c.v_read * w["i(vread)"]),
        "comparator_supply": _integral(t, -c.vdd * w["i(vddc)"]),
        "thresholds": _integral(t, -(c.v_hi + c.ref_offset) * w["i(vthh)"] - (c.v_lo - c.ref_offset) * w["i(vthl)"]),
    }
    if c.reset == "active":
        src["reset"] = _integral(t, v1 * w["i(vsrs)"])
    parts = {
        "junction": _integral(t, (v1 - v2) * i_j),
        "readout_divider": _integral(t, (c.v_read - v1) * i_rd + v2 * v2 / c.r_ref + v2 * i_gnd),
        "comparators": src["comparator_supply"] + src["thresholds"],
        "reset_circuit": 0.0,
        "input_driver": _integral(t, (vdrv - v1) * i_gate + vdrv * (i_src - i_gate)),
    }
    out: dict[str, Any] = dict(parts)
    out["total"] = sum(src.values())
    out["sources"] = src
    return out


def default_stimulus(i_amp: float = 0.62e-3, t_on: float = 40e-9, gap: float = 10e-9) -> PWL:
    """The demo input: +i_amp for t_on, nothing for gap, -i_amp for t_on, nothing for gap (A, s)."""
    e = 20e-12
    d0 = 2e-9
    t = [0.0, d0, d0 + e, d0 + e + t_on, d0 + 2 * e + t_on, d0 + 2 * e + t_on + gap, d0 + 3 * e + t_on + gap,
         d0 + 3 * e + 2 * t_on + gap, d0 + 4 * e + 2 * t_on + gap]
    v = [0.0, 0.0, i_amp, i_amp, 0.0, 0.0, -i_amp, -i_amp, 0.0]
    return PWL(np.array(t), np.array(v))


def parse_input(spec: str, option: str = "--input") -> Waveform:
    """An input current from the command line (A, s; SPICE suffixes allowed).

    * ``dc:I`` -- constant current, e.g. ``dc:0.55m``;
    * ``pulse:I,T_ON,T_OFF[,DELAY]`` -- periodic train;
    * ``step:I,T_ON[,DELAY]`` -- one square pulse;
    * ``pwl:FILE.csv`` -- two columns t,I (s, A), times strictly increasing; a header line is allowed;
    * ``default`` -- :func:`default_stimulus`.
    """
    from ..stimulus import pulse_train
    from ..units import parse_si

    kind, _, rest = spec.partition(":")
    kind = kind.strip().lower()
    try:
        if kind == "default" and not rest:
            return default_stimulus()
        if kind == "dc":
            return DC(parse_si(rest, option))
        if kind in ("pulse", "step"):
            vals = [parse_si(x, option) for x in rest.split(",")]
            if kind == "pulse" and len(vals) in (3, 4):
                if min(vals[1:]) < 0 or vals[1] <= 0:
                    raise ParameterError(option, spec, "pulse:I,T_ON,T_OFF[,DELAY] with T_ON > 0, T_OFF, DELAY >= 0")
                return pulse_train(vals[0], vals[1], vals[2], delay=vals[3] if len(vals) == 4 else 0.0,
                                   edge=20e-12)
            if kind == "step" and len(vals) in (2, 3):
                if vals[1] <= 0 or (len(vals) == 3 and vals[2] < 0):
                    raise ParameterError(option, spec, "step:I,T_ON[,DELAY] with T_ON > 0, DELAY >= 0")
                return square_pulse(vals[0], vals[1], edge=20e-12, delay=vals[2] if len(vals) == 3 else 0.0)
        if kind == "pwl" and rest:
            return _read_pwl(Path(rest), option)
    except ParameterError as exc:
        if exc.name == option:
            raise
        raise ParameterError(option, spec, f"{exc.name}: {exc.allowed}") from None
    raise ParameterError(option, spec, "default, dc:I, pulse:I,T_ON,T_OFF[,DELAY], step:I,T_ON[,DELAY] or pwl:FILE.csv")


def _read_pwl(path: Path, option: str) -> PWL:
    if not path.is_file():
        raise InputFileError(path, f"{option}: no such file")
    rows: list[list[float]] = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = [p.strip() for p in text.split(",")]
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            if not rows and k == 1:
                continue  # header
            raise InputFileError(path, f"{option}: expected two numbers t,I; got {text!r}", k) from None
        if len(vals) != 2 or not all(math.isfinite(v) for v in vals):
            raise InputFileError(path, f"{option}: expected two finite numbers t,I; got {text!r}", k)
        if rows and vals[0] <= rows[-1][0]:
            raise InputFileError(path, f"{option}: time {vals[0]!r} s is not after the previous {rows[-1][0]!r} s "
                                 "(times must increase strictly)", k)
        rows.append(vals)
    if not rows:
        raise InputFileError(path, f"{option}: no data rows")
    arr = np.array(rows)
    return PWL(arr[:, 0], arr[:, 1])


def run_neuron(device: Device, wave: Waveform | float, t_stop: float, settings: NeuronSettings | None = None,
               circuit: NeuronCircuit | None = None, *, warn: bool = True) -> NeuronResult:
    """Build, run (``ngspice -b``) and analyse one neuron simulation.

    Warns :class:`~mtjspice.errors.BreakdownWarning` if the junction voltage exceeds the
    device's breakdown voltage (``warn=False`` leaves that to the caller, e.g. from threads,
    where warning filters are not thread-safe; the peak is in ``result.v_junction_max``).
    """
    from ..sim import run

    t0 = time.perf_counter()
    s = settings or NeuronSettings()
    c = circuit or neuron_circuit(device, s)
    text, vectors = neuron_deck(device, c, wave, t_stop, s)
    t1 = time.perf_counter()
    wf = run(text, vectors, engine="batch")
    t2 = time.perf_counter()
    vj = float(np.max(np.abs(wf["v(t1)"] - wf["v(t2)"])))
    if warn and vj > device.junction.breakdown_voltage:
        warnings.warn(BreakdownWarning(f"junction voltage reached {vj:.3g} V, above the breakdown "
                                       f"{device.junction.breakdown_voltage:g} V"), stacklevel=2)
    spikes = detect_spikes(wf, c.vdd)
    energy = energy_by_part(wf, c)
    t3 = time.perf_counter()
    return NeuronResult(wave=wf, circuit=c, netlist=text, input=wave, spikes=spikes, energy=energy,
                        wall_ngspice=t2 - t1, wall_python=(t1 - t0) + (t3 - t2), v_junction_max=vj)


def firing_rate(spikes: np.ndarray, t_start: float, t_stop: float, polarity: int) -> float:
    """Spikes of ``polarity`` per second in [t_start, t_stop]."""
    sel = spikes[(spikes[:, 1] == polarity) & (spikes[:, 0] >= t_start) & (spikes[:, 0] <= t_stop)]
    return sel.shape[0] / (t_stop - t_start)


def fi_curve(device: Device, currents: Sequence[float], settings: NeuronSettings | None = None,
             t_stop: float = 100e-9, workers: int | None = None) -> np.ndarray:
    """Firing rate (1/s) against DC input for ``currents`` (A; both signs allowed).

    Each current is one ngspice run (in parallel processes); the rate counts spikes of the
    input's sign over the whole run. Returns rows (current A, rate 1/s, wrong-sign spike count).
    """
    from concurrent.futures import ThreadPoolExecutor

    s = settings or NeuronSettings()
    c = neuron_circuit(device, s)

    def one(i: float) -> tuple[float, float, float, float]:
        r = run_neuron(device, DC(i), t_stop, s, c, warn=False)
        pol = 1 if i >= 0 else -1
        wrong = int(np.sum(r.spikes[:, 1] == -pol)) if i != 0 else int(r.spikes.shape[0])
        return (float(i), firing_rate(r.spikes, 0.0, t_stop, pol), float(wrong), r.v_junction_max)

    import os

    n = workers or min(len(currents), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(1, n)) as pool:
        rows = np.array(list(pool.map(one, currents)))
    worst = int(np.argmax(rows[:, 3]))
    if rows[worst, 3] > device.junction.breakdown_voltage:  # warned once, from the calling thread
        warnings.warn(BreakdownWarning(
            f"junction voltage reached {rows[worst, 3]:.3g} V at {rows[worst, 0]:.4g} A, above the breakdown "
            f"{device.junction.breakdown_voltage:g} V"), stacklevel=2)
    return rows[:, :3]


def with_overrides(s: NeuronSettings, **kw: Any) -> NeuronSettings:
    """A copy of the settings with the non-None keyword values replaced."""
    return replace(s, **{k: v for k, v in kw.items() if v is not None})


def fi_currents(device: Device, settings: NeuronSettings, n: int = 6) -> np.ndarray:
    """Positive DC inputs for the F-I sweep (A): from the onset to 1.75 x the onset current."""
    i_th = settings.i_th if settings.i_th is not None else onset_current(device)
    return np.linspace(1.3 * i_th, 1.75 * i_th, n)


def spike_summary(res: NeuronResult) -> dict[str, float]:
    """Counts, latency from input onset to the first spike (s), mean spike width (s), highest rate (1/s)."""
    sp = res.spikes
    t = res.t
    cur = np.array([float(np.asarray(res.input(float(x))).reshape(-1)[0]) for x in t]) \
        if not isinstance(res.input, (int, float)) else np.full(t.size, float(res.input))
    on = np.nonzero(np.abs(cur) > 1e-9)[0]
    onset = float(t[on[0]]) if on.size else math.nan
    first = float(sp[0, 0]) if sp.shape[0] else math.nan
    widths = spike_widths(res.wave, res.circuit.vdd)
    rate = math.nan
    for pol in (1, -1):
        ts = sp[sp[:, 1] == pol, 0]
        if ts.size >= 2:
            r = 1.0 / float(np.min(np.diff(ts)))
            rate = r if not math.isfinite(rate) else max(rate, r)
    return {
        "n_positive": float(np.sum(sp[:, 1] > 0)),
        "n_negative": float(np.sum(sp[:, 1] < 0)),
        "input_onset": onset,
        "latency": first - onset if sp.shape[0] and on.size else math.nan,
        "spike_width": float(np.mean(widths)) if widths.size else math.nan,
        "max_rate": rate,
    }


def report_text(res: NeuronResult, device: Device, fi: np.ndarray | None = None) -> str:
    """The human summary written to report.txt."""
    c, e = res.circuit, res.energy
    s = spike_summary(res)
    n = int(s["n_positive"] + s["n_negative"])
    parts_sum = sum(e[p] for p in PARTS)
    lines = [
        f"mtjspice neuron: device '{device.name}', {c.comparator} comparators, {c.reset} reset",
        f"simulated {res.t[-1]:.4g} s; ngspice {res.wall_ngspice:.2f} s, Python {res.wall_python:.2f} s",
        "",
        "circuit (defaults derived from the device; see mtjspice.neuron):",
        f"  reference resistor {c.r_ref:.5g} Ohm, read bias {c.v_read:.4g} V, "
        f"read current {c.v_read / (c.r_ref + junction_resistance(device, 0.0)) * 1e6:.4g} uA at u = 0",
        f"  thresholds v_hi {c.v_hi:.6g} V, v_lo {c.v_lo:.6g} V (u = 0 reads "
        f"{c.v_read * c.r_ref / (c.r_ref + junction_resistance(device, 0.0)):.6g} V)",
        f"  read clock {c.clock_period:.3g} s, window {c.read_width:.3g} s; refractory {c.t_refractory:.3g} s; "
        f"active-reset current {c.i_reset:.4g} A; read trim {c.i_trim:.4g} A",
        "",
        f"spikes: {int(s['n_positive'])} positive, {int(s['n_negative'])} negative",
        f"  latency from input onset to first spike: {s['latency']:.4g} s",
        f"  mean spike width: {s['spike_width']:.4g} s; highest firing rate: {s['max_rate']:.4g} 1/s",
        "",
        "energy (J): dissipated per part",
    ]
    for p in PARTS:
        lines.append(f"  {p:16s} {e[p]:.5g}")
    lines += [f"  {'sum of parts':16s} {parts_sum:.5g}",
              f"  {'total delivered':16s} {e['total']:.5g}  (parts / total - 1 = {parts_sum / e['total'] - 1:.2e})",
              "delivered per source:"]
    for k, v in e["sources"].items():
        lines.append(f"  {k:16s} {v:.5g}")
    if n:
        lines += ["", f"energy per spike: {e['total'] / n:.5g} J; magnetic device (junction) share "
                  f"{e['junction'] / parts_sum * 100:.1f} %, peripherals {100 - e['junction'] / parts_sum * 100:.1f} %"]
    if fi is not None:
        lines += ["", "firing rate against DC input (A, 1/s, wrong-sign spikes):"]
        lines += [f"  {i:+.4g}  {r:.4g}  {int(w)}" for i, r, w in fi]
    lines += ["", "validity: macrospin model of the free layer (see README: micromagnetics gives a smaller m_y "
              "above about 2 mA in the representative device)"]
    return "\n".join(lines) + "\n"
