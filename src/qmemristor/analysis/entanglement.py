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

Multipartite states (qubits, any number ``n``; qubit 0 is the left-most tensor factor):
:func:`partial_trace` keeps any subset; :func:`partial_transpose` transposes any subset ``A``;
the negativity across the bipartition ``A | rest`` (Vidal & Werner, PRA 65, 032314 (2002)) is::

    N_A(ρ) = (‖ρ^{T_A}‖₁ − 1)/2 = Σ |negative eigenvalues of ρ^{T_A}|,
    E_N(ρ) = log2 ‖ρ^{T_A}‖₁                         (logarithmic negativity)

(a Bell state has N = 1/2 and E_N = 1).  For three qubits the tripartite negativity is the
geometric mean of the three one-vs-rest negativities (Sabín & García-Alcaine, Eur. Phys. J. D
48, 435 (2008), who use ``‖ρ^{T_A}‖₁ − 1``, twice ours: their GHZ value 1 is our 1/2).  The
quantum mutual information of a pair is ``I(A:B) = S(A) + S(B) − S(AB)`` with the von Neumann
entropy in bits.  :func:`pair_events` runs :func:`entanglement_events` on each pair of a
network.

Arrays in, numbers out; no model is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "EntanglementEvents",
    "concurrence",
    "entanglement_events",
    "log_negativity",
    "mutual_information",
    "negativity",
    "pair_events",
    "partial_trace",
    "partial_transpose",
    "spin_flip_singular_values",
    "tripartite_negativity",
    "von_neumann_entropy",
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


# --------------------------------------------------------------------------------------------
# multipartite: partial trace and transpose, negativity, mutual information
# --------------------------------------------------------------------------------------------


def _num_qubits(rho: NDArray[np.complex128]) -> int:
    d = rho.shape[-1]
    n = round(np.log2(d)) if d > 0 else -1
    if rho.ndim < 2 or rho.shape[-2] != d or n < 1 or 2**n != d:
        raise ValueError(f"states must have shape (..., 2^n, 2^n) (got {rho.shape})")
    return n


def _subset(part: Sequence[int] | int, n: int) -> tuple[int, ...]:
    a = (part,) if isinstance(part, int | np.integer) else tuple(part)
    s = tuple(sorted({int(k) for k in a}))
    if any(k < 0 or k >= n for k in s) or len(s) != len(a):
        raise ValueError(f"subsystems must be distinct qubits of 0…{n - 1} (got {part})")
    return s


def partial_trace(rho: ArrayLike, keep: Sequence[int] | int) -> NDArray[np.complex128]:
    """Reduced state of the qubits ``keep`` (in increasing order) of a stack ``(..., 2^n, 2^n)``.

    Qubit 0 is the left-most tensor factor.  Computed by one contraction of the traced
    indices (``np.einsum`` on a ``(2,)*2n`` view), never by building projectors.
    """
    rho = np.asarray(rho, dtype=complex)
    n = _num_qubits(rho)
    keep_s = _subset(keep, n)
    lead = rho.shape[:-2]
    t = rho.reshape(*lead, *(2,) * (2 * n))
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if 2 * n + 1 > len(letters):
        raise ValueError(f"partial_trace supports up to {(len(letters) - 1) // 2} qubits")
    rows = list(letters[:n])
    cols = [letters[n + k] if k in keep_s else rows[k] for k in range(n)]
    out = "".join(rows[k] for k in keep_s) + "".join(cols[k] for k in keep_s)
    r = np.einsum(f"...{''.join(rows)}{''.join(cols)}->...{out}", t)
    d = 2 ** len(keep_s)
    return r.reshape(*lead, d, d)


