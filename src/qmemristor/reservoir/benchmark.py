"""Benchmark runner: a task, a reservoir, a shot budget → scores, with the baselines.

Protocol (the same for every reservoir and baseline):

* the task's input is mapped onto [−1, 1] (:meth:`~.tasks.Task.scaled_input`) and drives the
  reservoir from its initial state over the whole series (washout + train + test);
* features of the washout rows are dropped; the readout (:func:`~.readout.fit_readout`:
  standardised ridge, α by forward-chaining CV on the training rows) is fitted on the
  training rows and scored on the test rows;
* NMSE = mean squared error / variance of the target, on each split; for the memory
  capacity, ``capacity = Σ_{d=1}^{D} r²(u[k−d], ŷ_d[k])`` on the test rows (squared Pearson
  correlation, one readout per delay), with D = F + 20 so that even a delay line with as
  many taps as features is not cut off;
* baselines: an echo-state network with F units and a linear regression on a window of F
  past inputs, F = the number of features of the reservoir compared (for ``--reservoir esn``
  or ``linear`` themselves: F = ``nodes``); in the table, the baselines are run once per
  distinct F among the quantum reservoirs (:func:`run_table`);
* shot noise (quantum reservoirs only): features estimated from S shots per observable per
  read (:mod:`.shots`), on the training and the test rows alike (a device measures both).

Seeds: one integer seeds everything; the task inputs, the reservoirs' input weights, the
ESN and each shot budget get their own streams from :class:`numpy.random.SeedSequence`, so
the same seed gives bit-identical results, and adding a shot budget does not change the
others.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError
from .baselines import EchoStateNetwork, LinearWindow
from .readout import fit_readout, nmse
from .reservoirs import Features, MemristorReservoir, NeuronReservoir, Reservoir
from .shots import ShotCost, sample_features, shot_cost
from .tasks import TASKS, Split, Task, make_task

__all__ = [
    "DEFAULT_NETWORK_NODES",
    "QUANTUM",
    "RESERVOIRS",
    "SHOT_BUDGETS",
    "TABLE_RESERVOIRS",
    "BenchmarkConfig",
    "BenchmarkResult",
    "Score",
    "TableResult",
    "make_reservoir",
    "run_benchmark",
    "run_table",
    "score_features",
]

#: Reservoir names of the CLI.
RESERVOIRS = ("memristor", "network", "neuron", "esn", "linear")
#: Reservoirs whose features are quantum expectation values (they take shot noise).
QUANTUM = ("memristor", "network", "neuron")
#: Largest readout: the ridge SVD and the feature arrays stay well within memory.
MAX_FEATURES = 4096
#: Longest series (washout + train + test).
MAX_SAMPLES = 200_000
#: Nodes of the network reservoir in the benchmarks (choice and measurements: docs/reservoir.md).
DEFAULT_NETWORK_NODES = 6
#: Shot budgets of the comparison table (``None`` = exact expectation values).
SHOT_BUDGETS: tuple[int | None, ...] = (None, 100_000, 10_000, 1_000, 100)


@dataclass(frozen=True)
class BenchmarkConfig:
    """Sizes and seed of a benchmark run.

    Attributes
    ----------
    split : Split
        Washout, training and test lengths.
    nodes : int
        Nodes of the memristor and neuron reservoirs (units/taps of a baseline run on its own).
    virtual_nodes : int
        Reads per hold of the quantum reservoirs.
    seed : int
        Master seed (module docstring).
    network_nodes : int
        Nodes of the memristor-network reservoir (:class:`~.networks.NetworkReservoir`,
        2 … :data:`~.networks.MAX_NETWORK_NODES`; checked when the reservoir is built).
    topology : str
        Graph of the network reservoir (:func:`qmemristor.network.topology_edges`).
    """

    split: Split = field(default_factory=Split)
    nodes: int = 8
    virtual_nodes: int = 4
    seed: int = 0
    network_nodes: int = DEFAULT_NETWORK_NODES
    topology: str = "ring"

    def __post_init__(self) -> None:
        for name in ("nodes", "virtual_nodes", "network_nodes"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ParameterError(f"{name} must be an integer ≥ 1 (got {v!r})")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer):
            raise ParameterError(f"seed must be a non-negative integer (got {self.seed!r})")
        if self.seed < 0:
            raise ParameterError(f"seed must be a non-negative integer (got {self.seed})")
        f = self.nodes * self.virtual_nodes * 4
        if f > MAX_FEATURES:
            raise ParameterError(
                f"nodes × virtual nodes × 4 = {f} features is too many (≤ {MAX_FEATURES})"
            )
        if self.split.total > MAX_SAMPLES:
            raise ParameterError(
                f"washout + train + test = {self.split.total} samples is too many (≤ {MAX_SAMPLES})"
            )

    @classmethod
    def quick(cls, seed: int = 0) -> BenchmarkConfig:
        """Small sizes that run every code path in seconds (CI, ``--quick``)."""
        return cls(
            Split(washout=100, n_train=400, n_test=200),
            nodes=4,
            virtual_nodes=2,
            seed=seed,
            network_nodes=3,
        )

    def features_of(self, reservoir: str) -> int:
        """Readout features of ``reservoir`` with these sizes."""
        if reservoir in ("esn", "linear"):
            return self.nodes
        if reservoir == "network":
            return make_reservoir("network", self).features_per_read * self.virtual_nodes  # type: ignore[attr-defined]
        return self.nodes * self.virtual_nodes * 4

    def describe(self) -> dict[str, object]:
        return {
            "nodes": self.nodes,
            "virtual_nodes": self.virtual_nodes,
            "seed": self.seed,
            "network_nodes": self.network_nodes,
            "topology": self.topology,
        }


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run BLAS single-threaded for the duration (restored afterwards).

    Measured reason: the readout's matrices are small (≤ 2000 × 128); on the shared 2-core
    machine OpenBLAS's two threads made the NARMA10 row of the table cost 70 s of CPU instead
    of 2 s (the worker threads spin while the other one waits for a core).
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _stream(config: BenchmarkConfig, *key: int) -> int:
    """A 32-bit seed for one named stream of the master seed."""
    return int(np.random.SeedSequence([config.seed, *key]).generate_state(1)[0])


def _task_key(name: str) -> int:
    return TASKS.index(name) if name in TASKS else 99


def make_reservoir(name: str, config: BenchmarkConfig, *, features: int | None = None) -> Reservoir:
    """The reservoir ``name`` with the config's sizes (baselines: ``features`` of them)."""
    if name == "memristor":
        return MemristorReservoir(
            nodes=config.nodes, virtual_nodes=config.virtual_nodes, seed=_stream(config, 1)
        )
    if name == "neuron":
        return NeuronReservoir(
            nodes=config.nodes, virtual_nodes=config.virtual_nodes, seed=_stream(config, 2)
        )
    if name == "esn":
        return EchoStateNetwork(units=features or config.nodes, seed=_stream(config, 3))
    if name == "linear":
        return LinearWindow(window=features or config.nodes)
    if name == "network":
        from .networks import NetworkReservoir

        net = NetworkReservoir(
            nodes=config.network_nodes,
            virtual_nodes=config.virtual_nodes,
            topology=config.topology,
            seed=_stream(config, 5),
        )
        f = net.features_per_read * config.virtual_nodes
        if f > MAX_FEATURES:
            raise ParameterError(
                f"the network reservoir would read {f} features (≤ {MAX_FEATURES})"
            )
        return net
    raise ParameterError(f"unknown reservoir {name!r}; choose one of: {', '.join(RESERVOIRS)}")


