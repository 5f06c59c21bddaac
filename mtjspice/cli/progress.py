"""A tiny text progress bar on stderr, for long sweeps (no dependency).

``with Progress(total, "window") as bar: ... bar.update(k)`` draws
``window [#########...........]  450/1000  12.3 s`` on one line, redrawn in place when stderr is
a terminal and printed at most every 10 % otherwise (so logs stay short).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """A progress bar over ``total`` items.

    Parameters
    ----------
    total : int
        Number of items (>= 1).
    label : str
        Text before the bar.
    stream : file, optional
        Where to draw; default ``sys.stderr``.
    enabled : bool
        False draws nothing (for quiet library use).
    width : int
        Bar width in characters.
    """

    def __init__(self, total: int, label: str = "", stream: TextIO | None = None, enabled: bool = True,
                 width: int = 30) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.width = width
        self.done = 0
        self._t0 = time.perf_counter()
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_decile = -1

    def update(self, k: int = 1) -> None:
        """Mark ``k`` more items done and redraw."""
        self.done = min(self.total, self.done + k)
        self._draw()

    def _draw(self, final: bool = False) -> None:
        if not self.enabled:
            return
        frac = self.done / self.total
        decile = int(frac * 10)
        if not self._tty and not final and decile == self._last_decile:
            return
        self._last_decile = decile
        fill = round(frac * self.width)
        line = (f"{self.label} [{'#' * fill}{'.' * (self.width - fill)}] "
                f"{self.done}/{self.total}  {time.perf_counter() - self._t0:.1f} s")
        self.stream.write(("\r" + line) if self._tty else (line + "\n"))
        self.stream.flush()

    def __enter__(self) -> Progress:
        self._draw()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.enabled and self._tty:
            self.stream.write("\n")
            self.stream.flush()
