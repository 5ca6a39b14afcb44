"""Reservoirs: a scaled input series in, a feature matrix out.

A reservoir is anything with ``name``, ``transform(u) -> Features`` and ``describe()``
(:class:`Reservoir`); ``u`` is the task's input already mapped onto [−1, 1]
(:meth:`~qmemristor.reservoir.tasks.Task.scaled_input`).  The physical reservoirs here are
``nodes`` uncoupled copies of one model, each with its own seeded input weight, read at
``virtual_nodes`` evenly spaced times inside every hold (time multiplexing: read ``j`` of
hold ``k`` is at ``t = (k + j/V)·hold``, ``j = 1 … V``).  Memristors coupled on a graph
(:class:`~qmemristor.reservoir.networks.NetworkReservoir`) share the memristors' hold
protocol, :class:`DecayEncoding`, and its code.

Single memristors — :class:`MemristorReservoir`
-------------------------------------------------
Paper M's two-level memristor (``H = ω σ+σ−``, amplitude damping at rate Γ).  Encoding into
the decay rate: during hold k, node i has the constant rate::

    Γ_ik = γ0 (1 + a_i u_k),   u_k ∈ [−1, 1],   a_i ~ U[−gain, gain] (seeded), gain < 1,

so ``Γ ∈ [γ0 (1 − gain), γ0 (1 + gain)]`` stays > 0.  Each hold is the exact closed-form map
of the memristor: amplitude damping with ``κ = −Γ_ik δ/2`` over each sub-interval δ = hold/V
(:func:`qmemristor.memristor.exact.amplitude_damping_kraus`) and the free rotation
``e^{−iHδ}`` (:func:`qmemristor.memristor.model.hamiltonian`); the two commute.  Amplitude
damping alone drives every state to |g⟩ whatever Γ is, so a pure decay forgets its input
history *and* the input itself; the reservoir therefore re-excites each node at the start
of every hold with the input-independent rotation ``R_x(θ) = exp(−iθσx/2)`` (one RX gate per
hold on a device; θ = ``kick``).  The map of one hold is then an affine contraction of the
Bloch ball (factor ≤ ``exp(−γ0 (1 − gain) hold/2)``): fading memory with a memory time of
about ``2/(γ0 hold)`` holds.  ``reset=True`` applies Γ → ∞ (κ → −∞: the reset channel
``ρ → |g⟩⟨g|``) before every kick, a memoryless control whose features depend on ``u_k``
only.  Node observables, per read: ⟨σx⟩, ⟨σy⟩, ⟨σz⟩ (measured), ⟨V⟩ = −(k/2)⟨σy⟩ and
⟨I⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩) with d⟨σy⟩/dt from the master equation at the read
(:mod:`qmemristor.memristor.observables`); both are functions of the measured Bloch vector,
so they cost no shots of their own (⟨I⟩ = Γ⟨V⟩ within a hold).  ⟨V⟩ is exactly −k/2 times
⟨σy⟩, so the default set leaves it out (``observables`` chooses).

Neurons — :class:`NeuronReservoir`
-----------------------------------
Paper N's memristive quantum neuron, encoding into the input bias: during hold k node i sees
the constant ``V_in = v_bias + v_amp · b_i · u_k`` with ``b_i ~ U[−1, 1]`` (seeded).  The
state (X, Y, Z, V) is integrated with a fixed-step RK4 (step ``dt``) over the neuron's one
compiled vector field (``_neuron_kernel``).  Against SciPy's DOP853 at rtol 1e-10 over
30 holds (measured, tested): max error 1.3e-5, 8.3e-7 and 5.2e-8 at dt = 0.02, 0.01
(default) and 0.005 τ_c — fourth order, and far below the shot noise of 10⁵ shots (3e-3).
Features: X, Y, Z (Pauli expectation values of the device qubit, measured with shots) and V
(a circuit voltage, read without shot noise).
Initial state: the equilibrium (0, 0, Z_T, V*) at ``v_in = v_bias`` with the smallest |V*|.
Default operating point R_m = 2, Γ = 0.3 (Paper N's device otherwise) with V_in ∈ [0, 2]:
for every constant input of that range the equilibrium is unique and stable
(:func:`qmemristor.neuron.equilibria.equilibria`), and the driven neuron forgets its initial
state (the echo-state property, tested).  At Γ = 0.2 the range crosses a Hopf region
(V_in ≈ 0.7 … 1.7): the neuron self-oscillates and keeps the phase of its oscillation, so
two runs with the same input never agree — not a usable reservoir.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg

from ..conventions import SIGMA_X, SIGMA_Y, SIGMA_Z
from ..errors import ParameterError, check_finite, check_positive, check_range
from ..memristor.exact import amplitude_damping_kraus
from ..memristor.model import MemristorParams, hamiltonian, lindblad_superoperators
from ..memristor.observables import current, voltage
from ..neuron.model import NeuronParams

__all__ = [
    "MEMRISTOR_OBSERVABLES",
    "DecayEncoding",
    "Features",
    "MemristorReservoir",
    "NeuronReservoir",
    "Reservoir",
]

#: Node observables a memristor reservoir can read.
MEMRISTOR_OBSERVABLES = ("sigma_x", "sigma_y", "sigma_z", "voltage", "current")
_PAULIS = np.stack([SIGMA_X, SIGMA_Y, SIGMA_Z])


@dataclass(frozen=True)
class Features:
    """The features of one run, and how a device would estimate them.

    Attributes
    ----------
    values : ndarray, shape (n, F)
        Exact features (expectation values), one row per input sample.
    names : tuple of str
        One name per column.
    measured : ndarray, shape (n, M)
        Expectation values of the ±1-valued observables a device estimates from shots
        (``M = 0`` for classical reservoirs).
    assemble : callable or None
        ``assemble(measured) -> values``: the features from (estimated) measured values;
        ``None`` when nothing is measured with shots.
    settings_per_read : int
        Measurement settings (circuits) per read: one per measured basis, all nodes at once.
    reads_per_sample : int
        Reads per input sample (virtual nodes).
    """

    values: NDArray[np.float64]
    names: tuple[str, ...]
    measured: NDArray[np.float64]
    assemble: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = field(
        default=None, compare=False, repr=False
    )
    settings_per_read: int = 0
    reads_per_sample: int = 1

    @property
    def count(self) -> int:
        """Number of readout features F."""
        return int(self.values.shape[1])


@runtime_checkable
class Reservoir(Protocol):
    """Inputs → features.  ``u`` has shape (n,) with values in [−1, 1]."""

    @property
    def name(self) -> str: ...

    def transform(self, u: ArrayLike) -> Features: ...

    def describe(self) -> dict[str, object]: ...


def _check_int(name: str, value: object, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        raise ParameterError(f"{name} must be an integer ≥ {lo} (got {value!r})")
    return int(value)


def check_input(u: ArrayLike) -> NDArray[np.float64]:
    """``u`` as a 1-D float array in [−1, 1], or :class:`ParameterError`."""
    arr = np.asarray(u, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError("the input must be a non-empty 1-D series")
    if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > 1.0 + 1e-12):
        raise ParameterError("the scaled input must be finite and in [−1, 1]")
    return arr


# --------------------------------------------------------------------------------------------
# memristors
# --------------------------------------------------------------------------------------------
def node_features(
    measured: NDArray[np.float64],
    *,
    gamma: NDArray[np.float64],
    observables: tuple[str, ...],
    params: MemristorParams,
    torque: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Node features from Bloch vectors ``measured`` (n, V·N·3) at reads with rates ``gamma``.

    ``gamma`` has shape (n, V, N).  ``torque`` (n, V, N), for coupled nodes, is the
    interaction term ``Σ_{e ∋ i} Tr(ρ_e i[H_e, σy_i])`` of d⟨σy_i⟩/dt (zero when omitted).
    Returns (n, V, N, len(observables)).
    """
    n, v, nodes = gamma.shape
    r = measured.reshape(n, v, nodes, 3)
    sx, sy = r[..., 0], r[..., 1]
    cols = []
    for obs in observables:
        if obs == "sigma_x":
            cols.append(sx)
        elif obs == "sigma_y":
            cols.append(sy)
        elif obs == "sigma_z":
            cols.append(r[..., 2])
        elif obs == "voltage":
            cols.append(voltage(sy, params.k))
        else:  # current: d⟨σy⟩/dt from the master equation at the read, ρ = (1 + r·σ)/2
            l_h, d = lindblad_superoperators(params)
            rho = 0.5 * (np.eye(2) + np.einsum("...c,cij->...ij", r, _PAULIS))
            flat = rho.reshape(*rho.shape[:-2], 4)
            drho = (flat @ l_h.T + gamma[..., None] * (flat @ d.T)).reshape(rho.shape)
            dsy = np.einsum("...ij,ji->...", drho, SIGMA_Y).real
            if torque is not None:
                dsy = dsy + torque
            cols.append(current(sx, dsy, params.k, params.omega))
    return np.stack(cols, axis=-1)


