"""Per-point SciPy oracle for the neuron sweep: ``solve_ivp`` (DOP853) on the model's ``rhs``.

Shares no integrator code with ``qmemristor.sweeps.batch``: SciPy's 8th-order Dormand–Prince
with its 7th-order dense output, on the scalar vector field ``qmemristor.neuron.rhs`` (a plain
Python path with its own F_ij evaluation).  Window statistics follow the sweep's convention
(given initial state, default the rest state ``(0, 0, Z_T, 0)``; window
``[transient, t_end]``):

- extremes: the dense output sampled every ``dt_ref`` over the window, then the best sample
  refined by bounded Brent on the dense output (error ≪ 1e-8 for spikes with |V''| ≲ 1e3);
- mean: composite Simpson of the dense output at spacing ``dt_ref`` (error ~ dt⁴ |V''''|);
- samples: the dense output at the sweep's sample times, for spectra and regimes.
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize

from qmemristor.neuron import NeuronParams, rhs


def scipy_solve(p: NeuronParams, t_end: float, *, y0=None, rtol: float = 1e-8, atol: float = 1e-10):
    """``solve_ivp`` DOP853 from ``y0`` (default: the rest state (0, 0, Z_T, 0)) to t_end."""
    y0 = np.array([0.0, 0.0, p.z_t, 0.0]) if y0 is None else np.asarray(y0, dtype=float)
    sol = integrate.solve_ivp(
        rhs, (0.0, t_end), y0, method="DOP853", rtol=rtol, atol=atol, args=(p,),
        dense_output=True,
    )  # fmt: skip
    if not sol.success:
        raise RuntimeError(sol.message)
    return sol


def scipy_point(
    p: NeuronParams,
    t_end: float,
    transient: float,
    *,
    y0=None,
    sample_times: np.ndarray | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    dt_ref: float = 0.005,
) -> dict[str, object]:
    """Integrate one point from ``y0``; window statistics of V (module docstring)."""
    sol = scipy_solve(p, t_end, y0=y0, rtol=rtol, atol=atol)
    return window_stats(sol, t_end, transient, sample_times=sample_times, dt_ref=dt_ref)


def window_stats(
    sol, t_end: float, transient: float, *, sample_times=None, dt_ref: float = 0.005
) -> dict[str, object]:
    """Span, extremes, mean (and samples) of V over [transient, t_end] from a dense solution."""
    n = round((t_end - transient) / dt_ref)
    n += n % 2  # Simpson needs an even number of intervals
    tt = np.linspace(transient, t_end, n + 1)
    v = sol.sol(tt)[3]

    def refine(i: int, sign: float) -> float:
        lo, hi = tt[max(i - 1, 0)], tt[min(i + 1, n)]
        res = optimize.minimize_scalar(
            lambda s: -sign * sol.sol(s)[3], bounds=(lo, hi), method="bounded",
            options={"xatol": 1e-12},
        )  # fmt: skip
        return max(sign * v[i], -res.fun) * sign

    vmax = refine(int(np.argmax(v)), 1.0)
    vmin = refine(int(np.argmin(v)), -1.0)
    mean = integrate.simpson(v, x=tt) / (t_end - transient)
    out: dict[str, object] = {
        "span": vmax - vmin,
        "v_max": vmax,
        "v_min": vmin,
        "V_mean": mean,
        "nfev": sol.nfev,
        "final": sol.y[:, -1],
    }
    if sample_times is not None:
        out["samples"] = sol.sol(sample_times)[3]
    return out


def lsoda_windows(
    p: NeuronParams,
    y0,
    window: float,
    n_windows: int,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    dt: float = 0.005,
) -> dict[str, np.ndarray]:
    """Long runs for stationary values: LSODA (``scipy.integrate.odeint``) on ``rhs``, window by
    window from ``y0`` at t = 0 (each window restarts the solver from the previous end state).

    Per window ``[kW, (k+1)W]``: V sampled every ``dt``, its extremes refined by the parabola
    through the extreme sample and its neighbours (error ~ (ω dt)⁴ of the amplitude, ≪ 1e-9
    here), and the mean (trapezoid).  Shares nothing with the package's integrators nor with
    its extreme finders.  Returns arrays ``v_max``, ``v_min``, ``mean`` (n_windows,) and the
    final state.
    """
    m = max(2, round(window / dt))
    tt = np.linspace(0.0, window, m + 1)
    y = np.asarray(y0, dtype=float)
    hi, lo, mean = [], [], []
    for _ in range(n_windows):
        ys = integrate.odeint(rhs, y, tt, args=(p,), rtol=rtol, atol=atol, tfirst=True,
                              mxstep=1_000_000)  # fmt: skip
        v = ys[:, 3]
        hi.append(_vertex(v, 1.0))
        lo.append(_vertex(v, -1.0))
        mean.append(integrate.trapezoid(v, tt) / window)
        y = ys[-1]
    return {"v_max": np.array(hi), "v_min": np.array(lo), "mean": np.array(mean), "final": y}


def _vertex(v: np.ndarray, sign: float) -> float:
    i = int(np.argmax(sign * v))
    if 0 < i < v.size - 1:
        a, b, c = sign * v[i - 1], sign * v[i], sign * v[i + 1]
        den = a - 2 * b + c
        if den < 0:
            return sign * (b - (a - c) ** 2 / (8 * den))
    return float(v[i])
