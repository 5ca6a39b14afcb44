"""Run the memristor's collisional protocol on a backend and count the system's outcomes.

One interface, :func:`run_protocol`, for every way of getting the counts of the circuits of
:mod:`qmemristor.digital.collision` (one circuit per time point and observable):

``density``
    Exact, no shots.  The system's density matrix is propagated once through all steps with
    the Kraus operators of the collision circuit itself (its Qiskit ``Operator`` on
    ``ρ ⊗ |0⟩⟨0|``, ancilla traced out), and every time point is read from the running state
    through the readout circuit's ``Operator``: cost linear in the number of steps.
``sampled``
    The exact outcome probabilities of each measured circuit (from ``density``), then seeded
    binomial shots (``numpy.random.default_rng(seed)``): the same statistics as running the
    circuits, at the cost of ``density``; bit-identical for the same seed.
``aer``
    The real circuits on qiskit-aer, all circuits of a run in one ``run`` call.  The paper
    layout uses Aer's default (automatic → statevector) method, as the paper did; the reset
    layout uses ``density_matrix`` (mid-circuit reset makes a statevector re-simulate every
    shot: measured 4.3 s against 0.5 s for 24 steps × 2 observables × 5000 shots).
``fake:NAME``
    A noisy fake IBM device of ``qiskit-ibm-runtime`` (``fake:FakeBrisbane`` or
    ``fake:brisbane``) simulated by ``AerSimulator.from_backend``; circuits are transpiled to
    its basis and coupling map (seeded).  Cost grows with the device noise model: prefer the
    reset layout (2 qubits) — the paper layout puts ``i + 1`` noisy qubits in one circuit.
any ``BackendV2`` or ``SamplerV2`` object (Python API)
    A backend is transpiled to (preset pass manager, optimisation level 1, seeded) and run
    through ``qiskit.primitives.BackendSamplerV2`` (IBM Quantum backends through
    ``qiskit_ibm_runtime.SamplerV2``); a sampler gets the circuits as pubs directly (pass a
    ``pass_manager`` if it needs ISA circuits).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qiskit.quantum_info import Operator

from ..errors import ParameterError
from ..memristor import InitialState, MemristorParams
from .collision import (
    Layout,
    Protocol,
    build_protocol,
    check_observables,
    collision_step,
    get_layout,
    is_pure,
    protocol_circuits,
    readout_circuit,
    state_preparation,
)

__all__ = [
    "BACKENDS",
    "CircuitRun",
    "collision_kraus",
    "execute_circuits",
    "fake_backend",
    "fake_backend_names",
    "initial_density",
    "outcome_probabilities",
    "propagate",
    "readout_basis",
    "resolve_backend_name",
    "run_protocol",
]

#: Backend names accepted as strings (``fake:NAME`` takes a fake IBM device name).
BACKENDS = ("density", "sampled", "aer", "fake:NAME")


@dataclass(frozen=True)
class CircuitRun:
    """Outcome statistics of the system qubit for every measured circuit of a run.

    Attributes
    ----------
    t : ndarray, shape (n_t,)
        Time points (one circuit per point and observable).
    observables : tuple of str
        Measured observables, paper names (``"x"``, ``"y"``, ``"z"``).
    shots : int or None
        Shots per circuit; ``None`` for the exact ``density`` backend.
    counts0 : ndarray of int, shape (n_t, n_obs), or None
        Number of shots with outcome 0 on the system qubit (Qiskit basis, after the basis
        change); ``None`` for ``density``.
    p0 : ndarray, shape (n_t, n_obs), or None
        Exact probability of outcome 0 (``density`` and ``sampled``); ``None`` when the
        circuits were really run.
    backend, layout : str
    seed : int or None
    info : dict
        Circuit counts, largest qubit number, simulator method, device, ...
    """

    t: NDArray[np.float64]
    observables: tuple[str, ...]
    shots: int | None
    counts0: NDArray[np.int64] | None
    p0: NDArray[np.float64] | None
    backend: str
    layout: str
    seed: int | None
    info: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# exact propagation with the circuits' own operators
# --------------------------------------------------------------------------------------------


def _system_kraus_of_step(phi: float) -> NDArray[np.complex128]:
    """Kraus operators ``K_m = (⟨m|_anc ⊗ 1) U (|0⟩_anc ⊗ 1)`` of the collision circuit.

    Qiskit orders a 2-qubit operator's index as ``q0 + 2 q1`` = ``sys + 2 anc``, so the matrix
    reshaped to ``(anc', sys', anc, sys)`` gives ``K_m = U[m, :, 0, :]``.
    """
    u = Operator(collision_step(phi)).data.reshape(2, 2, 2, 2)
    return u[:, :, 0, :]


@lru_cache(maxsize=1)
def _collision_kraus_basis() -> NDArray[np.complex128]:
    """``(C, A, B)`` with ``K_m(φ) = C_m + cos(φ/2) A_m + sin(φ/2) B_m`` for the collision.

    The circuit's only φ-dependence is RY(φ) inside the controlled rotation, whose matrix is
    ``cos(φ/2) 1 − i sin(φ/2) Y``: the step's operator is affine in ``(cos φ/2, sin φ/2)``, so
    three ``Operator`` evaluations (φ = 0, π, 2π) give it at every angle.  Measured reason:
    ``Operator`` of the step circuit costs ~0.6 ms, i.e. 36 s for 60 000 steps, against
    microseconds here.  A fourth angle checks the reconstruction: if Qiskit's RY convention
    were not the half-angle one, this raises instead of silently mis-simulating.
    """
    k0, kpi, k2pi = (_system_kraus_of_step(p) for p in (0.0, math.pi, 2 * math.pi))
    const = 0.5 * (k0 + k2pi)
    cos_part = 0.5 * (k0 - k2pi)
    sin_part = kpi - const
    probe = 1.2345
    rec = const + math.cos(probe / 2) * cos_part + math.sin(probe / 2) * sin_part
    if not np.allclose(rec, _system_kraus_of_step(probe), rtol=0, atol=1e-14):
        raise RuntimeError("the collision circuit is not affine in (cos φ/2, sin φ/2)")
    return np.stack([const, cos_part, sin_part])


def collision_kraus(phi: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Kraus operators of the collisions with angles ``phi``, shape ``(n, 2, 2, 2)``.

    ``out[i, m]`` is ``K_m(φ_i)`` on the system in Qiskit's basis (|0⟩, |1⟩) = (|g⟩, |e⟩).
    """
    const, cos_part, sin_part = _collision_kraus_basis()
    phi = np.asarray(phi, dtype=float)[:, None, None, None]
    return const + np.cos(phi / 2) * cos_part + np.sin(phi / 2) * sin_part


