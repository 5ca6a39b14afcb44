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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qiskit.quantum_info import Operator

from ..errors import ParameterError
from ..memristor import InitialState, MemristorParams
from ..options import BACKEND_NAMES, Execution, Mitigation
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
from .folding import realised_scale
from .mitigation import (
    Measurements,
    ReadoutCalibration,
    apply_dd,
    calibration_circuits,
    has_timing,
    measured_qubits,
    parity_functionals,
    sub_seed,
    twirl_circuits,
)

__all__ = [
    "BACKENDS",
    "CircuitRun",
    "ResourceEstimate",
    "collision_kraus",
    "effective_shots",
    "estimate_resources",
    "execute_circuits",
    "fake_backend",
    "fake_backend_names",
    "initial_density",
    "make_runner",
    "outcome_probabilities",
    "propagate",
    "readout_basis",
    "resolve_backend_name",
    "run_protocol",
    "sampled_measurements",
]

#: Backend names accepted as strings (``fake:NAME`` takes a fake IBM device name).
BACKENDS = BACKEND_NAMES


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
        Circuit counts, largest qubit number, simulator method, device, resource estimate,
        and with mitigation what was applied and spent (``info["mitigation"]``).
    expectation, expectation_err : ndarray, shape (n_t, n_obs), or None
        Mitigated Qiskit-basis ⟨P⟩ and its standard error (``None`` without mitigation:
        then the estimates come from ``counts0``).
    measurements : Measurements or None
        With mitigation, every scale's counts and the calibrations, to derive the estimates
        of other combinations of strategies from the same data.
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
    expectation: NDArray[np.float64] | None = None
    expectation_err: NDArray[np.float64] | None = None
    measurements: Measurements | None = None


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


def _run_seeded(sim: Any, circuits, shots: int, seed: int | None, failure: str) -> Any:
    """``sim.run`` with ``shots`` (and ``seed_simulator`` if seeded); its successful result."""
    opts: dict[str, Any] = {"shots": shots}
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


@dataclass
class _Runner:
    """One way of running measured circuits: to its instruction set, then counts.

    ``kind``: ``aer`` (qiskit-aer, only the basis translation it needs), ``fake`` (a fake IBM
    device's noisy simulator, preset transpilation), ``backend`` (any ``BackendV2``: preset
    transpilation or ``pass_manager``, run through a ``SamplerV2``) or ``sampler`` (pubs as
    they are, after ``pass_manager`` if given).  ``target`` is the instruction set with its
    durations where known (for DD and twirling); ``key`` identifies the backend in the
    calibration cache.
    """

    kind: str
    name: str
    obj: Any
    target: Any
    key: tuple[Any, ...]
    seed: int | None
    pass_manager: Any = None

    def isa(self, circuits: list) -> list:
        if self.kind == "aer":
            return _aer_translate(self.obj, circuits)
        if self.kind in ("fake", "backend"):
            return list(_transpile(circuits, self.obj, self.seed, self.pass_manager))
        return list(self.pass_manager.run(circuits)) if self.pass_manager is not None else circuits

    def run(self, circuits: list, shots: int, seed: int | None, nbits: int) -> NDArray[np.int64]:
        if self.kind in ("aer", "fake"):
            what = "Aer simulation" if self.kind == "aer" else f"noisy simulation of {self.name}"
            result = _run_seeded(self.obj, circuits, shots, seed, f"{what} failed")
            return _counts_from_result(result, len(circuits), shots, nbits)
        if self.kind == "backend":
            sampler = _sampler_for(self.obj, shots, seed)
            result = sampler.run([(c,) for c in circuits]).result()
        else:
            result = self.obj.run([(c,) for c in circuits], shots=shots).result()
        return _counts_from_sampler(result, shots, nbits)


