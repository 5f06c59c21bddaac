"""The two tasks, from data that ships with scikit-learn (nothing is downloaded).

* ``digits`` -- scikit-learn's bundled 8 x 8 handwritten digits (1797 images, 0..16 grey levels),
  split into train and test sets by seed (stratified, 20 % test). Each pixel drives one row with a
  DC voltage ``v_in x``, x = pixel / 16 minus the training set's mean of that pixel: a signed
  input in [-1, 1], silent where the digits' background is.
* ``events`` -- the same images as event streams, the way N-MNIST was made from MNIST (Orchard et
  al., Front. Neurosci. 9, 437 (2015)): the image moves in three straight saccades around a small
  triangle, and each pixel emits an ON (+1) event each time its intensity has risen by
  ``threshold`` since its last event, an OFF (-1) event each time it has fallen by as much. (The
  8-bit digits have exact zeros, so intensity is linear rather than a camera's log intensity.)
  Every event is a signed spike on its pixel's row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..errors import MtjspiceError, ParameterError
from .settings import Timing

__all__ = ["EVENT_SEGMENTS", "SPLITS", "TASKS", "VALIDATION_FRACTION", "Saccades", "Task", "event_features",
           "event_spikes", "load_task", "saccade_events"]

TASKS = ("digits", "events")
TaskName = Literal["digits", "events"]

#: What a task's test set is: the test split (20 % of the images), or the validation split (a
#: share of the training split, held out from training; the test split is not used at all).
SPLITS = ("test", "validation")

#: Share of the training split that ``split="validation"`` holds out (stratified, from the seed).
VALIDATION_FRACTION = 0.2


@dataclass(frozen=True)
class Saccades:
    """How the event task moves the image (N-MNIST's three saccades, scaled to 8 x 8 pixels).

    Attributes
    ----------
    path : tuple of (dy, dx)
        Corners of the closed path (pixels; +x moves the image right, +y down); it starts at the
        first and returns to it.
    steps : int
        Intensity samples per saccade (dimensionless).
    duration : float
        Length of one saccade (s).
    start : float
        Time of the first sample (s).
    threshold : float
        Intensity change per event (fraction of full scale, in (0, 1)).
    """

    path: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.5))
    steps: int = 24
    duration: float = 12e-9
    start: float = 1e-9
    threshold: float = 0.15

    def __post_init__(self) -> None:
        if len(self.path) < 2:
            raise ParameterError("path", self.path, "at least two corners (pixels)")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 1:
            raise ParameterError("steps", self.steps, "an integer >= 1")
        for name in ("duration", "start"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise ParameterError(name, v, "a time >= 0 (s)")
        if not 0 < self.threshold < 1:
            raise ParameterError("threshold", self.threshold, "a fraction of full scale in (0, 1)")

    @property
    def count(self) -> int:
        """Number of saccades."""
        return len(self.path)

    def end(self) -> float:
        """Time of the last sample (s)."""
        return self.start + self.count * self.duration


def saccade_events(images: np.ndarray, sac: Saccades) -> tuple[np.ndarray, np.ndarray]:
    """Signed events of images moved along the saccade path.

    Parameters
    ----------
    images : (n, h, w) array
        Intensities in [0, 1].
    sac : Saccades

    Returns
    -------
    times : (count * steps,) array
        Sample times (s).
    events : (count * steps, n, h * w) int array
        Signed event count of each pixel at each sample (+k: k ON events, -k: k OFF events).
    """
    from scipy.ndimage import shift

    img = np.asarray(images, dtype=float)
    if img.ndim != 3:
        raise ParameterError("images", img.shape, "an (n, h, w) array")
    ref = img.copy()
    corners = [*sac.path, sac.path[0]]
    out, times = [], []
    for s in range(sac.count):
        (y0, x0), (y1, x1) = corners[s], corners[s + 1]
        for k in range(1, sac.steps + 1):
            f = k / sac.steps
            cur = shift(img, (0.0, y0 + f * (y1 - y0), x0 + f * (x1 - x0)), order=1, mode="constant", cval=0.0)
            n_ev = np.trunc((cur - ref) / sac.threshold)
            ref += n_ev * sac.threshold
            out.append(n_ev.reshape(img.shape[0], -1).astype(np.int16))
            times.append(sac.start + s * sac.duration + f * sac.duration)
    return np.array(times), np.stack(out)


#: Segments of the event task's rate model: the window in this many equal parts.
EVENT_SEGMENTS = 8


def _event_list(images: np.ndarray, sac: Saccades, timing: Timing) -> tuple[np.ndarray, ...]:
    """Every event of ``images`` as (grid index, image, pixel, sign) arrays; each saccade
    sample's events spread evenly over its interval."""
    times, ev = saccade_events(images, sac)
    dt_s = sac.duration / sac.steps
    mag = np.abs(ev)
    parts = []
    for q in range(int(mag.max()) if mag.size else 0):  # the q-th event of a sample, spread evenly
        i, b, p = np.nonzero(mag > q)
        t = times[i] - dt_s + (q + 1) * dt_s / mag[i, b, p]
        idx = np.clip(np.rint(t / timing.dt).astype(int), 0, timing.steps - 1)
        parts.append((idx, b, p, np.sign(ev[i, b, p]).astype(np.int16)))
    if not parts:
        return tuple(np.zeros(0, int) for _ in range(4))
    return tuple(np.concatenate([pt[k] for pt in parts]) for k in range(4))


def event_spikes(images: np.ndarray, sac: Saccades, timing: Timing) -> np.ndarray:
    """Signed input spikes of ``images`` (n, 8, 8) on the grid, (steps, n, 64) int16; each
    sample's events spread evenly over its interval."""
    idx, b, p, sign = _event_list(images, sac, timing)
    out = np.zeros((timing.steps, images.shape[0], images.shape[1] * images.shape[2]), dtype=np.int16)
    np.add.at(out, (idx, b, p), sign)
    return out


def event_features(images: np.ndarray, sac: Saccades, timing: Timing, segments: int = EVENT_SEGMENTS) -> np.ndarray:
    """Mean row voltage (V) of each input over each of ``segments`` equal parts of the window,
    (n, segments, 64): the rows the network sees (:meth:`Timing.pulses`, synaptic filter
    included), averaged, which is what the rate-model training sees. Each event adds its row
    kernel's share of the segment (one spike's row, shifted to the event; the corners' tiny
    shift dependence neglected)."""
    k = timing.steps - 1
    if k % segments:
        raise ParameterError("segments", segments, f"a divisor of the window's {k} grid steps")
    one = np.zeros((timing.steps, 1))
    one[0] = 1
    cum = np.concatenate([[0.0], np.cumsum(timing.pulses(one)[:, 0])])  # cum[n]: kernel summed over its first n samples
    idx, b, p, sign = _event_list(images, sac, timing)
    n_in = images.shape[1] * images.shape[2]
    out = np.zeros(images.shape[0] * segments * n_in)
    span = k // segments
    for s in range(segments):
        lo, hi = s * span - idx, (s + 1) * span - idx
        share = cum[np.clip(hi, 0, timing.steps)] - cum[np.clip(lo, 0, timing.steps)]
        np.add.at(out, (b * segments + s) * n_in + p, sign * share / span)
    return out.reshape(images.shape[0], segments, n_in)


@dataclass(frozen=True)
class Task:
    """A task's data, split and encoded.

    Attributes
    ----------
    name : {"digits", "events"}
    x_train, x_test : (n, segments, 64) arrays
        Mean row voltage of each input (V) over each segment (the whole window for digits;
        :data:`EVENT_SEGMENTS` equal parts of it for events, the filtered event rows averaged):
        what the rate-model training sees.
    y_train, y_test : (n,) int arrays
        Labels 0..9.
    segments : (segments,) array
        Length of each segment (s).
    images_test : (n, 8, 8) array
        The test images, intensities in [0, 1] (for plots and the event streams).
    pixel_mean : (64,) array
        Training mean of each pixel (digits' offset; dimensionless).
    saccades : Saccades
    seed : int
    split : {"test", "validation"}
        What ``x_test`` / ``y_test`` hold: the test split, or the validation split held out of the
        training split (then the training set is the rest of the training split).
    index_train, index_test : (n,) int arrays
        Indices of the training and test (or validation) images in scikit-learn's digits.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    segments: np.ndarray
    images_test: np.ndarray
    pixel_mean: np.ndarray
    saccades: Saccades
    seed: int
    split: str = "test"
    index_train: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    index_test: np.ndarray = field(default_factory=lambda: np.zeros(0, int))

    @property
    def inputs(self) -> int:
        return int(self.x_train.shape[2])

    def test_spikes(self, index: np.ndarray, timing: Timing) -> np.ndarray:
        """Signed input spikes of test images ``index`` on the grid, (steps, len(index), 64) int
        (events task only; each sample's events spread evenly over its interval)."""
        return event_spikes(self.images_test[index], self.saccades, timing)

    def static_rows(self, index: np.ndarray) -> np.ndarray:
        """Row voltages of test images ``index`` (digits), (len(index), 64) (V)."""
        return self.x_test[index, 0, :]


def load_task(name: str, seed: int = 0, timing: Timing | None = None, saccades: Saccades | None = None,
              split: str = "test", holdout: float = VALIDATION_FRACTION) -> Task:
    """Load a task (module docstring); the split depends on ``seed`` only.

    ``split="validation"`` is for choosing settings without looking at the test images: the
    training split's ``holdout`` share (stratified by label, drawn from ``seed``) becomes the
    task's test set and the rest its training set (the pixel means from that rest); the test
    split is left out entirely. ``split="test"`` (default): the whole training split trains, the
    test split tests.
    """
    if name not in TASKS:
        raise ParameterError("task", name, " or ".join(map(repr, TASKS)))
    if split not in SPLITS:
        raise ParameterError("split", split, " or ".join(map(repr, SPLITS)))
    if isinstance(holdout, bool) or not isinstance(holdout, (int, float)) or not 0.05 <= holdout <= 0.5:
        raise ParameterError("holdout", holdout, "a share of the training split from 0.05 to 0.5")
    tm = timing or Timing()
    sac = saccades or Saccades()
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:  # pragma: no cover - scikit-learn is the 'network' extra
        raise MtjspiceError("the network tasks need scikit-learn: pip install 'mtjspice[network]'") from None
    data = load_digits()
    images = data.images / 16.0
    idx = np.arange(images.shape[0])
    tr, te = train_test_split(idx, test_size=0.2, random_state=seed, stratify=data.target)
    if split == "validation":  # the test split is never touched: the validation set comes out of training
        tr, te = train_test_split(tr, test_size=holdout, random_state=seed, stratify=data.target[tr])
    mean = images[tr].reshape(len(tr), -1).mean(axis=0)
    if name == "digits":
        if tm.window <= 0:  # pragma: no cover - Timing refuses it
            raise ParameterError("window", tm.window, "> 0")

        def encode(ix: np.ndarray) -> np.ndarray:
            return (tm.v_in * (images[ix].reshape(len(ix), -1) - mean))[:, None, :]

        segments = np.array([tm.window])
    else:
        if sac.end() > tm.window:
            raise ParameterError("window", tm.window, f"a window that holds the saccades (>= {sac.end()!r} s)")

        def encode(ix: np.ndarray) -> np.ndarray:
            return event_features(images[ix], sac, tm)

        segments = np.full(EVENT_SEGMENTS, tm.window / EVENT_SEGMENTS)
    return Task(name=name, x_train=encode(tr), y_train=data.target[tr], x_test=encode(te), y_test=data.target[te],
                segments=segments, images_test=images[te], pixel_mean=mean, saccades=sac, seed=seed, split=split,
                index_train=np.asarray(tr), index_test=np.asarray(te))
