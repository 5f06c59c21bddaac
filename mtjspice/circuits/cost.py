"""What a circuit run will cost, estimated before it starts, and refused when it cannot finish.

The estimates are deliberately simple and err on the expensive side. ngspice's time points are
set by the deck's maximum step; every point stores each written vector three times on its way
to a :class:`~mtjspice.results.Waveforms` (the text file, the parsed table, the arrays). Wall
time uses the speeds measured by ``benchmarks/bench_neuron.py`` and ``bench_array.py`` on a
slow two-core machine (one neuron: about 1 s of ngspice per 100 ns with behavioral comparators,
3.5 times that with CMOS ones; building netlist text: about 10 us per crossbar element).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from ..budget import check_memory, format_bytes, format_seconds, warn_time
from ..errors import CostError
from ..sim import DEFAULT_TIMEOUT, remaining_time

__all__ = ["RunCost", "neuron_cost", "array_cost", "check_cost", "describe", "is_big", "NEURON_SECONDS_PER_SECOND",
           "CMOS_FACTOR", "BIG_SECONDS", "BIG_BYTES"]

#: Wall seconds of ngspice per simulated second for one behavioral-comparator neuron (1.2e7:
#: 1.2 s per 100 ns, a little above the measured 1.0 s).
NEURON_SECONDS_PER_SECOND = 1.2e7
#: The neuron's maximum step behind NEURON_SECONDS_PER_SECOND (s).
NEURON_STEP = 5e-12
#: Bytes per thermal-noise sample on its way to the deck's file (draws and text).
NOISE_BYTES_PER_SAMPLE = 3 * 8 + 60
#: CMOS comparators cost this many times the behavioral ones (measured 3 to 3.3).
CMOS_FACTOR = 3.5
#: Bytes per stored value on its way from ngspice to the result (text, table, arrays).
BYTES_PER_VALUE = 3 * 8
#: Wall seconds to build and write one crossbar element of netlist text.
SECONDS_PER_ELEMENT = 1e-5
#: Bytes per crossbar element while its netlist is built (objects and text).
BYTES_PER_ELEMENT = 600
#: A run estimated to take longer than this (s of wall time) is big: the command line says its estimate first.
BIG_SECONDS = 10.0
#: A run estimated to need more than this (bytes) is big too.
BIG_BYTES = 256 * 1024**2


@dataclass(frozen=True)
class RunCost:
    """An estimate: ``points`` ngspice time points per deck, ``nbytes`` peak bytes in this process,
    ``seconds`` wall time in all, ``per_run`` wall time of the longest single ngspice process,
    ``what`` in words."""

    points: float
    nbytes: float
    seconds: float
    per_run: float
    what: str


def neuron_cost(t_stop: float, max_step: float, vectors: int, comparator_factor: float = 1.0,
                runs: int = 1, workers: int = 1, noise: bool = False) -> RunCost:
    """The cost of ``runs`` single-neuron decks of ``t_stop`` (s) writing ``vectors`` vectors each,
    ``workers`` at a time; ``noise``: the MTJ reads thermal-noise samples every ``max_step``;
    ``comparator_factor``: the comparator's :attr:`~mtjspice.circuits.comparators.Comparator.cost_factor`."""
    points = t_stop / max_step + 1000.0
    finer = max(1.0, NEURON_STEP / max_step)  # a step shorter than the measured one costs more points
    per = NEURON_SECONDS_PER_SECOND * t_stop * finer * comparator_factor + 0.3
    waves = min(runs, max(1, workers))
    per_run_bytes = points * (vectors + 1) * BYTES_PER_VALUE + (NOISE_BYTES_PER_SAMPLE * points if noise else 0.0)
    return RunCost(points, per_run_bytes * waves, per * math.ceil(runs / max(1, workers)),
                   per, f"{runs} neuron run(s) of {t_stop:.3g} s ({points:.3g} ngspice time points of {vectors} vectors each)")