@dataclass(frozen=True)
class Score:
    """Scores of one reservoir on one task at one shot budget.

    ``nmse_*`` are NaN for the memory capacity, ``capacity`` is NaN for the other tasks;
    ``alpha`` is the median chosen ridge α (over delays for the memory capacity); ``cost``
    is ``None`` for exact features and classical reservoirs.
    """

    reservoir: str
    shots: int | None
    features: int
    nmse_train: float
    nmse_test: float
    capacity: float
    alpha: float
    capacity_per_delay: NDArray[np.float64] | None = None
    cost: ShotCost | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "reservoir": self.reservoir,
            "shots": self.shots,
            "features": self.features,
            "nmse_train": self.nmse_train,
            "nmse_test": self.nmse_test,
            "capacity": self.capacity,
            "alpha": self.alpha,
        }
        if self.capacity_per_delay is not None:
            out["capacity_per_delay"] = self.capacity_per_delay
        if self.cost is not None:
            out["cost"] = self.cost.as_dict()
        return out


def _r2(y: NDArray[np.float64], y_hat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Squared Pearson correlation per column (0 for a constant prediction)."""
    yc = y - y.mean(axis=0)
    pc = y_hat - y_hat.mean(axis=0)
    den = np.sqrt((yc**2).sum(axis=0) * (pc**2).sum(axis=0))
    r = np.divide((yc * pc).sum(axis=0), den, out=np.zeros(y.shape[1]), where=den > 0)
    return r**2


def score_features(
    task: Task, values: NDArray[np.float64], reservoir: str = "", shots: int | None = None
) -> Score:
    """Fit the readout on the training rows of ``values`` and score both splits."""
    s = task.split
    readout = fit_readout(values[s.train], task.y[s.train])
    pred_train = readout.predict(values[s.train])
    pred_test = readout.predict(values[s.test])
    alpha = float(np.median(readout.alpha))
    if task.metric == "capacity":
        per_delay = _r2(task.y[s.test], pred_test)
        return Score(reservoir, shots, values.shape[1], math.nan, math.nan,
                     float(per_delay.sum()), alpha, per_delay)  # fmt: skip
    return Score(
        reservoir,
        shots,
        values.shape[1],
        float(nmse(task.y[s.train], pred_train)[0]),
        float(nmse(task.y[s.test], pred_test)[0]),
        math.nan,
        alpha,
    )


def _task(name: str, config: BenchmarkConfig, features: int) -> Task:
    seed = _stream(config, 0, _task_key(name))
    return make_task(name, config.split, seed=seed, max_delay=features + 20)


def _scores_at(
    task: Task,
    feats: Features,
    reservoir: str,
    budgets: Sequence[int | None],
    config: BenchmarkConfig,
) -> list[Score]:
    out = []
    for shots in budgets:
        rng = np.random.default_rng(
            _stream(config, 4, _task_key(task.name), RESERVOIRS.index(reservoir), shots or 0)
        )
        values = sample_features(feats, shots, rng)
        sc = score_features(task, values, reservoir, shots)
        if shots is not None:
            cost = shot_cost(feats, shots, task.split.total, task.split.washout)
            sc = Score(**{**sc.__dict__, "cost": cost})
        out.append(sc)
    return out


@dataclass(frozen=True)
class BenchmarkResult:
    """One reservoir on one task, with the two baselines computed in the same run."""

    task: Task
    score: Score
    baselines: dict[str, Score]
    reservoir: dict[str, object]

    def as_dict(self) -> dict[str, object]:
        main = self.score.as_dict()
        out: dict[str, object] = {"task": self.task.name, **main}
        out["baselines"] = {k: v.as_dict() for k, v in self.baselines.items()}
        out["split"] = {
            "washout": self.task.split.washout,
            "train": self.task.split.n_train,
            "test": self.task.split.n_test,
        }
        out["reservoir_parameters"] = self.reservoir
        return out


def run_benchmark(
    task_name: str,
    reservoir_name: str,
    *,
    shots: int | None = None,
    config: BenchmarkConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> BenchmarkResult:
    """Score ``reservoir_name`` on ``task_name`` (with ``shots``, or exact) and the baselines.

    ``progress(description)`` is called after each of the three reservoir runs.
    """
    config = config or BenchmarkConfig()
    if task_name not in TASKS:
        raise ParameterError(f"unknown task {task_name!r}; choose one of: {', '.join(TASKS)}")
    if reservoir_name not in RESERVOIRS:
        raise ParameterError(
            f"unknown reservoir {reservoir_name!r}; choose one of: {', '.join(RESERVOIRS)}"
        )
    if shots is not None and reservoir_name not in QUANTUM:
        raise ParameterError(
            "--shots applies to the quantum reservoirs only (memristor, network, neuron)"
        )
    res = make_reservoir(reservoir_name, config)
    f = config.features_of(reservoir_name)
    task = _task(task_name, config, f)
    u = task.scaled_input()
    with _one_blas_thread():
        main = _scores_at(task, res.transform(u), reservoir_name, [shots], config)[0]
        if progress is not None:
            progress(reservoir_name)
        baselines = {}
        for name in ("esn", "linear"):
            base = make_reservoir(name, config, features=f)
            baselines[name] = score_features(task, base.transform(u).values, name)
            if progress is not None:
                progress(name)
    return BenchmarkResult(task, main, baselines, res.describe())


@dataclass(frozen=True)
class TableResult:
    """Every (task, reservoir, shot budget) score of :func:`run_table`.

    ``matched[(task, reservoir)]`` holds, for every quantum reservoir, the ``esn`` and
    ``linear`` baselines with that reservoir's number of features (exact; the rows ``esn`` and
    ``linear`` of :attr:`scores` have the features of the first quantum reservoir).
    """

    config: BenchmarkConfig
    tasks: tuple[Task, ...]
    scores: dict[tuple[str, str, int | None], Score]
    reservoirs: dict[str, dict[str, object]]
    budgets: tuple[int | None, ...]
    matched: dict[tuple[str, str], dict[str, Score]] = field(default_factory=dict)


#: Reservoirs of the default table.
TABLE_RESERVOIRS = ("memristor", "network", "neuron", "esn", "linear")


def table_tasks(
    config: BenchmarkConfig,
    tasks: Sequence[str] = TASKS,
    reservoirs: Sequence[str] = TABLE_RESERVOIRS,
) -> tuple[int, dict[str, int], dict[tuple[str, int], Task]]:
    """The tasks of :func:`run_table`, built (and checked) before any reservoir runs.

    Returns ``(f, features, built)``: ``f`` the features of the baseline rows (those of the
    first quantum reservoir), ``features[r]`` those of every quantum reservoir, and
    ``built[(task, F)]`` the task for a readout of F features — only the memory capacity
    depends on F (delays D = F + 20, as in :func:`run_benchmark`).
    """
    for name in tasks:
        if name not in TASKS:
            raise ParameterError(f"unknown task {name!r}; choose one of: {', '.join(TASKS)}")
    feats_of = {r: config.features_of(r) for r in reservoirs if r in QUANTUM}
    f = next(iter(feats_of.values())) if feats_of else config.nodes
    built: dict[tuple[str, int], Task] = {}
    for name in tasks:
        for size in sorted({f, *feats_of.values()}):
            same = name != "memory-capacity" and (name, f) in built
            built[(name, size)] = built[(name, f)] if same else _task(name, config, size)
    return f, feats_of, built


def run_table(
    config: BenchmarkConfig | None = None,
    *,
    tasks: Sequence[str] = TASKS,
    reservoirs: Sequence[str] = TABLE_RESERVOIRS,
    budgets: Sequence[int | None] = SHOT_BUDGETS,
    progress: Callable[[str], None] | None = None,
) -> TableResult:
    """The comparison tasks × reservoirs × shot budgets (baselines: exact only).

    The rows ``esn`` and ``linear`` get the features F of the first quantum reservoir listed;
    every quantum reservoir also gets its own pair of baselines with its own F
    (``TableResult.matched``; computed once per distinct F).  Every task is built first
    (:func:`table_tasks`), so a bad size fails before any work.  ``progress(description)``
    is called after every reservoir run (for progress bars).
    """
    config = config or BenchmarkConfig()
    f, feats_of, built = table_tasks(config, tasks, reservoirs)
    scores: dict[tuple[str, str, int | None], Score] = {}
    matched: dict[tuple[str, str], dict[str, Score]] = {}
    described: dict[str, dict[str, object]] = {}
    for name in tasks:
        by_f: dict[int, dict[str, Score]] = {}
        for r in reservoirs:
            task = built[(name, feats_of.get(r, f))]
            res = make_reservoir(r, config, features=f)
            described[r] = res.describe()
            with _one_blas_thread():
                feats = res.transform(task.scaled_input())
                runs = _scores_at(task, feats, r, budgets if r in QUANTUM else [None], config)
            for sc in runs:
                scores[(name, r, sc.shots)] = sc
            if r in ("esn", "linear"):
                by_f.setdefault(f, {})[r] = runs[0]
            if progress is not None:
                progress(f"{name} / {r}")
        for r, fr in feats_of.items():
            task = built[(name, fr)]
            for b in ("esn", "linear"):
                if b not in by_f.get(fr, {}):
                    base = make_reservoir(b, config, features=fr)
                    with _one_blas_thread():
                        values = base.transform(task.scaled_input()).values
                        by_f.setdefault(fr, {})[b] = score_features(task, values, b)
            matched[(name, r)] = dict(by_f[fr])
    first = tuple(built[(name, f)] for name in tasks)
    return TableResult(config, first, scores, described, tuple(budgets), matched)


def table_units(tasks: Sequence[str], reservoirs: Sequence[str]) -> int:
    """Number of ``progress`` calls :func:`run_table` makes."""
    return len(tasks) * len(reservoirs)
