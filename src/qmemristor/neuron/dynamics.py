"""Paper N, §N4: long-time simulation of the neuron: regime, span, spectrum, up/down sweeps.

One trajectory of §N2 integrated with SciPy, sampled on a uniform grid, and summarised on its
stationary part with the model-independent definitions of :mod:`qmemristor.analysis.spectra`
(the batched sweeps of :mod:`qmemristor.sweeps` use the same conventions, so their numbers are
comparable point by point).

Conventions
-----------
*Integrator.*  ``scipy.integrate.solve_ivp`` with ``method="DOP853"``, ``rtol = 1e-8``,
``atol = 1e-10`` by default (any ``solve_ivp`` method may be chosen; implicit ones get the
analytic Jacobian), or ``method="odeint"``: ODEPACK's LSODA through
``scipy.integrate.odeint``, same tolerances, whose step loop runs in Fortran.  The vector field
is the neuron's compiled :class:`~qmemristor.models.ODEModel` field, through the one SciPy path
:func:`qmemristor.solvers.solve_ode`.  Measured on
one core for t_end = 400 on the cycle at V_in = 1.73 (``benchmarks/neuron_simulate.py``):
DOP853 2.0 s with the compiled field, 3.0 s with a plain-Python one (``solve_ivp``'s own per-step
work dominates); ``odeint`` 0.33 s (×6 faster than the default, same span to 3e-8 relative);
BDF and Radau with the analytic Jacobian 7× and 16× slower than the Python-field DOP853 — the
system is not stiff (eigenvalues ≈ −Γ ± iΩ and −1…−3), so implicit methods only cost.
Figures that need hundreds of runs use ``odeint``.

*Output grid.*  ``t_k = k·dt`` for ``k = 0 … round(t_end/dt)``, ``dt = 0.01`` by default
(dense output of the solver, not extra steps; the stationary protocol integrates window by
window on the same grid, restarting the solver at each window's start).

*Protocol.*  ``protocol="stationary"`` (default): the run goes on window by window until the
extremes of V over three successive windows agree, or until the point's cap
(:mod:`qmemristor.neuron.stationary`: windows and caps scale with the slowest relaxation time
τ at the equilibrium nearest to the initial state; ``t_end`` is the hard cap, default 30000);
the summary describes the last window and says whether the run settled (``status``).
``protocol="paper"``: Paper N's fixed duration ``t_end`` (default 1500), the samples with
``t ≥ transient`` (default ``t_end/2``) summarised.

*Stationary part* (the last window, or ``[transient, t_end]``).  On it:

- ``regime`` — :func:`qmemristor.analysis.regime_diagnostics` (four sub-windows), told whether
  any equilibrium is stable: where none is, a decaying amplitude is not extrapolated to rest
  (a slow approach to a smaller cycle fooled the extrapolation at Γ = 0.01, Z_T = 0.2,
  V_in = 2, R_m = 6);
- ``span`` = ``V_max − V_min``, the extremes refined by a parabola through the extreme sample
  and its neighbours (:func:`qmemristor.analysis.refined_extremes`, error ~ (ω dt)⁴);
- ``frequency`` — :func:`qmemristor.analysis.dominant_frequency` of V (angular, refined below
  the bin width); NaN when the regime is ``"steady"`` (a flat signal has no peak);
- ``V_mean``.

*Initial state* (default).  The equilibrium (0, 0, Z_T, V*) with the smallest |V*| — the one
an uncharged capacitor reaches when V_in is switched on slowly (the 1-D flow from V = 0 stops
at the first root) — plus ``ε (1, 0, 0, 1)/√2`` with ε = ``perturbation`` = 1e-3; if this
leaves the Bloch ball (Z_T = 1), the Bloch vector is scaled back onto the unit sphere.

*Bloch ball.*  It is invariant for α ≤ 2 (:mod:`.model`); ``bloch_max`` = max |r(t)| over
the record is returned so that callers can check it (≤ 1 up to the integration tolerance).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis.spectra import (
    dominant_frequency,
    refined_extremes,
    regime_diagnostics,
    stationary_part,
    windows_settled,
)
from ..errors import ParameterError, check_nonnegative, check_positive
from ..options import ODE_METHODS, SolverOptions
from .equilibria import equilibria
from .model import PARAM_NAMES, NeuronParams, ode_model
from .stationary import (
    Stationarity,
    check_protocol,
    point_spectrum,
    relaxation_time,
    schedule,
)

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = [
    "METHODS",
    "Simulation",
    "StationaryPlan",
    "StationarySummary",
    "SweepRuns",
    "coexistence_intervals",
    "initial_state",
    "integrate_trajectory",
    "simulate",
    "stationary_plan",
    "summarize",
    "sweep",
    "sweep_runs",
]

#: Integrators: the ``solve_ivp`` methods, and ``"odeint"`` (LSODA through odeint).
METHODS = ODE_METHODS


# --------------------------------------------------------------------------------------------
# the vector field as the solvers see it
# --------------------------------------------------------------------------------------------
def integrate_trajectory(
    p: NeuronParams,
    y0: ArrayLike,
    t: ArrayLike,
    *,
    method: str = "DOP853",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> NDArray[np.float64]:
    """States (X, Y, Z, V) at the increasing times ``t`` (``t[0]`` is the initial time).

    The neuron's :class:`~qmemristor.models.ODEModel` through the one SciPy path
    :func:`qmemristor.solvers.solve_ode` (Radau, BDF and LSODA get the analytic Jacobian;
    ``"odeint"`` keeps its own finite-difference one, as the figures were made with it: handing
    it the analytic Jacobian moves Figs. 4 and 5's steady-state spans by ~2e-8).
    Returns shape ``(len(t), 4)``.  Raises :class:`~qmemristor.errors.NumericalError` if the
    solver fails.
    """
    from ..solvers import solve_ode

    opts = SolverOptions(method=method, rtol=rtol, atol=atol)
    f, jac = ode_model(tables=p.tables).scipy_functions(p.pvec)
    return solve_ode(
        f, np.asarray(y0, dtype=float), t, opts, jac=None if method == "odeint" else jac
    )


def initial_state(p: NeuronParams, perturbation: float = 1e-3) -> NDArray[np.float64]:
    """The default initial state: the smallest-|V| equilibrium, perturbed (module docstring)."""
    eps = check_nonnegative("perturbation", perturbation)
    eq = min(equilibria(p), key=lambda e: abs(e.V))
    return _into_ball(eq.state + eps * np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2.0))


# --------------------------------------------------------------------------------------------
# stationary summary
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StationarySummary:
    """What the stationary part of V(t) shows (definitions in the module docstring).

    Attributes
    ----------
    regime : str
        ``"steady"`` or ``"oscillation"``.
    reason : str
        The rule of :func:`~qmemristor.analysis.regime_diagnostics` that decided.
    span : float
        V_max − V_min on the stationary part.
    frequency : float
        Angular frequency of the dominant spectral peak of V (NaN if steady).
    V_mean, V_min, V_max : float
    decay_ratio : float
        Amplitude ratio of the last two windows (1: sustained; < 1: decaying).
    bloch_max : float
        max |(X, Y, Z)| over the whole record (NaN if only V was given).
    status : str
        ``"ok"`` (settled, or the paper protocol's fixed duration completed) or
        ``"not_settled"`` (the stationary protocol's cap was reached first; the values are the
        last window's) — the names of :data:`qmemristor.sweeps.batch.STATUS`.
    t_start, t_end : float
        The stretch of the record summarised.
    """

    regime: str
    reason: str
    span: float
    frequency: float
    V_mean: float
    V_min: float
    V_max: float
    decay_ratio: float
    bloch_max: float = math.nan
    status: str = "ok"
    t_start: float = math.nan
    t_end: float = math.nan

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(
    t: ArrayLike,
    V: ArrayLike,
    *,
    transient: float | None = None,
    bloch: ArrayLike | None = None,
    rest_possible: bool = True,
    status: str = "ok",
) -> StationarySummary:
    """Regime, span, dominant frequency and mean of a uniformly sampled V(t).

    ``transient`` is the duration discarded at the start (default: half the record);
    ``bloch`` (optional, shape (N, 3)) gives ``bloch_max``; ``rest_possible=False`` tells the
    classifier that no equilibrium is stable (module docstring); ``status`` is recorded.
    """
    t = np.asarray(t, dtype=float)
    V = np.asarray(V, dtype=float)
    diag = regime_diagnostics(t, V, transient=transient, rest_possible=rest_possible)
    ts, vs = stationary_part(t, V, transient)
    regime = str(diag.regime)
    freq = float(dominant_frequency(ts, vs)) if regime == "oscillation" else math.nan
    bmax = math.nan if bloch is None else float(np.max(np.linalg.norm(bloch, axis=-1)))
    lo, hi = refined_extremes(vs)
    return StationarySummary(
        regime=regime,
        reason=str(diag.reason),
        span=float(hi) - float(lo),
        frequency=freq,
        V_mean=float(vs.mean()),
        V_min=float(lo),
        V_max=float(hi),
        decay_ratio=float(diag.ratio),
        bloch_max=bmax,
        status=status,
        t_start=float(ts[0]),
        t_end=float(ts[-1]),
    )


# --------------------------------------------------------------------------------------------
# one trajectory
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Simulation:
    """A simulated trajectory and its stationary summary (arrays; no dataset).

    Attributes
    ----------
    t : ndarray, shape (N,)
        Output times (units of τ_c).
    states : ndarray, shape (N, 4)
        (X, Y, Z, V) at ``t``.
    summary : StationarySummary
    params : NeuronParams
    settings : mapping
        Integrator and protocol settings of the run (``protocol``, ``method``, ``rtol``,
        ``atol``, ``dt``, ``t_end``, the protocol's own entries and ``y0``).

    :func:`qmemristor.results.neuron.simulation_dataset` labels it (X, Y, Z, V on ``t``,
    parameters, settings, summary and provenance in the attributes).
    """

    t: NDArray[np.float64]
    states: NDArray[np.float64]
    summary: StationarySummary
    params: NeuronParams
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    @property
    def final_state(self) -> NDArray[np.float64]:
        """(X, Y, Z, V) at t_end (to continue a sweep from)."""
        return np.array(self.states[-1], dtype=float)

    @property
    def dataset(self) -> xr.Dataset:
        """The labelled trajectory (kept for compatibility:
        :func:`~qmemristor.results.neuron.simulation_dataset` builds it)."""
        from ..results.neuron import simulation_dataset

        return simulation_dataset(self)


def time_grid(t_end: float, dt: float) -> NDArray[np.float64]:
    """The output times ``0, dt, …, t_end`` of :func:`simulate` (validated: ≥ 16 samples)."""
    t_end = check_positive("t_end", t_end)
    dt = check_positive("dt", dt)
    n = round(t_end / dt)
    if n < 16:
        raise ParameterError(f"t_end/dt = {t_end / dt:g} gives too few samples (need ≥ 16)")
    if n > 50_000_000:
        raise ParameterError(f"t_end/dt = {n} samples is too many (≤ 5e7)")
    return cast("NDArray[np.float64]", np.arange(n + 1) * dt)


def simulate(
    p: NeuronParams,
    t_end: float | None = None,
    *,
    protocol: str = "stationary",
    y0: ArrayLike | None = None,
    dt: float = 0.01,
    transient: float | None = None,
    method: str = "DOP853",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    perturbation: float = 1e-3,
    stationarity: Stationarity | None = None,
) -> Simulation:
    """Integrate the neuron from ``y0`` and summarise its stationary regime.

    Parameters
    ----------
    p : NeuronParams
    t_end : float, optional
        ``protocol="paper"``: the duration (units of τ_c, default 1500).
        ``protocol="stationary"``: the hard cap on the duration (default
        ``stationarity.t_max`` = 30000); the run stops earlier once settled.
    protocol : {"stationary", "paper"}
        Module docstring.
    y0 : array_like, shape (4,), optional
        Initial (X, Y, Z, V), inside the Bloch ball; default :func:`initial_state`.
    dt : float
        Output sampling step (default 0.01).
    transient : float, optional
        ``"paper"`` only: discarded duration, in [0, t_end); default t_end/2.
    method, rtol, atol
        Integrator (module docstring; :data:`METHODS`).
    perturbation : float
        ε of the default initial state.
    stationarity : Stationarity, optional
        Parameters of the stationary protocol (its ``t_max`` is replaced by ``t_end`` when
        that is given).

    Returns
    -------
    Simulation
    """
    check_protocol(protocol)
    if y0 is None:
        y0 = initial_state(p, perturbation)
    y0 = _check_state(y0)
    if protocol == "paper":
        t = time_grid(1500.0 if t_end is None else t_end, dt)
        if transient is not None:
            transient = check_nonnegative("transient", transient)
            if transient >= t[-1]:
                raise ParameterError(f"transient must be < t_end (got {transient:g} ≥ {t[-1]:g})")
        y = integrate_trajectory(p, y0, t, method=method, rtol=rtol, atol=atol)
        _, rest = point_spectrum(p, float(y0[3]))
        summ = summarize(t, y[:, 3], transient=transient, bloch=y[:, :3], rest_possible=rest)
        extra: dict[str, Any] = {"transient": float(t[-1] / 2 if transient is None else transient)}
    else:
        if transient is not None:
            raise ParameterError("transient applies to the paper protocol only")
        st = Stationarity() if stationarity is None else stationarity
        if t_end is not None:
            st = replace(st, t_max=check_positive("t_end", t_end))
        plan = stationary_plan(p, y0, dt=dt, stationarity=st)
        t, y, summ, extra = _stationary_run(p, y0, st, plan, dt, method, rtol, atol)
    settings = {
        "protocol": protocol,
        "method": method,
        "rtol": rtol,
        "atol": atol,
        "dt": dt,
        "t_end": float(t[-1]),
        **extra,
        "y0": y0,
    }
    return Simulation(t=t, states=y, summary=summ, params=p, settings=settings)


@dataclass(frozen=True)
class StationaryPlan:
    """The windows of one stationary run (:mod:`qmemristor.neuron.stationary`).

    Attributes
    ----------
    tau : float
        Slowest relaxation time at the equilibrium nearest (in V) to the initial state.
    window : float
        Window length W, a whole number ``samples_per_window`` of output steps dt.
    n_windows : int
        Windows allowed before the run is declared not settled (cap = n_windows·W).
    drift_factor : float
        ``f`` of the settledness test.
    samples_per_window : int
    rest_possible : bool
        Some equilibrium is stable (the regime classifier's hint).
    """

    tau: float
    window: float
    n_windows: int
    drift_factor: float
    samples_per_window: int
    rest_possible: bool


def stationary_plan(
    p: NeuronParams,
    y0: ArrayLike | None = None,
    *,
    dt: float = 0.01,
    t_end: float | None = None,
    stationarity: Stationarity | None = None,
    perturbation: float = 1e-3,
) -> StationaryPlan:
    """Validate a stationary run of :func:`simulate` and return its windows (no integration).

    Raises :class:`ParameterError` for a bad ``t_end``, ``dt`` or ``y0``, a window of fewer
    than 16 samples or more than 5e7 samples in all.
    """
    dt = check_positive("dt", dt)
    st = Stationarity() if stationarity is None else stationarity
    if t_end is not None:
        st = replace(st, t_max=check_positive("t_end", t_end))
    y = initial_state(p, perturbation) if y0 is None else _check_state(y0)
    ev, rest = point_spectrum(p, float(y[3]))
    tau = float(relaxation_time(p.gamma, p.alpha, ev))
    w, n_win, f = (float(a[0]) for a in schedule(np.array([tau]), st))
    m = round(w / dt)
    if m < 16:
        raise ParameterError(f"dt = {dt:g} gives {m} samples per window of {w:g} (need ≥ 16)")
    if int(n_win) * m > 50_000_000:
        raise ParameterError(f"{int(n_win) * m} samples is too many (≤ 5e7); use a larger dt")
    return StationaryPlan(tau, m * dt, int(n_win), f, m, rest)


def _stationary_run(
    p: NeuronParams,
    y0: NDArray[np.float64],
    st: Stationarity,
    plan: StationaryPlan,
    dt: float,
    method: str,
    rtol: float,
    atol: float,
) -> tuple[NDArray, NDArray, StationarySummary, dict]:
    """Windows of the stationary protocol on the grid ``k·dt`` until settled or capped."""
    m, f, n_win = plan.samples_per_window, plan.drift_factor, plan.n_windows
    rest = plan.rest_possible
    ys, hi, lo = [y0[None, :]], [], []
    status = "not_settled"
    for k in range(int(n_win)):
        tk = (k * m + np.arange(m + 1)) * dt
        yk = integrate_trajectory(p, ys[-1][-1], tk, method=method, rtol=rtol, atol=atol)
        ys.append(yk[1:])
        v_lo, v_hi = refined_extremes(yk[:, 3])
        hi.append(float(v_hi))
        lo.append(float(v_lo))
        if k >= 2 and windows_settled(hi[-3:], lo[-3:], drift_factor=f, atol=st.atol,
                                      rtol=st.rtol):  # fmt: skip
            status = "ok"
            break
    y = np.concatenate(ys)
    t = np.arange(y.shape[0]) * dt
    t_start = float(t[-m - 1])
    summ = summarize(t, y[:, 3], transient=t_start, bloch=y[:, :3], rest_possible=rest,
                     status=status)  # fmt: skip
    extra = {"tau": plan.tau, "window": m * dt, "windows": len(hi), "t_cap": n_win * m * dt,
             "stationarity": json.dumps(asdict(st))}  # fmt: skip
    return t, y, summ, extra


#: An initial Bloch vector up to this far outside the ball (integration error of a previous
#: run ending on the sphere) is scaled back onto it; further out is an error.
_BALL_SLACK = 1e-6


def _check_state(y0: ArrayLike) -> NDArray[np.float64]:
    y = np.array(y0, dtype=float)
    if y.shape != (4,) or not np.all(np.isfinite(y)):
        raise ParameterError(f"y0 must be 4 finite numbers (X, Y, Z, V) (got {y0!r})")
    r = float(np.linalg.norm(y[:3]))
    if r > 1.0 + _BALL_SLACK:
        raise ParameterError(f"the initial Bloch vector must have |r| ≤ 1 (got {r:.10g})")
    return _into_ball(y)


# --------------------------------------------------------------------------------------------
# sweeps that continue from the previous state
# --------------------------------------------------------------------------------------------
_SWEEP_VARS = ("span", "frequency", "V_mean", "V_min", "V_max", "decay_ratio", "bloch_max")


@dataclass(frozen=True, eq=False)
class SweepRuns:
    """The runs of :func:`sweep_runs`: one summary per direction and swept value (arrays).

    Attributes
    ----------
    base : NeuronParams
        The fixed parameters (its value of ``param`` is irrelevant).
    param : str
        The swept parameter (one of :data:`~qmemristor.neuron.model.PARAM_NAMES`).
    values : ndarray, shape (n,)
        The swept values, increasing.
    directions : tuple of str
        ``"up"`` and/or ``"down"``, the order of the first axis of every array.
    regime, status : ndarray of str, shape (len(directions), n)
        The summaries' ``regime`` and ``status`` (:class:`StationarySummary`).
    stats : mapping of str to ndarray, shape (len(directions), n)
        ``span``, ``frequency``, ``V_mean``, ``V_min``, ``V_max``, ``decay_ratio``,
        ``bloch_max`` of each run's summary, and ``t_end`` (its duration).
    settings : mapping
        ``protocol``, ``t_end_given``, ``kick`` (and ``max_t_end``, ``relax`` for the paper
        protocol), then the keyword arguments handed to :func:`simulate`.

    :func:`qmemristor.results.neuron.sweep_dataset` labels it.
    """

    base: NeuronParams
    param: str
    values: NDArray[np.float64]
    directions: tuple[str, ...]
    regime: NDArray[np.str_]
    status: NDArray[np.str_]
    stats: Mapping[str, NDArray[np.float64]]
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stats", MappingProxyType(dict(self.stats)))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def regime_of(self, direction: str) -> NDArray[np.str_]:
        """The regimes of one direction's runs, in the order of ``values``."""
        return self.regime[self.directions.index(direction)]


def sweep_runs(
    p: NeuronParams,
    param: str,
    values: ArrayLike,
    t_end: float | None = None,
    *,
    protocol: str = "stationary",
    directions: tuple[str, ...] = ("up", "down"),
    y0: ArrayLike | None = None,
    kick: float = 1e-3,
    max_t_end: float | None = None,
    relax: float = 20.0,
    progress: Callable[[], object] | None = None,
    **sim_kw: Any,
) -> SweepRuns:
    """Sweep one parameter up (and back down), each run starting from the previous final state.

    The ``"up"`` run visits ``values`` (strictly increasing) in order, starting from ``y0``
    (default :func:`initial_state` at the first value); the ``"down"`` run visits them in
    reverse, starting from the final state of the up run (or from :func:`initial_state` at
    the last value if it runs alone).  Each point is one :func:`simulate` with the keyword
    arguments ``sim_kw`` (``dt``, ``transient``, ``method``, ``rtol``, ``atol``,
    ``stationarity``).  Where the two runs end in different regimes, a steady
    state and a limit cycle coexist (:func:`coexistence_intervals`).

    Durations.  ``protocol="stationary"`` (default): each run lasts until it settles (its
    windows and cap scale with the relaxation time at the equilibrium nearest to its start,
    so critical slowing down near a Hopf point is accounted for); ``t_end`` is the hard cap
    (default 30000).  ``protocol="paper"``: ``t_end`` is the duration (required), and with
    ``max_t_end`` given each run lasts ``min(max_t_end, max(t_end, relax/|σ|))``, σ the
    largest real part of the Jacobian eigenvalues at the equilibrium nearest (in V) to the
    starting state.

    *Kick*: each continued state gets ``kick·(1, 0, 0, 1)/√2`` added (and is scaled back into
    the Bloch ball if needed) — a stand-in for noise, without which a run that has converged
    to an equilibrium would stay at it for a long time after it lost stability (delayed
    bifurcation).

    Parameters
    ----------
    progress : callable, optional
        Called with no argument after each point (e.g. to advance a progress bar).

    Returns
    -------
    SweepRuns
        Summaries on ``(direction, value)``; :func:`qmemristor.results.neuron.sweep_dataset`
        labels them (and :func:`sweep` returns that dataset directly).
    """
    check_protocol(protocol)
    if param not in PARAM_NAMES:
        raise ParameterError(
            f"unknown parameter {param!r}; choose one of: {', '.join(PARAM_NAMES)}"
        )
    vals = np.asarray(values, dtype=float).reshape(-1)
    if vals.size < 2 or not np.all(np.isfinite(vals)) or not np.all(np.diff(vals) > 0):
        raise ParameterError("sweep values must be ≥ 2 finite, strictly increasing numbers")
    for d in directions:
        if d not in ("up", "down"):
            raise ParameterError(f"directions must be 'up' and/or 'down' (got {d!r})")
    if protocol == "paper":
        if t_end is None:
            raise ParameterError("the paper protocol needs t_end")
        check_positive("t_end", t_end)
        if max_t_end is not None:
            check_positive("max_t_end", max_t_end)
        check_positive("relax", relax)
    else:
        if max_t_end is not None:
            raise ParameterError("max_t_end applies to the paper protocol (use t_end as cap)")
        if t_end is not None:
            check_positive("t_end", t_end)
    kick = check_nonnegative("kick", kick)
    points = [p.replace(**{param: float(v)}) for v in vals]  # validates every value first
    names = (*_SWEEP_VARS, "t_end")
    out = {name: np.full((len(directions), vals.size), np.nan) for name in names}
    regime = np.full((len(directions), vals.size), "", dtype=object)
    status = np.full((len(directions), vals.size), "", dtype=object)
    state = None if y0 is None else _check_state(y0)
    push = kick * np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2.0)
    for i, d in enumerate(directions):
        order = range(vals.size) if d == "up" else range(vals.size - 1, -1, -1)
        if state is None:
            state = initial_state(points[next(iter(order))], sim_kw.get("perturbation", 1e-3))
        else:
            state = _into_ball(state + push)
        for n, j in enumerate(order):
            if n:
                state = _into_ball(state + push)
            duration = t_end
            if protocol == "paper" and max_t_end is not None:
                assert t_end is not None
                duration = min(max_t_end, max(t_end, relax / _leading_rate(points[j], state)))
            sim = simulate(points[j], duration, protocol=protocol, y0=state, **sim_kw)
            state = sim.final_state
            s = sim.summary
            regime[i, j] = s.regime
            status[i, j] = s.status
            for name in _SWEEP_VARS:
                out[name][i, j] = getattr(s, name)
            out["t_end"][i, j] = float(sim.t[-1])
            if progress is not None:
                progress()
    settings = {
        "protocol": protocol,
        "t_end_given": "none" if t_end is None else float(t_end),
        "kick": kick,
        **({"max_t_end": "none" if max_t_end is None else float(max_t_end), "relax": relax}
           if protocol == "paper" else {}),
        **sim_kw,
    }  # fmt: skip
    return SweepRuns(
        base=p,
        param=param,
        values=vals,
        directions=tuple(directions),
        regime=regime.astype(str),
        status=status.astype(str),
        stats=out,
        settings=settings,
    )


def sweep(p: NeuronParams, param: str, values: ArrayLike, t_end: float | None = None,
          **kwargs: Any) -> xr.Dataset:  # fmt: skip
    """:func:`sweep_runs` labelled as a dataset (:func:`qmemristor.results.neuron.sweep_dataset`).

    On dimensions ``(direction, <param>)``: ``regime`` (str), ``status`` (str), ``span``,
    ``frequency``, ``V_mean``, ``V_min``, ``V_max``, ``decay_ratio``, ``bloch_max``,
    ``t_end`` (duration of each run); attributes with the parameters, settings and
    ``coexistence`` (flat list of interval ends).  Arguments as :func:`sweep_runs`.
    """
    from ..results.neuron import sweep_dataset

    return sweep_dataset(sweep_runs(p, param, values, t_end, **kwargs))


def _into_ball(y: NDArray) -> NDArray:
    r = float(np.linalg.norm(y[:3]))
    if r > 1.0:
        y = y.copy()
        y[:3] /= r
    return y


def _leading_rate(p: NeuronParams, state: NDArray) -> float:
    """|largest real part| of the eigenvalues at the equilibrium nearest to ``state`` in V."""
    eq = min(equilibria(p), key=lambda e: abs(e.V - state[3]))
    return max(abs(float(eq.eigenvalues.real.max())), 1e-12)


def coexistence_intervals(result: SweepRuns | xr.Dataset) -> list[tuple[float, float]]:
    """Runs of consecutive swept values where the up and down regimes differ, ``(first, last)``.

    ``result`` is a :class:`SweepRuns` or its dataset (:func:`sweep`); empty unless it has
    both directions.
    """
    if isinstance(result, SweepRuns):
        if not {"up", "down"} <= set(result.directions):
            return []
        vals = result.values
        differ = result.regime_of("up") != result.regime_of("down")
    else:
        if "up" not in result.direction or "down" not in result.direction:
            return []
        param = next(d for d in result.regime.dims if d != "direction")
        vals = result[param].values
        differ = (
            result.regime.sel(direction="up").values != result.regime.sel(direction="down").values
        )
    out: list[tuple[float, float]] = []
    start = None
    for j, flag in enumerate(differ):
        if flag and start is None:
            start = j
        if start is not None and (not flag or j == differ.size - 1):
            end = j if flag else j - 1
            out.append((float(vals[start]), float(vals[end])))
            start = None
    return out
