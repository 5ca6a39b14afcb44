"""Paper M, §M3: two coupled quantum memristors — interactions and the continuous-time reference.

Basis and order (:mod:`qmemristor.conventions`): memristor 1 is the left tensor factor, index
``2·i1 + i2`` with ``i = 0`` for |e⟩ (order ``ee, eg, ge, gg``); ``n = σ+σ− = |e⟩⟨e|``.

**Interactions.** After every time step ``Δt`` of the digital protocol a gate
``A = exp(−iδ G)`` acts on the two memristors (:data:`INTERACTIONS`, generators in the paper
basis)::

    xx, yy, zz   G = σi⊗σi                          (native: Qiskit RXX/RYY/RZZ(2δ))
    crx/cry/crz  G = |e⟩⟨e|⊗σi/2,  i.e. A = |e⟩⟨e|⊗R_i(δ) + |g⟩⟨g|⊗1,  R_i(δ) = exp(−iδσi/2)
                 (memristor 1 controls; R_i is the rotation of the *paper* basis, see below)
    pswap        G = SWAP,  A = cos δ·1 − i sin δ·SWAP   (partial SWAP, docs/theory.md §M3)
    xy           G = (σx⊗σx + σy⊗σy)/2                 (XY exchange, "partial iSWAP")

A user unitary ``U`` (:meth:`Coupling.from_unitary`) has the step Hamiltonian ``H_A = i log U``
(principal branch, eigenphases in (−π, π]).  Sign convention of the controlled rotations:
``R_i(δ) = exp(−iδσi/2)`` with the paper's σi; since Qiskit's ``Y = −σy`` and ``Z = −σz``
(|e⟩ = |1⟩) this is Qiskit's ``CRX(δ)``, ``CRY(−δ)``, ``CRZ(−δ)`` with qubit 0 (memristor 1)
as control — :mod:`qmemristor.digital.interactions` builds exactly that and tests it.

**Continuous-time reference.** With ``g = δ/Δt`` held fixed the protocol converges, as
``Δt → 0``, to the Lindblad equation (Schrödinger picture, ħ = 1 in the generator)::

    dρ/dt = −i[ω1 n⊗1 + ω2 1⊗n + H_int(t), ρ] + Γ1(t) D[σ−⊗1]ρ + Γ2(t) D[1⊗σ−]ρ
    D[L]ρ = L ρ L† − ½{L†L, ρ}

with ``H_int`` fixed by the *frame* in which the gate acts (:data:`FRAMES`):

``interaction`` (the library default, :data:`LIBRARY_PRESET`)
    the gate acts on the interaction-picture state, so in the lab frame the coupling rotates
    with the free evolution: ``H_int(t) = g U0(t) G U0(t)†``, ``U0(t) = exp(−i(ω1 n1 + ω2 n2)t)``;
``lab`` (:data:`PAPER_PRESET`: the frame whose runs show what the paper's text describes)
    the gate acts on the Schrödinger-picture state: ``H_int = g G`` (static).

The paper prints neither the frame nor δ; :class:`CoupledPreset` names a choice of both, and
:data:`PAPER_PRESET` is the one fitted to the paper's text (``benchmarks/fit_paper_preset.py``).

Amplitude damping is phase covariant, so the collisions commute with ``U0``; the two frames
differ only in where the interaction sits.  :func:`coupled_rhs` is this generator;
:func:`solve_coupled_lindblad` integrates it with SciPy (DOP853), independently of any circuit.

**Memristive variables** (per memristor ``k``, from its reduced state in the Schrödinger
picture): ``⟨V_k⟩ = −(k/2)⟨σy⟩``, ``⟨I_k⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩)`` (docs/theory.md §M1).  The slope
is ``d⟨σy_k⟩/dt = Tr(σy_k · L_t(ρ))`` with ``L_t`` the generator above, evaluated at whatever
state is given (:func:`coupled_trajectories`) — for the digital protocol, the generator of
its continuous-time limit at the digital state.  It splits as::

    d⟨σy_k⟩/dt = ω_k⟨σx_k⟩ − (Γ_k/2)⟨σy_k⟩ + ⟨i[H_int(t), σy_k]⟩
    ⟨I_k⟩      = Γ_k ⟨V_k⟩ + k ⟨i[H_int(t), σy_k]⟩

so a memristor stays an exact memristor (``I = ΓV``, pinched) whenever ``H_int(t)`` commutes
with its σy — e.g. both memristors under a lab-frame σy⊗σy, or the target of a lab-frame CRy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray
from scipy import linalg
from scipy.integrate import solve_ivp

from ..analysis.entanglement import entanglement_events, wootters_quantity
from ..analysis.hysteresis import loop_form_factors, loop_pinch_offsets
from ..conventions import IDENTITY, SIGMA_MINUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite
from ..io import provenance_attrs
from .exact import Trajectory
from .model import InitialState, MemristorParams
from .observables import current, voltage

__all__ = [
    "DEFAULT_DELTA",
    "DELTA_MAX",
    "FRAMES",
    "INTERACTIONS",
    "LIBRARY_PRESET",
    "PAPER_PRESET",
    "PINCH_TOL",
    "PRESETS",
    "CoupledMemristors",
    "CoupledPreset",
    "Coupling",
    "check_delta",
    "check_uniform_grid",
    "coupled_dataset",
    "coupled_rhs",
    "coupled_trajectories",
    "free_energies",
    "get_preset",
    "interaction_generator",
    "interaction_hamiltonian",
    "local_operator",
    "partial_trace",
    "product_density",
    "simulate_coupled_reference",
    "solve_coupled_lindblad",
]

#: The named interactions and the gate each one applies per step.
INTERACTIONS: dict[str, str] = {
    "xx": "exp(-i δ σx⊗σx)",
    "yy": "exp(-i δ σy⊗σy)",
    "zz": "exp(-i δ σz⊗σz)",
    "crx": "|e><e|⊗exp(-i δ σx/2) + |g><g|⊗1 (memristor 1 controls)",
    "cry": "|e><e|⊗exp(-i δ σy/2) + |g><g|⊗1 (memristor 1 controls)",
    "crz": "|e><e|⊗exp(-i δ σz/2) + |g><g|⊗1 (memristor 1 controls)",
    "pswap": "exp(-i δ SWAP) = cos δ 1 - i sin δ SWAP (partial SWAP)",
    "xy": "exp(-i δ (σx⊗σx + σy⊗σy)/2) (XY exchange, partial iSWAP)",
}

#: Frames in which the interaction gate acts (module docstring).
FRAMES = ("interaction", "lab")

#: Default coupling angle per step of :class:`Coupling` (and of :data:`LIBRARY_PRESET`).  The
#: paper does not print δ; the value fitted to its text is :data:`PAPER_PRESET` ``.delta``.
#: 0.02 rad per step at 30 steps per period is g = δ/Δt ≈ 0.095 ω, about 5 γ0 for γ0 = 0.02.
DEFAULT_DELTA = 0.02

#: Largest coupling angle |δ| per step (rad).  Every named gate exp(−iδG) is periodic in δ
#: with a period dividing 4π (G has eigenvalues in {0, ±1/2, ±1}), so larger angles add
#: nothing but round-off (ulp(1e20) is 16384 rad), and 2δ (Qiskit's RXX/RYY/RZZ angle) must
#: stay finite.
DELTA_MAX = 4 * math.pi


def check_delta(value: object, name: str = "delta") -> float:
    """A finite coupling angle with |δ| ≤ 4π (:data:`DELTA_MAX`)."""
    x = check_finite(name, value)
    if abs(x) > DELTA_MAX:
        raise ParameterError(
            f"|{name}| must be ≤ 4π ≈ {DELTA_MAX:.6g} rad (got {x:g}): the gates repeat with "
            "a period dividing 4π"
        )
    return x


#: Pinch verdict threshold on :func:`~qmemristor.analysis.hysteresis.pinch_offset` (the
#: default of :func:`~qmemristor.analysis.hysteresis.is_pinched`).
PINCH_TOL = 0.02

_N = np.array([[1, 0], [0, 0]], dtype=complex)  # n = σ+σ− = |e><e|
_SWAP = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex)


def local_operator(op: ArrayLike, memristor: int) -> NDArray[np.complex128]:
    """``op ⊗ 1`` (memristor 1) or ``1 ⊗ op`` (memristor 2), paper order."""
    op = np.asarray(op, dtype=complex)
    if memristor == 1:
        return np.kron(op, IDENTITY)
    if memristor == 2:
        return np.kron(IDENTITY, op)
    raise ParameterError(f"memristor must be 1 or 2 (got {memristor!r})")


def interaction_generator(name: str) -> NDArray[np.complex128]:
    """Hermitian generator ``G`` (paper basis, 4×4) of the named interaction, ``A = exp(−iδG)``."""
    x, y, z = SIGMA_X, SIGMA_Y, SIGMA_Z
    gens = {
        "xx": np.kron(x, x),
        "yy": np.kron(y, y),
        "zz": np.kron(z, z),
        "crx": np.kron(_N, x) / 2,
        "cry": np.kron(_N, y) / 2,
        "crz": np.kron(_N, z) / 2,
        "pswap": _SWAP.copy(),
        "xy": (np.kron(x, x) + np.kron(y, y)) / 2,
    }
    if name not in gens:
        raise ParameterError(
            f"unknown interaction {name!r}; choose one of: {', '.join(INTERACTIONS)}"
        )
    return gens[name]


def _check_unitary(u: ArrayLike) -> NDArray[np.complex128]:
    try:
        u = np.array(u, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise ParameterError("a coupling unitary must be a numeric 4×4 array") from exc
    if u.shape != (4, 4) or not np.all(np.isfinite(u)):
        raise ParameterError(f"a coupling unitary must be a finite 4×4 array (got {u.shape})")
    err = float(np.max(np.abs(u.conj().T @ u - np.eye(4))))
    if err > 1e-10:
        raise ParameterError(f"the coupling matrix is not unitary (max|U†U − 1| = {err:.2e})")
    return u


@dataclass(frozen=True)
class Coupling:
    """The interaction gate applied after every step.

    Parameters
    ----------
    name : str
        One of :data:`INTERACTIONS`, or ``"unitary"`` (use :meth:`from_unitary`).
    delta : float
        Coupling angle δ per step (rad), |δ| ≤ 4π; ignored for a user unitary.
    unitary : ndarray, shape (4, 4), optional
        The user's gate in the paper basis (only with ``name="unitary"``).
    """

    name: str = "yy"
    delta: float = DEFAULT_DELTA
    unitary: NDArray[np.complex128] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.name == "unitary":
            if self.unitary is None:
                raise ParameterError("name='unitary' needs the 4×4 matrix (Coupling.from_unitary)")
            u = _check_unitary(self.unitary)
            u.setflags(write=False)
            object.__setattr__(self, "unitary", u)
            return
        if self.name not in INTERACTIONS:
            raise ParameterError(
                f"unknown interaction {self.name!r}; choose one of: {', '.join(INTERACTIONS)}"
            )
        if self.unitary is not None:
            raise ParameterError("a unitary is only accepted with name='unitary'")
        check_delta(self.delta)

    @classmethod
    def from_unitary(cls, u: ArrayLike, *, basis: str = "paper") -> Coupling:
        """A user 2-qubit gate, checked unitary (to 1e-10).

        ``basis="paper"``: order ``ee, eg, ge, gg`` (memristor 1 left); ``basis="qiskit"``:
        Qiskit's little-endian order with memristor 1 on qubit 0.
        """
        from ..conventions import two_qubit_to_paper

        u = _check_unitary(u)
        if basis == "qiskit":
            u = two_qubit_to_paper(u)
        elif basis != "paper":
            raise ParameterError(f"basis must be 'paper' or 'qiskit' (got {basis!r})")
        return cls(name="unitary", delta=float("nan"), unitary=u)

    @property
    def step_hamiltonian(self) -> NDArray[np.complex128]:
        """``H_A`` (paper basis, Hermitian) with ``A = exp(−i H_A)``: ``δG`` or ``i log U``."""
        if self.unitary is None:
            return self.delta * interaction_generator(self.name)
        # U is normal: its complex Schur form is diagonal, U = Z diag(e^{iθ}) Z†
        t, z = linalg.schur(self.unitary, output="complex")
        h = z @ np.diag(-np.angle(np.diag(t))) @ z.conj().T
        return 0.5 * (h + h.conj().T)

    @property
    def matrix(self) -> NDArray[np.complex128]:
        """The gate ``A`` in the paper basis."""
        if self.unitary is not None:
            return np.array(self.unitary)
        w, v = np.linalg.eigh(self.step_hamiltonian)
        return (v * np.exp(-1j * w)) @ v.conj().T

    @property
    def symmetric(self) -> bool:
        """Whether ``A`` commutes with SWAP (the two memristors play the same role)."""
        a = self.matrix
        return bool(np.allclose(_SWAP @ a @ _SWAP, a, atol=1e-13))

    def describe(self) -> dict[str, Any]:
        """Attributes stored with results."""
        if self.unitary is None:
            return {"interaction": self.name, "delta": self.delta, "gate": INTERACTIONS[self.name]}
        return {
            "interaction": "unitary",
            "delta": "n/a",
            "unitary_real": self.unitary.real.ravel(),
            "unitary_imag": self.unitary.imag.ravel(),
        }


@dataclass(frozen=True)
class CoupledMemristors:
    """Two memristors, the interaction between them and the frame in which it acts.

    Parameters
    ----------
    m1, m2 : MemristorParams
        Each memristor's decay protocol Γ_k(t), ω_k and scale k (Paper M's Figs. 7–12:
        γ0 = 0.02 for both).
    coupling : Coupling
    frame : {"interaction", "lab"}
        Where the gate acts (module docstring).  The default is the interaction picture; the
        paper's figures are reproduced by :data:`PAPER_PRESET` (``"lab"``, δ = 0.0126).
    """

    m1: MemristorParams = field(default_factory=lambda: MemristorParams(gamma0=0.02))
    m2: MemristorParams = field(default_factory=lambda: MemristorParams(gamma0=0.02))
    coupling: Coupling = field(default_factory=Coupling)
    frame: str = "interaction"

    def __post_init__(self) -> None:
        for name, m in (("m1", self.m1), ("m2", self.m2)):
            if not isinstance(m, MemristorParams):
                raise ParameterError(f"{name} must be MemristorParams")
        if not isinstance(self.coupling, Coupling):
            raise ParameterError("coupling must be a Coupling")
        if self.frame not in FRAMES:
            raise ParameterError(
                f"unknown frame {self.frame!r}; choose one of: {', '.join(FRAMES)}"
            )

    @property
    def memristors(self) -> tuple[MemristorParams, MemristorParams]:
        return (self.m1, self.m2)

    def as_attrs(self) -> dict[str, Any]:
        """Flat, serialisable description (memristor parameters suffixed ``_1``, ``_2``)."""
        out: dict[str, Any] = {}
        for k, m in ((1, self.m1), (2, self.m2)):
            out.update({f"{key}_{k}": v for key, v in m.as_attrs().items()})
        return {**out, **self.coupling.describe(), "frame": self.frame}


@dataclass(frozen=True)
class CoupledPreset:
    """A named choice of the two things Paper M leaves open: the frame and the angle δ.

    Parameters
    ----------
    name : str
        Key in :data:`PRESETS` (``--preset`` on the command line).
    frame : {"interaction", "lab"}
        Where the gate acts after every step (module docstring).
    delta : float
        Coupling angle δ per step (rad); the rate is ``g = δ/Δt``.
    summary : str
        One line saying where the values come from.
    """

    name: str
    frame: str
    delta: float
    summary: str = ""

    def __post_init__(self) -> None:
        if self.frame not in FRAMES:
            raise ParameterError(
                f"unknown frame {self.frame!r}; choose one of: {', '.join(FRAMES)}"
            )
        check_delta(self.delta)

    def system(
        self, interaction: str = "yy", *, gamma0: float = 0.02, gamma0_2: float | None = None
    ) -> CoupledMemristors:
        """Two memristors (Paper M's drive, γ0 each) coupled by ``interaction`` as preset."""
        return CoupledMemristors(
            m1=MemristorParams(gamma0=gamma0),
            m2=MemristorParams(gamma0=gamma0 if gamma0_2 is None else gamma0_2),
            coupling=Coupling(interaction, self.delta),
            frame=self.frame,
        )

    def as_attrs(self) -> dict[str, Any]:
        return {"preset": self.name, "preset_frame": self.frame, "preset_delta": self.delta}


#: **The paper preset** (Paper M, Figs. 7–12): the gate acts on the Schrödinger-picture
#: state (``frame="lab"``) with δ = 0.0126 rad per step (g = δ/Δt ≈ 0.060 ω ≈ 3 γ0 at 30 steps
#: per period).  Fitted, not guessed: ``benchmarks/fit_paper_preset.py`` scores ten features
#: the paper's text states for σy⊗σy and controlled-RY (γ0 = 0.02 for both, both from
#: (|e⟩+|g⟩)/√2, 20 periods, 30 steps per period) on a frame × δ grid and refines the best.
#: With these values σy⊗σy gives exactly two concurrence peaks with prominence ≥ 0.1, at
#: 3.07 T and 12.0 T, with sudden death between them (C = 0 within 7–8 T) and both memristors
#: pinched in all 20 periods; controlled-RY gives a maximum concurrence of 0.022 at 0.2 T and
#: C = 0 from 0.37 T to the end, the target pinched in every period.  Residual mismatch: the
#: form factor is only weakly anti-correlated with the concurrence (Pearson r = −0.09 per
#: period, the fit asks r ≤ −0.5), and the control's pinch offset passes through zero near
#: period 6, so it is pinched (offset ≤ 0.02) in periods 5–8 (4/20) instead of biased in
#: every period.  The interaction frame's best (δ ≈ 0.0095) meets 2 of the 10 features.
#: ``docs/paper-notes.md`` gives the scan.
PAPER_PRESET = CoupledPreset(
    name="paper",
    frame="lab",
    delta=0.0126,
    summary="fitted to Paper M's text (benchmarks/fit_paper_preset.py): lab frame, δ = 0.0126",
)

#: The library's defaults (:class:`CoupledMemristors`, :class:`Coupling`): the gate acts on the
#: interaction-picture state, δ = :data:`DEFAULT_DELTA`.  Not the paper's figures (σy⊗σy: four
#: concurrence peaks, the loops unpinched in 7 of 20 periods, a flat form factor).
LIBRARY_PRESET = CoupledPreset(
    name="library",
    frame="interaction",
    delta=DEFAULT_DELTA,
    summary="library defaults: interaction frame, δ = 0.02 (not fitted)",
)

#: Presets by name.
PRESETS: dict[str, CoupledPreset] = {p.name: p for p in (PAPER_PRESET, LIBRARY_PRESET)}


def get_preset(name: str) -> CoupledPreset:
    """The preset called ``name`` (case-insensitive), or a :class:`ParameterError`."""
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise ParameterError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return PRESETS[key]


# --------------------------------------------------------------------------------------------
# states
# --------------------------------------------------------------------------------------------


def product_density(state1: InitialState, state2: InitialState) -> NDArray[np.complex128]:
    """``ρ1 ⊗ ρ2`` in the paper order (memristor 1 left)."""
    return np.kron(state1.density, state2.density)


def partial_trace(rho: ArrayLike, keep: int) -> NDArray[np.complex128]:
    """Reduced state of memristor ``keep`` (1 or 2) from a stack ``(..., 4, 4)`` (paper order)."""
    r = np.asarray(rho, dtype=complex)
    r = r.reshape(*r.shape[:-2], 2, 2, 2, 2)  # (i1, i2, j1, j2)
    if keep == 1:
        return np.einsum("...ajbj->...ab", r)
    if keep == 2:
        return np.einsum("...jajb->...ab", r)
    raise ParameterError(f"keep must be 1 or 2 (got {keep!r})")


def check_uniform_grid(t: ArrayLike) -> float:
    """Return the step ``Δt`` of a uniform grid starting at 0 (else :class:`ParameterError`).

    The coupling rate ``g = δ/Δt`` of a protocol is defined only for a fixed step.
    """
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 2 or not np.all(np.isfinite(t)) or t[0] != 0.0:
        raise ParameterError("the time grid must be 1-D, finite, start at 0 and have ≥ 2 points")
    steps = np.diff(t)
    dt = float(t[-1] / (t.size - 1))
    # t_i = i·Δt is rounded to the nearest double, so the steps of a uniform grid scatter by
    # about ulp(t_end) ≈ ε·t_end — beyond 1e-9·Δt once the grid has 1e6 points or more
    tol = max(1e-9 * dt, 8 * np.finfo(float).eps * float(t[-1]))
    if not dt > 0 or np.max(np.abs(steps - dt)) > tol:
        raise ParameterError("coupled memristors need a uniform time grid (g = δ/Δt)")
    return dt


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------


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
    rtol: float = 1e-10,
    atol: float = 1e-12,
    method: str = "DOP853",
) -> NDArray[np.complex128]:
    """Integrate the two-memristor master equation from ``ρ(t[0]) = rho0``; ``(len(t), 4, 4)``.

    SciPy ``solve_ivp`` on the 16 complex entries of ``ρ`` with the generator of
    :func:`coupled_rhs`; ``dt`` is the protocol step that sets the coupling rate ``g = δ/Δt``
    (the output grid ``t`` may be finer or coarser).  Independent of the circuits: only Γ(t),
    ω and ``H_A`` are shared.
    """
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) <= 0):
        raise ParameterError("t must be a non-empty, strictly increasing 1-D grid")
    y0 = np.asarray(rho0, dtype=complex).reshape(16)
    if t.size == 1:
        return y0.reshape(1, 4, 4)
    gen = _Generator(system, dt)

    def rhs(s: float, y: NDArray) -> NDArray:
        return gen(s) @ y

    sol = solve_ivp(rhs, (t[0], t[-1]), y0, method=method, t_eval=t, rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover - SciPy failure is reported, not hidden
        raise RuntimeError(f"coupled Lindblad integration failed: {sol.message}")
    return sol.y.T.reshape(-1, 4, 4)


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


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


def _events_vars(t: NDArray, w: NDArray, tol: float, min_points: int) -> dict[str, Any]:
    ev = entanglement_events(t, w, tol=tol, min_points=min_points)
    return {
        "sudden_death_start": ("death", ev.death_start, {"long_name": "start of C = 0 interval"}),
        "sudden_death_end": ("death", ev.death_end, {"long_name": "last grid time with C = 0"}),
        "sudden_death_open": (
            "death",
            ev.death_open.astype(np.int8),
            {"long_name": "1 if the C = 0 interval lasts to the end of the run"},
        ),
        "sudden_birth": ("birth", ev.birth, {"long_name": "first grid time with C > 0 again"}),
    }


def coupled_dataset(
    system: CoupledMemristors,
    t: ArrayLike,
    rho: ArrayLike,
    trajectories: tuple[Trajectory, Trajectory],
    *,
    dt: float,
    method: str,
    derivative: str,
    state1: InitialState,
    state2: InitialState,
    errors: dict[str, ArrayLike] | None = None,
    seed: int | None = None,
    extra_attrs: dict[str, Any] | None = None,
    entanglement_tol: float = 1e-10,
    min_points: int = 2,
) -> xr.Dataset:
    """The labelled result of a coupled run (any method), with the analysis of docs/theory.md §M3.

    Variables: on ``(memristor, t)`` ``sigma_x``, ``sigma_y``, ``sigma_z``, ``dsigma_y_dt``,
    ``gamma``, ``V``, ``I`` (and ``*_err`` from ``errors``, same shape); on ``t``
    ``concurrence`` and ``wootters`` (``λ1 − λ2 − λ3 − λ4``); on ``(memristor, period)``
    ``form_factor`` (docs/theory.md §M3 normalisation: max |V|, |I| over the whole run of that
    memristor), ``pinch_offset`` and ``pinched`` (offset ≤ :data:`PINCH_TOL`); on
    ``(t, row, col)`` ``rho_real``/``rho_imag`` (paper order ``ee, eg, ge, gg``, Schrödinger
    picture); ``sudden_death_start/_end/_open`` on ``death`` and ``sudden_birth`` on ``birth``.
    ``dt`` is the protocol step; the attribute ``g`` is the coupling rate ``δ/Δt`` (for a user
    unitary ``‖i log U‖₂/Δt``).
    """
    t = np.asarray(t, dtype=float)
    rho = np.asarray(rho, dtype=complex)
    w = wootters_quantity(rho)
    per = {name: [] for name in ("V", "I", "ff", "pinch")}
    for tr, m in zip(trajectories, system.memristors, strict=True):
        v = voltage(tr.sigma_y, m.k)
        i = current(tr.sigma_x, tr.dsigma_y_dt, m.k, m.omega)
        per["V"].append(v)
        per["I"].append(i)
        per["ff"].append(loop_form_factors(t, v, i, m.period))
        per["pinch"].append(loop_pinch_offsets(t, v, i, m.period))
    n_per = min(len(per["ff"][0]), len(per["ff"][1]))
    ff = np.stack([f[:n_per] for f in per["ff"]])
    pinch = np.stack([p[:n_per] for p in per["pinch"]])
    mt = ("memristor", "t")

    def stack(name: str) -> NDArray:
        return np.stack([getattr(tr, name) for tr in trajectories])

    data: dict[str, Any] = {
        "sigma_x": (mt, stack("sigma_x"), {"long_name": "<σx> (paper basis)"}),
        "sigma_y": (mt, stack("sigma_y"), {"long_name": "<σy> (paper basis)"}),
        "sigma_z": (mt, stack("sigma_z"), {"long_name": "<σz> (paper basis, +1 = |e>)"}),
        "dsigma_y_dt": (mt, stack("dsigma_y_dt"), {"long_name": f"d<σy>/dt ({derivative})"}),
        "gamma": (mt, stack("gamma"), {"long_name": "decay rate Γ(t)"}),
        "V": (mt, np.stack(per["V"]), {"long_name": "<V> = -(k/2)<σy>"}),
        "I": (mt, np.stack(per["I"]), {"long_name": "<I> = k(d<σy>/dt - ω<σx>)"}),
        "concurrence": ("t", np.maximum(w, 0.0), {"long_name": "Wootters concurrence"}),
        "wootters": ("t", w, {"long_name": "Wootters quantity λ1-λ2-λ3-λ4 (C = max(0, ·))"}),
        "form_factor": (
            ("memristor", "period"),
            ff,
            {"long_name": "loop form factor 4πS/P² (V, I normalised over the run)"},
        ),
        "pinch_offset": (
            ("memristor", "period"),
            pinch,
            {"long_name": "max |I| at V = 0 crossings / max |I| in the period"},
        ),
        "pinched": (
            ("memristor", "period"),
            (np.isfinite(pinch) & (pinch <= PINCH_TOL)).astype(np.int8),
            {"long_name": f"1 if the loop passes through the origin (offset ≤ {PINCH_TOL})"},
        ),
        "rho_real": (("t", "row", "col"), rho.real, {"long_name": "Re ρ (paper order)"}),
        "rho_imag": (("t", "row", "col"), rho.imag, {"long_name": "Im ρ (paper order)"}),
        **_events_vars(t, w, entanglement_tol, min_points),
    }
    for name, err in (errors or {}).items():
        dims = "t" if np.ndim(err) == 1 else mt
        data[f"{name}_err"] = (
            dims,
            np.asarray(err, dtype=float),
            {"long_name": f"error of {name}"},
        )
    c = system.coupling
    g = (c.delta if c.unitary is None else np.linalg.norm(c.step_hamiltonian, 2)) / dt
    attrs = {
        **system.as_attrs(),
        "initial_bloch_1": list(state1.bloch),
        "initial_bloch_2": list(state2.bloch),
        "dt": dt,
        "g": float(g),
        "method": method,
        "derivative": derivative,
        "pinch_tol": PINCH_TOL,
        "entanglement_tol": entanglement_tol,
        "entanglement_min_points": min_points,
        "basis": "paper order ee, eg, ge, gg (memristor 1 left), Schrödinger picture",
        **(extra_attrs or {}),
    }
    coords = {
        "t": ("t", t, {"units": "1/omega"}),
        "memristor": ("memristor", [1, 2]),
        "period": ("period", np.arange(n_per)),
        "row": ("row", np.arange(4)),
        "col": ("col", np.arange(4)),
        "death": ("death", np.arange(np.size(data["sudden_death_start"][1]))),
        "birth": ("birth", np.arange(np.size(data["sudden_birth"][1]))),
    }
    return xr.Dataset(data, coords=coords, attrs=provenance_attrs(attrs, seed=seed))


def simulate_coupled_reference(
    system: CoupledMemristors,
    state1: InitialState,
    state2: InitialState,
    t: ArrayLike,
    *,
    dt: float | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> xr.Dataset:
    """The continuous-time reference on the grid ``t`` as a :func:`coupled_dataset`.

    ``dt`` is the protocol step that fixes ``g = δ/Δt`` (default: the step of ``t``, which must
    then be uniform).  ``d⟨σy⟩/dt`` comes from the generator.
    """
    t = np.asarray(t, dtype=float)
    step = check_uniform_grid(t) if dt is None else float(dt)
    if not (math.isfinite(step) and step > 0):
        raise ParameterError(f"dt must be > 0 (got {dt})")
    rho = solve_coupled_lindblad(
        system, product_density(state1, state2), t, dt=step, rtol=rtol, atol=atol
    )
    trajs = coupled_trajectories(system, t, rho, dt=step)
    return coupled_dataset(
        system,
        t,
        rho,
        trajs,
        dt=step,
        method="lindblad",
        derivative="generator of the master equation",
        state1=state1,
        state2=state2,
        extra_attrs={"rtol": rtol, "atol": atol},
    )
