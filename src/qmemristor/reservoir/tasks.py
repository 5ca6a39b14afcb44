"""Benchmark tasks of reservoir computing: input series, targets, and the split they use.

Every task is a :class:`Task`: a scalar input series ``u`` (what the reservoir is driven by),
targets ``y`` (one column, or one column per delay for the memory capacity), the interval
``input_range`` that the encodings map onto [−1, 1], and the split (washout, training,
test) in samples.  Rows line up: after reading ``u[k]`` the readout must produce ``y[k]``.

Tasks
-----
``narma10``
    Atiya & Parlos (2000), as used by Jaeger (2003)::

        y[k+1] = 0.3 y[k] + 0.05 y[k] Σ_{i=0}^{9} y[k−i] + 1.5 u[k−9] u[k] + 0.1,

    ``u[k]`` i.i.d. uniform on [0, 0.5], ``y[k] = 0`` for k < 10.  Target of row k: ``y[k+1]``.
``mackey-glass``
    One-step prediction of the Mackey–Glass series ``dx/dt = β x(t−τ)/(1 + x(t−τ)^n) − γ x``
    with β = 0.2, γ = 0.1, n = 10, τ = 17 (chaotic), history ``x(t ≤ 0) = 1.2``, sampled
    every Δ = 1 time unit after a transient of 500 time units (:func:`mackey_glass_series`).
    Input of row k: ``x(kΔ)``; target: ``x((k+1)Δ)``.
``memory-capacity``
    Jaeger's short-term memory capacity: ``u[k]`` i.i.d. uniform on [−1, 1], targets
    ``u[k−d]`` for d = 1 … D (one column per delay);
    ``MC = Σ_d r²(u[k−d], ŷ_d[k])`` over the test rows (:mod:`qmemristor.reservoir.benchmark`).
``quartic``
    The nonlinear-function task of Selimović et al. (2025), fitting ``y = x⁴`` on
    ``x ∈ [0, 1]``.  The definition is taken from the public reproduction of that paper (its
    data generator draws x on [0, 1] and sets y = x⁴); the paper's own text was not available
    here.  To make it a stream for a reservoir, x is drawn i.i.d. uniform on [0, 1] (not
    sorted): ``u[k] = x_k``, ``y[k] = u[k]⁴``.  Memory only adds interference here.
``santafe``
    One-step prediction of the Santa Fe laser record (Weigend & Gershenfeld 1993, data set A),
    as shipped inside the ``reservoirpy`` package (10 093 samples; read from the installed
    package, never downloaded).  Input ``s[k]``, target ``s[k+1]``.

Splits: the first ``washout`` rows are dropped, the next ``n_train`` train the readout, the
last ``n_test`` test it (no shuffling).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError

__all__ = [
    "TASKS",
    "Split",
    "Task",
    "mackey_glass_series",
    "make_task",
    "narma10_series",
]

#: Task names accepted by :func:`make_task`.
TASKS = ("narma10", "mackey-glass", "memory-capacity", "quartic", "santafe")


@dataclass(frozen=True)
class Split:
    """Washout, training and test lengths in samples (taken in this order, no shuffling)."""

    washout: int = 200
    n_train: int = 2000
    n_test: int = 1000

    def __post_init__(self) -> None:
        for name, lo in (("washout", 0), ("n_train", 20), ("n_test", 20)):
            v = getattr(self, name)
            if isinstance(v, bool) or int(v) != v or v < lo:
                raise ParameterError(f"{name} must be an integer ≥ {lo} (got {v})")
            object.__setattr__(self, name, int(v))

    @property
    def total(self) -> int:
        """Number of rows a task must provide."""
        return self.washout + self.n_train + self.n_test

    @property
    def train(self) -> slice:
        return slice(self.washout, self.washout + self.n_train)

    @property
    def test(self) -> slice:
        return slice(self.washout + self.n_train, self.total)


@dataclass(frozen=True)
class Task:
    """One benchmark: inputs, targets, the range of the inputs, and the split.

    Attributes
    ----------
    name : str
        One of :data:`TASKS`.
    u : ndarray, shape (n,)
        Raw input series.
    y : ndarray, shape (n, m)
        Targets; ``m = 1`` except for the memory capacity (one column per delay 1 … D).
    input_range : (float, float)
        ``(lo, hi)``: the encodings map ``u`` affinely from this interval onto [−1, 1]
        (:meth:`scaled_input`).  Fixed by the task's definition, or for recorded/chaotic
        series the min and max of the whole record (an input normalisation, not a target).
    split : Split
    metric : str
        ``"nmse"`` or ``"capacity"``.
    params : dict
        What generated the series (stored with results).
    """

    name: str
    u: NDArray[np.float64]
    y: NDArray[np.float64]
    input_range: tuple[float, float]
    split: Split
    metric: str = "nmse"
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.u.ndim != 1 or self.y.ndim != 2 or self.y.shape[0] != self.u.shape[0]:
            raise ValueError("u must be (n,) and y (n, m) with the same n")
        if self.u.shape[0] != self.split.total:
            raise ValueError(f"the task has {self.u.shape[0]} rows, the split {self.split.total}")
        lo, hi = self.input_range
        if not hi > lo:
            raise ValueError("input_range must be increasing")

    def scaled_input(self) -> NDArray[np.float64]:
        """The inputs mapped affinely from ``input_range`` onto [−1, 1]."""
        lo, hi = self.input_range
        return 2.0 * (self.u - lo) / (hi - lo) - 1.0

    def describe(self) -> dict[str, object]:
        """Attributes stored with results."""
        s = self.split
        return {
            "task": self.name,
            "metric": self.metric,
            "input_range": list(self.input_range),
            "washout": s.washout,
            "n_train": s.n_train,
            "n_test": s.n_test,
            **{f"task_{k}": v for k, v in self.params.items()},
        }


# --------------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------------
def narma10_series(u: NDArray[np.float64]) -> NDArray[np.float64]:
    """``y[0 … n]`` of NARMA10 driven by ``u[0 … n−1]`` (``y[k] = 0`` for ``k < 10``).

    Returns ``n + 1`` values so that ``y[k+1]`` (the target of row k) exists for every k.
    """
    n = u.shape[0]
    y = np.zeros(n + 1)
    for k in range(9, n):
        y[k + 1] = 0.3 * y[k] + 0.05 * y[k] * y[k - 9 : k + 1].sum() + 1.5 * u[k - 9] * u[k] + 0.1
    return y


def _mg_rate(x: float, x_tau: float, beta: float, gamma: float, power: float) -> float:
    return beta * x_tau / (1.0 + x_tau**power) - gamma * x


def mackey_glass_series(
    n: int,
    *,
    tau: float = 17.0,
    beta: float = 0.2,
    gamma: float = 0.1,
    power: float = 10.0,
    x0: float = 1.2,
    sample_step: float = 1.0,
    transient: float = 500.0,
    steps_per_tau: int = 170,
) -> NDArray[np.float64]:
    """``n`` samples ``x(transient + k·sample_step)`` of the Mackey–Glass delay equation.

    Method: classical RK4 with step ``h = τ / steps_per_tau`` (0.1 by default), so that the
    delayed argument of the full-step stages lies on the grid; the half-step stages need
    ``x`` half-way between two grid points, taken from the cubic Hermite interpolant of the
    stored values and derivatives (error O(h⁴), so the scheme stays fourth order; the
    derivative jumps of a delay equation fall on grid points because τ is a multiple of h).
    History ``x(t ≤ 0) = x0`` with zero derivative.  Measured accuracy (step halving, tested):
    the error of the default step is below 1e-9 over the first 200 time units; the chaos
    (largest Lyapunov exponent ≈ 0.007 per unit time) amplifies any difference later, so the
    series is one accurate trajectory of the attractor, not a long-time prediction.
    """
    if int(steps_per_tau) != steps_per_tau or steps_per_tau < 2:
        raise ParameterError(f"steps_per_tau must be an integer ≥ 2 (got {steps_per_tau})")
    h = tau / steps_per_tau
    per_sample = sample_step / h
    if abs(per_sample - round(per_sample)) > 1e-9 or round(per_sample) < 1:
        raise ParameterError("sample_step must be a positive multiple of tau/steps_per_tau")
    per_sample = round(per_sample)
    m = int(steps_per_tau)
    skip = round(transient / h)
    n_steps = skip + (n - 1) * per_sample
    x = np.empty(n_steps + 1 + m)  # x[j + m] = x(j h), j = −m … n_steps
    f = np.empty_like(x)  # derivative (right derivative at the break points)
    x[: m + 1] = x0
    f[:m] = 0.0
    f[m] = _mg_rate(x0, x0, beta, gamma, power)
    for i in range(m, m + n_steps):  # step from t_j to t_{j+1}, with i = j + m
        xj = x[i]
        da, db = x[i - m], x[i - m + 1]
        # the history is constant: its left derivative at t = 0 is 0, not the ODE's right one
        fb = 0.0 if i - m + 1 == m else f[i - m + 1]
        dmid = 0.5 * (da + db) + h * (f[i - m] - fb) / 8.0  # cubic Hermite at the middle
        k1 = _mg_rate(xj, da, beta, gamma, power)
        k2 = _mg_rate(xj + 0.5 * h * k1, dmid, beta, gamma, power)
        k3 = _mg_rate(xj + 0.5 * h * k2, dmid, beta, gamma, power)
        k4 = _mg_rate(xj + h * k3, db, beta, gamma, power)
        x[i + 1] = xj + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
        f[i + 1] = _mg_rate(x[i + 1], x[i + 1 - m], beta, gamma, power)
    return x[m + skip :: per_sample][:n].copy()


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def _narma10(split: Split, seed: int | None) -> Task:
    u = _rng(seed).uniform(0.0, 0.5, split.total)
    y = narma10_series(u)[1:]
    return Task("narma10", u, y[:, None], (0.0, 0.5), split, params={"u_dist": "U[0,0.5]"})


def _mackey_glass(split: Split, seed: int | None) -> Task:
    x = mackey_glass_series(split.total + 1)
    rng = (float(x.min()), float(x.max()))
    params: dict[str, object] = {"tau": 17.0, "beta": 0.2, "gamma": 0.1, "n": 10.0, "step": 1.0}
    return Task("mackey-glass", x[:-1], x[1:, None], rng, split, params=params)


def _memory_capacity(split: Split, seed: int | None, max_delay: int) -> Task:
    if int(max_delay) != max_delay or max_delay < 1:
        raise ParameterError(f"max_delay must be an integer ≥ 1 (got {max_delay})")
    if split.washout < max_delay:
        raise ParameterError(
            f"the memory capacity needs washout ≥ max_delay (got {split.washout} < {max_delay})"
        )
    u = _rng(seed).uniform(-1.0, 1.0, split.total)
    d = np.arange(1, int(max_delay) + 1)
    idx = np.arange(split.total)[:, None] - d[None, :]
    y = np.where(idx >= 0, u[np.clip(idx, 0, None)], 0.0)
    params = {"u_dist": "U[-1,1]", "max_delay": int(max_delay)}
    return Task("memory-capacity", u, y, (-1.0, 1.0), split, "capacity", params)


def _quartic(split: Split, seed: int | None) -> Task:
    u = _rng(seed).uniform(0.0, 1.0, split.total)
    return Task("quartic", u, (u**4)[:, None], (0.0, 1.0), split, params={"target": "u**4"})


def santafe_record() -> NDArray[np.float64]:
    """The Santa Fe laser record (data set A) shipped in ``reservoirpy`` (no download)."""
    try:
        from reservoirpy.datasets import santafe_laser
    except ImportError as exc:  # pragma: no cover - reservoirpy is a dependency
        raise ParameterError("the santafe task needs the reservoirpy package") from exc
    return np.asarray(santafe_laser(), dtype=float).reshape(-1)


def _santafe(split: Split, seed: int | None) -> Task:
    s = santafe_record()
    if split.total + 1 > s.size:
        raise ParameterError(
            f"the Santa Fe record has {s.size} samples; the split needs {split.total + 1}"
        )
    s = s[: split.total + 1]
    rec = santafe_record()
    rng = (float(rec.min()), float(rec.max()))
    return Task("santafe", s[:-1], s[1:, None], rng, split, params={"source": "reservoirpy"})


def make_task(
    name: str, split: Split | None = None, *, seed: int | None = 0, max_delay: int = 100
) -> Task:
    """The task ``name`` (one of :data:`TASKS`) on ``split`` (default :class:`Split`).

    ``seed`` draws the random inputs (NARMA10, memory capacity, quartic); ``max_delay`` is
    the largest delay D of the memory capacity.
    """
    split = split or Split()
    if name == "narma10":
        return _narma10(split, seed)
    if name == "mackey-glass":
        return _mackey_glass(split, seed)
    if name == "memory-capacity":
        return _memory_capacity(split, seed, max_delay)
    if name == "quartic":
        return _quartic(split, seed)
    if name == "santafe":
        return _santafe(split, seed)
    raise ParameterError(f"unknown task {name!r}; choose one of: {', '.join(TASKS)}")
