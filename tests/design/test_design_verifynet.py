"""The verification's networks (mtjspice.design.verifynet): the variation-aware training's pool is
measured on devices that are not the network's own, and a shrunk run keeps every junction under
breakdown and takes its drop from the better of its two ideal runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtjspice.design.verify import VerifySpec
from mtjspice.variation import VariationSpec

DESIGN = Path(__file__).resolve().parents[1] / "data" / "design_b53s"
SPEC = VariationSpec.parse("L=1n,W=1n,T=0.5n,Ms=3%,RA=5%")


def _design():  # type: ignore[no-untyped-def]
    from mtjspice.circuits.settings import NeuronSettings
    from mtjspice.io.settingsfile import read_settings
    from mtjspice.montecarlo.robust import robust_table
    from mtjspice.params import load_device

    dev = load_device(str(DESIGN / "device.toml"))
    settings = NeuronSettings(**read_settings(DESIGN / "settings.toml"))
    return dev, settings, robust_table(dev.replace(**{"field.Ku": 0.0}), SPEC)


@pytest.mark.parametrize(("kw", "needle"), [({"hidden": 0}, "hidden"), ({"hidden": 2.5}, "hidden"),
                                            ({"split": "train"}, "split"), ({"chips": 0}, "chips"),
                                            ({"train_seed": -1}, "train_seed"), ({"window": 45e-9}, "window"),
                                            ({"window": 5e-9}, "window"), ({"window": 2e-6}, "window"),
                                            ({"window": 20e-9}, "window"), ({"per_class": 0}, "per_class"),
                                            ({"per_class": 17}, "per_class"), ({"per_class": 1.5}, "per_class")])
def test_network_options_are_checked(kw: dict, needle: str) -> None:
    from mtjspice.errors import ParameterError

    with pytest.raises(ParameterError, match=f"^{needle}: got"):
        VerifySpec(SPEC, 0.54e-3, **kw)


def test_a_window_shorter_than_the_saccades_is_refused_only_with_the_event_task() -> None:
    from mtjspice.errors import ParameterError
    from mtjspice.network.tasks import Saccades

    with pytest.raises(ParameterError, match="^window: got 3.68e-08; allowed: a window that holds the event task's "
                                             "saccades \\(>= 3.72e-08 s"):
        VerifySpec(SPEC, 0.54e-3, window=36.8e-9)
    assert Saccades().end() <= 37.2e-9
    VerifySpec(SPEC, 0.54e-3, window=37.2e-9)  # the shortest window the saccades fit in
    VerifySpec(SPEC, 0.54e-3, window=1.0000000000000002e-06)  # 1000n as parsed: the longest window
    VerifySpec(SPEC, 0.54e-3, window=20e-9, tasks=("digits",))
    VerifySpec(SPEC, 0.54e-3, window=20e-9, images=0)  # no networks: no window to hold them


@pytest.mark.parametrize(("argv", "expected"), [
    (["--hidden", "0"], "mtjspice verify: error: --hidden: got '0'; allowed: a whole number >= 1 and <= 1024"),
    (["--hidden", "wide"], "mtjspice verify: error: --hidden: got 'wide'; allowed: "),
    (["--hidden", "4096"], "mtjspice verify: error: --hidden: got '4096'; allowed: a whole number >= 1 and <= 1024"),
    (["--window", "45n"], "mtjspice verify: error: --window: got 4.5"),
    (["--window", "0"], "mtjspice verify: error: --window: got '0'; allowed: "),
    (["--chips", "0"], "mtjspice verify: error: --chips: got '0'; allowed: a whole number >= 1"),
    (["--split", "train"], "mtjspice verify: error: --split: got 'train'; allowed: 'test' or 'validation'"),
    (["--calibrate-readout", "--tasks", "events"],
     "mtjspice verify: error: --tasks: got 'events'; allowed: a list with digits when the readout is calibrated"),
    (["--per-class", "0"], "mtjspice verify: error: --per-class: got '0'; allowed: a whole number >= 1"),
    (["--per-class", "17"], "mtjspice verify: error: --per-class: got '17'; allowed: a whole number >= 1 and <= 16"),
])
def test_a_bad_network_option_is_one_line_and_writes_nothing(argv: list[str], expected: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from mtjspice.cli import main

    try:  # argparse's own checks exit; the specification's are returned by main
        code = main(["verify", str(DESIGN), *argv, "--out", str(tmp_path / "v")])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith(expected), err
    assert not (tmp_path / "v").exists()


@pytest.mark.parametrize(("line", "expected"), [
    ('drive = "0.539m"', "drive: got '0.539m'; allowed: a number > 0, the test input in A"),
    ('seed = "11"', "seed: got '11'; allowed: an integer >= 0"),
    ("seed = 1.5", "seed: got 1.5; allowed: an integer >= 0"),
    ("seed = -3", "seed: got -3; allowed: an integer >= 0"),
    ("drive = -0.5e-3", "drive: got -0.0005; allowed: a number > 0"),
    ("dac_bits = 20", "dac_bits: got 20; allowed: an integer from 1 to 16"),
    ("trim = 1", "trim: got 1; allowed: "),
    ('dac_bits = "8"', "dac_bits: got '8'; allowed: an integer"),
    ("offset_sigma = true", "offset_sigma: got True; allowed: a number"),
    ("sigma = 1", "sigma: got 1; allowed: a variation spec as a string"),
])
def test_a_design_file_value_of_the_wrong_type_is_one_line_naming_the_file(
        line: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from mtjspice.cli import main

    d = tmp_path / "d"
    shutil.copytree(DESIGN, d)
    key = line.split(" =")[0]
    text = (d / "design.toml").read_text()
    (d / "design.toml").write_text("\n".join(line if ln.startswith(f"{key} =") else ln for ln in text.splitlines()))
    assert line in (d / "design.toml").read_text()
    code = main(["verify", str(d), "--out", str(tmp_path / "v")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"mtjspice verify: error: {d / 'design.toml'}: {expected}"), err
    assert not (tmp_path / "v").exists()


def test_the_pool_is_never_the_network_under_test() -> None:
    from mtjspice.design.verifynet import POOL_GRID, POOL_OFFSET

    vs = VerifySpec(SPEC, 0.54e-3)
    assert POOL_OFFSET > vs.device_samples + vs.circuit_samples + 10 * (vs.hidden + 10 * vs.per_class)
    assert POOL_GRID[0] == 0.0 and POOL_GRID[-1] >= 1.2  # every sampled clamp of the spec on the grid


@pytest.mark.slow
def test_a_shrunk_network_run_is_safe_and_judged_against_the_better_ideal() -> None:
    from mtjspice.design.verifynet import network_level

    dev, settings, table = _design()
    vs = VerifySpec(SPEC, 0.5391e-3, trim="dac", circuit_samples=0, images=8, tasks=("digits",), hidden=6,
                    epochs=4, pool=6)
    (part,) = network_level(dev, settings, vs, table)
    v = part.values
    assert v["over_breakdown"] == 0.0 and 0.0 < v["v_junction_max"] <= settings.v_clamp + 1e-9
    best = max(v["accuracy_ideal"], v["accuracy_ideal_own"])
    assert v["drop_points"] == pytest.approx(100 * (best - v["accuracy_sampled"]), abs=1e-9)
    assert v["pool"] == 6.0 and v["images"] == 8.0
    assert v["accuracy_sampled_lo"] <= v["accuracy_sampled"] <= v["accuracy_sampled_hi"]
    n = 6 + 10 * vs.per_class  # 6 hidden, per_class (default 3) output neurons per class
    assert np.array_equal(part.columns["index"], np.arange(n))  # samples 0..n-1: the network's own
    assert v["validation_split"] == 0.0 and v["hidden"] == 6.0 and v["per_class"] == vs.per_class == 3


@pytest.mark.slow
def test_the_networks_run_and_train_over_the_chosen_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """--window reaches the task, the trainings and the runs: a 20 ns window halves the grid of
    every network signal, and the result states the window."""
    from mtjspice.design import verifynet
    from mtjspice.network import infer

    dev, settings, table = _design()
    seen: list[int] = []
    real = infer.hidden_currents

    def spy(task, index, bars, timing):  # type: ignore[no-untyped-def]
        out = real(task, index, bars, timing)
        seen.append(out.shape[0])
        return out

    monkeypatch.setattr(infer, "hidden_currents", spy)
    vs = VerifySpec(SPEC, 0.5391e-3, trim="dac", circuit_samples=0, images=4, tasks=("digits",), hidden=4,
                    epochs=2, pool=4, window=20e-9)
    (part,) = verifynet.network_level(dev, settings, vs, table)
    assert part.values["inference_window"] == 20e-9 and part.units["inference_window"] == "s"
    assert seen and set(seen) == {2001}  # 20 ns of 10 ps steps, both ends: every run on the short window


@pytest.mark.slow
def test_a_validation_run_on_two_chips_states_the_spread() -> None:
    """On the validation split (held out of training) the networks run on validation images; a
    second chip (samples 16..31, the same weights) gives the drop's spread, chip 0's drop is the
    one reported. One output neuron per class: the network as it was before populations."""
    from mtjspice.design.verifynet import network_level

    dev, settings, table = _design()
    vs = VerifySpec(SPEC, 0.5391e-3, trim="dac", circuit_samples=0, images=8, tasks=("digits",), hidden=6,
                    epochs=4, pool=6, split="validation", chips=2, per_class=1)
    (part,) = network_level(dev, settings, vs, table)
    v = part.values
    assert v["validation_split"] == 1.0 and v["chips"] == 2.0
    assert np.array_equal(part.columns["index"], np.arange(32))  # two chips of 6 + 10 devices
    best = max(v["accuracy_ideal"], v["accuracy_ideal_own"])
    drops = [100 * (best - v[f"accuracy_sampled_chip{k}"]) for k in range(2)]
    assert v["drop_points"] == pytest.approx(drops[0], abs=1e-9)
    assert v["drop_points_worst"] == pytest.approx(max(drops)) and v["drop_points_min"] == pytest.approx(min(drops))
    assert v["drop_points_mean"] == pytest.approx(np.mean(drops))
    assert v["over_breakdown"] == 0.0 and v["v_junction_max"] <= settings.v_clamp + 1e-9


def test_the_report_names_the_split_and_the_chips_spread() -> None:
    from mtjspice.design.verify import Part
    from mtjspice.design.verifyreport import _markdown, rows_of

    v = {"accuracy_ideal": 0.95, "accuracy_ideal_own": 0.94, "accuracy_sampled": 0.93, "accuracy_sampled_lo": 0.9,
         "accuracy_sampled_hi": 0.95, "images": 288.0, "drop_points": 2.0, "validation_split": 1.0, "chips": 3.0,
         "drop_points_min": 1.0, "drop_points_worst": 4.0, "drop_points_mean": 2.5, "over_breakdown": 0.0,
         "clamped_share": 0.6, "pool": 64.0, "inference_window": 60e-9, "hidden": 64.0, "per_class": 3.0}
    text = _markdown([Part("network_digits", v, {}, {}, 1.0)], {}, {})
    assert ("on 288 validation images over a 60 ns window, 64 hidden and 30 output neurons (3 per class): "
            "2.0 points below the better ideal (over 3 sampled chips") in text
    assert "1.0 to 4.0, mean 2.5" in text
    met = {r[1]: r[5] for r in rows_of([Part("network_digits", v, {}, {}, 1.0)])}
    assert met["drop_points"] == "yes"  # chip 0's drop is the one judged
    text = _markdown([Part("network_digits", {**v, "validation_split": 0.0}, {}, {}, 1.0)], {}, {})
    assert "288 test images" in text


@pytest.mark.slow
@pytest.mark.parametrize("per_class", [1, 2])
def test_the_readout_calibration_fits_the_chip_on_training_images_only(per_class: int) -> None:
    """The per-chip readout calibration (an option): the chip's hidden layer runs on the training
    images (all of them, none of the validation or test ones), the output crossbar alone is
    retrained and fits the chip's own responses better than the deployed one; the event task is
    refused."""
    from dataclasses import replace

    from mtjspice.circuits.settings import resolve
    from mtjspice.design.calibrate import calibrate_readout
    from mtjspice.design.verifynet import POOL_GRID, _chip, _limits, _sampled, _thresholds, safe_current
    from mtjspice.errors import ParameterError
    from mtjspice.network.infer import deploy, effective
    from mtjspice.network.rates import RateCurve
    from mtjspice.network.settings import Timing
    from mtjspice.network.tasks import load_task
    from mtjspice.network.train import TrainSettings, train
    from mtjspice.physics.llgs import junction_resistance

    dev, settings, _table = _design()
    tm = Timing()
    vs = VerifySpec(SPEC, 0.5391e-3, trim="dac", circuit_samples=0, hidden=4, tasks=("digits",))
    c = resolve(dev, replace(settings, dac_bits=None))
    c = replace(c, clock_period=round(c.clock_period / tm.dt) * tm.dt)
    i_read = c.v_read / (junction_resistance(dev, 0.0) + c.r_ref + c.r_on)
    n = 4 + 10 * per_class
    vs = replace(vs, per_class=per_class)
    devs, idx, _ = _sampled(dev, SPEC, vs.seed, 0, n)
    chip = _chip(dev, c, i_read, vs, 0, devs, _thresholds(devs, idx, c, settings, vs), _limits(dev, settings, devs),
                 np.ones(n))
    task = load_task("digits", vs.seed, tm, split="validation")
    task = replace(task, x_train=task.x_train[:96], y_train=task.y_train[:96])  # a short calibration
    i_safe = safe_current(dev, settings)
    curve = RateCurve.from_rates(POOL_GRID * i_safe, np.clip((POOL_GRID - 0.2) * 6e8, 0, 3.5e8))
    bars = deploy(train(task, curve, tm, TrainSettings(hidden=4, epochs=3, per_class=per_class), seed=1))
    assert bars.output.shape == (5, 10 * per_class)
    cal = calibrate_readout(task, bars, chip, tm, POOL_GRID * i_safe, epochs=30, seed=1)
    assert cal.images == 96
    assert np.allclose(effective(cal.bars.hidden, bars.crossbar), effective(bars.hidden, bars.crossbar))
    assert not np.allclose(cal.bars.output, bars.output)
    assert cal.train_accuracy > cal.train_accuracy_before
    with pytest.raises(ParameterError, match="^calibrate: got 'events'"):
        calibrate_readout(load_task("events", vs.seed, tm), bars, chip, tm, POOL_GRID * i_safe)


@pytest.mark.parametrize("per_class", [1, 3])
def test_the_readout_calibrations_gradient_matches_finite_differences_of_its_loss(per_class: int) -> None:
    """calibrate.readout_gradient against central differences of its own loss, with a linear curve
    (its surrogate slope is its true slope) and k output neurons per class (the class's mean)."""
    from mtjspice.design.calibrate import readout_gradient
    from mtjspice.network.rates import RateCurve

    rng = np.random.default_rng(1)
    cur = np.linspace(0.0, 20e-3, 401)
    curve = RateCurve(cur, 5e11 * cur, np.full_like(cur, 5e11), 5e11 * cur)  # 0.5 GHz per mA
    rows = rng.uniform(0.0, 0.3, (6, 5))  # V
    target = np.eye(10)[[0, 3, 5, 7, 9, 2]]
    g = rng.normal(0.0, 0.5, (6, 10 * per_class))  # mS
    loss, grad = readout_gradient(rows, target, g, curve, 0.5, 60.0)
    assert np.isfinite(loss) and grad.shape == g.shape
    eps = 1e-6
    for idx in [(0, 0), (2, 4), (5, 10 * per_class - 1), (1, 10 * per_class // 2)]:  # the bias row, the last column
        hi, lo = g.copy(), g.copy()
        hi[idx] += eps
        lo[idx] -= eps
        num = (readout_gradient(rows, target, hi, curve, 0.5, 60.0)[0]
               - readout_gradient(rows, target, lo, curve, 0.5, 60.0)[0]) / (2 * eps)
        assert abs(num - grad[idx]) <= 1e-5 * max(abs(num), 1e-3), (idx, num, grad[idx])
