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
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ..conventions import IDENTITY, SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite, check_nonnegative, check_positive, check_range

__all__ = [
    "CallableDecay",
    "ConstantDecay",
    "DecayProtocol",
    "InitialState",
    "MemristorParams",
    "PaperDrive",
    "cumulative_integral",
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
    stored with results: the protocol's own parameters, nothing it does not use.

    A protocol may also define ``cumulative_integral(t)`` = ``∫_0^t Γ(s) ds`` at every time of
    ``t``; :func:`cumulative_integral` uses it when present and otherwise sums
    ``integral`` over the intervals between the sorted times.
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

    def cumulative_integral(self, t: ArrayLike) -> NDArray[np.float64]:
        """``∫_0^t Γ(s) ds`` in closed form (no accumulation along the grid)."""
        return self.integral(0.0, t)

    def describe(self) -> dict[str, object]:
        return {
            "decay": "paper",
            "decay_formula": "gamma0*(1-sin(cos(drive_omega*t)))",
            "gamma0": self.gamma0,
            "drive_omega": self.omega,
        }


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

    def cumulative_integral(self, t: ArrayLike) -> NDArray[np.float64]:
        """``∫_0^t Γ(s) ds = γ0 t``."""
        return self.integral(0.0, t)

    def describe(self) -> dict[str, object]:
        return {"decay": "constant", "decay_formula": "gamma0", "gamma0": self.gamma0}


def clenshaw_curtis(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes ``x_j = cos(jπ/n)`` (from +1 down to −1) and weights of the ``n + 1``-point
    Clenshaw–Curtis rule on [−1, 1], ``n`` even; exact for polynomials of degree ≤ n + 1.

    Weights by the cosine sum of Clenshaw and Curtis (1960); nodes as ``sin(π(n − 2j)/(2n))``
    so that they are exactly symmetric and the middle one is exactly 0.
    """
    j = np.arange(n + 1)
    k = np.arange(1, n // 2 + 1)
    b = np.where(k == n // 2, 1.0, 2.0)
    c = np.where((j == 0) | (j == n), 1.0, 2.0)
    s = (b / (4.0 * k**2 - 1.0)) @ np.cos(2.0 * np.pi * np.outer(k, j) / n)
    return np.sin(np.pi * (n - 2 * j) / (2 * n)), c / n * (1.0 - s)


#: The embedded pair of the adaptive rule: 33-point Clenshaw–Curtis and the 17-point one on
#: every second node (zero weight elsewhere).  Both include the interval's end points.
CC_NODES, CC_FINE = clenshaw_curtis(32)
CC_COARSE = np.zeros(33)
CC_COARSE[::2] = clenshaw_curtis(16)[1]

#: Pieces evaluated per vectorised batch (bounds memory: 33 nodes per piece).
_BLOCK = 4096
#: Pieces refined together by the adaptive loop (a bad drive fails after one group).
_GROUP = 16
#: Subintervals the adaptive rule may create inside one piece before it gives up.
_ADAPTIVE_LIMIT = 1000
#: Refuse a ``max_step`` that would cut the span into more pieces than this.
_MAX_PIECES = 10_000_000


@dataclass(frozen=True)
class CallableDecay:
    """Any user rate ``Γ(t) ≥ 0``, integrated piece by piece with an error check.

    ``∫Γ`` between any two times is the sum of *pieces*: the intervals between consecutive
    requested times (the grid steps, for :func:`cumulative_integral` on a grid), cut at the
    ``breakpoints`` and, if ``max_step`` is given, into pieces no longer than ``max_step``.
    Every piece gets the 33-point Clenshaw–Curtis rule, all pieces at once (vectorised), with
    the difference from the embedded 17-point rule as error estimate; a piece whose estimate is
    not below ``tol/8``, ``tol = max(epsabs, epsrel·|∫_piece Γ|)``, is bisected adaptively
    (its subintervals with the largest estimates first) until it is.  A piece that does not
    get there within 1000 subintervals, or down to float resolution, raises
    :class:`~qmemristor.errors.ParameterError` (a jump too large for double precision, noise,
    a singularity, fast oscillation): never a silent wrong answer.  The cost is linear in the
    number of pieces.  ∫_0^t Γ on a grid is a running sum of non-negative pieces (positive
    weights, Γ ≥ 0 checked at every node), so κ(t) = −½∫_0^t Γ never increases along it.

    Resolution.  Γ is a black box known only where it is evaluated.  A jump of Γ inside a
    piece is always seen (the rule reads Γ at both ends, one ulp inside); a pulse (Γ leaving
    and coming back within one piece) is always seen if it is wider than the largest gap
    between the rule's nodes, 4.9 % of the piece (0.010 for 30 points per period).  Once seen,
    a feature is resolved: the nodes include the end points of every subinterval, so bisection
    cannot hide part of it between a subinterval's last node and its end.  Narrower pulses
    without breakpoints can go unseen: give their edges as ``breakpoints`` (then
    piecewise-smooth drives are integrated to the tolerances, without any refinement at the
    jumps) or a ``max_step`` below 20× their width.

    Why not SciPy: its rules (Gauss–Kronrod) have no node at the ends of an interval.  For a
    pulse inside one grid step, :func:`scipy.integrate.quad` returned an error estimate of
    1.6e-15 while off by 3.8e-9 (pulse 0.05 wide), and :func:`scipy.integrate.quad_vec`
    1.2e-14 while off by 1.2e-7 (0.008 wide: a sliver of it lay between a subinterval's last
    node and its end).  They also take one interval per call: 600 grid steps of the paper
    drive as a Python callable take 10 ms here (0.6 ms with ``vectorized=True``) against
    90 ms for ``quad_vec`` step by step (measured on 2 shared cores).

    Parameters
    ----------
    func : callable
        ``func(t) -> Γ(t)`` for a float ``t`` (or for an array ``t`` of any shape, returning an
        array of that shape, if ``vectorized``).  Negative or non-finite values raise
        :class:`~qmemristor.errors.ParameterError` when met.
    name : str
        Label stored with results.
    breakpoints : sequence of float
        Times where Γ or its derivatives jump (pulse edges, switching times); pieces are cut
        there.  Stored sorted and without duplicates.
    vectorized : bool
        Whether ``func`` accepts arrays (one call per batch of pieces instead of one per node).
    max_step : float, optional
        Longest piece (units of 1/ω); ``None`` leaves the pieces as the requested intervals.
    epsabs, epsrel : float
        Tolerances per piece (≥ 0, not both 0).  The error of ``∫_0^t Γ`` is at most their
        sum over the pieces up to ``t``.
    """

    func: Callable[..., Any]
    name: str = "user"
    breakpoints: tuple[float, ...] = ()
    vectorized: bool = False
    max_step: float | None = None
    epsabs: float = 1e-13
    epsrel: float = 1e-12

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise ParameterError("CallableDecay needs a callable Γ(t)")
        try:
            bps = np.unique(np.asarray(self.breakpoints, dtype=float).reshape(-1))
        except (TypeError, ValueError):
            raise ParameterError("breakpoints must be a sequence of real times") from None
        if not np.all(np.isfinite(bps)):
            raise ParameterError("breakpoints must be finite times")
        object.__setattr__(self, "breakpoints", tuple(float(b) for b in bps))
        if self.max_step is not None:
            object.__setattr__(self, "max_step", check_positive("max_step", self.max_step))
        eps_abs = check_nonnegative("epsabs", self.epsabs)
        eps_rel = check_nonnegative("epsrel", self.epsrel)
        if eps_abs == 0 and eps_rel < 50 * np.finfo(float).eps:
            raise ParameterError("epsabs = 0 needs epsrel ≥ 1.2e-14 (50 machine epsilons)")

    # --- evaluation --------------------------------------------------------------------------
    def _values(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """Γ at the times ``t`` (any shape), checked finite and ≥ 0."""
        try:
            if self.vectorized:
                g = np.asarray(self.func(t), dtype=float)
                if g.shape != t.shape:
                    g = np.broadcast_to(g, t.shape)
            else:
                flat = [float(self.func(float(s))) for s in t.reshape(-1)]
                g = np.array(flat, dtype=float).reshape(t.shape)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ParameterError(
                f"the decay rate Γ(t) must return real numbers ({type(exc).__name__}: {exc})"
            ) from None
        bad = ~(np.isfinite(g) & (g >= 0))
        if np.any(bad):
            i = np.flatnonzero(bad.reshape(-1))[0]
            raise ParameterError(
                "the decay rate Γ(t) must be finite and ≥ 0 at every time "
                f"(Γ({t.reshape(-1)[i]:.17g}) = {g.reshape(-1)[i]:g})"
            )
        return g

    def rate(self, t: ArrayLike) -> NDArray[np.float64]:
        return self._values(np.asarray(t, dtype=float))

    # --- integrals ---------------------------------------------------------------------------
    def _rule(
        self, a: NDArray[np.float64], b: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(33-point integral, |33-point − 17-point|) on each ``[a_k, b_k]``, in batches."""
        val, err = np.empty(a.size), np.empty(a.size)
        for lo in range(0, a.size, _BLOCK):
            aa, bb = a[lo : lo + _BLOCK], b[lo : lo + _BLOCK]
            h = 0.5 * (bb - aa)
            s = 0.5 * (aa + bb)[:, None] + h[:, None] * CC_NODES
            # the end points, one ulp inside: the one-sided values of Γ at a breakpoint (a
            # pulse edge belongs to one side only), and still shared with the neighbours
            s[:, 0], s[:, -1] = np.nextafter(bb, aa), np.nextafter(aa, bb)
            f = self._values(s)
            val[lo : lo + aa.size] = h * (f @ CC_FINE)
            err[lo : lo + aa.size] = np.abs(h * (f @ CC_FINE - f @ CC_COARSE))
        return val, err

    def _tol(self, val: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.maximum(self.epsabs, self.epsrel * np.abs(val))

    def _pieces(self, a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        """``∫_{a_k}^{b_k} Γ`` for pieces ``a_k < b_k`` (see the class docstring)."""
        val, err = self._rule(a, b)
        todo = np.flatnonzero(~(err < self._tol(val) / 8))
        for lo in range(0, todo.size, _GROUP):
            idx = todo[lo : lo + _GROUP]
            val[idx] = self._adaptive(a[idx], b[idx])
        return val

    def _adaptive(self, a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        """Bisect the pieces ``[a_k, b_k]`` until each one's summed estimate is below tol/8."""
        n = a.size
        lo, hi, owner = a.copy(), b.copy(), np.arange(n)
        val, err = self._rule(lo, hi)
        while True:
            total = np.bincount(owner, val, n).astype(float)
            est = np.bincount(owner, err, n).astype(float)
            count = np.bincount(owner, minlength=n)
            tol = self._tol(total) / 8
            if np.all(est < tol):
                return total
            # in every unfinished piece: the subintervals above its mean share of the budget
            # (at least the largest one, since their sum is above the budget)
            split = (est >= tol)[owner] & (err >= (tol / count)[owner])
            mid = 0.5 * (lo[split] + hi[split])
            stuck = (mid <= lo[split]) | (mid >= hi[split])
            grown = count + np.bincount(owner[split], minlength=n)
            if np.any(stuck) or np.any(grown > _ADAPTIVE_LIMIT):
                k = owner[split][stuck][0] if np.any(stuck) else int(np.argmax(grown))
                why = "float resolution" if np.any(stuck) else f"{_ADAPTIVE_LIMIT} subintervals"
                raise ParameterError(
                    f"∫Γ over [{a[k]:.17g}, {b[k]:.17g}] could not be resolved to "
                    f"epsabs={self.epsabs:g}, epsrel={self.epsrel:g} (error estimate "
                    f"{est[k]:.2g} at {why}): give CallableDecay(..., breakpoints=...) at the "
                    "jumps and pulses of Γ(t), or looser tolerances"
                )
            keep = ~split
            new_lo = np.concatenate([lo[split], mid])
            new_hi = np.concatenate([mid, hi[split]])
            new_val, new_err = self._rule(new_lo, new_hi)
            lo = np.concatenate([lo[keep], new_lo])
            hi = np.concatenate([hi[keep], new_hi])
            owner = np.concatenate([owner[keep], owner[split], owner[split]])
            val = np.concatenate([val[keep], new_val])
            err = np.concatenate([err[keep], new_err])

    def _interval_integrals(self, edges: NDArray[np.float64]) -> NDArray[np.float64]:
        """``∫Γ`` over ``[edges_i, edges_{i+1}]`` for sorted, distinct ``edges`` (≥ 0 each)."""
        if edges.size < 2:
            return np.zeros(0)
        bps = np.asarray(self.breakpoints, dtype=float)
        nodes = np.union1d(edges, bps[(bps > edges[0]) & (bps < edges[-1])])
        if self.max_step is not None:
            gaps = np.diff(nodes)
            parts = np.ceil(gaps / self.max_step)
            if parts.sum() > _MAX_PIECES:
                raise ParameterError(
                    f"max_step = {self.max_step:g} would cut [{edges[0]:g}, {edges[-1]:g}] into "
                    f"{parts.sum():.3g} pieces (limit {_MAX_PIECES:.0e}); choose a larger one"
                )
            k = parts.astype(np.int64)
            owner = np.repeat(np.arange(gaps.size), k)
            frac = (np.arange(owner.size) - np.repeat(np.cumsum(k) - k, k)) / k[owner]
            nodes = np.append(nodes[:-1][owner] + gaps[owner] * frac, nodes[-1])
        pieces = self._pieces(nodes[:-1], nodes[1:])
        return np.add.reduceat(pieces, np.searchsorted(nodes, edges[:-1]))

    def integral(self, t0: ArrayLike, t1: ArrayLike) -> NDArray[np.float64]:
        """``∫_{t0}^{t1} Γ(s) ds`` element-wise, from the pieces between all requested times.

        A pair of neighbouring requested times (a grid step) gets its piece sum directly; a
        longer pair the difference of the running sum (round-off ~ε·∫Γ over the span).
        """
        t0, t1 = np.broadcast_arrays(np.asarray(t0, dtype=float), np.asarray(t1, dtype=float))
        if not (np.all(np.isfinite(t0)) and np.all(np.isfinite(t1))):
            raise ParameterError("integration limits must be finite times")
        lo, hi = np.minimum(t0, t1), np.maximum(t0, t1)
        edges = np.unique(np.concatenate([lo.reshape(-1), hi.reshape(-1)]))
        steps = self._interval_integrals(edges)
        running = np.concatenate([[0.0], np.cumsum(steps)])
        i0, i1 = np.searchsorted(edges, lo), np.searchsorted(edges, hi)
        out = running[i1] - running[i0]
        near = i1 == i0 + 1
        out[near] = steps[i0[near]]
        return np.where(t1 < t0, -out, out)

    def cumulative_integral(self, t: ArrayLike) -> NDArray[np.float64]:
        """``∫_0^t Γ(s) ds`` at every time of ``t``: a running sum over the sorted times."""
        return self.integral(0.0, t)

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {
            "decay": "callable",
            "decay_formula": self.name,
            "decay_epsabs": self.epsabs,
            "decay_epsrel": self.epsrel,
        }
        if self.breakpoints:
            out["decay_breakpoints"] = list(self.breakpoints)
        if self.max_step is not None:
            out["decay_max_step"] = self.max_step
        return out


@dataclass(frozen=True)
class MemristorParams:
    """Parameters of one quantum memristor (Paper M, §M1).

    Parameters
    ----------
    gamma0 : float
        Decay strength γ0 ≥ 0 of the paper's drive (units of ω), used only when ``decay`` is
        ``None``.
    omega : float
        Qubit (and drive) angular frequency ω > 0.
    m, hbar : float
        Mass and ħ, > 0; they enter only the scale ``k = sqrt(m ħ ω / 2)`` of ⟨V⟩ and ⟨I⟩.
    decay : DecayProtocol, optional
        Γ(t).  ``None`` (default) means the paper's drive ``PaperDrive(gamma0, omega)``.

    Provenance: :meth:`as_attrs` records the parameters of the protocol in use (its
    ``describe()``), so with ``decay`` given the attributes hold that protocol's γ0, if it has
    one, and never the unused ``gamma0`` field: ``MemristorParams(gamma0=0.2,
    decay=ConstantDecay(5))`` records γ0 = 5.  Refusing the combination instead was not an
    option: ``gamma0`` has the paper's default 0.2, so ``MemristorParams(decay=...)`` cannot be
    told apart from an explicit ``gamma0=0.2``, and a :class:`CallableDecay` has no γ0 at all.
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
        """Flat, serialisable description (for dataset attributes): ω, m, ħ and the parameters
        of the decay protocol in use (``gamma0`` only if that protocol has one)."""
        return {
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
        r = 0.5 * (IDENTITY + self.x * SIGMA_X + self.y * SIGMA_Y + self.z * SIGMA_Z)
        return np.asarray(r, dtype=np.complex128)


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
    return np.asarray(
        np.arange(n + 1) * (2.0 * math.pi / omega / int(points_per_period)), dtype=float
    )


def kappa(protocol: DecayProtocol, t1: ArrayLike, t0: ArrayLike = 0.0) -> NDArray[np.float64]:
    """``κ(t1, t0) = −½ ∫_{t0}^{t1} Γ(s) ds`` (element-wise).

    On a grid, ``kappa(p, t[1:], t[:-1])`` gives the per-step κ_i of the collision angles and
    ``−½ cumulative_integral(p, t)`` the κ(t, 0) of the exact solution, from the same pieces.
    """
    return -0.5 * protocol.integral(t0, t1)


def cumulative_integral(protocol: DecayProtocol, t: ArrayLike) -> NDArray[np.float64]:
    """``∫_0^t Γ(s) ds`` at every time of ``t`` (any shape, finite), cost linear in ``t.size``.

    Uses the protocol's own ``cumulative_integral`` (closed forms for :class:`PaperDrive` and
    :class:`ConstantDecay`, pieces summed along the sorted times for :class:`CallableDecay`);
    for a protocol without one, ``integral`` over each interval between the sorted distinct
    times (and 0), summed.  Never one quadrature from 0 to each time: a rule stretched over a
    long span misses what happens between its nodes.
    """
    own = getattr(protocol, "cumulative_integral", None)
    if callable(own):
        return np.asarray(own(t), dtype=float)
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)):
        raise ParameterError("times must be finite")
    edges = np.unique(np.append(t.reshape(-1), 0.0))
    running = np.concatenate([[0.0], np.cumsum(protocol.integral(edges[:-1], edges[1:]))])
    running -= running[np.searchsorted(edges, 0.0)]
    return running[np.searchsorted(edges, t)]


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
    return np.asarray(l_h, dtype=np.complex128), np.asarray(d, dtype=np.complex128)


def lindblad_rhs(
    params: MemristorParams, t: float, rho: NDArray[np.complex128]
) -> NDArray[np.complex128]:
    """``dρ/dt`` of the master equation at time ``t`` for ``rho`` of shape ``(..., 2, 2)``."""
    l_h, d = lindblad_superoperators(params)
    gen = l_h + float(params.protocol.rate(t)) * d
    flat = np.asarray(rho, dtype=complex).reshape(*np.shape(rho)[:-2], 4)
    return (flat @ gen.T).reshape(np.shape(rho))