def _flat_node_features(measured: NDArray[np.float64], **kw: object) -> NDArray[np.float64]:
    """:func:`node_features` as one row per input sample, (n, V·N·len(observables))."""
    return node_features(measured, **kw).reshape(measured.shape[0], -1)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class DecayEncoding:
    """The hold protocol shared by every memristor reservoir (single nodes and networks).

    Input in the decay rates, ``Γ_ik = γ0 (1 + a_i u_k)`` with ``a_i ~ U[−gain, gain]``
    (seeded); at the start of hold k (time ``k·hold``) every node is re-excited by
    ``R_x(kick)`` (after a reset to |g⟩ when ``reset``); read ``j = 1 … V`` of hold k is at
    ``(k + j/V)·hold`` (module docstring).  Subclasses add the nodes' couplings (none for
    :class:`MemristorReservoir`) and what is read.

    Parameters
    ----------
    nodes : int
        Number of memristors N ≥ 1.
    virtual_nodes : int
        Reads per hold V ≥ 1 (time multiplexing).
    gamma0 : float
        Mean decay rate γ0 > 0 (units of ω).
    gain : float
        Spread of the input weights, ``a_i ~ U[−gain, gain]``, in [0, 1) so that Γ > 0.
    hold : float
        Hold time per input sample (units of 1/ω), > 0.
    kick : float
        Re-excitation angle θ of ``R_x(θ)`` applied at the start of every hold (radians).
    omega : float
        Qubit frequency ω > 0 (every node).
    reset : bool
        Reset every node to |g⟩ (Γ → ∞) before each hold: the memoryless control.
    seed : int
        Seed of the input weights a_i.
    """

    nodes: int = 8
    virtual_nodes: int = 4
    gamma0: float = 0.2
    gain: float = 0.9
    hold: float = 1.0
    kick: float = math.pi / 2
    omega: float = 1.0
    reset: bool = False
    seed: int = 0

    def _check_encoding(self, min_nodes: int = 1) -> None:
        _check_int("nodes", self.nodes, min_nodes)
        _check_int("virtual_nodes", self.virtual_nodes, 1)
        check_positive("gamma0", self.gamma0)
        check_range("gain", self.gain, 0.0, 1.0, hi_open=True)
        check_positive("hold", self.hold)
        check_finite("kick", self.kick)
        check_positive("omega", self.omega)
        _check_int("seed", self.seed, 0)

    @cached_property
    def weights(self) -> NDArray[np.float64]:
        """Input weights a_i, shape (nodes,)."""
        return np.random.default_rng(self.seed).uniform(-self.gain, self.gain, self.nodes)

    def rates(self, u: ArrayLike) -> NDArray[np.float64]:
        """Γ_ik = γ0 (1 + a_i u_k), shape (n, nodes)."""
        return self.gamma0 * (1.0 + np.multiply.outer(check_input(u), self.weights))

    @property
    def kick_matrix(self) -> NDArray[np.complex128]:
        """``R_x(θ) = exp(−iθσx/2)`` (paper basis), applied to every node at each hold start."""
        return np.asarray(linalg.expm(-0.5j * self.kick * SIGMA_X))

    def read_times(self, n: int) -> NDArray[np.float64]:
        """Times of the reads, shape (n, V): ``(k + j/V)·hold``, ``j = 1 … V``."""
        v = self.virtual_nodes
        return self.hold * (np.arange(n)[:, None] + np.arange(1, v + 1)[None, :] / v)

    def describe_encoding(self) -> dict[str, object]:
        return {
            "nodes": self.nodes,
            "virtual_nodes": self.virtual_nodes,
            "encoding": "Gamma_ik = gamma0*(1 + a_i*u_k), a_i ~ U[-gain, gain]",
            "gamma0": self.gamma0,
            "gain": self.gain,
            "hold": self.hold,
            "kick": self.kick,
            "omega": self.omega,
            "reset": self.reset,
            "weights_seed": self.seed,
        }


