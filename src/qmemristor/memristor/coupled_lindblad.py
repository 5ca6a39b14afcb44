"""Paper M, §M3: the continuous-time limit of two coupled memristors (the reference).

With ``g = δ/Δt`` held fixed the digital protocol converges, as ``Δt → 0``, to the Lindblad
equation (Schrödinger picture, ħ = 1 in the generator; paper order ``ee, eg, ge, gg``,
``n = σ+σ− = |e⟩⟨e|``)::

    dρ/dt = −i[ω1 n⊗1 + ω2 1⊗n + H_int(t), ρ] + Γ1(t) D[σ−⊗1]ρ + Γ2(t) D[1⊗σ−]ρ
    D[L]ρ = L ρ L† − ½{L†L, ρ}

with ``H_int`` fixed by the *frame* in which the gate acts
(:data:`~qmemristor.memristor.FRAMES`):

``interaction`` (the library default, :data:`~qmemristor.memristor.LIBRARY_PRESET`)
    the gate acts on the interaction-picture state, so in the lab frame the coupling rotates
    with the free evolution: ``H_int(t) = g U0(t) G U0(t)†``, ``U0(t) = exp(−i(ω1 n1 + ω2 n2)t)``;
``lab`` (:data:`~qmemristor.memristor.PAPER_PRESET`)
    the gate acts on the Schrödinger-picture state: ``H_int = g G`` (static); the frame
    whose runs show what the paper's text describes.

Amplitude damping is phase covariant, so the collisions commute with ``U0``; the two frames
differ only in where the interaction sits.  :func:`coupled_rhs` is this generator;
:func:`solve_coupled_lindblad` integrates it through :func:`qmemristor.solvers.solve_ode`
(DOP853, :data:`COUPLED_LINDBLAD_OPTIONS`), independently of any circuit; and
:func:`coupled_trajectories` evaluates ``d⟨σy_k⟩/dt = Tr(σy_k · L_t(ρ))`` at any state — for
the digital protocol, the generator of its continuous-time limit at the digital state
(:mod:`qmemristor.memristor.coupled_measures` turns these into ⟨V⟩, ⟨I⟩ and the loop
measures).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import SIGMA_MINUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_time_grid
from ..options import SolverOptions
from ..solvers import solve_ode
from .coupled import check_uniform_grid, product_density
from .coupled_measures import CoupledSolution
from .exact import Trajectory
from .interactions import local_operator

if TYPE_CHECKING:  # pragma: no cover
    from .coupled import CoupledMemristors
    from .model import InitialState

__all__ = [
    "COUPLED_LINDBLAD_OPTIONS",
    "coupled_rhs",
    "coupled_trajectories",
    "free_energies",
    "interaction_hamiltonian",
    "solve_coupled_lindblad",
    "solve_coupled_reference",
]

#: Integrator of the reference: DOP853 at rtol 1e-10, atol 1e-12 on the 16 entries of ρ (the
#: reference is the oracle of the digital protocol's Trotter error, which reaches 1e-4 at 256
#: steps per period: these tolerances keep the reference's own error ~1e-9 below it).
COUPLED_LINDBLAD_OPTIONS = SolverOptions(method="DOP853", rtol=1e-10, atol=1e-12)


def free_energies(system: CoupledMemristors) -> NDArray[np.float64]:
    """Diagonal of ``ω1 n⊗1 + ω2 1⊗n`` in the paper order ``ee, eg, ge, gg``."""
    w1, w2 = system.m1.omega, system.m2.omega
    return np.array([w1 + w2, w1, w2, 0.0])


def interaction_hamiltonian(system: CoupledMemristors, t: ArrayLike, dt: float) -> NDArray:
    """``H_int(t)`` of the continuous-time limit (lab frame), shape ``(*t.shape, 4, 4)``.

    ``g G = H_A/Δt``; in the ``interaction`` frame rotated by the free evolution,
    ``H_int(t)_ab = (H_A/Δt)_ab e^{−i(E_a − E_b)t}``; in the ``lab`` frame static.
    """
    t = np.asarray(t, dtype=float)
    rate = system.coupling.step_hamiltonian / dt
    if system.frame == "lab":
        return np.broadcast_to(rate, (*t.shape, 4, 4)).copy()
    e = free_energies(system)
    phase = np.exp(-1j * np.multiply.outer(t, e[:, None] - e[None, :]))
    return rate * phase


def _commutator_superop(h: NDArray) -> NDArray:
    """``−i[h, ·]`` on NumPy's row-major ``vec`` (``vec(AXB) = (A ⊗ Bᵀ) vec X``)."""
    return -1j * (np.kron(h, np.eye(4)) - np.kron(np.eye(4), h.T))


