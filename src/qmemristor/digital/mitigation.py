"""Error mitigation that works with resets: readout correction, ZNE, DD and Pauli twirling.

The strategies are chosen with :class:`qmemristor.options.Mitigation` inside an
:class:`~qmemristor.options.Execution`; :func:`qmemristor.digital.execute.execute_circuits`
applies them in this order to the circuits of a run::

    build(λ) for every noise scale λ   logical circuits, collisions/interactions folded
    → transpile                         to the device's instruction set (as without mitigation)
    → twirl                             random Pauli frames around every 2-qubit gate
    → dynamical decoupling              ALAP schedule, idle windows filled with the sequence
    → run                               counts of every circuit at every scale
    → readout correction                inverse tensor-product assignment matrix
    → zero-noise extrapolation          to λ = 0, error propagated from the shots

This module holds the pieces that need no backend: the calibration circuits and the assignment
matrices, linear estimates from corrected distributions with their variances, the
extrapolations, the DD and twirling passes, and the options IBM Runtime's ``EstimatorV2`` takes
for the same strategies (``measure_mitigation``, ``zne_mitigation``, ``dynamical_decoupling``,
``twirling``), so that real hardware runs the service's own implementations.

**Estimates.**  A circuit's measured outcome ``o`` (an integer, ``c[0]`` least significant)
has empirical distribution ``p̂`` from ``N`` shots.  Every quantity estimated from it is a
linear functional ``E = wᵀ p̂`` — for a Pauli parity ``w_o = ±1``, after readout correction
``w = M⁻ᵀ v`` with the assignment matrix ``M`` — whose variance is ``(Σ w_o² p̂_o − E²)/N``
(multinomial).  The calibration's own shot noise is added to first order:
``Σ_q Σ_{e ∈ (e0_q, e1_q)} (∂E/∂e)² e(1 − e)/N_cal``.

**Extrapolation.**  Richardson and the straight line are fixed linear combinations
``E_0 = Σ_j c_j E(λ_j)`` (unweighted least squares for the line, so that ``c`` does not depend
on the data and the estimate stays unbiased), with ``δE_0² = Σ_j c_j² δE(λ_j)²``.  The
exponential ``E(λ) = A e^{−cλ}`` is a straight line in ``ln|E|`` (δ ln|E| = δE/|E|) and
falls back to the line where that is not defined.  Hand-written instead of mitiq's
extrapolation factories: the fits are a few lines of least squares, and mitiq 1.1 pins
``numpy < 2.3`` and ``cirq-core`` (installing it would downgrade this project's NumPy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

from ..errors import ParameterError
from ..options import DD_SEQUENCES, Mitigation
from .folding import append_folded, check_scale

__all__ = [
    "ReadoutCalibration",
    "append_folded",
    "apply_dd",
    "assignment_matrix",
    "calibration_circuits",
    "check_scale",
    "extrapolate",
    "extrapolate_shared",
    "extrapolation_weights",
    "has_timing",
    "linear_estimates",
    "measured_qubits",
    "parity_functionals",
    "runtime_estimator_options",
    "sub_seed",
    "twirl_circuits",
]


def sub_seed(seed: int | None, *tags: int) -> int | None:
    """A seed for one part of a run (a noise scale, the calibration, the twirls), or ``None``.

    Derived from ``seed`` and integer ``tags`` by NumPy's ``SeedSequence``: the parts get
    independent streams, and the same seed gives the same numbers.  Fits Aer's signed 64-bit
    ``seed_simulator``.
    """
    if seed is None:
        return None
    return int(np.random.SeedSequence([int(seed), *tags]).generate_state(1, np.uint32)[0])


# --------------------------------------------------------------------------------------------
# readout
# --------------------------------------------------------------------------------------------


def measured_qubits(circuit: QuantumCircuit) -> tuple[int, ...]:
    """The qubit (index in ``circuit``) measured into each classical bit, in bit order.

    For a transpiled circuit these are physical qubits: the ones the calibration must use.
    """
    where: dict[int, int] = {}
    for inst in circuit.data:
        if inst.operation.name == "measure":
            q = circuit.find_bit(inst.qubits[0]).index
            c = circuit.find_bit(inst.clbits[0]).index
            where[c] = q
    if sorted(where) != list(range(circuit.num_clbits)):
        raise ParameterError(f"every classical bit of {circuit.name} must be measured once")
    return tuple(where[c] for c in range(circuit.num_clbits))


def calibration_circuits(qubits: Sequence[int], width: int) -> list[QuantumCircuit]:
    """Two circuits on ``width`` qubits: ``qubits`` prepared in all-|0⟩ and in all-|1⟩, measured.

    ``qubits[k]`` is measured into ``c[k]``.  The per-qubit (tensor-product) model needs no
    more: each qubit's ``P(1|0)`` and ``P(0|1)`` are the marginals of these two runs.  The
    circuits use only ``x`` and ``measure``, so they are already in any IBM device's basis.
    """
    qubits = [int(q) for q in qubits]
    if not qubits or len(set(qubits)) != len(qubits) or not all(0 <= q < width for q in qubits):
        raise ParameterError(f"calibration qubits must be distinct and < {width} (got {qubits})")
    out = []
    for state in (0, 1):
        qc = QuantumCircuit(QuantumRegister(width, "q"), ClassicalRegister(len(qubits), "c"))
        qc.name = f"readout_cal_{state}"
        if state:
            qc.x(qubits)
        qc.measure(qubits, list(range(len(qubits))))
        out.append(qc)
    return out


@dataclass(frozen=True)
class ReadoutCalibration:
    """Per-qubit readout errors of the measured qubits, from two calibration circuits.

    The circuits are those of :func:`~qmemristor.digital.mitigation.calibration_circuits`.

    Attributes
    ----------
    qubits : tuple of int
        Physical qubits, in classical-bit order.
    e0, e1 : ndarray, shape (n,)
        ``P(read 1 | prepared 0)`` and ``P(read 0 | prepared 1)`` of each qubit.
    shots : int
        Shots of each calibration circuit.
    """

    qubits: tuple[int, ...]
    e0: NDArray[np.float64]
    e1: NDArray[np.float64]
    shots: int

    @classmethod
    def from_counts(
        cls, qubits: Sequence[int], counts: ArrayLike, shots: int
    ) -> ReadoutCalibration:
        """From the counts ``(2, 2**n)`` of the all-0 and all-1 calibration circuits."""
        counts = np.asarray(counts, dtype=float)
        n = len(qubits)
        bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1  # (outcome, qubit)
        ones_when_0 = counts[0] @ bits / shots  # marginal P(1) of each qubit, all prepared 0
        zeros_when_1 = counts[1] @ (1 - bits) / shots
        cal = cls(tuple(int(q) for q in qubits), ones_when_0, zeros_when_1, int(shots))
        if np.any(1.0 - cal.e0 - cal.e1 <= 0.05):
            e0, e1 = np.round(cal.e0, 3).tolist(), np.round(cal.e1, 3).tolist()
            raise ParameterError(
                f"readout of qubit(s) {list(cal.qubits)} is no better than a coin "
                f"(P(1|0) = {e0}, P(0|1) = {e1}); readout correction cannot be applied"
            )
        return cal

    @classmethod
    def ideal(cls, qubits: Sequence[int], shots: int) -> ReadoutCalibration:
        """A perfect readout (what the noise-free backends measure)."""
        n = len(qubits)
        return cls(tuple(int(q) for q in qubits), np.zeros(n), np.zeros(n), int(shots))

    def record(self) -> dict[str, Any]:
        return {
            "qubits": list(self.qubits),
            "p1_given_0": self.e0.tolist(),
            "p0_given_1": self.e1.tolist(),
        }


def assignment_matrix(e0: ArrayLike, e1: ArrayLike) -> NDArray[np.float64]:
    """``M[measured, prepared]`` of independent qubits: ``⊗_q [[1 − e0, e1], [e0, 1 − e1]]``.

    Outcomes are integers with qubit/bit 0 least significant (Qiskit's order), so qubit ``q``'s
    factor acts on bit ``q``: ``M = A_{n−1} ⊗ ... ⊗ A_0``.
    """
    e0, e1 = np.atleast_1d(np.asarray(e0, float)), np.atleast_1d(np.asarray(e1, float))
    m = np.ones((1, 1))
    for a0, a1 in zip(e0, e1, strict=True):
        m = np.kron(np.array([[1 - a0, a1], [a0, 1 - a1]]), m)
    return m


def parity_functionals(nbits: int) -> NDArray[np.float64]:
    """Rows ``(−1)^{c_0}`` (bit 0), then ``(−1)^{c_1}`` and ``(−1)^{c_0 + c_1}`` for 2 bits."""
    bits = (np.arange(2**nbits)[:, None] >> np.arange(nbits)) & 1
    z: NDArray[np.float64] = 1.0 - 2.0 * bits.T.astype(np.float64)  # (nbits, 2**nbits)
    if nbits == 1:
        return z
    if nbits == 2:
        return np.vstack([z, z[0] * z[1]])
    raise ParameterError("parities are defined here for 1 or 2 measured bits")  # pragma: no cover


def _corrected(
    p: NDArray[np.float64], v: NDArray[np.float64], e0: NDArray, e1: NDArray
) -> NDArray[np.float64]:
    """``vᵀ M⁻¹ p`` for every row of ``p`` (n, K) and functional of ``v`` (F, K): (n, F)."""
    w = np.linalg.solve(assignment_matrix(e0, e1).T, v.T)  # (K, F) = M⁻ᵀ v
    return p @ w


def linear_estimates(
    counts: ArrayLike,
    shots: int,
    functionals: ArrayLike,
    calibration: ReadoutCalibration | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Values and standard errors of linear functionals of measured distributions.

    Parameters
    ----------
    counts : array_like, shape (n, 2**nbits)
        Shots per outcome of ``n`` circuits.
    shots : int
    functionals : array_like, shape (F, 2**nbits)
        ``v`` of each estimate (e.g. :func:`parity_functionals`).
    calibration : ReadoutCalibration, optional
        If given, the distributions are corrected with the inverse assignment matrix first.

    Returns
    -------
    value, error : ndarray, shape (n, F)
        ``vᵀ M⁻¹ p̂`` and its standard error (shot noise of the circuit and, with a calibration,
        of the calibration; formulas in the module docstring).
    """
    p = np.asarray(counts, dtype=float) / shots
    v = np.atleast_2d(np.asarray(functionals, dtype=float))
    if calibration is None:
        value = p @ v.T
        var = (p @ (v.T**2) - value**2) / shots
        return value, np.sqrt(np.clip(var, 0.0, None))
    e0, e1 = calibration.e0, calibration.e1
    w = np.linalg.solve(assignment_matrix(e0, e1).T, v.T)  # (K, F)
    value = p @ w
    var = (p @ w**2 - value**2) / shots
    # first-order calibration noise: central differences in each e (the map is smooth there;
    # h = 1e-6 keeps the truncation error ~h² far below the 1/N_cal variance it scales)
    h = 1e-6
    for k in range(e0.size):
        for which in (0, 1):
            up = [e0.copy(), e1.copy()]
            dn = [e0.copy(), e1.copy()]
            up[which][k] += h
            dn[which][k] -= h
            deriv = (_corrected(p, v, *up) - _corrected(p, v, *dn)) / (2 * h)
            e = (e0, e1)[which][k]
            var = var + deriv**2 * e * (1 - e) / calibration.shots
    return value, np.sqrt(np.clip(var, 0.0, None))


# --------------------------------------------------------------------------------------------
# zero-noise extrapolation
# --------------------------------------------------------------------------------------------


def extrapolation_weights(scales: ArrayLike, method: str) -> NDArray[np.float64]:
    """``c`` with ``E(0) ≈ Σ_j c_j E(λ_j)`` for the linear extrapolations.

    ``richardson``: Lagrange interpolation at 0, ``c_j = Π_{m≠j} λ_m / (λ_m − λ_j)``;
    ``linear`` (and the line under ``exponential``): the intercept of the unweighted
    least-squares line, ``c_j = (Σλ² − λ_j Σλ) / (S Σλ² − (Σλ)²)``.  ``scales`` of shape
    ``(S, ...)`` gives weights of the same shape (one set per column).
    """
    lam = np.asarray(scales, dtype=float)
    if method == "richardson":
        c = np.ones_like(lam)
        for j in range(lam.shape[0]):
            for m in range(lam.shape[0]):
                if m != j:
                    c[j] *= lam[m] / (lam[m] - lam[j])
        return c
    s, s1, s2 = lam.shape[0], lam.sum(axis=0), (lam**2).sum(axis=0)
    return (s2 - lam * s1) / (s * s2 - s1**2)


def extrapolate(
    scales: ArrayLike,
    values: ArrayLike,
    errors: ArrayLike,
    method: str = "richardson",
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Extrapolate expectation values measured at noise scales ``λ_j`` to ``λ = 0``.

    Parameters
    ----------
    scales : array_like, shape (S,) or (S, n)
        Noise scales, the same for every estimate or one column per circuit ``n`` (the first
        axis after the scales of ``values``).  A column whose scales are all equal (a circuit
        with nothing to fold) gets the mean of its values instead of an extrapolation.
    values, errors : array_like, shape (S, ...)
        Estimates and standard errors at each scale (independent between scales).
    method : {"richardson", "linear", "exponential"}

    Returns
    -------
    value, error : ndarray, shape (...)
    fallback : ndarray of bool, shape (...)
        Where ``exponential`` fell back to the straight line (the points change sign or one
        lies within 2 standard errors of zero, so ``ln|E|`` is not a useful scale), or
        ``richardson`` did because two realised scales coincide.
    """
    y = np.asarray(values, dtype=float)
    dy = np.asarray(errors, dtype=float)
    lam: NDArray[np.float64] = np.asarray(scales, dtype=float)
    if lam.shape[0] != y.shape[0] or dy.shape != y.shape or lam.ndim > 2:
        raise ParameterError("values and errors need one row per scale factor")
    lam = lam.reshape(tuple(lam.shape) + (1,) * (y.ndim - lam.ndim))
    n_scales = int(lam.shape[0])
    ones = (1,) * (lam.ndim - 1)
    flat = np.all(lam == lam[:1], axis=0)  # nothing was folded: all scales equal
    # Richardson needs distinct scales; a column where two coincide (few steps, fractional
    # scales) takes the least-squares line instead
    pairs = np.abs(lam[:, None] - lam[None, :]) + np.eye(n_scales).reshape(
        (n_scales, n_scales, *ones)
    )
    repeated = np.any(pairs == 0, axis=(0, 1)) & ~flat
    ramp = np.arange(1.0, n_scales + 1.0).reshape((-1, *ones))
    safe = np.where(flat | repeated, ramp, lam)
    line = extrapolation_weights(np.where(flat, ramp, lam), "linear")
    if method == "richardson":
        c = np.where(repeated, line, extrapolation_weights(safe, "richardson"))
    else:
        c = line
    c = np.where(flat, 1.0 / n_scales, c)
    value = np.sum(c * y, axis=0)
    error = np.sqrt(np.sum((c * dy) ** 2, axis=0))
    flat_b = np.broadcast_to(flat, value.shape)
    if method != "exponential":
        return value, error, np.broadcast_to(repeated, value.shape).copy()
    sign = np.sign(y[0])
    ok = np.all(np.sign(y) == sign, axis=0) & np.all(np.abs(y) > 2 * dy, axis=0) & ~flat_b
    ys = np.where(ok, y, 1.0)
    log_y = np.log(np.abs(ys))
    log_dy = np.where(ok, dy / np.abs(ys), 0.0)
    intercept = np.sum(c * log_y, axis=0)
    exp_value = sign * np.exp(intercept)
    exp_error = np.abs(exp_value) * np.sqrt(np.sum((c * log_dy) ** 2, axis=0))
    return np.where(ok, exp_value, value), np.where(ok, exp_error, error), ~ok & ~flat_b


def extrapolate_shared(
    amount: ArrayLike, values: ArrayLike, errors: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Exponential extrapolation with one decay rate per estimate kind, shared by all circuits.

    Model: ``E_i(λ) = A_i e^{−κ a_i(λ)}``, where ``a_i(λ)`` is the amount of folded noise of
    circuit ``i`` (its steps times its realised scale) and ``κ`` one rate per column ``F``
    (e.g. ⟨Z0⟩ and ⟨Z0 Z1⟩ decay at different rates).  This is what uniform gate noise does
    to a Pauli expectation step after step (depolarising and dephasing channels multiply it by
    a constant factor per gate), and it needs no sign or size condition on each circuit's
    points: ``κ`` is fitted once, by weighted least squares of ``ln|E_ij| − ln|E_i0|`` on
    ``−κ (a_ij − a_i0)`` over the circuits whose values are all > 3 standard errors from 0
    and of one sign; then ``A_i`` is the inverse-variance mean of ``E_ij e^{κ a_ij}`` over the
    scales — linear in the data, defined for values near or through zero.

    Parameters
    ----------
    amount : array_like, shape (S, n)
    values, errors : array_like, shape (S, n, F)

    Returns
    -------
    value, error : ndarray, shape (n, F)
        ``A_i`` and its standard error (shot noise of every scale and the error of ``κ``).
    kappa : ndarray, shape (F,)
    fallback : ndarray of bool, shape (n, F)
        All True in a column where no circuit had a usable signal (then ``κ = 0``: the value
        is the inverse-variance mean of the scales, i.e. no extrapolation).
    """
    a = np.asarray(amount, dtype=float)[:, :, None]
    y = np.asarray(values, dtype=float)
    dy = np.maximum(np.asarray(errors, dtype=float), 1e-12)  # certain outcomes: no 0 weights
    good = (
        np.all(np.abs(y) > 3 * dy, axis=0)
        & np.all(np.sign(y) == np.sign(y[:1]), axis=0)
        & (np.ptp(a, axis=0) > 0)
    )  # (n, F)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.log(np.abs(y[1:])) - np.log(np.abs(y[:1]))  # (S-1, n, F)
        var_d = (dy[1:] / y[1:]) ** 2 + (dy[:1] / y[:1]) ** 2
        da = a[1:] - a[:1]
        w = np.where(good, 1.0 / var_d, 0.0)
        w = np.where(np.isfinite(w), w, 0.0)
        sxx = np.sum(w * da**2, axis=(0, 1))  # (F,)
        kappa = np.where(sxx > 0, -np.sum(w * np.nan_to_num(d) * da, axis=(0, 1)) / sxx, 0.0)
        kappa_err = np.where(sxx > 0, 1.0 / np.sqrt(sxx), 0.0)
    grow = np.exp(kappa * a)  # (S, n, F)
    u = 1.0 / (dy * grow) ** 2
    value = np.sum(u * y * grow, axis=0) / np.sum(u, axis=0)
    mean_a = np.sum(u * a, axis=0) / np.sum(u, axis=0)
    error = np.sqrt(1.0 / np.sum(u, axis=0) + (value * mean_a * kappa_err) ** 2)
    fallback = np.broadcast_to(sxx <= 0, value.shape).copy()
    return value, error, kappa, fallback


# --------------------------------------------------------------------------------------------
# dynamical decoupling and twirling (on transpiled circuits)
# --------------------------------------------------------------------------------------------


def has_timing(target: Any) -> bool:
    """Whether a Qiskit ``Target`` gives durations for ``x`` and ``measure`` (needed by DD)."""
    if target is None:
        return False
    try:
        for name in ("x", "measure"):
            props = target[name]
            if not props or not any(
                p is not None and p.duration is not None and p.duration > 0 for p in props.values()
            ):
                return False
    except KeyError:
        return False
    return True


def apply_dd(
    circuits: Sequence[QuantumCircuit], target: Any, sequence: str = "XX"
) -> list[QuantumCircuit]:
    """Schedule ``circuits`` ALAP on ``target``'s durations and pad idle windows with DD.

    Qiskit's ``ALAPScheduleAnalysis`` + ``PadDynamicalDecoupling`` (``skip_reset_qubits``: a
    qubit idle right after a reset or at the start holds |0⟩, which needs no protection).
    """
    from qiskit.circuit.library import XGate, YGate
    from qiskit.transpiler import PassManager
    from qiskit.transpiler.passes import ALAPScheduleAnalysis, PadDynamicalDecoupling

    if not has_timing(target):
        raise ParameterError(
            "dd needs a backend that reports gate durations (its target has none); "
            "use a fake device or real hardware"
        )
    gates = {"x": XGate, "y": YGate}
    names = DD_SEQUENCES[sequence]
    missing = sorted({n for n in names if n not in target.operation_names})
    if missing:
        raise ParameterError(
            f"the {sequence} sequence needs {', '.join(missing)}, which the backend does not "
            "offer; use XX"
        )
    pm = PassManager(
        [
            ALAPScheduleAnalysis(target=target),
            PadDynamicalDecoupling(target=target, dd_sequence=[gates[n]() for n in names]),
        ]
    )
    return list(pm.run(list(circuits)))


def twirl_circuits(
    circuits: Sequence[QuantumCircuit], twirls: int, seed: int | None, target: Any = None
) -> list[QuantumCircuit]:
    """``twirls`` Pauli-twirled copies of every circuit, circuit-major (copies adjacent).

    Qiskit's ``pauli_twirl_2q_gates`` (CX, CZ, ECR, iSWAP); with a ``target`` the inserted
    single-qubit Paulis are synthesised into its basis, so transpiled circuits stay runnable.
    """
    from qiskit.circuit import pauli_twirl_2q_gates

    out: list[QuantumCircuit] = []
    for i, qc in enumerate(circuits):
        copies = pauli_twirl_2q_gates(
            qc, seed=sub_seed(seed, 3, i), num_twirls=twirls, target=target
        )
        out.extend(copies if isinstance(copies, list) else [copies])
    return out


# --------------------------------------------------------------------------------------------
# IBM Runtime
# --------------------------------------------------------------------------------------------


def _merge(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    for k, v in dict(extra).items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k] = _merge(dict(base[k]), v)
        else:
            base[k] = v
    return base


def runtime_estimator_options(mitigation: Mitigation) -> dict[str, Any]:
    """Options of IBM Runtime's ``EstimatorV2`` that run the same strategies on the service.

    readout → ``resilience.measure_mitigation`` (TREX, with measurement twirling); zne →
    ``resilience.zne_mitigation`` with ``noise_factors`` and the extrapolator
    (``polynomial_degree_{S−1}`` for Richardson, ``exponential`` for both exponentials); dd →
    ``dynamical_decoupling``; twirl → ``twirling.enable_gates``.  ``resilience_level`` 0 as the
    base, so that only what was asked for runs; ``mitigation.runtime_options`` is merged last
    (it wins).
    """
    m = mitigation
    extrapolator = {
        "richardson": f"polynomial_degree_{len(m.scale_factors) - 1}",
        "linear": "linear",
        "exponential": "exponential",
        "exponential-shared": "exponential",  # the service fits each expectation itself
    }[m.extrapolation]
    opts: dict[str, Any] = {
        "resilience_level": 0,
        "resilience": {"measure_mitigation": m.readout, "zne_mitigation": m.zne},
        "dynamical_decoupling": {"enable": m.dd},
        "twirling": {"enable_gates": m.twirl, "enable_measure": m.readout},
    }
    if m.zne:
        opts["resilience"]["zne"] = {
            "noise_factors": tuple(float(s) for s in m.scale_factors),
            "extrapolator": extrapolator,
        }
    if m.dd:
        opts["dynamical_decoupling"]["sequence_type"] = m.dd_sequence
    if m.twirl:
        opts["twirling"]["num_randomizations"] = m.twirls
    if m.runtime_options:
        opts = _merge(opts, m.runtime_options)
    return opts


# --------------------------------------------------------------------------------------------
# the measurements of a mitigated run
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurements:
    """Counts of every circuit of a run at every noise scale, and the readout calibrations.

    Attributes
    ----------
    scales : tuple of float
        Noise scales run (``(1,)`` without ZNE).
    counts : ndarray of int, shape (S, n, 2**nbits)
        Shots per outcome of circuit ``i`` at scale ``scales[s]`` (twirled copies summed).
    shots : int
        Shots per circuit and scale.
    calibrations : tuple of ReadoutCalibration
        One per distinct set of measured physical qubits (empty without readout correction).
    calibration_index : ndarray of int, shape (S, n)
        Which calibration belongs to each circuit (−1: none).
    noise_scales : ndarray, shape (S, n), or None
        The scale each circuit realises (:func:`~.folding.realised_scale`); ``None`` = the
        nominal ``scales``.
    steps : ndarray of int, shape (n,), or None
        Time steps of each circuit (the foldable noise grows with them; needed by the
        ``exponential-shared`` extrapolation).
    """

    scales: tuple[float, ...]
    counts: NDArray[np.int64]
    shots: int
    calibrations: tuple[ReadoutCalibration, ...] = ()
    calibration_index: NDArray[np.intp] | None = None
    noise_scales: NDArray[np.float64] | None = None
    steps: NDArray[np.int64] | None = None

    def estimates(
        self,
        functionals: ArrayLike,
        *,
        readout: bool = True,
        zne: bool = True,
        extrapolation: str = "richardson",
    ) -> dict[str, NDArray]:
        """Mitigated values of ``functionals`` (F, 2**nbits) for every circuit: ``(n, F)`` each.

        ``readout``/``zne`` switch the two corrections off to get the other estimates from the
        same counts (raw = both off: scale 1, no calibration).  Returns ``value``, ``error``,
        ``fallback`` (where an exponential fit fell back to the line) and the per-scale
        ``scale_value``, ``scale_error`` of shape ``(S, n, F)``.
        """
        v = np.atleast_2d(np.asarray(functionals, dtype=float))
        use = range(len(self.scales)) if zne else range(1)
        vals, errs = [], []
        for s in use:
            value = np.empty((self.counts.shape[1], v.shape[0]))
            error = np.empty_like(value)
            index = self.calibration_index
            groups = np.full(self.counts.shape[1], -1) if index is None or not readout else index[s]
            for g in np.unique(groups):
                rows = groups == g
                cal = self.calibrations[g] if g >= 0 else None
                value[rows], error[rows] = linear_estimates(
                    self.counts[s, rows], self.shots, v, cal
                )
            vals.append(value)
            errs.append(error)
        y, dy = np.stack(vals), np.stack(errs)
        if not zne or len(self.scales) == 1:
            return {
                "value": y[0],
                "error": dy[0],
                "fallback": np.zeros(y[0].shape, dtype=bool),
                "scale_value": y,
                "scale_error": dy,
            }
        lam = self.noise_scales if self.noise_scales is not None else np.asarray(self.scales)
        if extrapolation == "exponential-shared":
            if self.steps is None:
                raise ParameterError("the shared exponential needs the steps of every circuit")
            lam2 = np.broadcast_to(
                np.asarray(lam, float).reshape(len(self.scales), -1), y.shape[:2]
            )
            value, error, _, fallback = extrapolate_shared(lam2 * self.steps, y, dy)
        else:
            value, error, fallback = extrapolate(lam, y, dy, extrapolation)
        return {
            "value": value,
            "error": error,
            "fallback": fallback,
            "scale_value": y,
            "scale_error": dy,
        }