def propagate(rho0: NDArray[np.complex128], kraus: NDArray[np.complex128]) -> NDArray:
    """``ρ_{i+1} = Σ_m K_m^{(i)} ρ_i K_m^{(i)†}`` for all steps; returns ``(n + 1, 2, 2)``.

    One pass (linear in the number of steps): each step's superoperator
    ``S = Σ_m K_m ⊗ K_m*`` (row-major ``vec``) is built vectorised, then applied in turn.
    """
    n = kraus.shape[0]
    sup = np.einsum("nmac,nmbd->nabcd", kraus, kraus.conj()).reshape(n, 4, 4)
    out = np.empty((n + 1, 4), dtype=complex)
    out[0] = np.asarray(rho0, dtype=complex).reshape(4)
    for i in range(n):  # sequential by nature; ~1 µs per step
        out[i + 1] = sup[i] @ out[i]
    return out.reshape(n + 1, 2, 2)


def initial_density(state: InitialState) -> NDArray[np.complex128]:
    """The system's ρ(0) in Qiskit's basis, from the preparation circuit's ``Operator``.

    For a mixed state the purifier (qubit 1) is traced out.
    """
    u = Operator(state_preparation(state)).data
    psi = u[:, 0].reshape(-1, 2)  # (purifier, system): index = sys + 2 pur
    return psi.T @ psi.conj()


