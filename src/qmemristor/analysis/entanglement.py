"""Two-qubit entanglement: Wootters concurrence, sudden death and sudden birth on a time grid.

Wootters (PRL 80, 2245 (1998)): with the spin-flipped state ``ρ̃ = (σy⊗σy) ρ* (σy⊗σy)`` and
``λ1 ≥ λ2 ≥ λ3 ≥ λ4`` the square roots of the eigenvalues of ``ρ ρ̃``::

    W(ρ) = λ1 − λ2 − λ3 − λ4          (the Wootters quantity)
    C(ρ) = max(0, W(ρ))               (the concurrence, 0 for separable, 1 for Bell states)

The λ are computed as the singular values of ``M = √ρ (σy⊗σy) (√ρ)*``: ``M M† = √ρ ρ̃ √ρ`` has
the eigenvalues of ``ρ ρ̃``, and an SVD of ``M`` is backward stable, whereas the eigenvalues of
the non-Hermitian ``ρ ρ̃`` come out slightly complex or negative near a zero.  σy⊗σy is the
same matrix in the paper's order (e, g) and in Qiskit's (g, e), and under the exchange of the
two qubits, so ``ρ`` may be given in either convention of :mod:`qmemristor.conventions`.

Sudden death (Yu & Eberly, Science 323, 598 (2009)) is a finite interval in which the
concurrence is *exactly* zero (``W ≤ 0``), sudden birth the instant it becomes positive again.
On a time grid both are resolved to the grid: :func:`entanglement_events` reports the first
and last grid times of each zero interval and the first positive grid time after it, and
callers keep ``W`` itself so that a zero (``W < 0``) can be told from a small positive value.

Arrays in, numbers out; no model is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "EntanglementEvents",
    "concurrence",
    "entanglement_events",
    "spin_flip_singular_values",
    "wootters_quantity",
]

_YY = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=complex)  # σy⊗σy


def _sqrt_psd(rho: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """Principal square root of a stack of Hermitian matrices, negative eigenvalues clipped."""
    h = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    w, v = np.linalg.eigh(h)
    return (v * np.sqrt(np.clip(w, 0.0, None))[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def spin_flip_singular_values(rho: ArrayLike) -> NDArray[np.float64]:
    """``λ1 ≥ λ2 ≥ λ3 ≥ λ4`` of Wootters' formula for a stack of 2-qubit states.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Density matrices (Hermitian, trace 1; small negative eigenvalues, as from state
        tomography, are clipped to 0 in ``√ρ``).

    Returns
    -------
    ndarray, shape (..., 4)
        Square roots of the eigenvalues of ``ρ ρ̃``, in decreasing order.
    """
    rho = np.asarray(rho, dtype=complex)
    if rho.shape[-2:] != (4, 4):
        raise ValueError(f"two-qubit states must have shape (..., 4, 4) (got {rho.shape})")
    if not np.all(np.isfinite(rho)):
        raise ValueError("density matrices must be finite")
    s = _sqrt_psd(rho)
    return np.linalg.svd(s @ _YY @ np.conj(s), compute_uv=False)


def wootters_quantity(rho: ArrayLike) -> NDArray[np.float64]:
    """``W = λ1 − λ2 − λ3 − λ4`` for a stack of 2-qubit states, shape ``rho.shape[:-2]``.

    ``W > 0`` exactly when the state is entangled; ``W ≤ 0`` means concurrence 0.  Its
    round-off is a few ``1e-16`` for states of trace 1.
    """
    lam = spin_flip_singular_values(rho)
    return lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3]


def concurrence(rho: ArrayLike) -> NDArray[np.float64]:
    """Wootters concurrence ``C = max(0, W)`` of a stack of 2-qubit states (``rho.shape[:-2]``)."""
    return np.maximum(wootters_quantity(rho), 0.0)


@dataclass(frozen=True)
class EntanglementEvents:
    """Sudden death intervals and sudden births on a time grid.

    Attributes
    ----------
    death_start, death_end : ndarray, shape (n_death,)
        First and last grid time of each interval of zero concurrence that follows an
        entangled time (a sudden death).  An interval still open at the end of the grid ends
        at the last grid time and has ``death_open`` True.
    death_open : ndarray of bool, shape (n_death,)
    birth : ndarray, shape (n_birth,)
        First grid time with positive concurrence after an interval of zero concurrence
        (including a delayed first birth from an initially separable state).
    zero : ndarray of bool, shape (n_t,)
        Grid points counted as zero concurrence (``W ≤ tol``).
    """

    death_start: NDArray[np.float64]
    death_end: NDArray[np.float64]
    death_open: NDArray[np.bool_]
    birth: NDArray[np.float64]
    zero: NDArray[np.bool_]


def _runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Start and stop (exclusive) indices of the runs of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def entanglement_events(
    t: ArrayLike, w: ArrayLike, *, tol: float = 1e-10, min_points: int = 2
) -> EntanglementEvents:
    """Sudden deaths and births from the Wootters quantity ``w`` sampled at the times ``t``.

    Parameters
    ----------
    t : array_like, shape (n,)
        Increasing times.
    w : array_like, shape (n,)
        Wootters quantity ``λ1 − λ2 − λ3 − λ4`` (not the clipped concurrence, so that the
        threshold is explicit).
    tol : float
        A grid point counts as zero concurrence if ``w ≤ tol``.  The default ``1e-10`` is
        far above the round-off of exact states (~1e-15) and far below any entanglement
        worth the name; for states estimated from shots use the statistical error instead.
    min_points : int
        A zero interval must span at least this many consecutive grid points to count as
        "finite" (default 2: one isolated grid point touching zero is a tangency, not an
        interval).

    Returns
    -------
    EntanglementEvents
        A zero interval that starts at ``t[0]`` is not a death (the state was never
        entangled); its end, if any, is a birth.
    """
    t = np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float)
    if t.ndim != 1 or w.shape != t.shape:
        raise ValueError("t and w must be 1-D arrays of the same length")
    if int(min_points) != min_points or min_points < 1:
        raise ValueError(f"min_points must be an integer ≥ 1 (got {min_points})")
    zero = w <= tol
    start, stop = _runs(zero)
    keep = stop - start >= min_points
    start, stop = start[keep], stop[keep]
    dead = start > 0
    return EntanglementEvents(
        death_start=t[start[dead]],
        death_end=t[stop[dead] - 1],
        death_open=stop[dead] == t.size,
        birth=t[stop[stop < t.size]],
        zero=zero,
    )
