"""The device knobs that need an effect of the device (``Ki``, ``taper``): which devices search them,
the one-line refusal of a knob the device lacks, and that each knob moves the physics it names."""

from __future__ import annotations

import math

import pytest

from mtjspice.constants import MU0
from mtjspice.design.neuron import design_of
from mtjspice.design.space import DEFAULT_SPACE, space_for
from mtjspice.errors import ParameterError
from mtjspice.montecarlo.onsettable import reduce
from mtjspice.params import load_device
from mtjspice.physics.batch import DeviceBatch

#: The paper's device's default space before Ki and taper existed (b53s's search ran over it).
ORTHOGONAL_KNOBS = ["W", "L", "T", "Ku", "RA", "TMR", "Ms", "drive_ratio", "read_ratio", "v_mid", "u_th",
                    "clock_period", "read_width", "t_refractory", "clamp_ratio", "trim", "dac_bits"]


def _K(device):
    return reduce(DeviceBatch.from_device(device, theta0=0.0)).K[:, 0]


def test_default_space_follows_the_device():
    assert space_for(load_device("orthogonal")).names == ORTHOGONAL_KNOBS  # no K_i, a straight pillar: unchanged
    names = space_for(load_device("cofeb_mgo")).names
    assert "Ki" in names and "taper" in names and "Ku" not in names  # Ki takes Ku's place: one anisotropy along z
    assert names == [n for n in DEFAULT_SPACE.names if n != "Ku"]
    ki = space_for(load_device("cofeb_mgo")).knob("Ki")
    assert (ki.key, ki.unit, ki.low, ki.high) == ("material.Ki_bottom", "J/m^2", 0.0, 1.3e-3)
    # a knob named in --range joins the default ones; outside --only it changes nothing
    assert "Ku" in space_for(load_device("cofeb_mgo"), ranges={"Ku": (-3e4, 0.0)}).names
    assert space_for(load_device("cofeb_mgo"), only=["L", "Ki"], ranges={"W": (9e-9, 10e-9)}).names == ["L", "Ki"]


@pytest.mark.parametrize("only,ranges,head,effect", [
    (["L", "Ki"], None, "only: got 'Ki'; allowed: knobs whose effect orthogonal has: Ki needs", "interface anisotropy"),
    (None, {"taper": (0.0, 0.05)}, "range: got 'taper=0:0.05'; allowed: knobs whose effect orthogonal has: taper needs",
     "tapered pillar"),
])
def test_a_knob_the_device_lacks_fails_with_one_line_naming_the_option(only, ranges, head, effect):
    with pytest.raises(ParameterError) as err:
        space_for(load_device("orthogonal"), only, ranges)
    text = str(err.value)
    assert "\n" not in text and text.startswith(head) and effect in text and "orthogonal has none" in text, text


def test_an_unknown_or_repeated_knob_fails_with_one_line_naming_the_option():
    with pytest.raises(ParameterError, match="^only: got 'Kx'; allowed: knobs among W, L, T, taper, Ku, Ki, "):
        space_for(load_device("cofeb_mgo"), ["Kx"])
    with pytest.raises(ParameterError, match="^range: got 'Kx=0:1'; allowed: knobs among W, L, "):
        space_for(load_device("cofeb_mgo"), None, {"Kx": (0.0, 1.0)})
    with pytest.raises(ParameterError, match="^only: got 'L,W,L'; allowed: knob names, each once"):
        space_for(load_device("cofeb_mgo"), ["L", "W", "L"])


def test_cli_refuses_ki_on_the_paper_device(tmp_path, capsys):
    pytest.importorskip("optuna")
    from mtjspice.cli import main

    out = tmp_path / "d"
    code = main(["design", "orthogonal", "--sigma", "L=1n", "--designs", "2", "--population", "2", "--samples", "10",
                 "--only", "L,Ki", "--workers", "1", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and not out.exists()
    assert len(err) == 1 and err[0].startswith("mtjspice design: error: --only: got 'Ki'; allowed: knobs whose effect "
                                               "orthogonal has: Ki needs a device with interface anisotropy"), err


def test_ki_enters_as_ki_over_t_along_z():
    """The Ki knob sets material.Ki_bottom, which the physics folds into z as an anisotropy K_i / T:
    the same anisotropy factors as Ki = 0 with Ku = K_i / T along z, to rounding."""
    dev = load_device("cofeb_mgo")
    ki = 4e-4
    a = design_of(dev, {"Ki": ki})
    b = design_of(dev, {"Ki": 0.0, "Ku": ki / dev.geometry.T})
    assert a.material.Ki_bottom == ki and a.material.Ki_top == dev.material.Ki_top
    assert _K(a) == pytest.approx(_K(b), rel=1e-12, abs=1e-15)
    # and the z factor moves by 2 K_i / (mu0 Ms^2 T) per the formula, from the nominal 1.3 mJ/m^2
    dz = _K(a)[2] - _K(dev)[2]
    assert dz == pytest.approx(2 * (dev.material.Ki_bottom - ki) / (MU0 * dev.material.Ms**2 * dev.geometry.T),
                               rel=1e-9)


def test_taper_knob_raises_nz():
    """A steeper taper (the pillar wider at the bottom) raises Nz (the budget's 2 degrees: +0.0025)."""
    dev = load_device("cofeb_mgo")
    k0, k2, k4 = (_K(design_of(dev, {"taper": math.radians(d)})) for d in (0.0, 2.0, 4.0))
    assert 0.0015 < k2[2] - k0[2] < 0.0035 and k4[2] - k2[2] > k2[2] - k0[2] > 0


def test_the_table_model_drops_only_the_current_dependent_effects():
    from mtjspice.montecarlo.robust import table_model

    paper = load_device("orthogonal")
    assert table_model(paper) is paper  # no heating, no V^2 field-like torque: its table as before
    cold = table_model(load_device("cofeb_mgo"))
    assert cold.junction.thermal_resistance == 0.0 and cold.junction.field_like_quadratic == 0.0
    assert _K(cold) == pytest.approx(_K(load_device("cofeb_mgo")), rel=1e-12)  # the same anisotropy


@pytest.mark.slow
def test_lower_ki_lowers_the_onset_from_rest():
    """The onset from rest of the realistic stack (a direct bisection of heated runs with the field-like
    torque, not the onset table) falls with its interface anisotropy: less stiffness along the easy
    axis z; and the design search's onset table (built on the device without heating and the V^2
    field-like field) agrees with the heated onset near a working onset (measured 0.439 against
    0.438 mA at 0.1 mJ/m^2)."""
    from mtjspice.characterize.onset import onset_current
    from mtjspice.montecarlo.robust import robust_table
    from mtjspice.variation import VariationSpec

    dev = load_device("cofeb_mgo")
    lo_dev, hi_dev = design_of(dev, {"Ki": 1e-4}), design_of(dev, {"Ki": 4e-4})
    lo, hi = onset_current(lo_dev, 1e-3), onset_current(hi_dev, 2e-3)
    assert math.isfinite(lo) and math.isfinite(hi)
    assert lo < 0.6 * hi
    table = robust_table(dev, VariationSpec.parse("L=1n,Ms=3%"))
    assert float(table.onset(DeviceBatch.from_device(lo_dev, theta0=0.0))[0][0]) == pytest.approx(lo, rel=0.03)
    nominal = float(table.onset(DeviceBatch.from_device(dev, theta0=0.0))[0][0])
    assert math.isfinite(nominal) and nominal > hi  # the heated table had none: g inf beyond q 0.05