@lru_cache(maxsize=4)
def readout_basis(observable: str) -> NDArray[np.complex128]:
    """``(A, B)`` with the readout block's operator ``R(λ) = A + e^{iλ} B`` (2×2 each).

    ``R(λ) = B_obs·P(λ)`` with ``P(λ) = diag(1, e^{iλ})`` is affine in ``e^{iλ}``: two
    ``Operator`` evaluations give it at every λ, checked at a third angle.
    """
    r0, rpi = (Operator(readout_circuit(lam, observable)).data for lam in (0.0, math.pi))
    a, b = 0.5 * (r0 + rpi), 0.5 * (r0 - rpi)
    probe = 0.987
    if not np.allclose(
        a + np.exp(1j * probe) * b, Operator(readout_circuit(probe, observable)).data, atol=1e-14
    ):
        raise RuntimeError("the readout circuit is not affine in e^{iλ}")
    return np.stack([a, b])


def _readout_row_basis(observable: str) -> NDArray[np.complex128]:
    """Row 0 of :func:`readout_basis` (outcome 0 of the system qubit)."""
    return readout_basis(observable)[:, 0, :]


def outcome_probabilities(
    protocol: Protocol, observables: Sequence[str] = ("x", "y")
) -> NDArray[np.float64]:
    """Exact probability of outcome 0 of every measured circuit, shape ``(n_t, n_obs)``.

    ``p0 = ⟨0| R ρ_i R† |0⟩`` with ``ρ_i`` the interaction-picture state after ``i``
    collisions and ``R`` the readout block at ``λ_i = −ω t_i``.  Linear in the number of steps.
    """
    obs = check_observables(observables)
    rho = propagate(initial_density(protocol.state), collision_kraus(protocol.phi))
    phase = np.exp(1j * protocol.lam)
    out = np.empty((protocol.t.size, len(obs)))
    for j, o in enumerate(obs):
        a, b = _readout_row_basis(o)
        row = a[None, :] + phase[:, None] * b[None, :]
        out[:, j] = np.einsum("na,nab,nb->n", row, rho, row.conj()).real
    return np.clip(out, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# validation and backend resolution
# --------------------------------------------------------------------------------------------


def _check_shots(shots: object) -> int:
    if isinstance(shots, bool) or not isinstance(shots, int | np.integer) or shots <= 0:
        raise ParameterError(f"shots must be a positive integer (got {shots!r})")
    return int(shots)


def _check_seed(seed: object) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer (got {seed!r})")
    return int(seed)


def _fake_classes() -> dict[str, type]:
    try:
        import qiskit_ibm_runtime.fake_provider as fp
        from qiskit_ibm_runtime.fake_provider.fake_backend import FakeBackendV2
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ParameterError(
            "fake devices need qiskit-ibm-runtime: pip install 'qmemristor[hardware]'"
        ) from exc
    return {
        n: c
        for n in dir(fp)
        if n.startswith("Fake")
        and isinstance(c := getattr(fp, n), type)
        and issubclass(c, FakeBackendV2)
    }


def _normalise_fake(name: str) -> str:
    key = name.strip().lower().replace("_", "").replace("-", "")
    key = key.removeprefix("fake")
    return key.removesuffix("v2")


def fake_backend_names() -> list[str]:
    """Class names of the fake IBM devices of ``qiskit-ibm-runtime`` (sorted)."""
    return sorted(_fake_classes())


def fake_backend(name: str):
    """A fake IBM device by class name or short name (``FakeBrisbane``, ``brisbane``).

    Raises :class:`ParameterError` listing a few valid names for an unknown one.
    """
    classes = _fake_classes()
    by_key = {_normalise_fake(n): c for n, c in classes.items()}
    cls = by_key.get(_normalise_fake(name))
    if cls is None or not _normalise_fake(name):
        few = ", ".join(n for n in ("FakeBrisbane", "FakeManilaV2", "FakeSherbrooke", "FakeTorino"))
        raise ParameterError(
            f"unknown fake device {name!r}; e.g. {few} "
            f"({len(classes)} in qiskit_ibm_runtime.fake_provider)"
        )
    return cls()


def resolve_backend_name(backend: str) -> str:
    """Validate a backend name; returns it (``fake:`` names are checked when run)."""
    if not isinstance(backend, str):
        raise ParameterError(f"backend must be a name or a BackendV2/SamplerV2 (got {backend!r})")
    if backend in ("density", "sampled", "aer") or (
        backend.startswith("fake:") and backend[5:].strip()
    ):
        return backend
    raise ParameterError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")


def _memory_bytes() -> int | None:
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None


def _check_statevector_memory(num_qubits: int, layout: str) -> None:
    """Refuse an Aer statevector that cannot fit in memory (16·2^q bytes)."""
    need = 16 * 2**num_qubits
    have = _memory_bytes()
    if have is not None and need > have:
        raise ParameterError(
            f"the {layout} layout needs a {num_qubits}-qubit statevector of {_fmt_bytes(need)} "
            f"(16·2^q bytes) but the machine has {_fmt_bytes(have)}; "
            "use the reset layout or the sampled backend"
        )


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"  # pragma: no cover


def _supports_reset(backend: Any) -> bool:
    target = getattr(backend, "target", None)
    return target is None or "reset" in target.operation_names


# --------------------------------------------------------------------------------------------
# runners
# --------------------------------------------------------------------------------------------


def _counts_from_result(result: Any, n: int, shots: int, nbits: int = 1) -> NDArray[np.int64]:
    """Counts of every outcome of the ``nbits``-bit register, shape ``(n, 2**nbits)``.

    Column ``c`` counts the outcome whose bits ``c[0], c[1], ...`` are those of the integer
    ``c`` (``c[0]`` least significant, Qiskit's bitstring order).
    """
    out = np.zeros((n, 2**nbits), dtype=np.int64)
    for i in range(n):
        counts = result.get_counts(i)
        for key, v in counts.items():
            out[i, int(key.replace(" ", ""), 2)] += int(v)
        if out[i].sum() != shots:  # pragma: no cover - backend misbehaviour
            raise RuntimeError(f"circuit {i} returned {out[i].sum()} shots, not {shots}")
    return out


def _counts_from_sampler(result: Any, shots: int, nbits: int = 1) -> NDArray[np.int64]:
    """As :func:`_counts_from_result`, from a ``SamplerV2`` result (register ``c``)."""
    out = np.zeros((len(result), 2**nbits), dtype=np.int64)
    for i, pub in enumerate(result):
        for key, v in pub.data.c.get_int_counts().items():
            out[i, int(key)] += int(v)
        if out[i].sum() != shots:  # pragma: no cover - backend misbehaviour
            raise RuntimeError(f"circuit {i} returned {out[i].sum()} shots, not {shots}")
    return out


def _run_aer(
    circuits, *, shots: int, seed: int | None, method: str, nbits: int = 1
) -> NDArray[np.int64]:
    from qiskit.circuit.equivalence_library import SessionEquivalenceLibrary
    from qiskit.transpiler import PassManager
    from qiskit.transpiler.passes import BasisTranslator
    from qiskit_aer import AerSimulator

    # Aer parallelises over shots/experiments with threads; for circuits this small the
    # threads cost more than they save (measured on 2 cores: 50 reset-layout circuits of
    # ≤ 24 steps, 5000 shots: 0.98 s threaded vs 0.49 s with one thread).
    small = max(c.num_qubits for c in circuits) <= 10
    sim = AerSimulator(method=method, **({"max_parallel_threads": 1} if small else {}))
    supported = set(sim.target.operation_names) if sim.target is not None else set()
    used = {inst.operation.name for c in circuits for inst in c.data}
    if not used <= supported:
        # Only the basis translation Aer needs (density_matrix has no native CRY).  The preset
        # transpiler does the same plus layout/routing passes: measured 2.2 s vs 0.02 s for 50
        # circuits of ≤ 24 steps.
        pm = PassManager([BasisTranslator(SessionEquivalenceLibrary, sorted(supported))])
        circuits = pm.run(circuits)
    result = _run_seeded(sim, circuits, shots, seed, "Aer simulation failed")
    return _counts_from_result(result, len(circuits), shots, nbits)


def _run_seeded(sim: Any, circuits, shots: int, seed: int | None, failure: str) -> Any:
    """``sim.run`` with ``shots`` (and ``seed_simulator`` if seeded); its successful result."""
    opts = {"shots": shots}
    if seed is not None:
        opts["seed_simulator"] = seed
    result = sim.run(circuits, **opts).result()
    if not result.success:
        raise RuntimeError(f"{failure}: {result.status}")
    return result


def _transpile(circuits, backend: Any, seed: int | None, pass_manager: Any):
    if pass_manager is None:
        from qiskit.transpiler import generate_preset_pass_manager

        pass_manager = generate_preset_pass_manager(
            optimization_level=1, backend=backend, seed_transpiler=0 if seed is None else seed
        )
    return pass_manager.run(circuits)


def _sampler_for(backend: Any, shots: int, seed: int | None):
    """The primitive that runs on ``backend``: IBM Runtime's for IBM backends, else Qiskit's."""
    if type(backend).__module__.startswith("qiskit_ibm_runtime"):
        from qiskit_ibm_runtime import IBMBackend

        if isinstance(backend, IBMBackend):  # pragma: no cover - needs an IBM Quantum account
            from qiskit_ibm_runtime import SamplerV2

            return SamplerV2(mode=backend, options={"default_shots": shots})
    from qiskit.primitives import BackendSamplerV2

    opts: dict[str, Any] = {"default_shots": shots}
    if seed is not None:
        opts["seed_simulator"] = seed
    return BackendSamplerV2(backend=backend, options=opts)


def _run_fake(circuits, device: Any, *, shots: int, seed: int | None, nbits: int = 1):
    """Transpile to ``device`` and run on ``AerSimulator.from_backend(device)`` (its noise)."""
    from qiskit_aer import AerSimulator

    sim = AerSimulator.from_backend(device)
    isa = _transpile(circuits, sim, seed, None)
    result = _run_seeded(sim, isa, shots, seed, f"noisy simulation of {device.name} failed")
    info = {"device": device.name, "max_depth": max(c.depth() for c in isa)}
    return _counts_from_result(result, len(isa), shots, nbits), info


def _check_reset(backend: Any, layout: Any) -> None:
    if layout.needs_reset and not _supports_reset(backend):
        raise ParameterError(
            f"{backend.name} does not support mid-circuit reset; use the paper layout"
        )


def _check_width(backend: Any, max_qubits: int, layout: Any) -> None:
    """Refuse circuits wider than the device (the transpiler's error names no remedy)."""
    width = getattr(backend, "num_qubits", None)
    if width is not None and max_qubits > width:
        hint = (
            "use the reset layout or fewer time steps"
            if not layout.needs_reset
            else "it is too small for this protocol"
        )
        raise ParameterError(
            f"the {layout.name} layout needs {max_qubits} qubits but {backend.name} has "
            f"{width}; {hint}"
        )


def _is_sampler(obj: Any) -> bool:
    from qiskit.primitives import BaseSamplerV2

    return isinstance(obj, BaseSamplerV2)


def _is_backend(obj: Any) -> bool:
    from qiskit.providers import BackendV2

    return isinstance(obj, BackendV2)


def execute_circuits(
    build: Any,
    backend: Any,
    layout: Layout,
    *,
    shots: int,
    seed: int | None,
    pass_manager: Any,
    aer_method: str | None,
    info: dict[str, Any],
    nbits: int = 1,
) -> tuple[NDArray[np.int64], str]:
    """Run measured circuits on a circuit-executing backend; counts of every outcome.

    Shared by the single- and the coupled-memristor protocols.  ``build()`` returns the
    circuits (called only after the backend is validated, so a bad name fails before any
    circuit is built); each has one classical register ``c`` of ``nbits`` bits.  ``backend``
    is ``"aer"``, ``"fake:NAME"``, a ``BackendV2`` or a ``SamplerV2``; ``info`` must hold
    ``max_qubits`` and receives the simulator method or device.  Returns the counts, shape
    ``(n_circuits, 2**nbits)`` (column = outcome as an integer, ``c[0]`` least significant),
    and the backend's name for the record.
    """
    if isinstance(backend, str):
        name = resolve_backend_name(backend)
        if name in ("density", "sampled"):  # pragma: no cover - callers handle these
            raise ParameterError(f"{name} does not run circuits")
        device = fake_backend(name[5:]) if name.startswith("fake:") else None
        if device is not None:
            _check_reset(device, layout)
            _check_width(device, info["max_qubits"], layout)
        circuits = build()
        if device is None:  # "aer"
            method = aer_method or ("density_matrix" if layout.needs_reset else "automatic")
            if method in ("automatic", "statevector"):
                _check_statevector_memory(info["max_qubits"], layout.name)
            info["method"] = method
            counts = _run_aer(circuits, shots=shots, seed=seed, method=method, nbits=nbits)
            return counts, name
        counts, extra = _run_fake(circuits, device, shots=shots, seed=seed, nbits=nbits)
        info.update(extra)
        return counts, f"fake:{device.name}"
    if _is_sampler(backend):
        circuits = build()
        if pass_manager is not None:
            circuits = pass_manager.run(circuits)
        result = backend.run([(c,) for c in circuits], shots=shots).result()
        return _counts_from_sampler(result, shots, nbits), f"sampler:{type(backend).__name__}"
    if _is_backend(backend):
        _check_reset(backend, layout)
        _check_width(backend, info["max_qubits"], layout)
        circuits = _transpile(build(), backend, seed, pass_manager)
        result = _sampler_for(backend, shots, seed).run([(c,) for c in circuits]).result()
        return _counts_from_sampler(result, shots, nbits), f"backend:{backend.name}"
    raise ParameterError(
        f"backend must be one of {', '.join(BACKENDS)}, a BackendV2 or a SamplerV2 "
        f"(got {type(backend).__name__})"
    )


# --------------------------------------------------------------------------------------------
# the interface
# --------------------------------------------------------------------------------------------


def run_protocol(
    params: MemristorParams,
    state: InitialState,
    t: Any,
    *,
    backend: Any = "density",
    layout: str = "paper",
    observables: Sequence[str] = ("x", "y"),
    shots: int = 5000,
    seed: int | None = None,
    pass_manager: Any = None,
    aer_method: str | None = None,
) -> CircuitRun:
    """Counts (or exact probabilities) of the system qubit for every circuit of a run.

    Parameters
    ----------
    params, state
        The memristor and its state at ``t = 0`` (pure or mixed).
    t : array_like, shape (n_t,)
        Strictly increasing grid starting at 0; the circuit for ``t_i`` has ``i`` collisions.
    backend : str or BackendV2 or SamplerV2
        ``"density"``, ``"sampled"``, ``"aer"``, ``"fake:NAME"``, or a Qiskit object.
    layout : {"paper", "reset"}
        Circuit layout (:data:`qmemristor.digital.collision.LAYOUTS`).  ``density`` and
        ``sampled`` model the statistics of the chosen layout's circuits; the layouts'
        channels are identical (tested), so their numbers are too.
    observables : sequence of {"x", "y", "z"}
        Observables measured at every time point (one circuit each).
    shots : int
        Shots per circuit (> 0; unused by ``density``).
    seed : int, optional
        Seeds the binomial draws, Aer's sampling and the transpiler; ``None`` = fresh entropy.
        A ``SamplerV2`` passed as ``backend`` keeps its own seed.
    pass_manager : optional
        Transpiles the circuits for a ``BackendV2``/``SamplerV2`` passed as ``backend``
        (default: preset level 1 for backends, none for samplers).
    aer_method : str, optional
        Aer method for ``backend="aer"`` (default: ``automatic`` for the paper layout,
        ``density_matrix`` for the reset layout).

    Returns
    -------
    CircuitRun
    """
    lay = get_layout(layout)
    obs = check_observables(observables)
    shots = _check_shots(shots)
    seed = _check_seed(seed)
    protocol = build_protocol(params, state, t)
    n_t, n_obs = protocol.t.size, len(obs)
    mixed = not is_pure(state)
    info: dict[str, Any] = {
        "num_circuits": n_t * n_obs,
        "max_qubits": lay.num_qubits(protocol.steps, mixed=mixed),
    }

    if isinstance(backend, str):
        name = resolve_backend_name(backend)
        if name in ("density", "sampled"):
            p0 = outcome_probabilities(protocol, obs)
            if name == "density":
                return CircuitRun(protocol.t, obs, None, None, p0, name, lay.name, seed, info)
            rng = np.random.default_rng(seed)
            counts = rng.binomial(shots, p0).astype(np.int64)
            return CircuitRun(protocol.t, obs, shots, counts, p0, name, lay.name, seed, info)
    counts, name = execute_circuits(
        lambda: protocol_circuits(protocol, lay, obs),
        backend,
        lay,
        shots=shots,
        seed=seed,
        pass_manager=pass_manager,
        aer_method=aer_method,
        info=info,
    )
    counts = counts[:, 0]
    return CircuitRun(
        protocol.t, obs, shots, counts.reshape(n_t, n_obs), None, name, lay.name, seed, info
    )
