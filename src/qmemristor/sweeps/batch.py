"""Batched, compiled integration of the neuron (Paper N, §N2) over many parameter points.

One call integrates ``n`` parameter points from ``t = 0`` and returns, for each, statistics
of V over its stationary window and V sampled on a uniform grid there.  Protocols
(:class:`BatchOptions`): ``"stationary"`` (default) integrates window by window until the
extremes of V agree over three windows, or until the point's cap
(:mod:`qmemristor.neuron.stationary`: the rule, its windows and caps, what it guarantees),
and describes the last window; ``"paper"`` integrates to a fixed ``t_end`` and describes
``[t_window, t_end]`` (the second half by default).  Each point is integrated independently
(own step size, own accept/reject decisions, own windows and tolerance), so its result does
not depend on which other points share the call.

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
kernel inlined (``qmemristor.neuron._kernels.fij0``, the arithmetic of
:func:`qmemristor.neuron.device.fij_point`), compiled by numba.  Measured: ~180 ns per
right-hand side, ~1.1 µs per step, ~23 000 steps for a limit cycle over t = 0…1500.

Over a window, per accepted step ``[t, t + h]`` (in the stationary protocol every window
ends exactly at a step's end):

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
α ∈ [0, 2]: leaving it means the integration went wrong).  A stationary run that reaches its
cap unsettled is no failure: status 5, the last window's statistics kept.

Compilation: ``numba.njit(cache=True)``; numba writes the cache beside this file, or — when
the package folder is read-only (an installed package) — in its user-wide cache directory
(``NUMBA_CACHE_DIR`` if set).  See :func:`warm_up` and ``benchmarks/sweep_vs_scipy.py``.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, ResourceLimitError, check_nonnegative, check_positive
from ..neuron.device import FijTables
from ..neuron.model import PARAM_NAMES, ode_model
from ..neuron.stationary import (
    Stationarity,
    check_protocol,
    hopf_rate,
    relaxation_time,
    schedule,
)
from ..solvers.batched import IntegratorOptions, Schedule
from ..solvers.batched import integrate_batch as solve_batch

__all__ = [
    "NOT_SETTLED",
    "STATUS",
    "BatchOptions",
    "BatchResult",
    "integrate_batch",
    "status_reason",
    "warm_up",
]

#: Status codes of a point: 0 is success (settled, or the fixed duration completed), 1–4
#: integration failures (NaN results), 5 a stationary run that did not settle within its cap
#: (results of its last window, kept).  ``"name: description"``; the name goes into CF
#: ``flag_meanings``, the whole text into the datasets' ``status_meanings``.
STATUS = {
    0: "ok: stationary (settled), or the fixed duration of the paper protocol completed",
    1: "max_steps: step budget exhausted before t_end",
    2: "step_underflow: step size below 16·eps·t",
    3: "nonfinite: the state became NaN or infinite",
    4: "left_bloch_ball: |r| exceeded 1 + ball_tol",
    5: "not_settled: no stationary state within the time cap (last window's values kept)",
}
OK, MAX_STEPS, STEP_UNDERFLOW, NONFINITE, LEFT_BALL, NOT_SETTLED = 0, 1, 2, 3, 4, 5
#: Codes whose results are NaN (the integration failed).
FAILED = (MAX_STEPS, STEP_UNDERFLOW, NONFINITE, LEFT_BALL)

_ST = Stationarity()
_PAPER_T_END = 1500.0
#: Near a Hopf point the tolerance is tightened no further than this (cost ∝ rtol^(−1/5):
#: 1e-9 is 2× the steps of 3e-5).
_RTOL_FLOOR = 1e-9


@dataclass(frozen=True)
class BatchOptions:
    """Numerical options of :func:`integrate_batch` (the conventions of a sweep's results).

    Attributes
    ----------
    protocol : {"stationary", "paper"}
        ``"stationary"`` (default): each point is integrated window by window until span and
        mean of V are stationary, or until its cap (:mod:`qmemristor.neuron.stationary`: the
        rule, its windows, caps and tolerances); the statistics are those of the last window.
        ``"paper"``: Paper N's protocol, a fixed duration ``t_end`` of which the second half
        (or ``[transient, t_end]``) is the window.
    t_end : float, optional
        ``"paper"``: the duration (default 1500).  ``"stationary"``: the hard cap on every
        point's run (default 30000, :attr:`Stationarity.t_max`).
    transient : float or None
        ``"paper"`` only: the duration discarded before the window ``[transient, t_end]``;
        ``None`` (default) discards the first half, as
        :func:`qmemristor.analysis.spectra.stationary_part`.
    window_min, window_factor, cap_min, cap_factor, settle_atol, settle_rtol : float
        ``"stationary"`` only: the parameters of the rule (:class:`~qmemristor.neuron.
        stationary.Stationarity`: ``window_min``, ``window_factor``, ``cap_min``,
        ``cap_factor``, ``atol``, ``rtol``).
    dt_out : float
        Spacing of the uniform V samples (for spectra and regimes): over the window
        (``"paper"``), over the last ``min(window_min, min(cap_min, t_end)/3)`` of the last
        window (``"stationary"``).  The default 0.05 resolves ω up to π/0.05 ≈ 63 (9 × Ω for
        Ω = 7).
    rtol, atol : float
        Local error tolerances of the Dormand–Prince pair.  atol sets the noise floor of a
        converged steady state (its span is ~10 atol): 1e-9 keeps it far below the flatness
        threshold of :func:`~qmemristor.analysis.spectra.classify_regime` (1e-6) and below
        ``settle_atol``.
    rtol_hopf : float
        ``"stationary"`` only: a point whose start equilibrium has a complex pair with
        |Re λ| = σ is integrated with ``min(rtol, max(rtol_hopf·σ, 1e-9))``.  Reason
        (measured, ``benchmarks/stationary_accuracy.py``): on the small cycle just past a
        supercritical Hopf point the amplitude settles where the growth σ balances the
        saturation, and the method's own slight damping (∝ rtol) shifts that balance — the
        relative span error is ≈ rtol/(2σ): 1.1 % at Γ = 0.653 (σ = 1.4e-3, V_in = 2, R_m = 6)
        and 0.6 % at Paper N's Fig. 3 point with rtol = 3e-5.  rtol_hopf = 2e-3 holds it near
        1e-3 for ~1.6× the steps on those few points.  Spans measured against SciPy across
        regimes: :data:`qmemristor.sweeps.neuron.ACCURACY`.
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
        over t = 400 (6.6e-6 at 1e-4; measured at α = 2, Z_T = 1, Γ = 0.01, where the sphere
        attracts only at second order, ½ d|r|²/dt = −Γ(1 − Z)²), so 1e-3 flags a wrong
        trajectory, not the integration error.
    """

    protocol: str = "stationary"
    t_end: float | None = None
    transient: float | None = None
    window_min: float = _ST.window_min
    window_factor: float = _ST.window_factor
    cap_min: float = _ST.cap_min
    cap_factor: float = _ST.cap_factor
    settle_atol: float = _ST.atol
    settle_rtol: float = _ST.rtol
    dt_out: float = 0.05
    rtol: float = 3e-5
    rtol_hopf: float = 2e-3
    atol: float = 1e-9
    h0: float = 1e-3
    max_step: float = 0.25
    max_steps: int = 2_000_000
    ball_tol: float = 1e-3

    def __post_init__(self) -> None:
        check_protocol(self.protocol)
        t_end = self.t_end
        if t_end is None:
            t_end = _PAPER_T_END if self.protocol == "paper" else _ST.t_max
        check_positive("t_end", t_end)
        t_end = float(t_end)
        object.__setattr__(self, "t_end", t_end)
        if self.transient is not None:
            if self.protocol != "paper":
                raise ParameterError("transient applies to the paper protocol only")
            check_nonnegative("transient", self.transient)
            if not self.transient < t_end:
                raise ParameterError(
                    f"transient must be < t_end (got {self.transient:g} ≥ {t_end:g})"
                )
        for name in ("dt_out", "rtol", "rtol_hopf", "atol", "h0", "max_step", "ball_tol"):
            check_positive(name, getattr(self, name))
        self.stationarity()  # validates the rule's parameters
        if self.dt_out > self.sample_length:
            raise ParameterError(
                f"dt_out={self.dt_out:g} is longer than the sampled stretch "
                f"({self.sample_length:g}) of the window"
            )
        ms = self.max_steps
        if isinstance(ms, bool) or not isinstance(ms, int | np.integer) or ms < 1:
            raise ParameterError(f"max_steps must be an integer ≥ 1 (got {ms!r})")

    def stationarity(self) -> Stationarity:
        """The stationary protocol's parameters, with ``t_max = t_end``."""
        return Stationarity(
            window_min=self.window_min,
            window_factor=self.window_factor,
            cap_min=self.cap_min,
            cap_factor=self.cap_factor,
            t_max=float(self.t_end),  # type: ignore[arg-type]
            atol=self.settle_atol,
            rtol=self.settle_rtol,
        )

    @property
    def window_start(self) -> float:
        """``"paper"``: start of the window, ``transient`` or ``t_end/2`` by default."""
        t_end = float(self.t_end)  # type: ignore[arg-type]
        return 0.5 * t_end if self.transient is None else float(self.transient)

    @property
    def sample_length(self) -> float:
        """Length of the sampled stretch at the end of the (last) window."""
        if self.protocol == "paper":
            return float(self.t_end) - self.window_start  # type: ignore[arg-type]
        return self.stationarity().sample_length()

    @property
    def n_samples(self) -> int:
        """Number of uniform samples ``k dt_out ≤ sample_length`` (k = 0, 1, ...)."""
        ratio = self.sample_length / self.dt_out * (1 + 1e-12)
        if not ratio < 2.0**53:  # beyond, the count is not an exact integer (or overflows)
            raise ResourceLimitError(
                f"dt_out={self.dt_out:g} gives {ratio:.3g} samples of V over the sampled "
                f"stretch ({self.sample_length:g}), more than any memory holds; use a larger "
                "dt_out or a shorter t_end"
            )
        return math.floor(ratio) + 1

    def sample_times(self) -> NDArray[np.float64]:
        """Sample times relative to the start of the sampled stretch (``"paper"``: absolute
        times ``t_window + k dt_out``)."""
        t0 = self.window_start if self.protocol == "paper" else 0.0
        return typing.cast("NDArray[np.float64]", t0 + self.dt_out * np.arange(self.n_samples))


@dataclass(frozen=True)
class BatchResult:
    """What :func:`integrate_batch` returns for ``n`` points (NaN where a point failed).

    Attributes
    ----------
    v_max, v_min, v_mean : ndarray, shape (n,)
        Largest, smallest and time-averaged V over the (last) window (interpolant-refined).
    samples : ndarray, shape (n, n_samples)
        V at :meth:`BatchOptions.sample_times` (``"stationary"``: from the start of the
        sampled stretch, ``window_end − sample_length``).
    final_state : ndarray, shape (n, 4)
        (X, Y, Z, V) where the integration stopped.
    t_reached : ndarray, shape (n,)
        Time at which the integration stopped (the end of the last window on success).
    window_start : ndarray, shape (n,)
        Start of the window the statistics describe.
    n_windows : ndarray of int64, shape (n,)
        Windows integrated.
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
    window_start: NDArray[np.float64]
    n_windows: NDArray[np.int64]
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
    spectra: NDArray[np.complex128] | None = None,
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
        Protocol, time span, windows, output step and tolerances.
    spectra : ndarray of complex, shape (n, 4), optional
        ``"stationary"`` only: each point's Jacobian eigenvalues at the equilibrium nearest (in
        V) to its initial state, which set its windows and cap (through the relaxation time
        :func:`qmemristor.neuron.stationary.relaxation_time`) and its tolerance near a Hopf
        point (``rtol_hopf``); computed here from the equilibria when not given (~20 ms per
        point; sweeps pass them from their cached equilibria).

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
    scheds, n_wins = _schedules(pvecs, y0, tables, opts, spectra)
    st = opts.stationarity()
    t_first, window, t_end, drift, sample_offset, rtol = scheds.T
    schedule = Schedule(t_first, window, t_end, drift, sample_offset, rtol, n_windows=n_wins,
                        settle=opts.protocol == "stationary", settle_atol=float(st.atol),
                        settle_rtol=float(st.rtol))  # fmt: skip
    integ = IntegratorOptions(atol=opts.atol, h0=opts.h0, max_step=opts.max_step,
                              max_steps=opts.max_steps, dt_out=opts.dt_out,
                              n_samples=opts.n_samples, bound_tol=opts.ball_tol)  # fmt: skip
    sol = solve_batch(ode_model(tables=tables), pvecs, y0, schedule, integ, observable="V")
    return BatchResult(
        v_max=sol.max,
        v_min=sol.min,
        v_mean=sol.mean,
        samples=sol.samples,
        final_state=sol.final_state,
        t_reached=sol.t_reached,
        window_start=sol.window_start,
        n_windows=sol.n_windows,
        bloch_max=sol.bound_max,
        status=sol.status,
        n_accepted=sol.n_accepted,
        n_rejected=sol.n_rejected,
    )


def _schedules(
    pvecs: NDArray, y0: NDArray, tables: FijTables, opts: BatchOptions, spectra: NDArray | None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The kernel's per-point rows (t_first, W, t_end, drift factor, sample offset, rtol)."""
    n = pvecs.shape[0]
    t_end = float(opts.t_end)  # type: ignore[arg-type]
    if opts.protocol == "paper":
        t0 = opts.window_start
        row = np.array([t0, t_end - t0, t_end, 1.0, 0.0, opts.rtol])
        return np.tile(row, (n, 1)), np.ones(n, dtype=np.int64)
    if spectra is None:
        from ..neuron.stationary import point_spectrum

        spectra = np.array(
            [point_spectrum(_params(pv, tables), float(v[3]))[0]
             for pv, v in zip(pvecs, y0, strict=True)]
        ).reshape(n, 4)  # fmt: skip
    ev = np.asarray(spectra)
    if ev.shape != (n, 4) or not np.all(np.isfinite(ev)):
        raise ParameterError(f"spectra must be {n} × 4 finite eigenvalues (got {ev.shape})")
    st = opts.stationarity()
    tau = relaxation_time(pvecs[:, 2], pvecs[:, 3], ev)
    w, n_win, f = schedule(tau, st)
    rtol = np.minimum(opts.rtol, np.maximum(opts.rtol_hopf * hopf_rate(ev), _RTOL_FLOOR))
    scheds = np.stack([np.zeros(n), w, n_win * w, f, w - st.sample_length(), rtol], axis=1)
    return np.ascontiguousarray(scheds), np.ascontiguousarray(n_win, dtype=np.int64)


def _params(pvec: NDArray, tables: FijTables):
    from ..neuron.model import NeuronParams

    return NeuronParams(**dict(zip(PARAM_NAMES, (float(x) for x in pvec), strict=True)),
                        l=tables.l, lam=tables.lam)  # fmt: skip