def partial_transpose(rho: ArrayLike, part: Sequence[int] | int) -> NDArray[np.complex128]:
    """``ρ^{T_A}``: transpose of the qubits ``part`` of a stack ``(..., 2^n, 2^n)`` (a copy)."""
    rho = np.asarray(rho, dtype=complex)
    n = _num_qubits(rho)
    a = _subset(part, n)
    lead = rho.shape[:-2]
    nl = len(lead)
    t = rho.reshape(*lead, *(2,) * (2 * n))
    axes = list(range(nl + 2 * n))
    for k in a:
        axes[nl + k], axes[nl + n + k] = axes[nl + n + k], axes[nl + k]
    return np.transpose(t, axes).reshape(rho.shape)


def _trace_norm_pt(rho: ArrayLike, part: Sequence[int] | int) -> NDArray[np.float64]:
    pt = partial_transpose(rho, part)
    pt = 0.5 * (pt + np.conj(np.swapaxes(pt, -1, -2)))
    return np.sum(np.abs(np.linalg.eigvalsh(pt)), axis=-1)


def negativity(rho: ArrayLike, part: Sequence[int] | int) -> NDArray[np.float64]:
    """Negativity ``(‖ρ^{T_A}‖₁ − 1)/2`` across ``part | rest``, shape ``rho.shape[:-2]``.

    0 for separable states (and for PPT entangled ones); 1/2 for a Bell pair.  Round-off of
    the eigenvalues leaves a few 1e-16 on product states.
    """
    return 0.5 * (_trace_norm_pt(rho, part) - 1.0)


def log_negativity(rho: ArrayLike, part: Sequence[int] | int) -> NDArray[np.float64]:
    """Logarithmic negativity ``log2 ‖ρ^{T_A}‖₁`` across ``part | rest`` (1 for a Bell pair)."""
    return np.log2(_trace_norm_pt(rho, part))


def tripartite_negativity(rho: ArrayLike) -> NDArray[np.float64]:
    """Geometric mean of the three one-vs-rest negativities of 3-qubit states ``(..., 8, 8)``.

    Negative round-off of a one-vs-rest negativity is clipped to 0 first.  GHZ: 1/2; W: √2/3.
    """
    rho = np.asarray(rho, dtype=complex)
    if rho.shape[-2:] != (8, 8):
        raise ValueError(f"tripartite negativity needs 3-qubit states (..., 8, 8), got {rho.shape}")
    vals = [np.clip(negativity(rho, k), 0.0, None) for k in range(3)]
    return np.cbrt(vals[0] * vals[1] * vals[2])


def von_neumann_entropy(rho: ArrayLike) -> NDArray[np.float64]:
    """``S(ρ) = −Tr ρ log2 ρ`` in bits for a stack of states (eigenvalues ≤ 0 contribute 0)."""
    rho = np.asarray(rho, dtype=complex)
    h = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    w = np.clip(np.linalg.eigvalsh(h), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(w > 0, -w * np.log2(np.where(w > 0, w, 1.0)), 0.0)
    return np.sum(terms, axis=-1)


def mutual_information(rho: ArrayLike) -> NDArray[np.float64]:
    """Quantum mutual information ``S(A) + S(B) − S(AB)`` (bits) of 2-qubit states ``(..., 4, 4)``.

    0 for product states, 2 for a Bell pair.
    """
    rho = np.asarray(rho, dtype=complex)
    if rho.shape[-2:] != (4, 4):
        raise ValueError(f"two-qubit states must have shape (..., 4, 4) (got {rho.shape})")
    a = partial_trace(rho, [0])
    b = partial_trace(rho, [1])
    return von_neumann_entropy(a) + von_neumann_entropy(b) - von_neumann_entropy(rho)


def pair_events(
    t: ArrayLike, w: ArrayLike, *, tol: float = 1e-10, min_points: int = 2
) -> list[EntanglementEvents]:
    """:func:`entanglement_events` of each row of ``w`` (shape ``(n_pairs, n_t)``)."""
    w = np.asarray(w, dtype=float)
    if w.ndim != 2:
        raise ValueError("w must have shape (n_pairs, n_t)")
    return [entanglement_events(t, row, tol=tol, min_points=min_points) for row in w]
