"""A batched adaptive integrator for any :class:`~qmemristor.models.ODEModel`.

One call integrates ``n`` parameter points of a model from ``t = 0``, each independently (own
step size, accept/reject decisions, windows, tolerance and failure status), and returns for
each the statistics of one state component — the *observable* — over its last window, and
the observable sampled on a uniform grid there.

Method
------
Dormand–Prince 5(4) (Dormand & Prince 1980; FSAL, local extrapolation) with the error norm
``‖e_i / (atol + rtol·max(|y_i|, |y_new,i|))‖_RMS ≤ 1`` (as SciPy's ``RK45``) and Hairer's
DOPRI5 PI step-size control ``h ← h · clip(0.9 err^{−0.17} err_prev^{0.04}, 0.2, 10)`` (no
growth right after a rejection; rejections: ``h ← h · max(0.2, 0.9 err^{−0.17})``), capped at
``max_step``.  Dense output: Shampine's (1986) quartic continuous extension built from the
seven stages (the coefficients of SciPy's ``RK45``).  Step and dense output converge at order
5 (measured in the tests on a van der Pol oscillator).  The model's compiled field is called
through a typed function pointer, so the kernel (:mod:`._dopri`) is compiled once for all
models and cached by numba.

Windows (:class:`Schedule`): the run ``[0, t_end]`` of a point is cut into windows
``[t_first + kW, t_first + (k+1)W]``; statistics describe the last window integrated.  With
``settle`` the run stops after the first window k ≥ 2 whose observable extremes agree with
the two windows before (``f|Δ| ≤ settle_atol + settle_rtol·span`` for the max and the min,
``f`` the point's drift factor); a run that reaches its last window unsettled is status 5
(values kept).  Over a window, per accepted step: the extremes (step ends and every interior
critical point of the quartic interpolant), the mean (exact integral of the interpolant) and
the samples (the interpolant at ``window start + s_off + j·dt_out``).

Failures end that point only, with a status code (:data:`STATUS`): step budget, step-size
underflow (``h < 16 ε max(|t|, 1)``), a non-finite state that step reduction cannot avoid, or
the model's invariant ball left (``ODEModel.bound``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_nonnegative, check_positive
from ..models import ODEModel

__all__ = [
    "FAILED",
    "STATUS",
    "BatchSolution",
    "IntegratorOptions",
    "Schedule",
    "integrate_batch",
]

#: Status codes of a point; ``"name: description"``.
STATUS = {
    0: "ok: settled, or the fixed duration completed",
    1: "max_steps: step budget exhausted before t_end",
    2: "step_underflow: step size below 16·eps·t",
    3: "nonfinite: the state became NaN or infinite",
    4: "left_bound: the state left the model's invariant ball",
    5: "not_settled: no stationary state within the time cap (last window's values kept)",
}
#: Codes whose results are NaN (the integration failed).
FAILED = (1, 2, 3, 4)


@dataclass(frozen=True)
class IntegratorOptions:
    """Numerical options of :func:`integrate_batch` shared by all points.

    Attributes
    ----------
    atol : float
        Absolute tolerance (the relative one is per point, :class:`Schedule`).
    h0, max_step : float
        First trial step and largest step.
    max_steps : int
        Budget of steps (accepted + rejected) per point.
    dt_out : float
        Spacing of the observable's samples.
    n_samples : int
        Samples per point (from the window start + ``Schedule.sample_offset``).
    bound_tol : float
        A point fails when it leaves the model's invariant ball by more than this.
    """

    atol: float = 1e-9
    h0: float = 1e-3
    max_step: float = math.inf
    max_steps: int = 2_000_000
    dt_out: float = 0.05
    n_samples: int = 1
    bound_tol: float = 1e-3

    def __post_init__(self) -> None:
        for name in ("atol", "h0", "dt_out", "bound_tol"):
            check_positive(name, getattr(self, name))
        if not (isinstance(self.max_step, int | float) and self.max_step > 0):
            raise ParameterError(f"max_step must be > 0 (got {self.max_step!r})")
        for name in ("max_steps", "n_samples"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                raise ParameterError(f"{name} must be an integer ≥ 1 (got {v!r})")


@dataclass(frozen=True, eq=False)
class Schedule:
    """Per-point windows (arrays of shape (n,); module docstring).

    Attributes
    ----------
    t_first, window, t_end, drift, sample_offset, rtol : ndarray
        Start of the first window, window length W, end of the run (the end of the last
        window), drift factor of the settledness test, offset of the first sample from a
        window's start, relative tolerance.
    n_windows : ndarray of int64
    settle : bool
        Stop a point once its windows agree (else run every window).
    settle_atol, settle_rtol : float
    """

    t_first: NDArray[np.float64]
    window: NDArray[np.float64]
    t_end: NDArray[np.float64]
    drift: NDArray[np.float64]
    sample_offset: NDArray[np.float64]
    rtol: NDArray[np.float64]
    n_windows: NDArray[np.int64]
    settle: bool = False
    settle_atol: float = 1e-7
    settle_rtol: float = 1e-3

    @classmethod
    def fixed(cls, n: int, t_end: float, window_start: float, rtol: float) -> Schedule:
        """One window ``[window_start, t_end]`` for every point (no settling)."""
        t_end = check_positive("t_end", t_end)
        window_start = check_nonnegative("window_start", window_start)
        if not window_start < t_end:
            raise ParameterError(f"the window must start before t_end (got {window_start:g})")
        full = np.full(n, 1.0)
        return cls(window_start * full, (t_end - window_start) * full, t_end * full, full,
                   0.0 * full, check_positive("rtol", rtol) * full,
                   np.ones(n, dtype=np.int64))  # fmt: skip

    @classmethod
    def windows(
        cls,
        window: ArrayLike,
        n_windows: ArrayLike,
        rtol: ArrayLike,
        *,
        drift: ArrayLike = 1.0,
        sample_length: float | None = None,
        settle_atol: float = 1e-7,
        settle_rtol: float = 1e-3,
    ) -> Schedule:
        """Windows of length ``window`` from t = 0, at most ``n_windows``, until settled.

        Samples cover the last ``sample_length`` of a window (default: all of it).
        """
        w = np.asarray(window, dtype=float).reshape(-1)
        n = w.size
        nw = np.broadcast_to(np.asarray(n_windows, dtype=np.int64), (n,)).copy()
        s_len = w if sample_length is None else np.full(n, float(sample_length))
        return cls(np.zeros(n), w.copy(), nw * w, np.broadcast_to(np.asarray(drift, float),
                   (n,)).copy(), w - s_len, np.broadcast_to(np.asarray(rtol, float), (n,)).copy(),
                   nw, settle=True, settle_atol=settle_atol, settle_rtol=settle_rtol)  # fmt: skip

    def check(self, n: int) -> None:
        """Shapes (n,) and sane values, else :class:`ParameterError`."""
        arrays = (self.t_first, self.window, self.t_end, self.drift, self.sample_offset, self.rtol)
        if any(np.shape(a) != (n,) for a in (*arrays, self.n_windows)):
            raise ParameterError(f"every schedule array must have shape ({n},)")
        if not all(np.all(np.isfinite(a)) for a in arrays[:3] + arrays[4:]):
            raise ParameterError("schedule times and tolerances must be finite")
        if np.any(self.window <= 0) or np.any(self.n_windows < 1) or np.any(self.rtol <= 0):
            raise ParameterError("windows must be > 0, at least one per point, rtol > 0")


@dataclass(frozen=True)
class BatchSolution:
    """What :func:`integrate_batch` returns for ``n`` points (NaN where a point failed).

    Attributes
    ----------
    max, min, mean : ndarray, shape (n,)
        Largest, smallest and time-averaged observable over the last window.
    samples : ndarray, shape (n, n_samples)
    final_state : ndarray, shape (n, d)
    t_reached, window_start : ndarray, shape (n,)
    n_windows : ndarray of int64
    status : ndarray of int8 (:data:`STATUS`)
    bound_max : ndarray, shape (n,)
        max ‖y[bound components]‖ over the accepted steps (NaN without a bound).
    n_accepted, n_rejected : ndarray of int64
    """

    max: NDArray[np.float64]
    min: NDArray[np.float64]
    mean: NDArray[np.float64]
    samples: NDArray[np.float64]
    final_state: NDArray[np.float64]
    t_reached: NDArray[np.float64]
    window_start: NDArray[np.float64]
    n_windows: NDArray[np.int64]
    status: NDArray[np.int8]
    bound_max: NDArray[np.float64]
    n_accepted: NDArray[np.int64]
    n_rejected: NDArray[np.int64]

    @property
    def span(self) -> NDArray[np.float64]:
        return self.max - self.min


def integrate_batch(
    model: ODEModel,
    params: ArrayLike,
    y0: ArrayLike,
    schedule: Schedule,
    options: IntegratorOptions | None = None,
    *,
    observable: str | int = 0,
) -> BatchSolution:
    """Integrate ``model`` for ``n`` parameter points at once (module docstring: the method).

    Parameters
    ----------
    model : ODEModel
    params : array_like, shape (n, m)
        Parameter points in the order of ``model.param_names``.
    y0 : array_like, shape (n, d)
        Initial states at t = 0.
    schedule : Schedule
        Windows, durations and tolerances per point.
    options : IntegratorOptions, optional
    observable : str or int
        The state component whose statistics and samples are recorded.

    Returns
    -------
    BatchSolution
    """
    from ._dopri import N_STATS, batch

    opts = IntegratorOptions() if options is None else options
    ps = np.array(params, dtype=float, order="C")
    ys = np.array(y0, dtype=float, order="C")
    d, m = model.n_states, model.n_params
    if ps.ndim != 2 or ps.shape[1] != m:
        raise ParameterError(f"params must have shape (n, {m}) for {model.name}; got {ps.shape}")
    n = ps.shape[0]
    if ys.shape != (n, d):
        raise ParameterError(f"y0 must have shape ({n}, {d}); got {ys.shape}")
    schedule.check(n)
    obs = model.state_index(observable)
    comps, radius = model.bound if model.bound is not None else ((), 1.0)
    scheds = np.ascontiguousarray(
        np.stack([schedule.t_first, schedule.window, schedule.t_end, schedule.drift,
                  schedule.sample_offset, schedule.rtol], axis=1), dtype=float)  # fmt: skip
    samples = np.empty((n, opts.n_samples))
    stats = np.empty((n, N_STATS + d))
    status = np.zeros(n, dtype=np.int8)
    counts = np.zeros((n, 2), dtype=np.int64)
    if n:
        batch(
            model.compiled[0], ps, ys, model.aux, scheds,
            np.ascontiguousarray(schedule.n_windows, dtype=np.int64), bool(schedule.settle),
            float(schedule.settle_atol), float(schedule.settle_rtol), float(opts.dt_out),
            float(opts.atol), float(opts.h0), float(opts.max_step), int(opts.max_steps), obs,
            np.array(comps, dtype=np.int64), float(radius), float(opts.bound_tol), samples,
            stats, status, counts,
        )  # fmt: skip
    return BatchSolution(
        max=stats[:, 0],
        min=stats[:, 1],
        mean=stats[:, 2],
        samples=samples,
        final_state=stats[:, N_STATS:],
        t_reached=stats[:, 3],
        window_start=stats[:, 5],
        n_windows=stats[:, 6].astype(np.int64),
        status=status,
        bound_max=stats[:, 4],
        n_accepted=counts[:, 0],
        n_rejected=counts[:, 1],
    )