def check_observables(observables: tuple[str, ...]) -> None:
    """Node observables must come from :data:`MEMRISTOR_OBSERVABLES` (at least one)."""
    bad = [o for o in observables if o not in MEMRISTOR_OBSERVABLES]
    if bad or not observables:
        raise ParameterError(
            f"unknown observable {bad[0] if bad else '(none)'!r}; "
            f"choose from: {', '.join(MEMRISTOR_OBSERVABLES)}"
        )


@dataclass(frozen=True, kw_only=True)
class MemristorReservoir(DecayEncoding):
    """``nodes`` uncoupled quantum memristors with the input in their decay rates.

    Parameters
    ----------
    nodes, virtual_nodes, gamma0, gain, hold, kick, omega, reset, seed
        The hold protocol (:class:`DecayEncoding`).
    observables : tuple of str
        Node observables read (from :data:`MEMRISTOR_OBSERVABLES`).
    """

    observables: tuple[str, ...] = ("sigma_x", "sigma_y", "sigma_z", "current")
    name: str = field(default="memristor", init=False)

    def __post_init__(self) -> None:
        self._check_encoding()
        check_observables(self.observables)

    def transform(self, u: ArrayLike) -> Features:
        gam = self.rates(u)
        n, nodes, v = gam.shape[0], self.nodes, self.virtual_nodes
        params = MemristorParams(omega=self.omega)
        delta = self.hold / v
        kraus = amplitude_damping_kraus(-0.5 * gam * delta)  # (n, N, K, 2, 2): E_K = [..., K, :, :]
        free = linalg.expm(-1j * hamiltonian(params) * delta)
        kick = self.kick_matrix
        reset = amplitude_damping_kraus(-np.inf)  # Γ → ∞: ρ → |g⟩⟨g|
        rho = np.zeros((nodes, 2, 2), dtype=complex)
        rho[:, 1, 1] = 1.0  # every node starts in |g⟩
        bloch = np.empty((n, v, nodes, 3))
        for k in range(n):
            if self.reset:
                rho = np.einsum("Kij,njl,Kml->nim", reset, rho, reset.conj())
            rho = kick @ rho @ kick.conj().T
            ek = kraus[k]
            for j in range(v):
                rho = np.einsum("nKij,njl,nKml->nim", ek, rho, ek.conj())
                rho = free @ rho @ free.conj().T
                bloch[k, j] = np.einsum("nij,cji->nc", rho, _PAULIS).real
        reads = np.repeat(gam[:, None, :], v, axis=1)  # Γ at every read, (n, V, N)
        assemble = partial(
            _flat_node_features, gamma=reads, observables=self.observables, params=params
        )
        measured = bloch.reshape(n, -1)
        names = tuple(
            f"m{i}.v{j + 1}.{o}" for j in range(v) for i in range(nodes) for o in self.observables
        )
        return Features(assemble(measured), names, measured, assemble, 3, v)

    def describe(self) -> dict[str, object]:
        return {
            "reservoir": self.name,
            **self.describe_encoding(),
            "observables": ",".join(self.observables),
        }


