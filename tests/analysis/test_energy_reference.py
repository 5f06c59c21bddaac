"""neuron_energy against circuits solved by hand: every part and every source, not only their sum.

The waveforms are what a neuron deck would write for a small linear circuit whose currents are
known exactly (a divider solved by Kirchhoff's laws below, a comparator drawing a known current
at a known duty). The energies are then products of those numbers with the time; the trapezoidal
integral is exact for piecewise-constant power, so the tolerances are rounding (1e-12 relative)
unless a comment says otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.analysis.energy import integral, neuron_energy
from mtjspice.netlist.circuit import Probe
from mtjspice.netlist.neuron import NeuronProbes
from mtjspice.netlist.neuroncircuit import NeuronCircuit
from mtjspice.results import Waveforms

T_RUN = 20e-9  # s


def circuit(**kw: float | str) -> NeuronCircuit:
    base = dict(comparator="behavioral", reset="leak", r_ref=1000.0, v_read=1.0, v_hi=0.2, v_lo=0.1,
                clock_period=1e-9, read_width=0.2e-9, settle=0.05e-9, t_refractory=1e-9, i_reset=0.0,
                i_trim=5e-5, vdd=1.0, r_on=250.0, r_off=1e9, edge=10e-12, ref_offset=0.02)
    base.update(kw)
    return NeuronCircuit(**base)  # type: ignore[arg-type]


def probes(thresholds: bool = True, reset: bool = False) -> NeuronProbes:
    return NeuronProbes(
        u=Probe.node("my").inside("xmtj"), t1=Probe.node("t1"), t2=Probe.node("t2"), spk_p=Probe.node("spk_p"),
        spk_n=Probe.node("spk_n"), drv=Probe.node("drv"), i_input=Probe("i", ("vsi",)), i_gate=Probe("i", ("vsin",)),
        i_ground=Probe("i", ("vsg",)), i_junction=Probe("i", ("vsense",)).inside("xmtj"),
        i_read_bias=Probe("i", ("vread",)), i_supply=Probe("i", ("vddc",)),
        i_thh=Probe("i", ("vthh",)) if thresholds else None, i_thl=Probe("i", ("vthl",)) if thresholds else None,
        i_reset=Probe("i", ("vsrs",)) if reset else None)


# The divider, solved by hand. A driver pushes I_D = 0.6 mA into node drv; the trim source draws
# i_trim = 50 uA out of it; the rest (i_src, sensed) splits between the gate switch R_G = 200 Ohm to
# t1 and the steering switch R_S = 2 kOhm to ground. The read rail (v_read = 1 V) feeds t1 through
# the read switch R_R = 500 Ohm; the junction R_J = 1.5 kOhm joins t1 to t2; t2 goes to ground
# through R_ref = 1 kOhm and the ground switch R_GS = r_on = 250 Ohm (200 Ohm together).
I_D, R_G, R_S, R_R, R_J, R_GS = 0.6e-3, 200.0, 2000.0, 500.0, 1500.0, 250.0


def solve_divider(c: NeuronCircuit) -> dict[str, float]:
    """Node voltages (V) and branch currents (A) of the divider by nodal analysis (3 unknowns)."""
    r_t2 = 1.0 / (1.0 / c.r_ref + 1.0 / R_GS)
    # unknowns: V(drv), V(t1), V(t2); KCL at each node, currents leaving = sources entering
    G = np.array([[1 / R_G + 1 / R_S, -1 / R_G, 0.0],
                  [-1 / R_G, 1 / R_G + 1 / R_R + 1 / R_J, -1 / R_J],
                  [0.0, -1 / R_J, 1 / R_J + 1 / r_t2]])
    rhs = np.array([I_D - c.i_trim, c.v_read / R_R, 0.0])
    vdrv, v1, v2 = np.linalg.solve(G, rhs)
    return {"vdrv": vdrv, "v1": v1, "v2": v2, "i_gate": (vdrv - v1) / R_G, "i_steer": vdrv / R_S,
            "i_rd": (c.v_read - v1) / R_R, "i_j": (v1 - v2) / R_J, "i_ref": v2 / c.r_ref, "i_gnd": v2 / R_GS}


def waves(c: NeuronCircuit, s: dict[str, float], supply: np.ndarray, t: np.ndarray, thh: float = 0.0,
          thl: float = 0.0, reset: float | None = None) -> Waveforms:
    """What the deck writes, with SPICE's signs: a V source's current enters its + terminal, so the
    rails that deliver current report it negative; sense sources report the current they carry."""
    k = t.size
    sig = {"v(t1)": s["v1"], "v(t2)": s["v2"], "v(drv)": s["vdrv"], "v(spk_p)": 0.0, "v(spk_n)": 0.0,
           "v(xmtj.my)": 0.0, "i(vsi)": s["i_gate"] + s["i_steer"], "i(vsin)": s["i_gate"], "i(vsg)": s["i_gnd"],
           "i(v.xmtj.vsense)": s["i_j"], "i(vread)": -s["i_rd"], "i(vthh)": -thh, "i(vthl)": -thl}
    out = {key: np.full(k, float(v)) for key, v in sig.items()}
    out["i(vddc)"] = -supply
    if reset is not None:
        out["i(vsrs)"] = np.full(k, reset)
    return Waveforms(t, out)


def test_the_hand_solved_divider_obeys_kirchhoff() -> None:
    # The reference itself: the currents close at every node (a check of the solve, 1e-15 A).
    c = circuit()
    s = solve_divider(c)
    assert s["i_gate"] + s["i_steer"] == pytest.approx(I_D - c.i_trim, abs=1e-15)
    assert s["i_gate"] + s["i_rd"] == pytest.approx(s["i_j"], abs=1e-15)
    assert s["i_j"] == pytest.approx(s["i_ref"] + s["i_gnd"], abs=1e-15)
    # and the numbers are the ones of an honest divider (all currents flow the way drawn)
    assert min(s["i_gate"], s["i_steer"], s["i_rd"], s["i_j"], s["i_gnd"]) > 0


def test_energy_of_a_divider_with_known_currents() -> None:
    c = circuit()
    s = solve_divider(c)
    t = np.linspace(0.0, T_RUN, 401)
    i_sup = 40e-6  # A, a constant comparator supply current
    thh, thl = 3e-6, 7e-6  # A drawn from the threshold rails
    e = neuron_energy(waves(c, s, np.full(t.size, i_sup), t, thh, thl), c, probes())
    P = {  # W, element by element
        "junction": (s["v1"] - s["v2"]) * s["i_j"],
        "readout_divider": s["i_rd"] ** 2 * R_R + s["v2"] ** 2 / c.r_ref + s["v2"] ** 2 / R_GS,
        "input_gating": s["i_gate"] ** 2 * R_G + s["vdrv"] ** 2 / R_S,
        "comparators": c.vdd * i_sup + c.v_thh_rail * thh + c.v_thl_rail * thl,
        "reset_circuit": 0.0,
    }
    for part, p in P.items():
        assert e.parts[part] == pytest.approx(p * T_RUN, rel=1e-12, abs=1e-30), part
    # the ground switch's own share is large enough that leaving it out cannot hide in the tolerance
    assert s["v2"] ** 2 / R_GS > 0.1 * P["readout_divider"]
    src = {"input": s["vdrv"] * I_D, "read_trim": -s["vdrv"] * c.i_trim, "read_bias": c.v_read * s["i_rd"],
           "comparator_supply": c.vdd * i_sup, "thresholds": c.v_thh_rail * thh + c.v_thl_rail * thl}
    assert set(e.sources) == set(src)
    for name, p in src.items():
        assert e.sources[name] == pytest.approx(p * T_RUN, rel=1e-12), name
    # energy is conserved: what the sources deliver is what the parts dissipate
    assert sum(e.sources.values()) == pytest.approx(sum(e.parts.values()), rel=1e-12)


def test_comparator_energy_at_a_known_duty() -> None:
    # A comparator that draws 120 uA while its output is high and 10 uA while low, high for 30 % of
    # each 1 ns clock, over 20 clocks: E = vdd (0.3 * 120 + 0.7 * 10) uA x 20 ns. The edges are
    # 1e-18 s steps, so the trapezoid's error is below 1e-8 relative.
    c = circuit(vdd=0.9)
    s = solve_divider(c)
    period, duty, i_hi, i_lo = 1e-9, 0.3, 120e-6, 10e-6
    edges = np.concatenate([[k * period, k * period + duty * period] for k in range(20)])
    t = np.unique(np.concatenate([[0.0, T_RUN], edges, edges + 1e-18]))
    t = t[t <= T_RUN]
    high = (t % period) < duty * period - 1e-21
    supply = np.where(high, i_hi, i_lo)
    e = neuron_energy(waves(c, s, supply, t), c, probes(thresholds=False))
    want = c.vdd * (duty * i_hi + (1 - duty) * i_lo) * T_RUN
    assert e.sources["comparator_supply"] == pytest.approx(want, rel=1e-8)
    assert e.parts["comparators"] == pytest.approx(want, rel=1e-8)
    assert e.sources["thresholds"] == 0.0  # behavioral comparators on shared rails draw nothing here
    assert all(type(v) is float for v in (*e.sources.values(), *e.parts.values()))  # J, as floats


def test_active_reset_source_delivers_v1_times_its_current() -> None:
    # The active reset is an ideal current source into t1: it delivers V(t1) x i (and dissipates nothing
    # itself: its part is 0).
    c = circuit(reset="active", i_reset=1e-4)
    s = solve_divider(c)
    t = np.linspace(0.0, T_RUN, 11)
    e = neuron_energy(waves(c, s, np.zeros(t.size), t, reset=-2e-5), c, probes(reset=True))
    assert e.sources["reset"] == pytest.approx(s["v1"] * -2e-5 * T_RUN, rel=1e-12)
    assert e.parts["reset_circuit"] == 0.0


def test_trapezoid_integral() -> None:
    # exact for piecewise-linear integrands: int_0^2 (3 t) dt = 6, int of a triangle 0-1-0 over [0, 2] = 1
    assert integral(np.array([0.0, 1.0, 2.0]), np.array([0.0, 3.0, 6.0])) == pytest.approx(6.0, rel=1e-15)
    assert integral(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.0])) == pytest.approx(1.0, rel=1e-15)
    # non-uniform steps
    assert integral(np.array([0.0, 0.5, 2.0]), np.array([2.0, 2.0, 2.0])) == pytest.approx(4.0, rel=1e-15)


def test_input_clamp_takes_its_share_from_the_input_gating() -> None:
    # The divider with the input clamp conducting: a sense source from drv carries I_CL = 0.1 mA into the
    # clamp's diodes and rails (held here as an ideal sink), so KCL at drv reads
    # I_D - i_trim = i_gate + i_steer + I_CL. The clamp dissipates V(drv) I_CL; the gating keeps its two
    # resistors only; the sources are unchanged in form. Piecewise-constant power: rounding tolerances.
    I_CL = 1e-4
    c = circuit()
    r_t2 = 1.0 / (1.0 / c.r_ref + 1.0 / R_GS)
    G = np.array([[1 / R_G + 1 / R_S, -1 / R_G, 0.0],
                  [-1 / R_G, 1 / R_G + 1 / R_R + 1 / R_J, -1 / R_J],
                  [0.0, -1 / R_J, 1 / R_J + 1 / r_t2]])
    vdrv, v1, v2 = np.linalg.solve(G, np.array([I_D - c.i_trim - I_CL, c.v_read / R_R, 0.0]))
    s = {"vdrv": vdrv, "v1": v1, "v2": v2, "i_gate": (vdrv - v1) / R_G, "i_steer": vdrv / R_S,
         "i_rd": (c.v_read - v1) / R_R, "i_j": (v1 - v2) / R_J, "i_gnd": v2 / R_GS}
    t = np.linspace(0.0, T_RUN, 101)
    w = waves(c, s, np.zeros(t.size), t)
    data = {k: w[k] for k in ("v(t1)", "v(t2)", "v(drv)", "v(spk_p)", "v(spk_n)", "v(xmtj.my)", "i(vsin)", "i(vsg)",
                              "i(v.xmtj.vsense)", "i(vread)", "i(vthh)", "i(vthl)", "i(vddc)")}
    data["i(vsi)"] = np.full(t.size, s["i_gate"] + s["i_steer"] + I_CL)
    data["i(vscl)"] = np.full(t.size, I_CL)
    p = probes()
    p = NeuronProbes(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, "i_clamp": Probe("i", ("vscl",))})
    e = neuron_energy(Waveforms(t, data), c, p)
    assert e.parts["input_clamp"] == pytest.approx(vdrv * I_CL * T_RUN, rel=1e-12)
    assert e.parts["input_gating"] == pytest.approx((s["i_gate"] ** 2 * R_G + vdrv**2 / R_S) * T_RUN, rel=1e-12)
    assert e.sources["input"] == pytest.approx(vdrv * I_D * T_RUN, rel=1e-12)
    assert sum(e.sources.values()) == pytest.approx(sum(e.parts.values()), rel=1e-12)
    assert vdrv * I_CL > 0.05 * (s["i_gate"] ** 2 * R_G + vdrv**2 / R_S)  # a share no tolerance hides


def test_threshold_dacs_dissipate_what_their_full_scale_sources_deliver() -> None:
    # Each threshold DAC is a resistor string across its full-scale source (v_read = 1 V): strings of
    # 20 kOhm (high threshold) and 40 kOhm (low) draw 50 uA and 25 uA, which SPICE reports negative at
    # the sources. Each source delivers v_read x I x T and the string dissipates all of it; the other
    # parts do not change. Constant power: rounding tolerances (1e-12).
    c = circuit()
    s = solve_divider(c)
    t = np.linspace(0.0, T_RUN, 21)
    i_hi, i_lo = c.v_read / 20e3, c.v_read / 40e3
    base = waves(c, s, np.zeros(t.size), t)
    data = {k: base[k] for k in ("v(t1)", "v(t2)", "v(drv)", "v(spk_p)", "v(spk_n)", "v(xmtj.my)", "i(vsi)", "i(vsin)",
                                 "i(vsg)", "i(v.xmtj.vsense)", "i(vread)", "i(vthh)", "i(vthl)", "i(vddc)")}
    data["i(vdach)"], data["i(vdacl)"] = np.full(t.size, -i_hi), np.full(t.size, -i_lo)
    w = Waveforms(t, data)
    plain = neuron_energy(w, c, probes())
    assert "threshold_dac" not in plain.parts and "threshold_dac" not in plain.sources  # no DACs, no entry
    p = probes()
    both = neuron_energy(w, c, NeuronProbes(**{**p.__dict__, "i_dac_hi": Probe("i", ("vdach",)),
                                              "i_dac_lo": Probe("i", ("vdacl",))}))
    want = c.v_read * (i_hi + i_lo) * T_RUN
    assert both.sources["threshold_dac"] == pytest.approx(want, rel=1e-12)
    assert both.parts["threshold_dac"] == pytest.approx(want, rel=1e-12)
    assert {k: v for k, v in both.parts.items() if k != "threshold_dac"} == plain.parts
    hi = neuron_energy(w, c, NeuronProbes(**{**p.__dict__, "i_dac_hi": Probe("i", ("vdach",))}))
    lo = neuron_energy(w, c, NeuronProbes(**{**p.__dict__, "i_dac_lo": Probe("i", ("vdacl",))}))
    assert hi.parts["threshold_dac"] == pytest.approx(c.v_read * i_hi * T_RUN, rel=1e-12)
    assert lo.sources["threshold_dac"] == pytest.approx(c.v_read * i_lo * T_RUN, rel=1e-12)
