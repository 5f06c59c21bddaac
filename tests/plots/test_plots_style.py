"""House style of the figures: one colour per sign, mathtext in tick labels, integer bins for counts,
spreads named sigma (mtjspice/plots/base.py and the figures that use it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mtjspice.plots import base


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The figures the plots save, kept open after saving (base.save closes them)."""
    figs: list[Any] = []
    real = base.save

    def keep(fig: Any, path: str | Path) -> None:
        real(fig, path)
        figs.append(fig)  # closed, but its artists stay readable

    monkeypatch.setattr(base, "save", keep)
    for mod in ("neuron", "array", "network", "power", "fit"):
        monkeypatch.setattr(f"mtjspice.plots.{mod}.save", keep)
    return figs


def test_log_tick_labels_keep_mathtext_and_names_stay_literal(tmp_path: Path) -> None:
    fig, ax = base.new_figure()
    ax.loglog([1, 10, 100], [1e-9, 1e-10, 1e-12])
    ax.set_title("dev$ice $x$ name")  # a name with dollars: drawn as it is
    base.save(fig, tmp_path / "p.png")
    ticks = [t for t in ax.yaxis.get_ticklabels() if "$" in t.get_text()]
    assert ticks, "log ticks are written as mathtext by matplotlib"
    assert all(t.get_parse_math() for t in ticks)  # drawn as 10^-9, not as the code
    assert not ax.title.get_parse_math()


def test_tick_labels_given_as_names_stay_literal(tmp_path: Path) -> None:
    fig, ax = base.new_figure()
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0, 1], ["dev$a", "x$b$c"])  # an unbalanced $ would fail mathtext; a balanced one garbles
    base.save(fig, tmp_path / "p.png")
    named = [t for t in ax.yaxis.get_ticklabels() if "$" in t.get_text()]
    assert len(named) == 2 and not any(t.get_parse_math() for t in named)


def test_count_bins_hold_whole_counts() -> None:
    edges = base.count_bins(np.array([3, 4, 4, 7]))
    assert np.allclose(edges, [2.5, 3.5, 4.5, 5.5, 6.5, 7.5])
    wide = base.count_bins(np.array([0, 1000]))
    width = np.diff(wide)
    assert np.allclose(width, width[0]) and width[0] == round(width[0]) and width[0] >= 1
    assert np.allclose(wide % 1, 0.5)


def test_trials_histogram_bins_counts_in_whole_numbers_and_names_sigma(tmp_path: Path, kept: list[Any]) -> None:
    from mtjspice.analysis.trials import TRIAL_COLUMNS
    from mtjspice.plots.neuron import plot_trials

    rng = np.random.default_rng(1)
    table = np.full((12, len(TRIAL_COLUMNS)), 1e-9)
    table[:, TRIAL_COLUMNS.index("spikes")] = rng.integers(3, 8, 12)
    plot_trials(table, TRIAL_COLUMNS, tmp_path / "t.png", "12 trials")
    ax = kept[0].axes[0]
    widths = {round(p.get_width(), 9) for p in ax.patches}
    lefts = {round(p.get_x() % 1, 9) for p in ax.patches}
    assert widths == {1.0} and lefts == {0.5}  # one bin per whole count, centred on it
    texts = " ".join(t.get_text() for a in kept[0].axes for t in [a.title, *a.get_legend().get_texts()]
                     if a.get_legend() is not None)
    assert "sigma" in texts


def _colours(ax: Any) -> dict[str, str]:
    from matplotlib.colors import to_hex

    out = {}
    for line in ax.get_lines():
        out[line.get_label()] = to_hex(line.get_color())
    for coll in ax.collections:
        if coll.get_label() and len(coll.get_facecolor()):
            out[coll.get_label()] = to_hex(coll.get_facecolor()[0])
    return out


def test_positive_and_negative_have_one_colour_in_every_figure(tmp_path: Path, kept: list[Any]) -> None:
    from matplotlib.colors import to_hex

    from mtjspice.plots.array import plot_raster
    from mtjspice.plots.neuron import plot_fi
    from mtjspice.results import Raster

    pos, neg = to_hex(base.POSITIVE), to_hex(base.NEGATIVE)
    assert pos != neg
    plot_raster(Raster(np.array([0, 1]), np.array([1e-9, 2e-9]), np.array([1, -1])), 2, 3e-9, tmp_path / "r.png")
    plot_fi(np.array([[1e-3, 1e8, 0], [-1e-3, 1e8, 0]]), tmp_path / "f.png")
    raster, fi = _colours(kept[0].axes[0]), _colours(kept[1].axes[0])
    assert raster["positive"] == pos and raster["negative"] == neg
    assert fi["+I (positive spikes)"] == pos and fi["-I (negative spikes)"] == neg


def test_an_accuracy_of_one_image_is_drawn_as_its_interval_not_a_full_bar(tmp_path: Path, kept: list[Any]) -> None:
    from mtjspice.analysis.stats import wilson_interval
    from mtjspice.plots.network import plot_accuracy

    counts = [(50, 60), (1, 1)]
    ci = [tuple(100 * x for x in wilson_interval(k, n)) for k, n in counts]
    plot_accuracy(["ideal signed LIF", "neuron arrays in ngspice"], [k for k, _ in counts], [n for _, n in counts], ci,
                  tmp_path / "a.png", "digits")
    ax = kept[0].axes[0]
    from matplotlib.patches import Rectangle

    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 50]
    assert not bars  # no bar from 0 to 100 %
    segments = [seg for coll in ax.collections for seg in coll.get_segments()]
    spans = sorted((round(float(min(s[:, 0])), 1), round(float(max(s[:, 0])), 1)) for s in segments)
    assert (round(ci[1][0], 1), 100.0) in spans and ci[1][0] < 25  # the one image: 20.7 to 100 %
    words = " ".join(t.get_text() for t in ax.texts)
    assert "1/1 images" in words and "50/60 images" in words
