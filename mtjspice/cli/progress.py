"""Progress bars on stderr for long sweeps, drawn by tqdm (redrawn in place on a terminal,
printed as occasional lines in a log)."""

from __future__ import annotations

import sys
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
        False draws nothing (``--quiet``).
    """

    def __init__(self, total: int, label: str = "", stream: TextIO | None = None, enabled: bool = True) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=max(1, int(total)), desc=label, file=sys.stderr if stream is None else stream,
                         disable=not enabled, mininterval=0.5, dynamic_ncols=True)

    def update(self, k: int = 1) -> None:
        """Mark ``k`` more items done."""
        self._bar.update(k)

    def set(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` items (when the total is known only once work starts)."""
        self._bar.total = max(1, int(total))
        self._bar.n = int(done)
        self._bar.refresh()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._bar.close()
