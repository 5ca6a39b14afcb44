"""Paper M, §M3: the interaction gates between two memristors.

Basis and order (:mod:`qmemristor.conventions`): memristor 1 is the left tensor factor, index
``2·i1 + i2`` with ``i = 0`` for |e⟩ (order ``ee, eg, ge, gg``); ``n = σ+σ− = |e⟩⟨e|``.

After every time step ``Δt`` of the digital protocol a gate ``A = exp(−iδ G)`` acts on the two
memristors (:data:`INTERACTIONS`, generators in the paper basis)::

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

The *frame* in which the gate acts (:data:`FRAMES`) and the two memristors it couples are
:class:`~qmemristor.memristor.coupled.CoupledMemristors`; the continuous-time limit of the
protocol is :mod:`qmemristor.memristor.coupled_lindblad`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg

from ..conventions import IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite

__all__ = [
    "DEFAULT_DELTA",
    "DELTA_MAX",
    "FRAMES",
    "INTERACTIONS",
    "Coupling",
    "check_delta",
    "interaction_generator",
    "local_operator",
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

#: Frames in which the interaction gate acts: ``interaction`` (on the interaction-picture
#: state) or ``lab`` (on the Schrödinger-picture state); see
#: :mod:`qmemristor.memristor.coupled_lindblad` for the continuous-time limit of each.
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
