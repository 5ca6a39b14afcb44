"""Paper M, §M1: parameters, decay protocols Γ(t) with accurate ∫Γ, initial states, Lindbladian.

The single quantum memristor is a two-level system in the basis ``(|e⟩, |g⟩)``
(:mod:`qmemristor.conventions`) obeying::

    H = ħω (σ+σ− + 1/2)
    dρ/dt = −(i/ħ)[H, ρ] + Γ(t) (σ− ρ σ+ − ½{σ+σ−, ρ})
    Γ(t) = γ0 (1 − sin(cos(ω t)))        (the paper's drive)

Time is in units of 1/ω when ħ = m = ω = 1.  Any non-negative Γ(t) is accepted through
:class:`ConstantDecay` or :class:`CallableDecay`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, special

from ..conventions import IDENTITY, SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite, check_nonnegative, check_positive, check_range

__all__ = [
    "CallableDecay",
    "ConstantDecay",
    "DecayProtocol",
    "InitialState",
    "MemristorParams",
    "PaperDrive",
    "hamiltonian",
    "kappa",
    "lindblad_rhs",
    "lindblad_superoperators",
    "time_grid",
]


@runtime_checkable
class DecayProtocol(Protocol):
    """A time-dependent decay rate Γ(t) ≥ 0 with an accurate integral.

    ``rate(t)`` is Γ at the times ``t`` (any shape); ``integral(t0, t1)`` is
    ``∫_{t0}^{t1} Γ(s) ds`` element-wise (broadcasting).  ``describe()`` gives the attributes
    stored with results.
    """

    def rate(self, t: ArrayLike) -> NDArray[np.float64]: ...

    def integral(self, t0: ArrayLike, t1: ArrayLike) -> NDArray[np.float64]: ...

    def describe(self) -> dict[str, object]: ...


# Jacobi–Anger: sin(cos θ) = 2 Σ_k (−1)^k J_{2k+1}(1) cos((2k+1)θ).  J_{2k+1}(1) < 1/(2^{2k+1}
# (2k+1)!), so 12 terms leave a remainder below 1e-30: the antiderivative below is exact to
# round-off, with no quadrature.
_ANGER_ORDERS = 2 * np.arange(12) + 1
_ANGER_COEFFS = 2.0 * (-1.0) ** np.arange(12) * special.jv(_ANGER_ORDERS, 1.0) / _ANGER_ORDERS


def _antiderivative_sin_cos(theta: NDArray[np.float64]) -> NDArray[np.float64]:
    """``∫_0^θ sin(cos u) du`` by the Jacobi–Anger series (exact to round-off)."""
    return np.sin(np.multiply.outer(theta, _ANGER_ORDERS)) @ _ANGER_COEFFS


@dataclass(frozen=True)
class PaperDrive:
    """Paper M's drive ``Γ(t) = γ0 (1 − sin(cos(ω t)))``.

    Parameters
    ----------
    gamma0 : float
        Decay strength γ0 ≥ 0 (units of ω).
    omega : float
        Drive angular frequency ω > 0 (the same ω as the qubit in the paper).
    """

    gamma0: float
    omega: float = 1.0

    def __post_init__(self) -> None:
        check_nonnegative("gamma0", self.gamma0)
        check_positive("omega", self.omega)

    def rate(self, t: ArrayLike) -> NDArray[np.float64]:
        return self.gamma0 * (1.0 - np.sin(np.cos(self.omega * np.asarray(t, dtype=float))))

    def integral(self, t0: ArrayLike, t1: ArrayLike) -> NDArray[np.float64]:
        t0 = np.asarray(t0, dtype=float)
        t1 = np.asarray(t1, dtype=float)
        w = self.omega
        anti = _antiderivative_sin_cos(w * t1) - _antiderivative_sin_cos(w * t0)
        return self.gamma0 * ((t1 - t0) - anti / w)

    def describe(self) -> dict[str, object]:
        return {"decay": "paper", "decay_formula": "gamma0*(1-sin(cos(omega*t)))"}


@dataclass(frozen=True)
class ConstantDecay:
    """Time-independent decay ``Γ(t) = γ0``."""

    gamma0: float

    def __post_init__(self) -> None:
        check_nonnegative("gamma0", self.gamma0)

    def rate(self, t: ArrayLike) -> NDArray[np.float64]:
        return np.full(np.shape(t), float(self.gamma0))

    def integral(self, t0: ArrayLike, t1: ArrayLike) -> NDArray[np.float64]:
        return self.gamma0 * (np.asarray(t1, dtype=float) - np.asarray(t0, dtype=float))

    def describe(self) -> dict[str, object]:
        return {"decay": "constant", "decay_formula": "gamma0"}


@dataclass(frozen=True)
class CallableDecay:
    """Any user rate ``Γ(t) ≥ 0``, integrated by adaptive Gauss–Kronrod quadrature.

    Parameters
    ----------
    func : callable
        ``func(t) -> Γ(t)`` for scalar ``t`` (vectorised callables work too).  Negative or
        non-finite values raise :class:`~qmemristor.errors.ParameterError` when met.
    name : str
        Label stored with results.
    epsabs, epsrel : float
        Quadrature tolerances of :func:`scipy.integrate.quad` for each interval.
    """

    func: Callable[[float], float]
    name: str = "user"
    epsabs: float = 1e-13
    epsrel: float = 1e-12

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise ParameterError("CallableDecay needs a callable Γ(t)")

    def rate(self, t: ArrayLike) -> NDArray[np.float64]:
        t = np.asarray(t, dtype=float)
        g = np.vectorize(lambda s: float(self.func(float(s))), otypes=[float])(t)
        if not np.all(np.isfinite(g)) or np.any(g < 0):
            raise ParameterError("the decay rate Γ(t) must be finite and ≥ 0 at every time")
        return g

    def _quad(self, a: float, b: float) -> float:
        if a == b:
            return 0.0

        def f(s: float) -> float:
            return float(self.rate(s))

        val, _ = integrate.quad(f, a, b, epsabs=self.epsabs, epsrel=self.epsrel, limit=500)
        return val

    def integral(self, t0: ArrayLike, t1: ArrayLike) -> NDArray[np.float64]:
        t0, t1 = np.broadcast_arrays(np.asarray(t0, dtype=float), np.asarray(t1, dtype=float))
        out = np.empty(t0.shape)
        for idx in np.ndindex(t0.shape):
            out[idx] = self._quad(t0[idx], t1[idx])
        return out

    def describe(self) -> dict[str, object]:
        return {"decay": "callable", "decay_formula": self.name}


@dataclass(frozen=True)
class MemristorParams:
    """Parameters of one quantum memristor (Paper M, §M1).

    Parameters
    ----------
    gamma0 : float
        Decay strength γ0 ≥ 0 of the paper's drive (units of ω).
    omega : float
        Qubit (and drive) angular frequency ω > 0.
    m, hbar : float
        Mass and ħ, > 0; they enter only the scale ``k = sqrt(m ħ ω / 2)`` of ⟨V⟩ and ⟨I⟩.
    decay : DecayProtocol, optional
        Γ(t).  ``None`` (default) means the paper's drive ``PaperDrive(gamma0, omega)``.
    """

    gamma0: float = 0.2
    omega: float = 1.0
    m: float = 1.0
    hbar: float = 1.0
    decay: DecayProtocol | None = field(default=None, compare=True)

    def __post_init__(self) -> None:
        check_nonnegative("gamma0", self.gamma0)
        check_positive("omega", self.omega)
        check_positive("m", self.m)
        check_positive("hbar", self.hbar)
        if self.decay is not None and not isinstance(self.decay, DecayProtocol):
            raise ParameterError("decay must provide rate(t), integral(t0, t1) and describe()")

    @property
    def protocol(self) -> DecayProtocol:
        """The decay protocol Γ(t) in use."""
        return self.decay if self.decay is not None else PaperDrive(self.gamma0, self.omega)

    @property
    def k(self) -> float:
        """Scale ``k = sqrt(m ħ ω / 2)`` of ⟨V⟩ and ⟨I⟩."""
        return math.sqrt(self.m * self.hbar * self.omega / 2.0)

    @property
    def period(self) -> float:
        """Drive period ``T = 2π/ω``."""
        return 2.0 * math.pi / self.omega

    def as_attrs(self) -> dict[str, object]:
        """Flat, serialisable description (for dataset attributes)."""
        return {
            "gamma0": self.gamma0,
            "omega": self.omega,
            "m": self.m,
            "hbar": self.hbar,
            **self.protocol.describe(),
        }


@dataclass(frozen=True)
class InitialState:
    """Initial qubit state as a Bloch vector in the paper basis (``z = +1`` is |e⟩).

    Pure states with ``|r| = 1`` and mixed states with ``|r| < 1`` are both allowed.  Use
    :meth:`from_angles` for the paper's ``|ψ0⟩ = cos(a)|e⟩ + sin(a) e^{ib}|g⟩``.
    """

    x: float
    y: float
    z: float

    def __post_init__(self) -> None:
        r = [check_finite(n, v) for n, v in zip("xyz", (self.x, self.y, self.z), strict=True)]
        norm = math.sqrt(sum(c * c for c in r))
        if norm > 1.0 + 1e-12:
            raise ParameterError(f"the Bloch vector must satisfy |r| ≤ 1 (got |r| = {norm:.6g})")

    @classmethod
    def from_angles(cls, a: float, b: float) -> InitialState:
        """``|ψ0⟩ = cos(a)|e⟩ + sin(a) e^{ib}|g⟩`` with a ∈ [0, π/2], b ∈ [0, 2π)."""
        a = check_range("a", a, 0.0, math.pi / 2, span="[0, π/2]")
        b = check_range("b", b, 0.0, 2 * math.pi, hi_open=True, span="[0, 2π)")
        # ρ_eg = cos a sin a e^{−ib}; ⟨σx⟩ = 2 Re ρ_eg, ⟨σy⟩ = −2 Im ρ_eg
        s2a = math.sin(2 * a)
        return cls(s2a * math.cos(b), s2a * math.sin(b), math.cos(2 * a))

    @classmethod
    def from_density(cls, rho: ArrayLike) -> InitialState:
        """From a 2×2 density matrix in the paper basis (checked Hermitian, trace 1, ≥ 0)."""
        rho = np.asarray(rho, dtype=complex)
        if rho.shape != (2, 2) or not np.allclose(rho, rho.conj().T, atol=1e-12):
            raise ParameterError("a density matrix must be a Hermitian 2×2 array")
        if abs(np.trace(rho) - 1) > 1e-12 or np.linalg.eigvalsh(rho).min() < -1e-12:
            raise ParameterError("a density matrix must have trace 1 and be positive")
        r = [float(np.real(np.trace(rho @ s))) for s in (SIGMA_X, SIGMA_Y, SIGMA_Z)]
        return cls(*r)

    @property
    def bloch(self) -> NDArray[np.float64]:
        return np.array([self.x, self.y, self.z])

    @property
    def density(self) -> NDArray[np.complex128]:
        """``ρ = (1 + r·σ)/2`` in the paper basis."""
        return 0.5 * (IDENTITY + self.x * SIGMA_X + self.y * SIGMA_Y + self.z * SIGMA_Z)


def time_grid(periods: int, points_per_period: int, omega: float = 1.0) -> NDArray[np.float64]:
    """Uniform grid ``t_i = i T / K`` over ``periods`` drive periods, both ends included.

    ``K = points_per_period`` samples per period, so ``periods·K + 1`` times in all and the
    sample ``k·K`` sits exactly on ``t = kT``.
    """
    if int(periods) != periods or periods <= 0:
        raise ParameterError(f"periods must be a positive integer (got {periods})")
    if int(points_per_period) != points_per_period or points_per_period < 4:
        raise ParameterError(f"points-per-period must be an integer ≥ 4 (got {points_per_period})")
    check_positive("omega", omega)
    n = int(periods) * int(points_per_period)
    return np.arange(n + 1) * (2.0 * math.pi / omega / int(points_per_period))


def kappa(protocol: DecayProtocol, t1: ArrayLike, t0: ArrayLike = 0.0) -> NDArray[np.float64]:
    """``κ(t1, t0) = −½ ∫_{t0}^{t1} Γ(s) ds`` (element-wise)."""
    return -0.5 * protocol.integral(t0, t1)


def hamiltonian(params: MemristorParams) -> NDArray[np.complex128]:
    """``H = ħω (σ+σ− + 1/2)`` in the paper basis."""
    return params.hbar * params.omega * (SIGMA_PLUS @ SIGMA_MINUS + 0.5 * IDENTITY)


def lindblad_superoperators(
    params: MemristorParams,
) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """Superoperators ``(L_H, D)`` with ``d vec(ρ)/dt = (L_H + Γ(t) D) vec(ρ)``.

    ``vec`` is NumPy's row-major flattening of the 2×2 matrix, for which
    ``vec(A X B) = (A ⊗ Bᵀ) vec(X)``.  Built from H and the jump operator σ−, independently of
    the closed-form solution::

        L_H = −(i/ħ) (H ⊗ 1 − 1 ⊗ Hᵀ)
        D   = σ− ⊗ (σ+)ᵀ − ½ (σ+σ− ⊗ 1 + 1 ⊗ (σ+σ−)ᵀ)
    """
    h = hamiltonian(params)
    n = SIGMA_PLUS @ SIGMA_MINUS
    l_h = -1j / params.hbar * (np.kron(h, IDENTITY) - np.kron(IDENTITY, h.T))
    d = np.kron(SIGMA_MINUS, SIGMA_PLUS.T) - 0.5 * (np.kron(n, IDENTITY) + np.kron(IDENTITY, n.T))
    return l_h, d


def lindblad_rhs(
    params: MemristorParams, t: float, rho: NDArray[np.complex128]
) -> NDArray[np.complex128]:
    """``dρ/dt`` of the master equation at time ``t`` for ``rho`` of shape ``(..., 2, 2)``."""
    l_h, d = lindblad_superoperators(params)
    gen = l_h + float(params.protocol.rate(t)) * d
    flat = np.asarray(rho, dtype=complex).reshape(*np.shape(rho)[:-2], 4)
    return (flat @ gen.T).reshape(np.shape(rho))