def _dissipator_superop(l_op: NDArray) -> NDArray:
    """``D[L] = L·L† − ½{L†L, ·}`` on row-major ``vec``."""
    ldl = l_op.conj().T @ l_op
    return np.kron(l_op, l_op.conj()) - 0.5 * (np.kron(ldl, np.eye(4)) + np.kron(np.eye(4), ldl.T))


class _Generator:
    """The Lindbladian as ``L(t) = L0 + Σ_k Γ_k(t) D_k + Σ_f e^{−ift} S_f`` (16×16 each).

    Built once per run: the interaction-frame coupling ``(H_A/Δt)_ab e^{−i(E_a−E_b)t}`` is split
    by its Bohr frequencies ``f = E_a − E_b`` (at most 9 values), so evaluating ``L(t)`` is a
    few 16×16 sums.  Measured reason (2 cores): assembling H and the dissipators at every
    call cost 0.74 ms per evaluation and 7.6 s per 20-period DOP853 integration, against
    78 µs and 1.2 s here.
    """

    def __init__(self, system: CoupledMemristors, dt: float) -> None:
        e = free_energies(system)
        self.l0 = _commutator_superop(np.diag(e).astype(complex))
        self.dissipators = [_dissipator_superop(local_operator(SIGMA_MINUS, k)) for k in (1, 2)]
        self.rates = [system.m1.protocol.rate, system.m2.protocol.rate]
        rate = system.coupling.step_hamiltonian / dt
        bohr = e[:, None] - e[None, :] if system.frame == "interaction" else np.zeros((4, 4))
        freqs = np.unique(np.round(bohr, 12))
        self.freqs = freqs
        self.parts = np.stack(
            [_commutator_superop(np.where(np.abs(bohr - f) < 1e-9, rate, 0)) for f in freqs]
        )

    def __call__(self, t: ArrayLike) -> NDArray[np.complex128]:
        """``L(t)``, shape ``(*t.shape, 16, 16)``."""
        t = np.asarray(t, dtype=float)
        out = self.l0 + np.tensordot(np.exp(-1j * np.multiply.outer(t, self.freqs)), self.parts, 1)
        for rate, d in zip(self.rates, self.dissipators, strict=True):
            out = out + np.asarray(rate(t), dtype=float)[..., None, None] * d
        return out


def coupled_rhs(
    system: CoupledMemristors, t: ArrayLike, rho: ArrayLike, *, dt: float
) -> NDArray[np.complex128]:
    """``dρ/dt`` of the two-memristor Lindblad equation (module docstring), lab frame.

    Parameters
    ----------
    system : CoupledMemristors
    t : array_like, shape (...)
        Times (one per state of ``rho``).
    rho : array_like, shape (..., 4, 4)
        States in the paper order (Schrödinger picture).
    dt : float
        Step of the digital protocol: the coupling rate is ``H_A/Δt``.
    """
    rho = np.asarray(rho, dtype=complex)
    gen = _Generator(system, dt)(t)
    flat = rho.reshape(*rho.shape[:-2], 16)
    return np.einsum("...ij,...j->...i", gen, flat).reshape(rho.shape)