def _aer_translate(sim: Any, circuits: list) -> list:
    """Only the basis translation Aer needs (density_matrix has no native CRY).

    The preset transpiler does the same plus layout/routing passes: measured 2.2 s vs 0.02 s
    for 50 circuits of ≤ 24 steps.
    """
    from qiskit.circuit.equivalence_library import SessionEquivalenceLibrary
    from qiskit.transpiler import PassManager
    from qiskit.transpiler.passes import BasisTranslator

    supported = set(sim.target.operation_names) if sim.target is not None else set()
    used = {inst.operation.name for c in circuits for inst in c.data}
    if used <= supported:
        return circuits
    pm = PassManager([BasisTranslator(SessionEquivalenceLibrary, sorted(supported))])
    return list(pm.run(circuits))


def _primitive_backend(obj: Any) -> Any:
    """The backend a primitive runs on (``backend`` attribute or method), or ``None``."""
    b = getattr(obj, "backend", None) or getattr(obj, "_backend", None)
    try:
        return b() if callable(b) else b
    except Exception:  # noqa: BLE001 - a primitive without a backend (e.g. Aer's SamplerV2)
        return None


def _check_reset(backend: Any, layout: Any) -> None:
    if layout.needs_reset and not _supports_reset(backend):
        raise ParameterError(
            f"{backend.name} does not support mid-circuit reset; use the paper layout"
        )


def _check_width(backend: Any, max_qubits: int, layout: Any) -> None:
    """Refuse circuits wider than the device (the transpiler's error names no remedy)."""
    width = getattr(backend, "num_qubits", None)
    if width is not None and max_qubits > width:
        if not layout.needs_reset:
            hint = "use the reset layout or fewer time steps"
        elif not getattr(layout, "shared", False):
            hint = "use the shared layout (one ancilla for every system) or a larger device"
        else:
            hint = "it is too small for this protocol"
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


def _is_estimator(obj: Any) -> bool:
    from qiskit.primitives import BaseEstimatorV2

    return isinstance(obj, BaseEstimatorV2)


def make_runner(
    execution: Execution,
    layout: Layout,
    max_qubits: int,
    estimate: ResourceEstimate | None = None,
) -> _Runner:
    """Validate the backend of ``execution`` against the circuits and return its runner.

    Called before any circuit is built: an unknown device, a device without reset for the
    reset layout, circuits wider than the device, a statevector that cannot fit, or an
    ``estimate`` beyond the limits are refused here (the estimate after the checks that name
    the device's own limits, before any simulator is built).
    """
    ex = execution
    backend = ex.backend
    if isinstance(backend, str):
        name = resolve_backend_name(backend)
        if name in ("density", "sampled"):  # pragma: no cover - callers handle these
            raise ParameterError(f"{name} does not run circuits")
        from qiskit_aer import AerSimulator

        if name.startswith("fake:"):
            device = fake_backend(name[5:])
            _check_reset(device, layout)
            _check_width(device, max_qubits, layout)
            if estimate is not None:
                estimate.check(layout.name)
            sim = _device_simulator(device.name)
            return _Runner("fake", device.name, sim, sim.target, ("fake", device.name), ex.seed)
        method = ex.aer_method or ("density_matrix" if layout.needs_reset else "automatic")
        if method in ("automatic", "statevector"):
            _check_statevector_memory(max_qubits, layout.name)
        if estimate is not None:
            estimate.check(layout.name)
        # Aer parallelises over shots/experiments with threads; for circuits this small the
        # threads cost more than they save (measured on 2 cores: 50 reset-layout circuits of
        # ≤ 24 steps, 5000 shots: 0.98 s threaded vs 0.49 s with one thread).
        opts: dict[str, Any] = {"max_parallel_threads": 1} if max_qubits <= 10 else {}
        if ex.noise_model is not None:
            opts["noise_model"] = ex.noise_model
        sim = AerSimulator(method=method, **opts)
        return _Runner("aer", method, sim, None, ("aer", id(ex.noise_model)), ex.seed)
    if _is_sampler(backend):
        target = getattr(_primitive_backend(backend), "target", None)
        key = ("sampler", id(backend))
        name = type(backend).__name__
        return _Runner("sampler", name, backend, target, key, ex.seed, ex.pass_manager)
    if _is_backend(backend):
        _check_reset(backend, layout)
        _check_width(backend, max_qubits, layout)
        bkey: tuple[Any, ...] = ("backend", backend.name, id(backend))
        return _Runner(
            "backend", backend.name, backend, backend.target, bkey, ex.seed, ex.pass_manager
        )
    raise ParameterError(
        f"backend must be one of {', '.join(BACKENDS)}, a BackendV2, a SamplerV2 or an "
        f"EstimatorV2 (got {type(backend).__name__})"
    )


