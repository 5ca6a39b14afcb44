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