# --------------------------------------------------------------------------------------------
# neurons
# --------------------------------------------------------------------------------------------
def _neuron_features(measured: NDArray[np.float64], *, voltage_: NDArray[np.float64]):
    """(X, Y, Z) estimates (n, V·N·3) and exact V (n, V, N) → features (n, V·N·4)."""
    n, v, nodes = voltage_.shape
    xyz = measured.reshape(n, v, nodes, 3)
    return np.concatenate([xyz, voltage_[..., None]], axis=-1).reshape(n, -1)


@dataclass(frozen=True)
class NeuronReservoir:
    """``nodes`` uncoupled memristive quantum neurons with the input in V_in.

    Parameters
    ----------
    nodes, virtual_nodes : int
        Number of neurons N and reads per hold V.
    v_bias, v_amp : float
        ``V_in = v_bias + v_amp · b_i · u_k`` with ``b_i ~ U[−1, 1]`` (seeded); v_amp ≥ 0.
    hold : float
        Hold time per input sample (units of τ_c), > 0.
    dt : float
        Largest RK4 step; the step used divides the interval between reads evenly
        (:attr:`step`).
    neuron : NeuronParams
        The neuron's other parameters (its ``v_in`` is replaced by the encoding).
    seed : int
        Seed of the input weights b_i.
    """

    nodes: int = 8
    virtual_nodes: int = 4
    v_bias: float = 1.0
    v_amp: float = 1.0
    hold: float = 1.0
    dt: float = 0.01
    neuron: NeuronParams = field(default_factory=lambda: NeuronParams(r_m=2.0, gamma=0.3))
    seed: int = 0
    name: str = field(default="neuron", init=False)

    def __post_init__(self) -> None:
        _check_int("nodes", self.nodes, 1)
        _check_int("virtual_nodes", self.virtual_nodes, 1)
        check_finite("v_bias", self.v_bias)
        check_range("v_amp", self.v_amp, 0.0, math.inf)
        check_positive("hold", self.hold)
        check_positive("dt", self.dt)
        _check_int("seed", self.seed, 0)

    @property
    def substeps(self) -> int:
        """RK4 steps between two reads: the fewest whose length is ≤ ``dt``."""
        return max(1, math.ceil(self.hold / (self.virtual_nodes * self.dt) - 1e-9))

    @property
    def step(self) -> float:
        """The RK4 step used: ``hold / (virtual_nodes · substeps)`` (≤ dt)."""
        return self.hold / (self.virtual_nodes * self.substeps)

    @cached_property
    def weights(self) -> NDArray[np.float64]:
        """Input weights b_i, shape (nodes,)."""
        return np.random.default_rng(self.seed).uniform(-1.0, 1.0, self.nodes)

    def inputs(self, u: ArrayLike) -> NDArray[np.float64]:
        """V_in of every hold and node, shape (n, nodes)."""
        return self.v_bias + self.v_amp * np.multiply.outer(check_input(u), self.weights)

    def initial_state(self) -> NDArray[np.float64]:
        """(0, 0, Z_T, V*) at v_in = v_bias, smallest |V*| (one row per node)."""
        from ..neuron.equilibria import equilibria

        p = self.neuron.replace(v_in=self.v_bias)
        eq = min(equilibria(p), key=lambda e: abs(e.V))
        return np.tile(np.asarray(eq.state, dtype=float), (self.nodes, 1))

    def states(self, u: ArrayLike) -> NDArray[np.float64]:
        """(X, Y, Z, V) at every read, shape (n, virtual_nodes, nodes, 4)."""
        from ..neuron.model import ode_model
        from ..solvers.fixed import rk4_holds

        p = self.neuron
        return rk4_holds(ode_model(tables=p.tables), self.initial_state(), self.inputs(u),
                         p.pvec, input_param="v_in", n_virtual=self.virtual_nodes,
                         substeps=self.substeps, dt=self.step)  # fmt: skip

    def transform(self, u: ArrayLike) -> Features:
        s = self.states(u)
        n, v, nodes, _ = s.shape
        volt = np.ascontiguousarray(s[..., 3])
        measured = np.clip(s[..., :3], -1.0, 1.0).reshape(n, -1)
        assemble = partial(_neuron_features, voltage_=volt)
        names = tuple(f"n{i}.v{j + 1}.{o}" for j in range(v) for i in range(nodes) for o in "XYZV")
        values = _neuron_features(s[..., :3].reshape(n, -1), voltage_=volt)
        return Features(values, names, measured, assemble, 3, v)

    def describe(self) -> dict[str, object]:
        return {
            "reservoir": self.name,
            "nodes": self.nodes,
            "virtual_nodes": self.virtual_nodes,
            "encoding": "V_in = v_bias + v_amp*b_i*u_k, b_i ~ U[-1, 1]",
            "v_bias": self.v_bias,
            "v_amp": self.v_amp,
            "hold": self.hold,
            "dt": self.step,
            "integrator": "RK4 (fixed step) over the compiled neuron field",
            "weights_seed": self.seed,
            **{f"neuron_{k}": val for k, val in self.neuron.as_attrs().items() if k != "v_in"},
        }
