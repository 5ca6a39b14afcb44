"""Counts to expectation values, ⟨V⟩ and ⟨I⟩ with propagated standard errors (docs/theory.md §M2).

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

Two coupled memristors are read out by two-qubit state tomography: nine settings ``b1 b2``
(:func:`two_qubit_paulis`), linear inversion (:func:`density_from_paulis`) and the closest
physical state (:func:`physical_density`, Smolin–Gambetta–Smith).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import QISKIT_PAULI_SIGN
from ..errors import ParameterError, check_time_grid
from .execute import CircuitRun

__all__ = [
    "density_from_paulis",
    "derivative_with_error",
    "expectation_from_counts",
    "gradient_weights",
    "memristor_estimates",
    "paper_expectations",
    "paulis_from_parities",
    "physical_density",
    "two_qubit_paulis",
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

    Exact runs (``counts0 is None``) give ``2 p0 − 1`` with zero error; mitigated runs their
    mitigated ``expectation`` and its propagated error.
    """
    out = {}
    for j, obs in enumerate(run.observables):
        if run.expectation is not None and run.expectation_err is not None:
            mean, err = run.expectation[:, j], run.expectation_err[:, j]
        elif run.counts0 is not None and run.shots is not None:
            mean, err = expectation_from_counts(run.counts0[:, j], run.shots)
        elif run.p0 is not None:
            mean = 2.0 * run.p0[:, j] - 1.0
            err = np.zeros_like(mean)
        else:  # pragma: no cover - every run has counts or probabilities
            raise ParameterError("a circuit run without counts or probabilities")
        out[obs] = (QISKIT_PAULI_SIGN[obs] * mean, err)
    return out


def gradient_weights(t: ArrayLike) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Stencils of ``numpy.gradient(y, t, edge_order=2)``: ``y'_i = Σ_k w[i, k] y[idx[i, k]]``.

    Three points each (central inside, one-sided second order at both ends), for any
    increasing grid of at least 3 points.  Returns ``idx`` and ``w`` of shape ``(n, 3)``.
    """
    t = check_time_grid(t, name="the grid of a derivative", min_size=3)
    n = t.size
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


# --------------------------------------------------------------------------------------------
# two memristors: two-qubit state tomography
# --------------------------------------------------------------------------------------------

_PAULIS = {
    "i": np.eye(2, dtype=complex),
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def two_qubit_paulis(
    counts: ArrayLike, shots: int, settings: Sequence[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Paper-basis Pauli expectations ``T_ij = ⟨σi⊗σj⟩`` (i, j ∈ 1, x, y, z) with standard errors.

    Parameters
    ----------
    counts : array_like of int, shape (..., n_settings, 4)
        Shots per outcome ``c0 + 2 c1`` (``c0`` = memristor 1) of each setting ``b1 b2``.
    shots : int
        Shots per circuit.
    settings : sequence of str
        The settings (all nine ``b1 b2``, ``b ∈ {x, y, z}``).

    Returns
    -------
    T, T_err : ndarray, shape (..., 4, 4)
        Index 0 is the identity (``T_00 = 1``, error 0).  A correlation ``⟨σa⊗σb⟩`` comes from
        its one setting; a single-memristor ``⟨σa⊗1⟩`` pools the three settings that measure
        memristor 1 in ``a`` (its marginal does not depend on what memristor 2 is measured
        in), so its error is ``sqrt((1 − m²)/(3N))``.  Qiskit's Paulis become the paper's
        with the signs of ``QISKIT_PAULI_SIGN`` (a product of two for correlations).
    """
    counts = np.asarray(counts, dtype=float)
    settings = list(settings)
    if sorted(settings) != sorted(a + b for a in "xyz" for b in "xyz"):
        raise ParameterError("two-qubit tomography needs all nine settings xx, xy, ..., zz")
    if shots <= 0 or counts.shape[-2:] != (len(settings), 4):
        raise ParameterError("counts must have shape (..., 9, 4) and shots must be > 0")
    # integer counts sum exactly; 1e-9 relative slack admits N·p computed in floating point
    if np.any(counts < 0) or np.any(np.abs(counts.sum(axis=-1) - shots) > 1e-9 * shots):
        raise ParameterError("every setting's counts must be ≥ 0 and sum to shots")
    axes = "ixyz"
    parity0 = np.array([1, -1, 1, -1])  # (−1)^{c0}
    parity1 = np.array([1, 1, -1, -1])  # (−1)^{c1}
    t = np.zeros((*counts.shape[:-2], 4, 4))
    t_err = np.zeros_like(t)
    t[..., 0, 0] = 1.0
    single = [np.zeros((*counts.shape[:-2], 4)) for _ in range(2)]  # pooled sums per axis
    for j, setting in enumerate(settings):
        b1, b2 = setting[0], setting[1]
        c = counts[..., j, :]
        s1, s2 = QISKIT_PAULI_SIGN[b1], QISKIT_PAULI_SIGN[b2]
        corr = s1 * s2 * (c @ (parity0 * parity1)) / shots
        i1, i2 = axes.index(b1), axes.index(b2)
        t[..., i1, i2] = corr
        t_err[..., i1, i2] = np.sqrt(np.clip(1 - corr**2, 0, None) / shots)
        single[0][..., i1] += s1 * (c @ parity0)
        single[1][..., i2] += s2 * (c @ parity1)
    for a in (1, 2, 3):
        n = 3 * shots  # each axis of each memristor is measured in three settings
        m1, m2 = single[0][..., a] / n, single[1][..., a] / n
        t[..., a, 0], t[..., 0, a] = m1, m2
        t_err[..., a, 0] = np.sqrt(np.clip(1 - m1**2, 0, None) / n)
        t_err[..., 0, a] = np.sqrt(np.clip(1 - m2**2, 0, None) / n)
    return t, t_err


