"""Batched, compiled integration of the neuron (Paper N, §N2) over many parameter points.

One call integrates ``n`` parameter points from ``t = 0`` to ``t_end`` and returns, for each,
statistics of V over the stationary window ``[t_window, t_end]`` and V sampled on a uniform
grid there.  Each point is integrated independently (own step size, own accept/reject
decisions), so its result does not depend on which other points share the call.

Method
------
Dormand–Prince 5(4) (Dormand & Prince 1980; FSAL, local extrapolation) with the error norm
``‖e_i / (atol + rtol·max(|y_i|, |y_new,i|))‖_RMS ≤ 1`` (as SciPy's ``RK45``) and Hairer's
DOPRI5 PI step-size control ``h ← h · clip(0.9 err^{−0.17} err_prev^{0.04}, 0.2, 10)`` (no growth
right after a rejection; rejections: ``h ← h · max(0.2, 0.9 err^{−0.17})``), capped at
``max_step``; measured at rtol 1e-4: 1–4 % of the steps rejected, 5–13 % with the plain
I-controller.
Dense output: Shampine's (1986) quartic continuous extension, built from the seven stages
without extra evaluations (the coefficients of SciPy's ``RK45``); the step and the dense output
both converge at order 5 (measured slopes 5.0 and 5.1, tested).  The vector field is
:func:`qmemristor.neuron.model.vector_field` written out for one point, with the F_ij table
kernel inlined (:func:`qmemristor.neuron._kernels.fij0`, the arithmetic of
:func:`qmemristor.neuron.device.fij_point`), compiled by numba.  Measured: ~180 ns per
right-hand side, ~1.1 µs per step, ~23 000 steps for a limit cycle over t = 0…1500.

Over the window, per accepted step ``[t, t + h]``:

- **extremes** of V: the step ends plus every interior critical point of the quartic
  interpolant (sign changes of its cubic derivative on 4 sub-intervals, then 40 bisections):
  with ~11 steps per period (ωh ≈ 0.6) the largest V at step points alone can miss the peak
  by A(1 − cos(ωh/2)) ≈ 0.04 A — 3e-3 for the half-span A = 0.075 of a typical cycle;
- **mean** of V: the exact integral of the interpolant, divided by the window length;
- **samples** of V at ``t_window + k·dt_out`` from the interpolant.

Failures end the integration of that point only, with a status code (:data:`STATUS`): the
step-size budget ``max_steps`` (accepted + rejected) exhausted, a step below
``16 ε max(|t|, 1)`` (step-size underflow), a non-finite state that step-size reduction
cannot avoid, or a Bloch vector with ``|r| > 1 + ball_tol`` (the ball is invariant for
α ∈ [0, 2]: leaving it means the integration went wrong).

Compilation: ``numba.njit(cache=True)``; numba writes the cache beside this file, or — when
the package folder is read-only (an installed package) — in its user-wide cache directory
(``NUMBA_CACHE_DIR`` if set).  See :func:`warm_up` and ``benchmarks/sweep_vs_scipy.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, check_nonnegative, check_positive
from ..neuron.device import FijTables
from ..neuron.model import PARAM_NAMES

__all__ = [
    "STATUS",
    "BatchOptions",
    "BatchResult",
    "integrate_batch",
    "status_reason",
    "warm_up",
]

#: Status codes of a point: 0 is success, every other code a failure with its reason.
STATUS = {
    0: "ok",
    1: "max_steps: step budget exhausted before t_end",
    2: "step_underflow: step size below 16·eps·t",
    3: "nonfinite: the state became NaN or infinite",
    4: "left_bloch_ball: |r| exceeded 1 + ball_tol",
}
OK, MAX_STEPS, STEP_UNDERFLOW, NONFINITE, LEFT_BALL = 0, 1, 2, 3, 4

_N_STATS = 9  # v_max, v_min, v_mean, t_reached, X, Y, Z, V (final state), max |r|


@dataclass(frozen=True)
class BatchOptions:
    """Numerical options of :func:`integrate_batch` (the conventions of a sweep's results).

    Attributes
    ----------
    t_end : float
        End of the integration (units of τ_c); every point starts at t = 0.
    transient : float or None
        Duration discarded before the stationary window ``[transient, t_end]``; ``None``
        (default) discards the first half, as :func:`qmemristor.analysis.spectra.stationary_part`.
    dt_out : float
        Spacing of the uniform V samples over the window (for spectra and regimes).  The default
        0.05 resolves ω up to π/0.05 ≈ 63 (9 × Ω for Ω = 7).
    rtol, atol : float
        Local error tolerances of the Dormand–Prince pair.  Against SciPy's DOP853 at rtol 1e-8
        (``benchmarks/sweep_vs_scipy.py`` and the tests), spans of settled states (steady,
        limit cycles, coexistence) agree to ≤ 2e-5 at rtol = 3e-5 (6e-5 at 1e-4, 5e-4 at
        1e-3).  The hardest points are just past a supercritical Hopf point, where the
        trajectory grows from the perturbed equilibrium and reaches its small cycle (span ∝ √μ)
        around the start of the window: the method's slight damping of the oscillation then
        shows up amplified; worst measured: 2.3e-4 at rtol = 3e-5 (ΔΓ = 0.0035 from
        Γ_H = 0.654, t_end = 1500), 7.3e-4 at rtol = 1e-4, 7.8e-5 at rtol = 1e-5.  The default
        3e-5 keeps a margin of 4 on the required 1e-3 for 1.25× the cost of 1e-4.  atol sets
        the noise floor of a converged steady state (its span is ~10 atol): 1e-9 keeps it far
        below the flatness threshold of :func:`~qmemristor.analysis.spectra.classify_regime`
        (1e-6), which atol = 1e-7 would touch near Hopf points.
    h0 : float
        First trial step.
    max_step : float
        Largest step.  Without it the step size of a converged steady state settles where
        the explicit method is barely stable (h|λ| ≈ 3 for the qubit's λ = −Γ ± iΩ) and V
        keeps a noise of the order of rtol, which :func:`~qmemristor.analysis.spectra.
        classify_regime` would take for an oscillation; 0.25 keeps hΩ ≤ 1.75 for Ω = 7.
    max_steps : int
        Budget of steps (accepted + rejected) per point.
    ball_tol : float
        A point fails if its Bloch vector leaves the ball by more than this.  The exact flow
        stays inside (α ≤ 2); the integration drifts out by at most 1.3e-7 at rtol = 3e-5
        (6.6e-6 at 1e-4; measured at α = 2, Z_T = 1, Γ = 0.01, where the sphere attracts only
        at second order, ½ d|r|²/dt = −Γ(1 − Z)²), so 1e-3 flags a wrong trajectory, not
        the integration error.
    """

    t_end: float = 1500.0
    transient: float | None = None
    dt_out: float = 0.05
    rtol: float = 3e-5
    atol: float = 1e-9
    h0: float = 1e-3
    max_step: float = 0.25
    max_steps: int = 2_000_000
    ball_tol: float = 1e-3

    def __post_init__(self) -> None:
        check_positive("t_end", self.t_end)
        if self.transient is not None:
            check_nonnegative("transient", self.transient)
            if not self.transient < self.t_end:
                raise ParameterError(
                    f"transient must be < t_end (got {self.transient:g} ≥ {self.t_end:g})"
                )
        for name in ("dt_out", "rtol", "atol", "h0", "max_step", "ball_tol"):
            check_positive(name, getattr(self, name))
        if self.dt_out > self.t_end - self.window_start:
            raise ParameterError(
                f"dt_out={self.dt_out:g} is longer than the stationary window "
                f"[{self.window_start:g}, {self.t_end:g}]"
            )
        ms = self.max_steps
        if isinstance(ms, bool) or not isinstance(ms, int | np.integer) or ms < 1:
            raise ParameterError(f"max_steps must be an integer ≥ 1 (got {ms!r})")

    @property
    def window_start(self) -> float:
        """Start of the stationary window: ``transient``, or ``t_end/2`` by default."""
        return 0.5 * self.t_end if self.transient is None else float(self.transient)

    @property
    def n_samples(self) -> int:
        """Number of uniform samples ``t_window + k dt_out ≤ t_end`` (k = 0, 1, ...)."""
        return math.floor((self.t_end - self.window_start) / self.dt_out * (1 + 1e-12)) + 1

    def sample_times(self) -> NDArray[np.float64]:
        """The sample times ``t_window + k dt_out``."""
        return self.window_start + self.dt_out * np.arange(self.n_samples)


@dataclass(frozen=True)
class BatchResult:
    """What :func:`integrate_batch` returns for ``n`` points (NaN where a point failed).

    Attributes
    ----------
    v_max, v_min, v_mean : ndarray, shape (n,)
        Largest, smallest and time-averaged V over the window (interpolant-refined).
    samples : ndarray, shape (n, n_samples)
        V at :meth:`BatchOptions.sample_times`.
    final_state : ndarray, shape (n, 4)
        (X, Y, Z, V) where the integration stopped (at ``t_end`` on success).
    t_reached : ndarray, shape (n,)
        Time at which the integration stopped.
    status : ndarray of int8, shape (n,)
        :data:`STATUS` codes.
    bloch_max : ndarray, shape (n,)
        max |(X, Y, Z)| over the accepted steps (≤ 1 up to the integration error).
    n_accepted, n_rejected : ndarray of int64, shape (n,)
        Steps taken; right-hand-side evaluations are ``6 (accepted + rejected) + 1``.
    """

    v_max: NDArray[np.float64]
    v_min: NDArray[np.float64]
    v_mean: NDArray[np.float64]
    samples: NDArray[np.float64]
    final_state: NDArray[np.float64]
    t_reached: NDArray[np.float64]
    status: NDArray[np.int8]
    bloch_max: NDArray[np.float64]
    n_accepted: NDArray[np.int64]
    n_rejected: NDArray[np.int64]

    @property
    def span(self) -> NDArray[np.float64]:
        """``v_max − v_min`` over the window."""
        return self.v_max - self.v_min


def status_reason(code: int) -> str:
    """The reason behind a status code (``"ok"`` for 0)."""
    return STATUS.get(int(code), f"unknown status {int(code)}")


@lru_cache(maxsize=1)
def _kernel():
    from ._kernel import batch

    return batch


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernel now, on a tiny problem."""
    from ..neuron.device import device_tables
    from ..neuron.model import NeuronParams

    p = NeuronParams()
    integrate_batch(
        p.pvec[None, :],
        np.array([[0.0, 0.0, 1.0, 0.0]]),
        device_tables(p.l, p.lam),
        BatchOptions(t_end=1.0, dt_out=0.25),
    )


def integrate_batch(
    pvecs: NDArray[np.float64],
    y0: NDArray[np.float64],
    tables: FijTables,
    options: BatchOptions | None = None,
) -> BatchResult:
    """Integrate the neuron for ``n`` parameter points at once (module docstring: method).

    Parameters
    ----------
    pvecs : ndarray, shape (n, 7)
        Parameter points in the order :data:`~qmemristor.neuron.model.PARAM_NAMES`
        (v_in, r_m, gamma, alpha, z_t, omega, x0); they share the device tables (l, λ).
    y0 : ndarray, shape (n, 4)
        Initial states (X, Y, Z, V) at t = 0.
    tables : FijTables
        F_ij tables of the device, :func:`~qmemristor.neuron.device.device_tables`.
    options : BatchOptions, optional
        Time span, window, output step and tolerances.

    Returns
    -------
    BatchResult
        Per-point window statistics, samples, final states and status codes.
    """
    opts = BatchOptions() if options is None else options
    # fresh writable C arrays: one compiled signature (numba specialises on read-only arrays)
    pvecs = np.array(pvecs, dtype=float, order="C")
    y0 = np.array(y0, dtype=float, order="C")
    if pvecs.ndim != 2 or pvecs.shape[1] != len(PARAM_NAMES):
        raise ParameterError(f"pvecs must have shape (n, {len(PARAM_NAMES)}); got {pvecs.shape}")
    if y0.shape != (pvecs.shape[0], 4):
        raise ParameterError(f"y0 must have shape ({pvecs.shape[0]}, 4); got {y0.shape}")
    n = pvecs.shape[0]
    samples = np.empty((n, opts.n_samples))
    stats = np.empty((n, _N_STATS))
    status = np.zeros(n, dtype=np.int8)
    counts = np.zeros((n, 2), dtype=np.int64)
    if n:
        from ..neuron._kernels import field_tables

        tab = field_tables(tables)
        _kernel()(
            pvecs,
            y0,
            tables.l * math.sqrt(2.0),
            tab,
            float(opts.t_end),
            float(opts.window_start),
            float(opts.dt_out),
            float(opts.rtol),
            float(opts.atol),
            float(opts.h0),
            float(opts.max_step),
            int(opts.max_steps),
            float(opts.ball_tol),
            samples,
            stats,
            status,
            counts,
        )

    return BatchResult(
        v_max=stats[:, 0],
        v_min=stats[:, 1],
        v_mean=stats[:, 2],
        samples=samples,
        final_state=stats[:, 4:8],
        t_reached=stats[:, 3],
        bloch_max=stats[:, 8],
        status=status,
        n_accepted=counts[:, 0],
        n_rejected=counts[:, 1],
    )
