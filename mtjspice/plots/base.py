"""Helpers shared by every figure. matplotlib is imported inside each function, never at package import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["new_figure", "save"]


def new_figure(rows: int = 1, cols: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure on the non-interactive Agg backend and its axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(rows, cols, **kw)


def save(fig: Any, path: str | Path) -> None:
    """Save and close a figure.

    Every text is drawn as it is: a ``$`` in a device or file name is not matplotlib mathtext
    (an unbalanced one would fail the figure, a balanced one would garble the name)."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    import matplotlib.pyplot as plt

    plt.close(fig)