def solve_coupled_lindblad(
    system: CoupledMemristors,
    rho0: ArrayLike,
    t: ArrayLike,
    *,
    dt: float,
    options: SolverOptions | None = None,
) -> NDArray[np.complex128]:
    """Integrate the two-memristor master equation from ``ρ(t[0]) = rho0``; ``(len(t), 4, 4)``.

    :func:`qmemristor.solvers.solve_ode` on the 16 complex entries of ``ρ`` with the generator
    of :func:`coupled_rhs`; ``dt`` is the protocol step that sets the coupling rate
    ``g = δ/Δt`` (the output grid ``t`` may be finer or coarser).  Independent of the
    circuits: only Γ(t), ω and ``H_A`` are shared.

    Parameters
    ----------
    options : SolverOptions, optional
        An explicit Runge–Kutta method (complex states); default
        :data:`COUPLED_LINDBLAD_OPTIONS`.

    Raises
    ------
    NumericalError
        The integrator stopped early or left the finite numbers.
    """
    t = check_time_grid(t)
    y0 = np.asarray(rho0, dtype=complex).reshape(16)
    gen = _Generator(system, dt)

    def rhs(s: float, y: NDArray) -> NDArray:
        return gen(s) @ y

    ys = solve_ode(rhs, y0, t, options or COUPLED_LINDBLAD_OPTIONS)
    return ys.reshape(-1, 4, 4)


def _expect(op: NDArray, rho: NDArray) -> NDArray[np.float64]:
    return np.real(np.einsum("ij,...ji->...", op, rho))


def coupled_trajectories(
    system: CoupledMemristors, t: ArrayLike, rho: ArrayLike, *, dt: float
) -> tuple[Trajectory, Trajectory]:
    """Bloch components and ``d⟨σy⟩/dt`` of each memristor from two-memristor states.

    ``rho`` (shape ``(n, 4, 4)``, paper order, Schrödinger picture) may come from the digital
    protocol or from :func:`solve_coupled_lindblad`.  ``d⟨σy_k⟩/dt = Tr(σy_k L_t(ρ))`` with
    the generator :func:`coupled_rhs` — exact for the continuous-time solution, and for a
    digital state the derivative of the continuous-time flow started from it (never a finite
    difference).
    """
    t = np.asarray(t, dtype=float)
    rho = np.asarray(rho, dtype=complex)
    drho = coupled_rhs(system, t, rho, dt=dt)
    out = []
    for k, m in ((1, system.m1), (2, system.m2)):
        sx, sy, sz = (local_operator(s, k) for s in (SIGMA_X, SIGMA_Y, SIGMA_Z))
        out.append(
            Trajectory(
                t=t,
                sigma_x=_expect(sx, rho),
                sigma_y=_expect(sy, rho),
                sigma_z=_expect(sz, rho),
                dsigma_y_dt=_expect(sy, drho),
                gamma=m.protocol.rate(t),
            )
        )
    return out[0], out[1]


def solve_coupled_reference(
    system: CoupledMemristors,
    state1: InitialState,
    state2: InitialState,
    t: ArrayLike,
    *,
    dt: float | None = None,
    options: SolverOptions | None = None,
) -> CoupledSolution:
    """The continuous-time reference from ``ρ1 ⊗ ρ2`` on the grid ``t``.

    ``dt`` is the protocol step that fixes ``g = δ/Δt`` (default: the step of ``t``, which must
    then be uniform and start at 0).  ``d⟨σy⟩/dt`` comes from the generator.  The dataset of
    this solution is :func:`qmemristor.memristor.simulate_coupled_reference`.
    """
    t = np.asarray(t, dtype=float)
    step = check_uniform_grid(t) if dt is None else float(dt)
    if not (math.isfinite(step) and step > 0):
        raise ParameterError(f"dt must be > 0 (got {dt})")
    opts = options or COUPLED_LINDBLAD_OPTIONS
    rho = solve_coupled_lindblad(system, product_density(state1, state2), t, dt=step, options=opts)
    return CoupledSolution(
        system=system,
        states=(state1, state2),
        t=t,
        dt=step,
        rho=rho,
        trajectories=coupled_trajectories(system, t, rho, dt=step),
        method="lindblad",
        derivative="generator of the master equation",
        info={"rtol": opts.rtol, "atol": opts.atol},
    )