@lru_cache(maxsize=4)
def _device_simulator(name: str) -> Any:
    """``AerSimulator.from_backend`` of a fake device, built once per device and process.

    Measured reason: building the noise model takes 0.9 s for fake_manila (more for larger
    devices), as long as simulating a small run; runs pass shots and seeds per call, so the
    simulator is not changed by use.
    """
    from qiskit_aer import AerSimulator

    return AerSimulator.from_backend(fake_backend(name))


def runner_label(runner: _Runner) -> str:
    """The backend's name in the record: ``aer``, ``fake:NAME``, ``backend:NAME``, ..."""
    return {
        "aer": "aer",
        "fake": f"fake:{runner.name}",
        "backend": f"backend:{runner.name}",
        "sampler": f"sampler:{runner.name}",
    }[runner.kind]


#: Readout calibrations by (backend key, qubits, width, shots, seed); bounded, oldest dropped.
_CALIBRATIONS: dict[tuple[Any, ...], ReadoutCalibration] = {}
_CALIBRATION_CACHE_SIZE = 64


def _calibrate(
    runner: _Runner, qubits: tuple[int, ...], width: int, shots: int, seed: int | None
) -> tuple[ReadoutCalibration, bool]:
    """The readout calibration of ``qubits`` (cached per backend); whether it ran now.

    Seeded calibrations are deterministic, so the cache changes no number, only the time.
    """
    key = (runner.key, qubits, width, shots, seed)
    cal = _CALIBRATIONS.get(key)
    if cal is not None:
        return cal, False
    counts = runner.run(calibration_circuits(qubits, width), shots, seed, len(qubits))
    cal = ReadoutCalibration.from_counts(qubits, counts, shots)
    if len(_CALIBRATIONS) >= _CALIBRATION_CACHE_SIZE:
        _CALIBRATIONS.pop(next(iter(_CALIBRATIONS)))
    _CALIBRATIONS[key] = cal
    return cal, True


