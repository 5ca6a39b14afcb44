"""From counts to expectation values, ⟨V⟩ and ⟨I⟩ with propagated standard errors (SPEC §M2).

A circuit measured with ``N`` shots, ``n0`` of them giving 0, estimates the Qiskit Pauli
expectation ``⟨P⟩ = (n0 − n1)/N`` with standard error ``sqrt((1 − ⟨P⟩²)/N)`` (binomial).  The
paper's ``⟨σ⟩`` is ``QISKIT_PAULI_SIGN[obs] · ⟨P⟩`` (σy and σz change sign).

The memristive variables (``k = sqrt(mħω/2)``)::

    ⟨V⟩ = −(k/2) ⟨σy⟩                         δV = (k/2) δσy
    ⟨I⟩ = k (d⟨σy⟩/dt − ω ⟨σx⟩)                δI = k sqrt( Σ_j w_ij² δσy_j² + ω² δσx_i² )

``d⟨σy⟩/dt`` is the second-order finite difference of the sampled ``⟨σy⟩`` on the grid
(``numpy.gradient(..., edge_order=2)``, weights ``w_ij`` over a 3-point stencil).  Every
circuit is run separately, so the shot noise of different points (and of σx and σy at the same
point) is independent and the variances add.  Neighbouring I estimates share σy samples, so
their errors are correlated; the error bars are the marginal ones.  The finite difference also
carries a discretisation bias (a few per cent of ``max|I|`` at 30 points per period) that the
error bar does not include.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import QISKIT_PAULI_SIGN
from ..errors import ParameterError
from .execute import CircuitRun

__all__ = [
    "derivative_with_error",
    "expectation_from_counts",
    "gradient_weights",
    "memristor_estimates",
    "paper_expectations",
]


def expectation_from_counts(
    counts0: ArrayLike, shots: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(⟨P⟩, δ⟨P⟩)`` from the number of 0 outcomes: ``(n0 − n1)/N``, ``sqrt((1 − ⟨P⟩²)/N)``.

    Qiskit's Pauli (no sign change); an all-0 or all-1 circuit gets a zero error bar.
    """
    n0 = np.asarray(counts0, dtype=float)
    if shots <= 0 or np.any(n0 < 0) or np.any(n0 > shots):
        raise ParameterError("counts must satisfy 0 ≤ n0 ≤ shots with shots > 0")
    mean = (2.0 * n0 - shots) / shots
    return mean, np.sqrt(np.clip(1.0 - mean**2, 0.0, None) / shots)


def paper_expectations(run: CircuitRun) -> dict[str, tuple[NDArray, NDArray]]:
    """Paper-basis ``{obs: (⟨σ_obs⟩, δ⟨σ_obs⟩)}`` of a run, each of shape ``(n_t,)``.

    Exact runs (``counts0 is None``) give ``2 p0 − 1`` with zero error.
    """
    out = {}
    for j, obs in enumerate(run.observables):
        if run.counts0 is None:
            mean = 2.0 * run.p0[:, j] - 1.0
            err = np.zeros_like(mean)
        else:
            mean, err = expectation_from_counts(run.counts0[:, j], run.shots)
        out[obs] = (QISKIT_PAULI_SIGN[obs] * mean, err)
    return out


def gradient_weights(t: ArrayLike) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Stencils of ``numpy.gradient(y, t, edge_order=2)``: ``y'_i = Σ_k w[i, k] y[idx[i, k]]``.

    Three points each (central inside, one-sided second order at both ends), for any
    increasing grid of at least 3 points.  Returns ``idx`` and ``w`` of shape ``(n, 3)``.
    """
    t = np.asarray(t, dtype=float)
    n = t.size
    if t.ndim != 1 or n < 3 or np.any(np.diff(t) <= 0):
        raise ParameterError("a derivative on a grid needs ≥ 3 strictly increasing times")
    h = np.diff(t)
    idx = np.empty((n, 3), dtype=np.intp)
    w = np.empty((n, 3))
    hs, hd = h[:-1], h[1:]  # left and right spacings of the interior points
    idx[1:-1] = np.arange(n - 2)[:, None] + np.arange(3)
    w[1:-1, 0] = -hd / (hs * (hs + hd))
    w[1:-1, 1] = (hd - hs) / (hs * hd)
    w[1:-1, 2] = hs / (hd * (hs + hd))
    d1, d2 = h[0], h[1]
    idx[0] = (0, 1, 2)
    w[0] = (-(2 * d1 + d2) / (d1 * (d1 + d2)), (d1 + d2) / (d1 * d2), -d1 / (d2 * (d1 + d2)))
    d1, d2 = h[-2], h[-1]
    idx[-1] = (n - 3, n - 2, n - 1)
    w[-1] = (d2 / (d1 * (d1 + d2)), -(d2 + d1) / (d1 * d2), (2 * d2 + d1) / (d2 * (d1 + d2)))
    return idx, w


def derivative_with_error(
    t: ArrayLike, y: ArrayLike, y_err: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(dy/dt, δ(dy/dt))`` by the stencils of :func:`gradient_weights`.

    ``δ_i = sqrt(Σ_k w[i, k]² δy[idx[i, k]]²)`` for independent errors ``δy``.
    """
    idx, w = gradient_weights(t)
    y = np.asarray(y, dtype=float)
    y_err = np.asarray(y_err, dtype=float)
    return np.sum(w * y[idx], axis=1), np.sqrt(np.sum((w * y_err[idx]) ** 2, axis=1))


def memristor_estimates(
    t: ArrayLike,
    sigma_x: ArrayLike,
    sigma_x_err: ArrayLike,
    sigma_y: ArrayLike,
    sigma_y_err: ArrayLike,
    *,
    k: float,
    omega: float,
) -> dict[str, NDArray[np.float64]]:
    """⟨V⟩, ⟨I⟩, d⟨σy⟩/dt and their errors from sampled paper-basis ⟨σx⟩, ⟨σy⟩ on a grid.

    Returns a dict with ``V``, ``V_err``, ``I``, ``I_err``, ``dsigma_y_dt`` and
    ``dsigma_y_dt_err`` (formulas in the module docstring).
    """
    sx, sx_err = np.asarray(sigma_x, float), np.asarray(sigma_x_err, float)
    sy, sy_err = np.asarray(sigma_y, float), np.asarray(sigma_y_err, float)
    dsy, dsy_err = derivative_with_error(t, sy, sy_err)
    return {
        "V": -0.5 * k * sy,
        "V_err": 0.5 * k * sy_err,
        "I": k * (dsy - omega * sx),
        "I_err": k * np.sqrt(dsy_err**2 + (omega * sx_err) ** 2),
        "dsigma_y_dt": dsy,
        "dsigma_y_dt_err": dsy_err,
    }
