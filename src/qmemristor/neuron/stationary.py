"""When a trajectory of the neuron is stationary: the window rule, its time scales and caps.

Span, mean and regime of V (Paper N, §N4) describe the *stationary* regime, so a run must last
until the transient is over, and how long that takes varies by orders of magnitude over the
parameter plane: the qubit's Z relaxes at αΓ, its coherences at Γ, and near an Andronov–Hopf
point the equilibrium's complex pair has Re λ → 0 (critical slowing down).  A fixed duration
(the paper's t_end = 1500, second half kept) reports transients wherever 1/(αΓ), 1/Γ or
1/|Re λ| are ≳ t_end/10.  The rule used instead (the *stationary protocol*):

1. **Time scale.**  ``τ = 1/min(Γ, αΓ, |Re λ_k|)`` over the eigenvalues λ_k of the Jacobian at
   the equilibrium nearest (in V) to the initial state (:func:`relaxation_time`).  Rates that
   are exactly zero (α = 0 or Γ = 0: a conserved quantity, not a slow relaxation; then a line
   of equilibria and a neutral eigenvalue ≲ 1e-12) are left out.
2. **Windows.**  The run is cut into windows of length
   ``W = min(max(window_min, window_factor·τ), cap/3)`` from t = 0 on (:func:`schedule`);
   W ≥ window_min = 100 holds ~110 periods of the fast oscillation (ω ≈ Ω = 7).
3. **Settled** after window k ≥ 3 when, for the largest and the smallest V of the last three
   windows, both successive differences satisfy ``f·|Δ| ≤ atol + rtol·s_k`` (s_k: the last
   window's span; the extremes rather than the mean, which wanders by up to span/(ωW) with
   the phase at which a window cuts the cycle)
   (:func:`qmemristor.analysis.spectra.windows_settled`), with ``f = max(1,
   window_factor·τ/W)``: where W had to be shorter than window_factor·τ (the cap), the
   difference per window is scaled to the drift over window_factor·τ.  Defaults ``atol =
   1e-7``, ``rtol = 1e-3``.
4. **Cap.**  Each point integrates at most ``cap = min(t_max, max(cap_min, cap_factor·τ))``
   (defaults 1500, 40τ, t_max = 30000); a point that has not settled by then is reported
   *not settled* with its last window's values.

What the rule guarantees.  If the windows' statistics approach their limit geometrically, by a
factor r per window, the difference left after two agreeing windows is at most
``tol·r/(1 − r)``.  Windows of 2τ make ``r ≤ e^{−2}`` for a mode relaxing at rate 1/τ
(leftover ≤ 0.16 tol); the slow mode on the limit cycles at small αΓ relaxes at ≈ 0.45 αΓ
(measured at Γ = 0.01, α = 0.1 and 0.4, V_in = 2, R_m = 6), where r ≈ e^{−0.9} and the
leftover is ≤ 0.7 tol.  A decaying spiral loses a factor ≥ e^{−2} per window and can only
settle once the span two windows back is ≲ 2·atol/(1 − e^{−2}) ≈ 2.3e-7 — its reported span
is then ≲ 5e-9, flat by the threshold 1e-6 of
:func:`~qmemristor.analysis.spectra.classify_regime`; a spiral growing from the perturbed
equilibrium gains ≥ e² per window and cannot settle before it reaches its cycle.  A regime
that never settles (quasi-periodic, chaotic, or a relaxation slower than the cap allows) is
flagged, not guessed.

The paper's protocol (fixed t_end, second half) stays available as ``protocol="paper"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_positive
from .device import FijTables
from .model import NeuronParams, jacobian_flat

__all__ = [
    "PROTOCOLS",
    "ZERO_RATE",
    "Stationarity",
    "check_protocol",
    "equilibrium_spectra",
    "hopf_rate",
    "point_spectrum",
    "relaxation_time",
    "schedule",
]

#: ``"stationary"``: windows until settled (module docstring); ``"paper"``: fixed t_end, the
#: second half kept (Paper N's protocol).
PROTOCOLS = ("stationary", "paper")
#: Rates at or below this are numerical zeros (α = 0, Γ = 0: a neutral direction), left out of τ.
ZERO_RATE = 1e-12


def check_protocol(protocol: str) -> str:
    """``protocol`` if it is one of :data:`PROTOCOLS`, else :class:`ParameterError`."""
    if protocol not in PROTOCOLS:
        raise ParameterError(f"protocol must be one of {', '.join(PROTOCOLS)} (got {protocol!r})")
    return protocol


@dataclass(frozen=True)
class Stationarity:
    """Parameters of the stationary protocol (module docstring; times in units of τ_c).

    Attributes
    ----------
    window_min : float
        Shortest window (default 100, ~110 periods of the fast oscillation).
    window_factor : float
        Windows last ``window_factor·τ`` when that is longer (default 2).
    cap_min : float
        Every point may integrate at least this long before it is declared not settled
        (default 1500, the paper's t_end).
    cap_factor : float
        The cap grows as ``cap_factor·τ`` (default 40).
    t_max : float
        Hard cap on every run (default 30000).
    atol, rtol : float
        Tolerance ``atol + rtol·span`` on the drift of V_max and V_min between windows
        (defaults 1e-7 and 1e-3).
    """

    window_min: float = 100.0
    window_factor: float = 2.0
    cap_min: float = 1500.0
    cap_factor: float = 40.0
    t_max: float = 30000.0
    atol: float = 1e-7
    rtol: float = 1e-3

    def __post_init__(self) -> None:
        for name in ("window_min", "window_factor", "cap_min", "cap_factor", "t_max", "atol"):
            check_positive(name, getattr(self, name))
        if not 0.0 <= self.rtol < 1.0 or not math.isfinite(self.rtol):
            raise ParameterError(f"rtol must be in [0, 1) (got {self.rtol!r})")

    def sample_length(self) -> float:
        """Length of the stretch of the last window sampled for spectra and regimes.

        ``min(window_min, min(cap_min, t_max)/3)``: never longer than the shortest window.
        """
        return min(self.window_min, min(self.cap_min, self.t_max) / 3.0)


def relaxation_time(gamma: ArrayLike, alpha: ArrayLike, eigenvalues: ArrayLike) -> NDArray:
    """τ = 1/min(Γ, αΓ, |Re λ_k|) (batched; module docstring, rule 1).

    Parameters
    ----------
    gamma, alpha : array_like, shape (...)
    eigenvalues : array_like, shape (..., 4)
        Jacobian eigenvalues at the equilibrium nearest to the initial state.

    Returns
    -------
    ndarray, shape (...)
        τ; ``inf`` where every rate is a numerical zero (≤ :data:`ZERO_RATE`).
    """
    re = np.abs(np.real(np.asarray(eigenvalues)))
    lead = np.broadcast_shapes(np.shape(gamma), np.shape(alpha), re.shape[:-1])
    g = np.broadcast_to(np.asarray(gamma, dtype=float), lead)
    ag = np.broadcast_to(np.asarray(alpha, dtype=float), lead) * g
    re = np.broadcast_to(re, (*lead, re.shape[-1]))
    rates = np.concatenate([g[..., None], ag[..., None], re], axis=-1)
    rates = np.where(rates > ZERO_RATE, rates, np.inf)
    slowest = rates.min(axis=-1)
    with np.errstate(divide="ignore"):
        return 1.0 / slowest


def schedule(
    tau: ArrayLike, opts: Stationarity
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Window length W, number of windows and drift factor f for each τ (rules 2–4).

    Returns ``(W, n_windows, f)`` with ``n_windows = floor(cap/W) ≥ 3``, so a run lasts at most
    ``n_windows·W ≤ cap``.
    """
    tau = np.asarray(tau, dtype=float)
    cap = np.minimum(opts.t_max, np.maximum(opts.cap_min, opts.cap_factor * tau))
    want = opts.window_factor * tau
    w = np.minimum(np.maximum(opts.window_min, want), cap / 3.0)
    n = np.floor(cap / w * (1 + 1e-12)).astype(np.int64)
    with np.errstate(invalid="ignore"):
        f = np.where(np.isfinite(want), np.maximum(1.0, want / w), np.inf)
    return w, np.maximum(n, 3), f


def equilibrium_spectra(
    v_star: ArrayLike, pvecs: ArrayLike, tables: FijTables
) -> NDArray[np.complex128]:
    """Jacobian eigenvalues at the equilibria (0, 0, Z_T, V*) (batched).

    ``v_star`` (...) and ``pvecs`` (..., 7) broadcast together; returns (..., 4).
    """
    pv = np.asarray(pvecs, dtype=float)
    v = np.asarray(v_star, dtype=float)
    shape = np.broadcast_shapes(v.shape, pv.shape[:-1])
    pv = np.broadcast_to(pv, (*shape, pv.shape[-1]))
    y = np.zeros((*shape, 4))
    y[..., 2] = pv[..., 4]  # Z_T
    y[..., 3] = v
    return np.linalg.eigvals(jacobian_flat(y, pv, tables)).astype(np.complex128)


def hopf_rate(eigenvalues: ArrayLike) -> NDArray:
    """min |Re λ| over the complex eigenvalues (batched, last axis): how close the equilibrium
    is to an Andronov–Hopf point; ``inf`` where all eigenvalues are real."""
    ev = np.asarray(eigenvalues)
    pair = np.abs(np.imag(ev)) > 1e-9 * np.maximum(np.abs(ev), 1e-300)
    return np.where(pair, np.abs(np.real(ev)), np.inf).min(axis=-1)


def point_spectrum(p: NeuronParams, v0: float) -> tuple[NDArray[np.complex128], bool]:
    """Jacobian eigenvalues at the equilibrium nearest (in V) to ``v0``, and whether the
    neuron can be at rest: some equilibrium has no eigenvalue with Re λ > :data:`ZERO_RATE` (a
    neutral direction, α = 0 or Γ = 0, counts as at rest)."""
    from .equilibria import equilibria

    eqs = equilibria(p)
    near = min(eqs, key=lambda e: abs(e.V - v0))
    rest = any(float(np.max(e.eigenvalues.real)) <= ZERO_RATE for e in eqs)
    return near.eigenvalues, rest