def paulis_from_parities(
    parities: ArrayLike, errors: ArrayLike, settings: Sequence[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``T_ij`` and its errors (as :func:`two_qubit_paulis`) from per-setting parities.

    ``parities[..., j, :]`` are the Qiskit-basis ``⟨Z0⟩, ⟨Z1⟩, ⟨Z0 Z1⟩`` measured in setting
    ``b1 b2`` (e.g. mitigated ones, :attr:`~.coupled.CoupledRun.parities`), with independent
    standard ``errors``.  A correlation comes from its one setting; a single-memristor
    ``⟨σa⊗1⟩`` is the mean of the three settings that measure memristor 1 in ``a``, with error
    ``sqrt(Σ δ²)/3``.  Signs as in :func:`two_qubit_paulis`.
    """
    par = np.asarray(parities, dtype=float)
    err = np.asarray(errors, dtype=float)
    settings = list(settings)
    if sorted(settings) != sorted(a + b for a in "xyz" for b in "xyz"):
        raise ParameterError("two-qubit tomography needs all nine settings xx, xy, ..., zz")
    if par.shape[-2:] != (len(settings), 3) or err.shape != par.shape:
        raise ParameterError("parities and errors must have shape (..., 9, 3)")
    axes = "ixyz"
    t = np.zeros((*par.shape[:-2], 4, 4))
    t_err = np.zeros_like(t)
    t[..., 0, 0] = 1.0
    var_single = np.zeros_like(t)
    for j, setting in enumerate(settings):
        b1, b2 = setting[0], setting[1]
        s1, s2 = QISKIT_PAULI_SIGN[b1], QISKIT_PAULI_SIGN[b2]
        i1, i2 = axes.index(b1), axes.index(b2)
        t[..., i1, i2] = s1 * s2 * par[..., j, 2]
        t_err[..., i1, i2] = err[..., j, 2]
        t[..., i1, 0] += s1 * par[..., j, 0] / 3
        var_single[..., i1, 0] += err[..., j, 0] ** 2 / 9
        t[..., 0, i2] += s2 * par[..., j, 1] / 3
        var_single[..., 0, i2] += err[..., j, 1] ** 2 / 9
    for a in (1, 2, 3):
        t_err[..., a, 0] = np.sqrt(var_single[..., a, 0])
        t_err[..., 0, a] = np.sqrt(var_single[..., 0, a])
    return t, t_err


def density_from_paulis(t: ArrayLike) -> NDArray[np.complex128]:
    """Linear-inversion state ``ρ = ¼ Σ_ij T_ij σi⊗σj`` (paper order), shape ``(..., 4, 4)``.

    Hermitian with trace 1, but with finite shots it may have small negative eigenvalues; see
    :func:`physical_density`.
    """
    t = np.asarray(t, dtype=float)
    basis = np.stack(
        [np.stack([np.kron(_PAULIS[a], _PAULIS[b]) for b in "ixyz"]) for a in "ixyz"]
    )  # (4, 4, 4, 4): (i, j, row, col)
    return 0.25 * np.einsum("...ij,ijab->...ab", t, basis)


def physical_density(rho: ArrayLike) -> NDArray[np.complex128]:
    """The closest density matrix (Frobenius norm) to a Hermitian trace-1 ``rho`` (stack).

    Smolin, Gambetta & Smith, PRL 108, 070502 (2012): keep the eigenvectors and project the
    eigenvalues onto the probability simplex (Euclidean projection: sort, subtract the
    common shift ``θ`` that restores trace 1, clip at 0).  Vectorised over the stack.
    """
    rho = np.asarray(rho, dtype=complex)
    h = 0.5 * (rho + np.conj(np.swapaxes(rho, -1, -2)))
    w, v = np.linalg.eigh(h)
    u = w[..., ::-1]  # descending
    css = np.cumsum(u, axis=-1)
    j = np.arange(1, u.shape[-1] + 1)
    ok = u - (css - 1) / j > 0
    r = np.max(np.where(ok, j, 0), axis=-1)
    theta = (np.take_along_axis(css, (r - 1)[..., None], axis=-1)[..., 0] - 1) / r
    lam = np.clip(w - theta[..., None], 0.0, None)
    return (v * lam[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))