def effective_shots(execution: Execution) -> int:
    """Shots per circuit and scale: with twirling, ``twirls`` copies of ``shots // twirls``."""
    m = execution.mitigation
    if not m.twirl:
        return execution.shots
    if execution.shots < m.twirls:
        raise ParameterError(
            f"shots ({execution.shots}) must be ≥ twirls ({m.twirls}): the twirled copies "
            "share the shots of a circuit"
        )
    return m.twirls * (execution.shots // m.twirls)


def execute_circuits(
    build: Callable[[float], list],
    execution: Execution,
    layout: Layout,
    *,
    info: dict[str, Any],
    estimate: ResourceEstimate | None = None,
    nbits: int = 1,
) -> tuple[Measurements, str]:
    """Run measured circuits on a circuit-executing backend, with the requested mitigation.

    Shared by the single- and the coupled-memristor protocols.  ``build(λ)`` returns the
    circuits with every collision and interaction folded by the odd scale ``λ`` (called only
    after the backend and the ``estimate`` are checked, so a bad name or an impossible size
    fails before any circuit is built); each has one classical register ``c`` of ``nbits``
    bits.  ``info`` must hold ``max_qubits`` and receives the simulator method or device and
    the mitigation's accounting (circuits and shots spent).  Returns the
    :class:`~.mitigation.Measurements` (counts of shape ``(S, n, 2**nbits)``; column = outcome
    as an integer, ``c[0]`` least significant) and the backend's name for the record.
    """
    ex = execution
    m = ex.mitigation
    runner = make_runner(ex, layout, info["max_qubits"], estimate)
    if m.dd and not has_timing(runner.target):
        raise ParameterError(
            f"dd needs a backend that reports gate durations; {runner_label(runner)} has none "
            "(use fake:NAME or a device)"
        )
    if runner.kind == "aer":
        info["method"] = runner.name
    shots = effective_shots(ex)
    per_run = shots // m.twirls if m.twirl else shots
    counts: list[NDArray[np.int64]] = []
    cal_index: list[NDArray[np.intp]] = []
    calibrations: list[ReadoutCalibration] = []
    spent = {"circuits": 0, "shots": 0, "calibration_circuits": 0, "calibration_shots": 0}
    cal_shots = m.calibration_shots or ex.shots
    cal_seed = sub_seed(ex.seed, 2)
    realised: list[list[float]] = []
    steps: list[int] = []
    for scale in m.scales:
        logical = build(scale)
        realised.append([c.metadata.get("noise_scale", scale) for c in logical])
        steps = [int(c.metadata.get("index", 0)) for c in logical]
        isa = runner.isa(logical)
        if scale == 1 and runner.kind == "fake":
            info["device"] = runner.name
            info["max_depth"] = max(c.depth() for c in isa)
        index = np.full(len(isa), -1, dtype=np.intp)
        if m.readout:
            for i, qc in enumerate(isa):
                cal, ran = _calibrate(
                    runner, measured_qubits(qc), qc.num_qubits, cal_shots, cal_seed
                )
                if cal not in calibrations:
                    calibrations.append(cal)
                index[i] = calibrations.index(cal)
                if ran:
                    spent["calibration_circuits"] += 2
                    spent["calibration_shots"] += 2 * cal_shots
        runs = isa
        if m.twirl:
            runs = twirl_circuits(isa, m.twirls, sub_seed(ex.seed, 3, len(counts)), runner.target)
        if m.dd:
            runs = apply_dd(runs, runner.target, m.dd_sequence)
        seed = ex.seed if scale == 1 else sub_seed(ex.seed, 1, len(counts))
        c = runner.run(runs, per_run, seed, nbits)
        if m.twirl:
            c = c.reshape(len(isa), m.twirls, -1).sum(axis=1)
        counts.append(c)
        cal_index.append(index)
        spent["circuits"] += len(runs)
        spent["shots"] += len(runs) * per_run
    meas = Measurements(
        tuple(m.scales),
        np.stack(counts),
        shots,
        tuple(calibrations),
        np.stack(cal_index) if m.readout else None,
        np.asarray(realised, dtype=float),
        np.asarray(steps, dtype=np.int64),
    )
    if m.active:
        info["mitigation"] = _accounting(m, spent, calibrations)
    return meas, runner_label(runner)


def _accounting(
    m: Mitigation, spent: dict[str, int], calibrations: Sequence[ReadoutCalibration]
) -> dict[str, Any]:
    """What was applied and what it cost (for the record and ``--json``)."""
    out: dict[str, Any] = {**m.record(), **spent}
    out["total_circuits"] = spent["circuits"] + spent["calibration_circuits"]
    out["total_shots"] = spent["shots"] + spent["calibration_shots"]
    if calibrations:
        out["readout"] = [c.record() for c in calibrations]
    return out


def sampled_measurements(
    draw: Callable[[np.random.Generator], NDArray[np.int64]],
    execution: Execution,
    steps: NDArray[np.intp],
    nbits: int,
    info: dict[str, Any],
) -> Measurements:
    """The :class:`~.mitigation.Measurements` of the noise-free ``sampled`` backend.

    ``draw(rng)`` draws the counts ``(n, 2**nbits)`` of every circuit from the exact
    probabilities; ``steps`` are the circuits' numbers of steps (for their realised scales).
    Folding leaves the ideal probabilities unchanged, so every scale draws from the same ones
    (with its own seed; scale 1 uses the run's seed, so its counts are those of the
    unmitigated run), and the readout calibration is the ideal one (its circuits would read 0
    and 1 without error).
    """
    m = execution.mitigation
    n_circuits = len(steps)
    counts = []
    for j in range(len(m.scales)):
        seed = execution.seed if j == 0 else sub_seed(execution.seed, 1, j)
        counts.append(draw(np.random.default_rng(seed)))
    realised = [[realised_scale(int(i), s) for i in steps] for s in m.scales]
    cal_shots = m.calibration_shots or execution.shots
    cals: tuple[ReadoutCalibration, ...] = ()
    index = None
    runs = n_circuits * len(m.scales)
    spent = {
        "circuits": runs,
        "shots": runs * execution.shots,
        "calibration_circuits": 0,
        "calibration_shots": 0,
    }
    if m.readout:
        cals = (ReadoutCalibration.ideal(tuple(range(nbits)), cal_shots),)
        index = np.zeros((len(m.scales), n_circuits), dtype=np.intp)
        spent["calibration_circuits"] = 2
        spent["calibration_shots"] = 2 * cal_shots
    if m.active:
        info["mitigation"] = _accounting(m, spent, cals)
    noise = np.asarray(realised, dtype=float)
    steps = np.asarray(steps, dtype=np.int64)
    return Measurements(
        tuple(m.scales), np.stack(counts), execution.shots, cals, index, noise, steps
    )


# --------------------------------------------------------------------------------------------
# resource estimates (before anything is built or run)
# --------------------------------------------------------------------------------------------

#: Simulator work refused beyond this many amplitude updates (gates × state size, × shots for
#: trajectory sampling): on 2 cores Aer does roughly 1e9 per second, so 1e12 is ~15 minutes.
WORK_LIMIT = 1e12
#: Transpiled operations per collision or interaction gate on an IBM device (CRY → 2 two-qubit
#: gates and ~8 single-qubit ones; measured: 723 ISA operations deep for 60 reset-layout steps
#: on fake_manila, i.e. ~12 per step).
OPS_PER_BLOCK = 12


@dataclass(frozen=True)
class ResourceEstimate:
    """What a circuit run will cost, estimated before anything is built.

    Attributes
    ----------
    qubits : int
        Qubits of the widest circuit.
    circuits : int
        Circuits run (all noise scales and twirled copies; readout calibration not included:
        2 circuits per distinct set of measured qubits).
    shots : int
        Shots of those circuits.
    method : str
        How the state is simulated: ``exact`` (density/sampled: 2×2 or 4×4 matrices per
        step), ``statevector``, ``density_matrix`` or ``device`` (not simulated here).
    memory_bytes : float
        Simulator state of the widest circuit (0 for a device).
    work : float
        Time proxy: amplitude updates summed over circuits (operations × state size, times the
        shots where each shot is a separate trajectory).
    """

    qubits: int
    circuits: int
    shots: int
    method: str
    memory_bytes: float
    work: float

    def record(self) -> dict[str, Any]:
        return {
            "qubits": self.qubits,
            "circuits": self.circuits,
            "shots": self.shots,
            "method": self.method,
            "memory_bytes": self.memory_bytes,
            "work": self.work,
        }

    def check(self, layout_name: str) -> None:
        """Refuse a run that cannot fit in memory or would take hours, naming the remedy."""
        have = _memory_bytes()
        remedy = (
            "use the reset layout, fewer time points or fewer shots"
            if layout_name == "paper"
            else "use fewer time points, shots or noise scales"
        )
        if have is not None and self.memory_bytes > have:
            raise ParameterError(
                f"the {layout_name} layout needs a {self.qubits}-qubit {self.method} of "
                f"{_fmt_bytes(self.memory_bytes)} but the machine has {_fmt_bytes(have)}; "
                f"{remedy}"
            )
        if self.work > WORK_LIMIT:
            raise ParameterError(
                f"the {layout_name} layout needs ~{self.work:.1e} simulator amplitude updates "
                f"({self.circuits} circuits of up to {self.qubits} qubits, {self.method}), "
                f"beyond the limit of {WORK_LIMIT:.0e} (~15 min on 2 cores); {remedy}"
            )


def estimate_resources(
    execution: Execution,
    layout: Layout,
    steps: int,
    per_time: int,
    *,
    mixed: int = 0,
    systems: int = 1,
    blocks_per_step: int | None = None,
    check: bool = True,
) -> ResourceEstimate:
    """Estimate (and by default check) a protocol run of ``steps`` steps.

    ``per_time`` circuits per time point (observables or tomography settings), ``systems``
    memristors (each step: their collisions, plus an interaction gate for two; a network gives
    its own count of collisions and gates per step as ``blocks_per_step``), ``mixed``
    purifier qubits.  Aer's automatic method is modelled as the cheaper of a density matrix
    (``16·4^q`` bytes, shots free) and statevector trajectories (``16·2^q`` bytes, once per
    shot when the circuit has noise or mid-circuit resets); a noise-free paper-layout circuit
    is one statevector pass.
    """
    ex = execution
    m = ex.mitigation
    scales = m.scales
    twirls = m.twirls if m.twirl else 1
    n_t = steps + 1
    circuits = n_t * per_time * len(scales) * twirls
    shots = circuits * (ex.shots // twirls if m.twirl else ex.shots)
    qubits = layout.num_qubits(steps, mixed=mixed, systems=systems)
    if ex.backend in ("density", "sampled"):
        dim = 4**systems
        work = float(n_t * dim**3 * len(scales))
        est = ResourceEstimate(qubits, circuits, shots, "exact", 8.0 * n_t * dim**2, work)
    elif isinstance(ex.backend, str):
        noisy = ex.backend.startswith("fake:") or ex.noise_model is not None
        if blocks_per_step is None:
            blocks_per_step = systems + (1 if systems > 1 else 0)
        method = ex.aer_method or ("density_matrix" if layout.needs_reset else "automatic")
        sv_work = dm_work = 0.0
        for i in range(n_t):
            q = layout.num_qubits(i, mixed=mixed, systems=systems)
            ops = sum(OPS_PER_BLOCK * blocks_per_step * i * s + 10 for s in scales)
            per_shot = noisy or layout.needs_reset
            sv_work += per_time * twirls * ops * 2.0**q * (ex.shots if per_shot else 1)
            dm_work += per_time * twirls * ops * 4.0**q
        sv = (16.0 * 2.0**qubits, sv_work)
        dm = (16.0 * 4.0**qubits, dm_work)
        have = _memory_bytes() or float("inf")
        if method == "statevector" or (method == "automatic" and (dm[0] > have or sv[1] < dm[1])):
            name, (mem, work) = "statevector", sv
        elif method == "density_matrix" or method == "automatic":
            name, (mem, work) = "density_matrix", dm
        else:  # matrix_product_state: no simple bound; count it as a statevector pass
            name, (mem, work) = method, (0.0, 0.0)
        est = ResourceEstimate(qubits, circuits, shots, name, mem, work)
    else:
        est = ResourceEstimate(qubits, circuits, shots, "device", 0.0, 0.0)
    if check:
        est.check(layout.name)
    return est


# --------------------------------------------------------------------------------------------
# the interface
# --------------------------------------------------------------------------------------------


def run_protocol(
    params: MemristorParams,
    state: InitialState,
    t: Any,
    execution: Execution | None = None,
    *,
    observables: Sequence[str] = ("x", "y"),
) -> CircuitRun:
    """Counts (or exact probabilities) of the system qubit for every circuit of a run.

    Parameters
    ----------
    params, state
        The memristor and its state at ``t = 0`` (pure or mixed).
    t : array_like, shape (n_t,)
        Strictly increasing grid starting at 0; the circuit for ``t_i`` has ``i`` collisions.
    execution : Execution, optional
        How to run (:class:`qmemristor.options.Execution`: backend, layout, shots, seed, pass
        manager, Aer method, noise model, mitigation).  Default: exact ``density``.
        ``density`` and ``sampled`` model the statistics of the chosen layout's circuits (the
        layouts' channels are identical, tested); a ``SamplerV2`` keeps its own seed; an
        ``EstimatorV2`` measures the Paulis directly (see
        :func:`~qmemristor.digital.estimator.run_estimator_protocol`).
    observables : sequence of {"x", "y", "z"}
        Observables measured at every time point (one circuit each).

    Returns
    -------
    CircuitRun
        With mitigation, ``expectation``/``expectation_err`` hold the mitigated ⟨P⟩ and
        ``info["mitigation"]`` what was applied and spent; ``counts0`` stays the raw counts at
        noise scale 1.
    """
    ex = Execution.resolve(execution)
    lay = get_layout(ex.layout)
    obs = check_observables(observables)
    protocol = build_protocol(params, state, t)
    n_t, n_obs = protocol.t.size, len(obs)
    mixed = not is_pure(state)
    info: dict[str, Any] = {
        "num_circuits": n_t * n_obs,
        "max_qubits": lay.num_qubits(protocol.steps, mixed=mixed),
    }
    estimate = estimate_resources(ex, lay, protocol.steps, n_obs, mixed=mixed, check=False)
    info["estimate"] = estimate.record()
    m = ex.mitigation
    common: dict[str, Any] = {"backend": "", "layout": lay.name, "seed": ex.seed, "info": info}
    if ex.backend in ("density", "sampled"):
        estimate.check(lay.name)
        p0 = outcome_probabilities(protocol, obs)
        common["backend"] = ex.backend
        if ex.backend == "density":
            return CircuitRun(protocol.t, obs, None, None, p0, **common)
        if not m.active:
            counts = np.random.default_rng(ex.seed).binomial(ex.shots, p0).astype(np.int64)
            return CircuitRun(protocol.t, obs, ex.shots, counts, p0, **common)

        def draw(rng: np.random.Generator) -> NDArray[np.int64]:
            c0 = rng.binomial(ex.shots, p0).astype(np.int64).reshape(-1)
            return np.stack([c0, ex.shots - c0], axis=1)

        steps = np.repeat(np.arange(n_t), n_obs)
        meas = sampled_measurements(draw, ex, steps, 1, info)
        return _single_run(protocol, obs, meas, p0, m, common)
    if _is_estimator(ex.backend):
        from .estimator import run_estimator_protocol

        return run_estimator_protocol(protocol, obs, ex, lay, info)
    meas, common["backend"] = execute_circuits(
        lambda fold: protocol_circuits(protocol, lay, obs, fold=fold),
        ex,
        lay,
        info=info,
        estimate=estimate,
    )
    return _single_run(protocol, obs, meas, None, m, common)


def _single_run(
    protocol: Protocol,
    obs: tuple[str, ...],
    meas: Measurements,
    p0: NDArray[np.float64] | None,
    m: Mitigation,
    common: dict[str, Any],
) -> CircuitRun:
    """The :class:`CircuitRun` of measured circuits: raw counts and, mitigated, the ⟨P⟩."""
    n_t, n_obs = protocol.t.size, len(obs)
    counts0 = meas.counts[0, :, 0].reshape(n_t, n_obs)
    if not m.active:
        return CircuitRun(protocol.t, obs, meas.shots, counts0, p0, **common)
    est = meas.estimates(parity_functionals(1), extrapolation=m.extrapolation)
    if "mitigation" in common["info"]:
        common["info"]["mitigation"]["exponential_fallbacks"] = int(est["fallback"].sum())
    return CircuitRun(
        protocol.t,
        obs,
        meas.shots,
        counts0,
        p0,
        expectation=est["value"][:, 0].reshape(n_t, n_obs),
        expectation_err=est["error"][:, 0].reshape(n_t, n_obs),
        measurements=meas,
        **common,
    )
