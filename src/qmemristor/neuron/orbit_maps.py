"""Paper N: the neuron's limit cycles at the points of a parameter grid (orbit-based maps).

Along one grid line — every parameter fixed except ``param``, which takes the line's values —
the cycle born at each Andronov–Hopf point of the line is computed *at the grid values*:

1. **Hopf points.**  The start equilibrium (0, 0, Z_T, V*) — the smallest-|V*| one, the
   convention of :func:`~qmemristor.neuron.dynamics.initial_state` — and its Jacobian
   eigenvalues at every value; where the largest real part of a complex pair changes sign
   between two neighbours, Brent's method locates the Hopf value (to 1e-13), the equilibrium
   recomputed at each trial value (V* does not depend on Γ, α or Ω: then it is computed once).
   A line whose equilibrium has a neutral real eigenvalue (α = 0 or Γ = 0: a line of
   equilibria, a degenerate Hopf point) gets no cycles.
2. **Branch switching.**  :func:`~qmemristor.analysis.orbits.hopf_orbit` at the Hopf point,
   with the normal-form radius that puts the cycle next to the neighbouring grid value on the
   side the family goes (supercritical: the unstable side; subcritical: the stable side).
3. **Walk.**  :func:`~qmemristor.analysis.orbit_walk.walk_orbits` at the next grid values
   away from the Hopf point, Newton's method at fixed parameters from the secant predictor,
   (pseudo-arclength continuation bridges a step where Newton fails) until the line ends, the
   amplitude vanishes or the family turns back (a fold of cycles: beyond it this cycle no
   longer exists).

Each cycle gives the exact stationary span V_max − V_min (extrema of the collocation
polynomials), period, time-averaged V and Floquet multipliers.  Collocation: 40 intervals of
degree 4 (:data:`~qmemristor.neuron.orbits.NEURON_COLLOCATION`; spans agree with 20
intervals to 1e-8 at V_in = 2, R_m = 6, Γ = 0.04…0.64).

Which attractor the perturbed equilibrium actually reaches is not decided here (that needs an
integration: :mod:`qmemristor.sweeps.neuron_orbits`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from ..analysis._arclength import ContinuationOptions
from ..analysis.orbit_walk import orbit_mean, walk_orbits
from ..analysis.orbits import CollocationOptions, PeriodicOrbit, continue_orbits, hopf_orbit
from ..errors import ParameterError
from .model import PARAM_NAMES, NeuronParams, jacobian
from .orbits import NEURON_COLLOCATION, V_INDEX, orbit_field
from .stationary import ZERO_RATE

__all__ = ["LineCycles", "cycle_summary", "line_cycles", "pair_growth"]

#: Parameters that leave the equilibrium (0, 0, Z_T, V*) unchanged (V* solves
#: V_in = (1 + R_m G(V; 0, Z_T)) V, which has no Γ, α or Ω).
_FIXED_EQUILIBRIUM = ("gamma", "alpha", "omega")
#: Bridges between grid values where Newton's method fails: longer steps than for a family plot.
_START_CONTINUATION = ContinuationOptions(step=0.01, step_min=1e-8, step_max=0.05, max_steps=400)


def pair_growth(eigenvalues: ArrayLike) -> NDArray:
    """Largest real part over the complex eigenvalues (last axis), −inf where all are real.

    Its zero crossings along a line are the Hopf points of the equilibrium.
    """
    ev = np.asarray(eigenvalues)
    pair = np.abs(ev.imag) > 1e-9 * np.maximum(np.abs(ev), 1e-300)
    return np.where(pair, ev.real, -np.inf).max(axis=-1)


def _neutral(eigenvalues: NDArray) -> bool:
    """A real eigenvalue at zero: a line of equilibria (α = 0 or Γ = 0)."""
    real = np.abs(eigenvalues.imag) <= 1e-9 * np.maximum(np.abs(eigenvalues), 1e-300)
    return bool(np.any(real & (np.abs(eigenvalues.real) <= 1e3 * ZERO_RATE)))


@lru_cache(maxsize=4096)
def _v_star(v_in: float, r_m: float, z_t: float, x0: float, l: float, lam: float) -> float:
    """The smallest-|V*| equilibrium voltage (V* has no Γ, α or Ω in it)."""
    from .equilibria import equilibria

    p = NeuronParams(v_in=v_in, r_m=r_m, z_t=z_t, x0=x0, l=l, lam=lam)
    return float(min(equilibria(p), key=lambda e: abs(e.V)).V)


def _start_equilibrium(p: NeuronParams) -> tuple[NDArray, NDArray]:
    y = np.array([0.0, 0.0, p.z_t, _v_star(p.v_in, p.r_m, p.z_t, p.x0, p.l, p.lam)])
    return y, np.linalg.eigvals(jacobian(y, p))


@dataclass(frozen=True)
class LineCycles:
    """Cycles at the values of one grid line.

    Attributes
    ----------
    param : str
        The parameter that varies along the line.
    values : ndarray, shape (M,)
        Its values, as given.
    orbits : tuple of (PeriodicOrbit or None)
        The cycle continued from a Hopf point of the line at each value (the first family
        that reaches a value keeps it); None where no such cycle was found.
    hopf : tuple of float
        The Hopf values located on the line.
    equilibria : ndarray, shape (M, 4)
        The start equilibrium at each value.
    eigenvalues : ndarray, complex, shape (M, 4)
        Its Jacobian eigenvalues.
    degenerate : bool
        The equilibrium has a neutral real eigenvalue (no isolated cycles).
    """

    param: str
    values: NDArray
    orbits: tuple[PeriodicOrbit | None, ...]
    hopf: tuple[float, ...]
    equilibria: NDArray
    eigenvalues: NDArray
    degenerate: bool


def line_cycles(p: NeuronParams, param: str, values: ArrayLike) -> LineCycles:
    """The cycles born at the Hopf points of the line ``p.replace(param=v)``, v in ``values``.

    Parameters
    ----------
    p : NeuronParams
        Every other parameter (its ``param`` entry is not used).
    param : str
        One of :data:`~qmemristor.neuron.model.PARAM_NAMES` (v_in, r_m, gamma, alpha, z_t,
        omega, x0).
    values : array_like, shape (M,)
        Strictly monotone values of ``param``.

    Returns
    -------
    LineCycles
    """
    if param not in PARAM_NAMES:
        raise ParameterError(f"param must be one of {', '.join(PARAM_NAMES)} (got {param!r})")
    v = np.asarray(values, dtype=float).ravel()
    if v.size > 1 and not (np.all(np.diff(v) > 0) or np.all(np.diff(v) < 0)):
        raise ParameterError("values must be strictly monotone")
    pts = [p.replace(**{param: float(x)}) for x in v]
    if param in _FIXED_EQUILIBRIUM and v.size:
        y0, _ = _start_equilibrium(pts[0])
        eqs = np.tile(y0, (v.size, 1))
        ev = np.linalg.eigvals(np.stack([jacobian(y0, q) for q in pts]))
    else:
        both = [_start_equilibrium(q) for q in pts]
        eqs = np.array([b[0] for b in both]).reshape(-1, 4)
        ev = np.array([b[1] for b in both]).reshape(-1, 4)
    orbits: list[PeriodicOrbit | None] = [None] * v.size
    hopf: list[float] = []
    degenerate = any(_neutral(e) for e in ev)
    if degenerate or v.size < 2:
        return LineCycles(param, v, tuple(orbits), (), eqs, ev, degenerate)
    growth = pair_growth(ev)
    k = PARAM_NAMES.index(param)
    vf = orbit_field(p.l, p.lam)
    for i in range(v.size - 1):
        a, b = growth[i], growth[i + 1]
        if not (np.isfinite(a) and np.isfinite(b) and a * b < 0):
            continue
        if abs(eqs[i, 3] - eqs[i + 1, 3]) > 0.1:  # a jump between equilibrium branches
            continue

        def g(x: float, y: NDArray = eqs[i]) -> float:
            q = p.replace(**{param: x})
            if param in _FIXED_EQUILIBRIUM:  # the same equilibrium: only its spectrum moves
                return float(pair_growth(np.linalg.eigvals(jacobian(y, q))))
            return float(pair_growth(_start_equilibrium(q)[1]))

        x_h = brentq(g, v[i], v[i + 1], xtol=1e-14, rtol=4 * np.finfo(float).eps)
        hopf.append(float(x_h))
        ph = p.replace(**{param: x_h})
        y_h = eqs[i] if param in _FIXED_EQUILIBRIUM else _start_equilibrium(ph)[0]
        first = _hopf_cycle(vf, y_h, ph.pvec, k, (float(v[i]), float(v[i + 1])))
        if first is None:
            continue
        orb0, side = first
        j = i + side
        order = np.arange(j, -1, -1) if side == 0 else np.arange(j, v.size)
        for idx, orb in zip(order, _follow(vf, orb0, k, v[order]), strict=False):
            if orbits[idx] is None:
                orbits[idx] = orb
    return LineCycles(param, v, tuple(orbits), tuple(hopf), eqs, ev, False)


def _hopf_cycle(
    vf, x_h: NDArray, p_h: NDArray, k: int, pair: tuple[float, float]
) -> tuple[PeriodicOrbit, int] | None:
    """The cycle born at the Hopf point ``(x_h, p_h)``, near the grid value of ``pair`` on the
    side the family goes, and that side (0: ``pair[0]``, 1: ``pair[1]``).

    Branch switching (:func:`~qmemristor.analysis.orbits.hopf_orbit`) twice: a small cycle of
    normal-form radius r₀ = 1e-3 gives the side and ``c = (μ(r₀) − μ_H)/r₀²``; the radius
    ``sqrt((μ_grid − μ_H)/c)`` then starts the cycle next to the grid value (the normal form's
    square-root law), which the walk corrects onto it.  None if branch switching fails.
    """
    mu_h, r0 = float(p_h[k]), 1e-3
    try:
        small = hopf_orbit(vf, x_h, p_h, k, collocation=_with_radius(r0), vectorized=True)
    except (ArithmeticError, ParameterError):
        return None
    c = (float(small.p[k]) - mu_h) / r0**2
    side = 1 if (pair[1] - mu_h) * c > 0 else 0
    r = np.sqrt(abs((pair[side] - mu_h) / c)) if c != 0 else r0
    if not np.isfinite(r) or r <= r0:
        return small, side
    try:
        return hopf_orbit(vf, x_h, p_h, k, collocation=_with_radius(r), vectorized=True), side
    except (ArithmeticError, ParameterError):
        return small, side


def _with_radius(r: float) -> CollocationOptions:
    return dataclasses.replace(NEURON_COLLOCATION, hopf_amplitude=float(r))


def _follow(vf, start: PeriodicOrbit, k: int, values: NDArray) -> list[PeriodicOrbit]:
    """The orbits at ``values[0]``, ``values[1]``, … from ``start`` (near ``values[0]``) until
    the family is lost.

    Natural-parameter steps (:func:`~qmemristor.analysis.orbit_walk.walk_orbits`); where
    Newton fails (a coarse grid next to the Hopf point, where the span grows as a square
    root), pseudo-arclength continuation bridges to the next value and the walk resumes; a
    bridge that does not land on the value (a fold of cycles turned the family back) ends it.
    """
    got: list[PeriodicOrbit] = []
    cur = start
    while len(got) < values.size:
        walk = walk_orbits(
            vf,
            cur,
            k,
            values[len(got) :],
            collocation=NEURON_COLLOCATION,
            vectorized=True,
            max_halvings=2,
        )
        got.extend(o for o in walk.orbits if o is not None)
        if walk.end == "done":  # "hopf" too: a coarse step may converge to the equilibrium
            break
        cur = got[-1] if got else start
        target, last = float(values[len(got)]), float(cur.p[k])
        if target == last:
            break
        fam = continue_orbits(
            vf,
            cur,
            k,
            bounds=(min(target, last), max(target, last)),
            direction="forward" if target > last else "backward",
            options=_START_CONTINUATION,
            collocation=NEURON_COLLOCATION,
            vectorized=True,
            locate=False,
        )
        end = -1 if target > last else 0
        if len(fam) < 2 or abs(float(fam.mu[end]) - target) > 1e-12 * (1 + abs(target)):
            break
        got.append(fam.orbits[end])
        cur = got[-1]
    return got


def cycle_summary(orbit: PeriodicOrbit) -> dict[str, float]:
    """Span, V_min, V_max, time-averaged V, period, angular frequency, stability and the
    largest nontrivial Floquet multiplier modulus of one cycle."""
    vmin, vmax = float(orbit.minimum[V_INDEX]), float(orbit.maximum[V_INDEX])
    return {
        "span": vmax - vmin,
        "v_min": vmin,
        "v_max": vmax,
        "V_mean": float(orbit_mean(orbit)[V_INDEX]),
        "period": float(orbit.period),
        "frequency": 2.0 * np.pi / float(orbit.period),
        "stable": float(orbit.stable),
        "multiplier": float(np.max(np.abs(orbit.multipliers[1:]))),
    }


def cycle_branch(p: NeuronParams, param: str, bounds: tuple[float, float]) -> dict[str, NDArray]:
    """Every cycle family born at a Hopf point of ``param`` in ``bounds``, as flat arrays.

    :func:`~qmemristor.analysis.orbits.continue_from_hopf` in ``param`` (the neuron's
    collocation and continuation defaults, :mod:`.orbits`), from each Hopf point of
    :func:`~qmemristor.neuron.stability.hopf_points` not already reached by a family.  For the
    figures' overlays (Fig. 4 in V_in, Fig. 5(b) in Z_T).

    Returns
    -------
    dict
        ``value`` (the parameter), ``span``, ``V_min``, ``V_max``, ``period`` and ``stable``
        along the families, and ``family`` (index of the family of each point), all (M,).
    """
    from ..analysis.orbits import continue_from_hopf
    from .orbits import NEURON_CONTINUATION, _ends_at
    from .stability import hopf_points

    if param not in PARAM_NAMES:
        raise ParameterError(f"param must be one of {', '.join(PARAM_NAMES)} (got {param!r})")
    k = PARAM_NAMES.index(param)
    vf = orbit_field(p.l, p.lam)
    fams: list = []
    for h in hopf_points(p, param, bounds):
        if any(_ends_at(f, h) for f in fams):
            continue
        fams.append(
            continue_from_hopf(
                vf,
                h.state,
                h.params.pvec,
                k,
                bounds=bounds,
                options=NEURON_CONTINUATION,
                collocation=NEURON_COLLOCATION,
                vectorized=True,
                locate=False,
            )
        )
    names = ("value", "span", "V_min", "V_max", "period", "stable", "family")
    cols: dict[str, list[NDArray]] = {name: [] for name in names}
    for i, f in enumerate(fams):
        cols["value"].append(f.mu)
        cols["span"].append(f.span(V_INDEX))
        cols["V_min"].append(f.minimum[:, V_INDEX])
        cols["V_max"].append(f.maximum[:, V_INDEX])
        cols["period"].append(f.period)
        cols["stable"].append(f.stable)
        cols["family"].append(np.full(len(f), i))
    empty = {"stable": bool, "family": int}
    return {
        k2: np.concatenate(v) if v else np.empty(0, dtype=empty.get(k2, float))
        for k2, v in cols.items()
    }
