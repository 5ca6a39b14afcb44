"""Closed-form solution of the single memristor (Paper M, §M1) and its Kraus step maps.

In the interaction picture the evolution from ``t0`` to ``t1`` is amplitude damping with::

    κ(t1, t0) = −½ ∫_{t0}^{t1} Γ(s) ds
    E0 = [[e^κ, 0], [0, 1]],   E1 = [[0, 0], [sqrt(1 − e^{2κ}), 0]]     (basis (|e⟩, |g⟩))

so ``ρ_ee(t) = ρ_ee(0) e^{2κ}`` and, in the Schrödinger picture,
``ρ_eg(t) = ρ_eg(0) e^{κ} e^{−iωt}``.  The derivative ``d⟨σy⟩/dt`` is the derivative of this
closed form (``dκ/dt = −Γ(t)/2``), never a finite difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .model import InitialState, MemristorParams, cumulative_integral

__all__ = ["Trajectory", "amplitude_damping_kraus", "exact_density", "exact_solution"]


@dataclass(frozen=True)
class Trajectory:
    """Bloch components of one memristor on a time grid (paper basis, Schrödinger picture).

    Attributes
    ----------
    t : ndarray, shape (n,)
    sigma_x, sigma_y, sigma_z : ndarray, shape (n,)
        ⟨σx⟩, ⟨σy⟩, ⟨σz⟩.
    dsigma_y_dt : ndarray, shape (n,)
        d⟨σy⟩/dt at the same times (closed form or from the generator).
    gamma : ndarray, shape (n,)
        Γ(t).
    """

    t: NDArray[np.float64]
    sigma_x: NDArray[np.float64]
    sigma_y: NDArray[np.float64]
    sigma_z: NDArray[np.float64]
    dsigma_y_dt: NDArray[np.float64]
    gamma: NDArray[np.float64]


def amplitude_damping_kraus(kap: ArrayLike) -> NDArray[np.complex128]:
    """Kraus operators of one amplitude-damping step, shape ``(..., 2, 2, 2)``.

    ``out[..., 0]`` is E0 and ``out[..., 1]`` is E1 (paper basis), for ``κ ≤ 0``.
    """
    kap = np.asarray(kap, dtype=float)
    if np.any(kap > 0):
        raise ValueError("κ must be ≤ 0 (Γ ≥ 0)")
    e = np.exp(kap)
    out = np.zeros((*kap.shape, 2, 2, 2), dtype=complex)
    out[..., 0, 0, 0] = e
    out[..., 0, 1, 1] = 1.0
    # 1 − e^{2κ} = −expm1(2κ) keeps full relative accuracy when κ → 0
    out[..., 1, 1, 0] = np.sqrt(-np.expm1(2 * kap))
    return out


def _coherence(
    params: MemristorParams, state: InitialState, t: NDArray[np.float64]
) -> tuple[NDArray[np.complex128], NDArray[np.float64]]:
    kap = -0.5 * cumulative_integral(params.protocol, t)
    rho_eg0 = 0.5 * (state.x - 1j * state.y)
    return rho_eg0 * np.exp(kap - 1j * params.omega * t), kap


def exact_solution(params: MemristorParams, state: InitialState, t: ArrayLike) -> Trajectory:
    """Closed-form ⟨σx⟩, ⟨σy⟩, ⟨σz⟩, d⟨σy⟩/dt and Γ at the times ``t`` (``t ≥ 0``).

    ``κ(t, 0) = −½ ∫_0^t Γ`` comes from :func:`~.model.cumulative_integral`: in closed form
    for the paper's drive and a constant rate, accumulated interval by interval along the
    sorted times for a :class:`~.model.CallableDecay` (its breakpoints honoured; an integral
    it cannot resolve raises :class:`~qmemristor.errors.ParameterError`).  Cost is linear in
    ``len(t)``.
    """
    t = np.asarray(t, dtype=float)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("times must be finite and ≥ 0")
    rho_eg, kap = _coherence(params, state, t)
    gamma = params.protocol.rate(t)
    rho_ee = 0.5 * (1 + state.z) * np.exp(2 * kap)
    # d ρ_eg/dt = (dκ/dt − iω) ρ_eg with dκ/dt = −Γ/2  (exact derivative of the closed form)
    drho_eg = (-0.5 * gamma - 1j * params.omega) * rho_eg
    return Trajectory(
        t=t,
        sigma_x=2 * rho_eg.real,
        sigma_y=-2 * rho_eg.imag,
        sigma_z=2 * rho_ee - 1,
        dsigma_y_dt=-2 * drho_eg.imag,
        gamma=gamma,
    )


def exact_density(
    params: MemristorParams, state: InitialState, t: ArrayLike
) -> NDArray[np.complex128]:
    """Closed-form density matrices ``ρ(t)``, shape ``(len(t), 2, 2)``, paper basis."""
    t = np.asarray(t, dtype=float)
    rho_eg, kap = _coherence(params, state, t)
    rho_ee = 0.5 * (1 + state.z) * np.exp(2 * kap)
    rho = np.empty((*t.shape, 2, 2), dtype=complex)
    rho[..., 0, 0] = rho_ee
    rho[..., 1, 1] = 1 - rho_ee
    rho[..., 0, 1] = rho_eg
    rho[..., 1, 0] = rho_eg.conj()
    return rho
