"""The search engine: Optuna's NSGA-II over a :class:`~mtjspice.design.space.SearchSpace`, designs
evaluated as tasks on Dask, every finished design kept in an append-only study journal so that a
killed search resumes without recomputing it.

How a search runs (:func:`search`). Designs are proposed one generation at a time: the sampler
(NSGA-II, constrained: a design that breaks a hard constraint ranks below every design that
does not) asks ``population`` designs, they run as tasks
(:func:`~mtjspice.montecarlo.scaleout.run_chunks`: here for one worker, else on a Dask cluster held
for the whole search), and each result is told to the study as soon as it arrives. The next
generation is asked only when the last one is complete, so its proposals depend on the finished
designs only, never on which worker finished first.

Why Optuna's own storage (and not the Monte Carlo's Parquet chunk store): the state to keep is not
only the results but the study (every proposed design, its generation, its constraints), which
the sampler reads back to breed the next generation. Of Optuna's storages, the journal (one
append-only file of operations, :class:`optuna.storages.JournalStorage`) rather than SQLite:
measured on this 2-core machine, a design's ask, attributes and tell cost 0.054 s in the journal
against 0.31 s in SQLite (a transaction, with its sync, per write), which would be a minute of
bookkeeping in a 200-design search. Each operation is one appended line, so a kill loses at most the
designs that were running. On restart the study is loaded, designs left running are evaluated
again (their parameters are in the study), and the search continues from the generation it had
reached.

Reproducible from the seed: generation g is asked by a fresh sampler seeded from (seed, g), so the
same seed and the same finished designs give the same next generation, whether or not the search
was interrupted in between.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..io.outputs import OutputError
from ..limits import SLACK
from ..montecarlo.scaleout import dask_client, run_chunks
from .space import SearchSpace

__all__ = ["Objective", "Evaluation", "DesignRecord", "SearchResult", "search", "require_optuna", "STUDY_FILE", "NOT_A_DEVICE",
           "start_point"]

#: The study's file inside the store folder.
STUDY_FILE = "study.journal"
_STUDY = "mtjspice-design"


@dataclass(frozen=True)
class Objective:
    """One objective: its name, ``"maximize"`` or ``"minimize"``, its unit and what it is."""

    name: str
    direction: str
    unit: str
    description: str

    def __post_init__(self) -> None:
        if self.direction not in ("maximize", "minimize"):
            raise ParameterError(f"objective {self.name}", self.direction, "'maximize' or 'minimize'")


#: How an evaluation's ``why`` begins for a design that is not a device (the device refuses its knobs).
NOT_A_DEVICE = "not a device: "


@dataclass(frozen=True)
class Evaluation:
    """What evaluating one design gives.

    Attributes
    ----------
    values : tuple of float
        One per objective, in the search's order (nan when it could not be computed).
    constraints : tuple of float
        One per hard constraint, feasible when <= 0 (Optuna's convention).
    why : str
        Empty for a feasible design, else which constraints it breaks, in words.
    extra : mapping
        Further numbers worth a designs.csv column (by name).
    """

    values: tuple[float, ...]
    constraints: tuple[float, ...] = ()
    why: str = ""
    extra: Mapping[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return all(c <= 0 for c in self.constraints)


@dataclass(frozen=True)
class DesignRecord:
    """One finished design: its number (the order it was proposed in), its knob values, its evaluation."""

    number: int
    params: dict[str, Any]
    evaluation: Evaluation


@dataclass(frozen=True)
class SearchResult:
    """Every finished design (by number), and how many this call evaluated (the rest were resumed)."""

    records: list[DesignRecord]
    computed: int
    objectives: tuple[Objective, ...]


def require_optuna() -> Any:
    """The optuna module, or a clear error naming the extra that installs it."""
    try:
        import optuna
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ParameterError("design", "optuna", "optuna installed: pip install 'mtjspice[design]'") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _sampler(optuna: Any, seed: int, generation: int, population: int) -> Any:
    s = int(np.random.SeedSequence([int(seed), int(generation)]).generate_state(1)[0])
    return optuna.samplers.NSGAIISampler(population_size=population, seed=s)


def _open(optuna: Any, store: Path, identity: Mapping[str, Any], directions: list[str],
          reset: bool) -> tuple[Any, Any]:
    store.mkdir(parents=True, exist_ok=True)
    path = store / STUDY_FILE
    text = json.dumps(dict(identity), sort_keys=True, default=str)
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    def storage() -> Any:
        return JournalStorage(JournalFileBackend(str(path)))

    if path.exists():
        try:
            old = optuna.load_study(study_name=_STUDY, storage=storage())
            same = old.user_attrs.get("identity") == text
        except Exception:
            same = False
        if not same:
            if not reset:
                raise OutputError(f"the design store {store} holds another search (different device, spec, seed, "
                                  "space or evaluation); rerun with --overwrite to start afresh, or use another --out")
            path.unlink()
    st = storage()
    study = optuna.create_study(study_name=_STUDY, storage=st, directions=directions, load_if_exists=True)
    if "identity" not in study.user_attrs:
        study.set_user_attr("identity", text)
    return study, st


def _evaluate_many(evaluate: Callable[[int, dict[str, Any]], Evaluation], params: Mapping[int, dict[str, Any]],
                   numbers: np.ndarray) -> list[tuple[int, Evaluation]]:
    return [(int(k), evaluate(int(k), params[int(k)])) for k in numbers]


def search(evaluate: Callable[[int, dict[str, Any]], Evaluation], space: SearchSpace,
           objectives: Sequence[Objective], designs: int, store: str | Path, *, seed: int = 0,
           population: int = 10, identity: Mapping[str, Any] | None = None, reset: bool = False,
           use: Sequence[int] | None = None, start: Sequence[Mapping[str, Any]] = (),
           workers: int | None = None, scheduler: str | None = None,
           progress: Callable[[int], None] | None = None) -> SearchResult:
    """Search ``designs`` designs of ``space`` (module docstring), resuming the study in ``store``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(number, params) -> Evaluation``; picklable (module-level, or a functools.partial
        of one) to run on Dask workers. ``params`` maps knob names to values (SI units).
    space : SearchSpace
        The knobs.
    objectives : sequence of Objective
        What ``Evaluation.values`` hold, in order.
    use : sequence of int, optional
        Which of them the search optimises (indices; default all); the others are still recorded.
    start : sequence of mappings, optional
        Known designs (knob name -> value, every knob of ``space`` inside its bounds) evaluated first,
        as the first members of generation 0, so that the sampler breeds from them; part of the
        study's identity.
    designs : int
        Designs to evaluate in all (a resumed search counts the finished ones).
    store : path
        Folder of the study (``study.journal``); kept after the search for a later resume.
    seed : int
        Seeds the sampler (generation g from (seed, g)).
    population : int
        Designs per generation (NSGA-II's population).
    identity : mapping, optional
        What the evaluation is (JSON-serialisable): a store holding another identity is refused
        unless ``reset``.
    workers, scheduler : optional
        As :func:`~mtjspice.montecarlo.scaleout.run_chunks`.
    progress : callable, optional
        Called with 1 per finished design (resumed ones first).
    """
    optuna = require_optuna()
    for name, v, lo in (("designs", designs, 1), ("population", population, 2), ("seed", seed, 0)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ParameterError(name, v, f"an integer >= {lo}")
    objectives = tuple(objectives)
    chosen = list(range(len(objectives))) if use is None else [int(i) for i in use]
    if not chosen or any(not 0 <= i < len(objectives) for i in chosen) or len(set(chosen)) != len(chosen):
        raise ParameterError("objectives", use, f"distinct indices of the {len(objectives)} objectives")
    starts = [start_point(space, p) for p in start]
    ident = {"space": space.describe(), "objectives": [objectives[i].name for i in chosen], "seed": seed,
             "population": population, **dict(identity or {})}
    if starts:  # only when given, so that the stores of searches without a start stay valid
        ident["start"] = starts
    study, storage = _open(optuna, Path(store), ident, [objectives[i].direction for i in chosen], reset)
    study_id = storage.get_study_id_from_name(_STUDY)
    dists = space.distributions()
    State = optuna.trial.TrialState

    def finished() -> list[Any]:
        return [t for t in study.get_trials(deepcopy=False) if t.state == State.COMPLETE]

    resumed = len(finished())
    if progress and resumed:
        progress(min(resumed, designs))
    computed = 0

    def tell(rows: list[tuple[int, Evaluation]]) -> None:
        nonlocal computed
        for number, ev in rows:
            if len(ev.values) != len(objectives):
                raise ParameterError("evaluation", ev.values, f"{len(objectives)} objective values")
            trial = optuna.trial.Trial(study, storage.get_trial_id_from_study_id_trial_number(study_id, number))
            for i, c in enumerate(ev.constraints):  # Optuna's constrained sampling reads them (<= 0 feasible)
                trial.set_constraint(f"c{i:02d}", float(c) if math.isfinite(c) else 1e30)
            trial.set_user_attr("evaluation", _dump(ev))
            # a value that could not be computed ranks by the constraints (Optuna refuses nan)
            finite = [ev.values[i] if math.isfinite(ev.values[i]) else 0.0 for i in chosen]
            study.tell(number, finite)
            computed += 1
            if progress:
                progress(1)

    with dask_client(workers, scheduler, population) as client:
        while True:
            trials = study.get_trials(deepcopy=False)
            done = sum(t.state == State.COMPLETE for t in trials)
            running = [t for t in trials if t.state == State.RUNNING]
            if not running:
                if done >= designs:
                    break
                generation = 1 + max((int(g) for t in trials if (g := t.user_attrs.get("generation")) is not None),
                                     default=-1)
                study.sampler = _sampler(optuna, seed, generation, population)
                if not trials:  # a new study: the known designs are generation 0's first members
                    for p in starts[:designs]:
                        study.enqueue_trial(p)
                for _ in range(min(population, designs - done)):
                    t = study.ask(dists)
                    t.set_user_attr("generation", generation)
                running = [t for t in study.get_trials(deepcopy=False) if t.state == State.RUNNING]
            else:  # left running by a killed search: the sampler that breeds from them is this seed's
                generation = max(int(t.user_attrs.get("generation", 0)) for t in running)
                study.sampler = _sampler(optuna, seed, generation, population)
            params = {t.number: dict(t.params) for t in running}
            task = functools.partial(_evaluate_many, evaluate, params)
            chunks = [np.array([t.number]) for t in sorted(running, key=lambda t: t.number)]
            run_chunks(task, chunks, tell, workers=1 if client is None else None, client=client)
    records = [DesignRecord(t.number, dict(t.params), _load(t.user_attrs["evaluation"])) for t in finished()]
    records.sort(key=lambda r: r.number)
    return SearchResult(records=records, computed=computed, objectives=objectives)


def start_point(space: SearchSpace, point: Mapping[str, Any]) -> dict[str, Any]:
    """A known design's values of the space's knobs, checked against their bounds and choices.

    Raises
    ------
    ParameterError
        Named ``start`` (the CLI's ``--start``), with the knob and its value as ``NAME=VALUE``.
    """
    out: dict[str, Any] = {}
    for k in space.knobs:
        if k.name not in point:
            raise ParameterError("start", f"no {k.name}", f"a design with a value of every searched knob "
                                 f"({', '.join(space.names)})")
        v = point[k.name]
        item = f"{k.name}={v:g}" if isinstance(v, float) else f"{k.name}={v}"
        if k.choices:
            if v not in k.choices:
                raise ParameterError("start", item, f"{k.name} one of " + ", ".join(map(str, k.choices)))
            out[k.name] = v
        elif not (isinstance(v, (int, float)) and not isinstance(v, bool)
                  and k.low - SLACK * abs(k.low) <= float(v) <= k.high + SLACK * abs(k.high)):
            raise ParameterError("start", item, f"{k.name} within the searched bounds {k.low:g} to "
                                 f"{k.high:g}{'' if k.unit in ('', '1') else ' ' + k.unit} (widen them with --range)")
        else:  # a ratio recomputed from the files can land a rounding error past its bound
            out[k.name] = min(max(float(v), k.low), k.high)
    return out


def _dump(ev: Evaluation) -> str:
    return json.dumps({"values": [_num(v) for v in ev.values], "constraints": [_num(c) for c in ev.constraints],
                       "why": ev.why, "extra": {k: _num(v) for k, v in ev.extra.items()}})


def _num(v: float) -> float | str:
    v = float(v)
    return v if math.isfinite(v) else repr(v)  # JSON has no nan or inf


def _unnum(v: float | str) -> float:
    return float(v)


def _load(text: str) -> Evaluation:
    d = json.loads(text)
    return Evaluation(values=tuple(_unnum(v) for v in d["values"]),
                      constraints=tuple(_unnum(c) for c in d["constraints"]), why=d["why"],
                      extra={k: _unnum(v) for k, v in d["extra"].items()})
