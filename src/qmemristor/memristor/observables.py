"""Memristive variables ⟨V⟩ and ⟨I⟩ from qubit expectation values (Paper M, Eq. 6).

With ``k = sqrt(m ħ ω / 2)`` and the paper-basis Pauli signs of :mod:`qmemristor.conventions`::

    ⟨V⟩ = −(k/2) ⟨σy⟩
    ⟨I⟩ = k (d⟨σy⟩/dt − ω ⟨σx⟩)

Because ``d⟨σy⟩/dt = ω⟨σx⟩ − (Γ/2)⟨σy⟩`` these obey the memristive relation ``⟨I⟩ = Γ(t) ⟨V⟩``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import check_time_grid

__all__ = ["current", "derivative_on_grid", "voltage"]


def voltage(sigma_y: ArrayLike, k: float) -> NDArray[np.float64]:
    """``⟨V⟩ = −(k/2) ⟨σy⟩`` (paper-basis ⟨σy⟩)."""
    return -0.5 * k * np.asarray(sigma_y, dtype=float)


def current(
    sigma_x: ArrayLike, dsigma_y_dt: ArrayLike, k: float, omega: float
) -> NDArray[np.float64]:
    """``⟨I⟩ = k (d⟨σy⟩/dt − ω ⟨σx⟩)`` (paper-basis ⟨σx⟩, ⟨σy⟩)."""
    return k * (np.asarray(dsigma_y_dt, dtype=float) - omega * np.asarray(sigma_x, dtype=float))


def derivative_on_grid(t: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Second-order finite-difference derivative of samples ``y(t)`` (any increasing grid).

    Central differences inside, one-sided second-order stencils at the ends
    (:func:`numpy.gradient` with ``edge_order=2``).  For sampled data only: exact methods use
    the closed-form derivative.  At 30 points per period the truncation error is a few per
    cent of ``max|y'|``.
    """
    t = check_time_grid(t, name="the grid of a derivative", min_size=3)
    return np.gradient(np.asarray(y, dtype=float), t, edge_order=2)