def array_cost(n_inputs: int, n_neurons: int, t_stop: float, max_step: float, vectors_per_neuron: int,
               comparator_factor: float = 1.0, group: int = 8, workers: int | None = None,
               split: bool = True, noise: bool = False) -> RunCost:
    """The cost of an ``n_inputs`` x ``n_neurons`` array run (split into groups or one netlist);
    ``noise``: every MTJ reads thermal-noise samples every ``max_step`` (all kept for the netlist);
    ``comparator_factor`` as in :func:`neuron_cost`."""
    workers = workers or os.cpu_count() or 1
    points = t_stop / max_step + 1000.0
    elements = 2.0 * n_inputs * n_neurons + 40.0 * n_neurons
    per_neuron = NEURON_SECONDS_PER_SECOND * t_stop * max(1.0, NEURON_STEP / max_step) * \
        comparator_factor
    build = SECONDS_PER_ELEMENT * elements * (2 if split else 1)
    if split:
        parts = math.ceil(n_neurons / group)
        seconds = build + per_neuron * n_neurons / min(workers, parts) + 0.3 * parts / workers
        per_run = per_neuron * min(group, n_neurons) * (1 + min(group, n_neurons) / 50)
        deck_vectors = min(group, n_neurons) * vectors_per_neuron * min(workers, parts)
    else:
        seconds = build + per_neuron * n_neurons * (1 + n_neurons / 50)  # one Newton loop grows with size
        per_run = seconds
        deck_vectors = n_neurons * vectors_per_neuron
    nbytes = points * deck_vectors * BYTES_PER_VALUE + elements * BYTES_PER_ELEMENT + 3 * 8 * n_inputs * n_neurons
    if noise:
        nbytes += 2 * NOISE_BYTES_PER_SAMPLE * points * n_neurons  # every neuron's file, for the parts and netlist.cir
    return RunCost(points, nbytes, seconds, per_run, f"a {n_inputs} x {n_neurons} array over {t_stop:.3g} s ({elements:.3g} "
                   f"netlist elements, {points:.3g} ngspice time points per deck)")


def check_cost(cost: RunCost, name: str, value: object, advice: str) -> None:
    """Refuse ``cost`` if it does not fit in memory or in the time limit; warn if it is slow.

    The time limit is what is left of an enclosing :func:`mtjspice.sim.time_limit` (the command
    line's ``--timeout``), else ngspice's own :data:`~mtjspice.sim.DEFAULT_TIMEOUT` per run.

    Raises
    ------
    CostError
        Naming ``name`` and ``value`` (the parameter that sets the cost), with the estimate.
    """
    check_memory(cost.nbytes, name, value, cost.what, advice)
    limit = remaining_time(None)
    if limit is not None and cost.seconds > 1.5 * limit:
        raise CostError(name, value, f"a run that can finish in its time limit: {cost.what}: about "
                        f"{format_seconds(cost.seconds)}, and --timeout leaves {format_seconds(limit)}; {advice}, "
                        "or raise --timeout")
    if limit is None and cost.per_run > 1.5 * DEFAULT_TIMEOUT:
        raise CostError(name, value, f"a run that can finish in its time limit: {cost.what}: about "
                        f"{format_seconds(cost.per_run)} in one ngspice process, which stops after "
                        f"{format_seconds(DEFAULT_TIMEOUT)} unless a --timeout is given; {advice}, or give a longer "
                        "--timeout")
    warn_time(cost.seconds, cost.what, advice)


def is_big(cost: RunCost) -> bool:
    """Whether ``cost`` is worth announcing before the run (:data:`BIG_SECONDS`, :data:`BIG_BYTES`)."""
    return cost.seconds > BIG_SECONDS or cost.nbytes > BIG_BYTES


def describe(cost: RunCost) -> str:
    """The estimate in words: ``"a 64 x 64 array ...: about 2.1 min of wall time (40 s in the longest
    ngspice process) and 310 MiB of memory"``."""
    longest = f" ({format_seconds(cost.per_run)} in the longest ngspice process)" if cost.per_run < cost.seconds else ""
    return (f"{cost.what}: about {format_seconds(cost.seconds)} of wall time{longest} and {format_bytes(cost.nbytes)} "
            "of memory")
