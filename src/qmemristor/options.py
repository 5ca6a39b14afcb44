"""Options objects: how a computation is executed, validated once where they are built.

:class:`Execution` carries everything that says *how* the circuits of a digital simulation run
— backend, circuit layout, shots, seed, transpiler pass manager, Aer method, noise model and
error mitigation — so that the functions of :mod:`qmemristor.digital` take one argument
instead of the same keywords passed down four levels.  :class:`Mitigation` says which error
mitigation strategies are applied and with which settings; :class:`Execution` holds one.

Both are frozen dataclasses whose ``__post_init__`` checks every field and raises
:class:`~qmemristor.errors.ParameterError` naming the allowed values, so an object that exists
is a valid one; :func:`dataclasses.replace` validates the changed copy again.  Nothing here
imports Qiskit (only :mod:`qmemristor.digital` does): Qiskit objects given as a backend, a pass
manager or a noise model are checked by their interface (a ``run`` method) here and by their
type where they are used.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .errors import ParameterError, check_finite

__all__ = [
    "AER_METHODS",
    "BACKEND_NAMES",
    "DD_SEQUENCES",
    "EXTRAPOLATIONS",
    "LAYOUT_NAMES",
    "MAX_SEED",
    "MAX_SHOTS",
    "ODE_METHODS",
    "STRATEGIES",
    "Execution",
    "Mitigation",
    "SolverOptions",
    "backend_label",
]

#: Backend names accepted as strings (``fake:NAME`` takes a fake IBM device name).
BACKEND_NAMES = ("density", "sampled", "aer", "fake:NAME")
#: Circuit layouts (their circuits are built by :mod:`qmemristor.digital.collision`).
LAYOUT_NAMES = ("paper", "reset", "shared")
#: Simulation methods of qiskit-aer's ``AerSimulator`` usable for these circuits.
AER_METHODS = ("automatic", "statevector", "density_matrix", "matrix_product_state")
#: Mitigation strategies, by the names of ``--mitigate``.
STRATEGIES = ("readout", "zne", "dd", "twirl")
#: Zero-noise extrapolations: polynomial through all points, straight line, exponential decay.
EXTRAPOLATIONS = ("richardson", "linear", "exponential", "exponential-shared")
#: Dynamical-decoupling sequences on idle qubits (Qiskit gate names in order).
DD_SEQUENCES: dict[str, tuple[str, ...]] = {
    "XX": ("x", "x"),
    "XY4": ("x", "y", "x", "y"),
}
#: Largest shots per circuit: 1e8 shots of one circuit take hours on any simulator or device,
#: and beyond 2^53 the counts would not even be exact in floating point.
MAX_SHOTS = 100_000_000
#: Largest seed: Aer and NumPy take unsigned 64-bit seeds, Aer's ``seed_simulator`` a signed one.
MAX_SEED = 2**63 - 1


def _check_int(name: str, value: object, lo: int, hi: int, what: str = "") -> int:
    """``value`` as an int in ``[lo, hi]``; ``what`` words the lower bound in the message."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        raise ParameterError(f"{name} must be {what or f'an integer ≥ {lo}'} (got {value!r})")
    if value > hi:
        raise ParameterError(f"{name} must be at most {hi} (got {value})")
    return int(value)


def backend_label(backend: object) -> str:
    """A short name of a backend for messages and records (``"fake:brisbane"``, ``"sampler:X"``)."""
    if isinstance(backend, str):
        return backend
    name = getattr(backend, "name", None)
    if isinstance(name, str) and name:
        return f"backend:{name}"
    return f"{type(backend).__name__}"


# --------------------------------------------------------------------------------------------
# mitigation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mitigation:
    """Error mitigation strategies applied to a circuit run (composable; none by default).

    Attributes
    ----------
    readout : bool
        Readout-error correction: every measured physical qubit is calibrated (preparations of
        |0⟩ and |1⟩, ``calibration_shots`` each; cached per backend, qubits, shots and seed) and
        the measured distributions are corrected with the inverse of the tensor product of the
        per-qubit assignment matrices ``A_q = [[1 − e0, e1], [e0, 1 − e1]]``
        (``e0 = P(1|0)``, ``e1 = P(0|1)``); the standard errors include the calibration's
        shot noise.
    zne : bool
        Zero-noise extrapolation: the unitary part of every collision and interaction gate is
        folded, ``G → G (G† G)^k`` (``2k + 1`` copies: the noise scale; resets, measurements,
        state preparation and readout rotations are never folded), the circuits run at each
        of ``scale_factors`` and the expectation values are extrapolated to ``λ = 0`` with
        ``extrapolation``; the standard error is propagated from the shots of every scale.
    dd : bool
        Dynamical decoupling: the transpiled circuits are scheduled as late as possible on the
        backend's instruction durations and idle windows are filled with ``dd_sequence``
        (Qiskit's ``ALAPScheduleAnalysis`` + ``PadDynamicalDecoupling``); needs a backend that
        reports timing (fake devices, real hardware).
    twirl : bool
        Pauli twirling of the two-qubit gates of the transpiled circuits: ``twirls`` random
        twirled copies of every circuit share its shots (Qiskit's ``pauli_twirl_2q_gates``).
    scale_factors : tuple of float
        Noise scales of ZNE, increasing from 1 (at most 99).  Odd integers fold every step
        alike; other values fold some steps once more than others (spread evenly), and each
        circuit is extrapolated with the scale it realises
        (:func:`qmemristor.digital.folding.step_folds`).
    extrapolation : {"exponential-shared", "richardson", "linear", "exponential"}
        ``richardson``: the polynomial of degree ``len(scale_factors) − 1`` through all points;
        ``linear``: least-squares line; ``exponential``: ``E(λ) = A e^{−cλ}`` fitted to
        ``ln|E|`` of each circuit (a Pauli expectation decays to 0 under depolarising noise),
        which falls back to the line where the points change sign or lie within 2 standard
        errors of zero; ``exponential-shared`` (default): the same decay with one rate per
        unit of folded noise shared by all circuits of the run (fitted once, so points near or
        through zero are extrapolated too; see
        :func:`~qmemristor.digital.mitigation.extrapolate_shared`).  The default and
        ``scale_factors = (1, 3)`` were chosen by
        ``benchmarks/mitigation.py`` (lowest RMS error at equal total shots on fake devices).
    dd_sequence : {"XX", "XY4"}
    twirls : int
        Twirled copies per circuit (≥ 1; the shots of a circuit are split between them).
    calibration_shots : int or None
        Shots per readout-calibration circuit; ``None`` = the run's shots per circuit.
    runtime_options : mapping or None
        Options given as they are to an IBM Runtime ``EstimatorV2`` (e.g.
        ``{"resilience": {"zne": {"noise_factors": (1, 3, 5)}}}``), applied after the options
        that the strategies above map to (``measure_mitigation``, ``zne_mitigation``,
        ``dynamical_decoupling``, ``twirling``).  Only for that primitive.
    """

    readout: bool = False
    zne: bool = False
    dd: bool = False
    twirl: bool = False
    scale_factors: tuple[float, ...] = (1.0, 3.0)
    extrapolation: str = "exponential-shared"
    dd_sequence: str = "XX"
    twirls: int = 8
    calibration_shots: int | None = None
    runtime_options: Mapping[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in STRATEGIES:
            if not isinstance(getattr(self, name), bool):
                raise ParameterError(f"mitigation {name} must be True or False")
        try:
            scales = tuple(float(x) for x in self.scale_factors)
        except (TypeError, ValueError):
            scales = ()
        ok = (
            len(scales) >= 2
            and not any(isinstance(x, bool) for x in self.scale_factors)
            and scales[0] == 1.0
            and all(math.isfinite(x) and 1.0 <= x <= 99.0 for x in scales)
            and all(b > a for a, b in itertools.pairwise(scales))
        )
        if not ok:
            raise ParameterError(
                "scale factors must be ≥ 2 increasing numbers in [1, 99] starting at 1 "
                f"(got {self.scale_factors!r})"
            )
        object.__setattr__(self, "scale_factors", scales)
        if self.extrapolation not in EXTRAPOLATIONS:
            raise ParameterError(
                f"unknown extrapolation {self.extrapolation!r}; choose one of: "
                f"{', '.join(EXTRAPOLATIONS)}"
            )
        if self.extrapolation == "exponential" and len(scales) < 2:  # pragma: no cover
            raise ParameterError("an exponential extrapolation needs ≥ 2 scale factors")
        if self.dd_sequence not in DD_SEQUENCES:
            raise ParameterError(
                f"unknown DD sequence {self.dd_sequence!r}; choose one of: "
                f"{', '.join(DD_SEQUENCES)}"
            )
        _check_int("twirls", self.twirls, 1, 1000)
        if self.calibration_shots is not None:
            _check_int("calibration shots", self.calibration_shots, 1, MAX_SHOTS)
        if self.runtime_options is not None and not isinstance(self.runtime_options, Mapping):
            raise ParameterError("runtime_options must be a mapping of IBM Runtime options")

    @property
    def strategies(self) -> tuple[str, ...]:
        """Names of the active strategies, in the order of :data:`STRATEGIES`."""
        return tuple(s for s in STRATEGIES if getattr(self, s))

    @property
    def active(self) -> bool:
        return bool(self.strategies) or bool(self.runtime_options)

    @property
    def scales(self) -> tuple[float, ...]:
        """Noise scales actually run: ``scale_factors`` with ZNE, else ``(1,)``."""
        return self.scale_factors if self.zne else (1.0,)

    def __str__(self) -> str:
        return "+".join(self.strategies) or "none"

    @classmethod
    def parse(cls, text: str, **settings: Any) -> Mitigation:
        """From the ``--mitigate`` syntax: ``none`` or strategies joined by ``+`` or ``,``.

        ``"readout+zne"``, ``"readout,zne,dd"``, ``"twirl"``; repeats are an error, and
        ``none`` stands alone.  ``settings`` are the other fields (scale factors, ...).
        """
        if not isinstance(text, str):
            raise ParameterError(f"--mitigate must be a text (got {text!r})")
        parts = [p.strip().lower() for p in re.split(r"[+,]", text)]
        if parts == ["none"]:
            return cls(**settings)
        bad = [p for p in parts if p not in STRATEGIES]
        if bad or len(set(parts)) != len(parts):
            what = "unknown mitigation strategy" if bad else "repeated mitigation strategy"
            name = bad[0] if bad else next(p for p in parts if parts.count(p) > 1)
            raise ParameterError(
                f"{what} {name!r}; choose none or strategies among "
                f"{', '.join(STRATEGIES)} joined by + or ,"
            )
        chosen: dict[str, Any] = {p: True for p in parts}
        return cls(**chosen, **settings)

    def record(self) -> dict[str, Any]:
        """The settings as plain values (for dataset attributes and JSON)."""
        out: dict[str, Any] = {"strategies": str(self)}
        if self.zne:
            out |= {"scale_factors": list(self.scale_factors), "extrapolation": self.extrapolation}
        if self.dd:
            out["dd_sequence"] = self.dd_sequence
        if self.twirl:
            out["twirls"] = self.twirls
        if self.readout and self.calibration_shots is not None:
            out["calibration_shots"] = self.calibration_shots
        return out


# --------------------------------------------------------------------------------------------
# execution
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Execution:
    """How the circuits of a digital simulation are executed: one object, validated once.

    Attributes
    ----------
    backend : str or object
        ``"density"`` (exact, no shots), ``"sampled"`` (exact outcome probabilities, then
        seeded shots), ``"aer"`` (qiskit-aer), ``"fake:NAME"`` (a noisy fake IBM device), or a
        Qiskit ``BackendV2``, ``SamplerV2`` or ``EstimatorV2`` object (anything with ``run``).
    layout : {"paper", "reset", "shared"}
        Circuit layout: one fresh ancilla per step (Paper M), one reused, reset ancilla per
        memristor, or one reset ancilla shared by all memristors.
    shots : int
        Shots per circuit, in ``[1, MAX_SHOTS]`` (unused by ``density``).
    seed : int or None
        Seeds shot noise, Aer's sampling, the transpiler, twirling and calibration (in
        ``[0, 2^63 − 1]``); ``None`` = fresh entropy.  Same seed, same numbers.
    pass_manager : object or None
        Transpiles the circuits for a backend/primitive object (default: Qiskit's preset pass
        manager at optimisation level 1 for backends, none for samplers).
    aer_method : str or None
        Method of ``backend="aer"`` (:data:`AER_METHODS`; default: ``automatic`` for the paper
        layout, ``density_matrix`` for the reset layout).
    noise_model : object or None
        A qiskit-aer ``NoiseModel`` for ``backend="aer"`` (only there).
    mitigation : Mitigation
        Error mitigation (none by default).
    """

    backend: Any = "density"
    layout: str = "paper"
    shots: int = 5000
    seed: int | None = None
    pass_manager: Any = None
    aer_method: str | None = None
    noise_model: Any = None
    mitigation: Mitigation = field(default_factory=Mitigation)

    def __post_init__(self) -> None:
        b = self.backend
        if isinstance(b, str):
            if not (b in BACKEND_NAMES[:3] or (b.startswith("fake:") and b[5:].strip())):
                raise ParameterError(
                    f"unknown backend {b!r}; choose one of: {', '.join(BACKEND_NAMES)}"
                )
        elif not callable(getattr(b, "run", None)):
            raise ParameterError(
                f"backend must be a name or a BackendV2/SamplerV2/EstimatorV2 (got {b!r})"
            )
        lay = self.layout
        lay_name = lay if isinstance(lay, str) else getattr(lay, "name", None)
        if lay_name not in LAYOUT_NAMES:
            raise ParameterError(
                f"unknown layout {lay!r}; choose one of: {', '.join(LAYOUT_NAMES)}"
            )
        shots = _check_int("shots", self.shots, 1, MAX_SHOTS, "a positive integer")
        object.__setattr__(self, "shots", shots)  # plain int (NumPy integers are accepted)
        if self.seed is not None:
            seed = _check_int("seed", self.seed, 0, MAX_SEED, "a non-negative integer")
            object.__setattr__(self, "seed", seed)
        if self.pass_manager is not None and not callable(getattr(self.pass_manager, "run", None)):
            raise ParameterError("pass_manager must have a run(circuits) method")
        if self.aer_method is not None and self.aer_method not in AER_METHODS:
            raise ParameterError(
                f"unknown Aer method {self.aer_method!r}; choose one of: {', '.join(AER_METHODS)}"
            )
        if self.aer_method is not None and self.backend != "aer":
            raise ParameterError("aer_method only applies to backend 'aer'")
        if self.noise_model is not None and self.backend != "aer":
            raise ParameterError("a noise model only applies to backend 'aer'")
        if not isinstance(self.mitigation, Mitigation):
            raise ParameterError(
                f"mitigation must be a Mitigation (got {type(self.mitigation).__name__})"
            )
        self._check_mitigation()

    def _check_mitigation(self) -> None:
        m = self.mitigation
        if not m.active:
            return
        if self.backend == "density":
            raise ParameterError(
                "the density backend is exact: there is no noise to mitigate "
                "(use sampled, aer, fake:NAME or a device)"
            )
        if m.runtime_options is not None and isinstance(self.backend, str):
            raise ParameterError("runtime_options only apply to an IBM Runtime EstimatorV2")
        if m.dd and self.backend in ("sampled", "aer"):
            raise ParameterError(
                f"dd needs a backend that reports gate durations; {self.backend} has none "
                "(use fake:NAME or a device)"
            )
        if m.twirl and self.backend == "sampled":
            raise ParameterError(
                "twirl needs circuits that run: the sampled backend draws from exact "
                "probabilities (use aer, fake:NAME or a device)"
            )

    # ----------------------------------------------------------------------------------------

    @property
    def layout_name(self) -> str:
        return self.layout if isinstance(self.layout, str) else str(self.layout.name)

    @property
    def is_named(self) -> bool:
        """Whether the backend is given by name (not as a Qiskit object)."""
        return isinstance(self.backend, str)

    @property
    def exact(self) -> bool:
        return self.backend == "density"

    def replace(self, **changes: Any) -> Execution:
        """A copy with ``changes`` (validated again)."""
        return replace(self, **changes)

    @classmethod
    def resolve(cls, execution: Execution | None = None, **keywords: Any) -> Execution:
        """``execution`` itself, or one built from the old keyword arguments.

        The keywords (``backend``, ``layout``, ``shots``, ``seed``, ``pass_manager``,
        ``aer_method``, ``noise_model``, ``mitigation``) are those of the functions of
        :mod:`qmemristor.digital` before :class:`Execution` existed; ``None`` means "not
        given" (the field's default; ``seed=None`` is the default anyway).  Giving both an
        ``execution`` and keywords is an error (which one would win is not obvious).
        """
        given = {k: v for k, v in keywords.items() if v is not None}
        unknown = set(given) - set(cls.__dataclass_fields__)
        if unknown:  # pragma: no cover - callers pass known names
            raise ParameterError(f"unknown execution option(s): {', '.join(sorted(unknown))}")
        if execution is not None:
            if not isinstance(execution, Execution):
                raise ParameterError(
                    f"execution must be an Execution (got {type(execution).__name__})"
                )
            if given:
                raise ParameterError(
                    f"give either an Execution or the keywords {', '.join(sorted(given))}, not both"
                )
            return execution
        if isinstance(given.get("mitigation"), str):
            given["mitigation"] = Mitigation.parse(given["mitigation"])
        return cls(**given)

    def record(self) -> dict[str, Any]:
        """Plain values for dataset attributes and JSON (objects by their name)."""
        out: dict[str, Any] = {
            "backend": backend_label(self.backend),
            "layout": self.layout_name,
            "shots": "exact" if self.exact else self.shots,
            "seed": "none" if self.seed is None else self.seed,
        }
        if self.aer_method is not None:
            out["aer_method"] = self.aer_method
        if self.noise_model is not None:
            out["noise_model"] = type(self.noise_model).__name__
        if self.pass_manager is not None:
            out["pass_manager"] = type(self.pass_manager).__name__
        out["mitigation"] = str(self.mitigation)
        return out


#: Integrators of :func:`qmemristor.solvers.solve_ode`: SciPy's ``solve_ivp`` methods and
#: ``"odeint"`` (ODEPACK's LSODA through ``scipy.integrate.odeint``, whose step loop runs in
#: Fortran: several times faster than ``solve_ivp`` for small systems).
ODE_METHODS = ("DOP853", "RK45", "RK23", "Radau", "BDF", "LSODA", "odeint")
#: Methods that use a Jacobian when the model supplies one.
IMPLICIT_METHODS = ("Radau", "BDF", "LSODA", "odeint")
#: Sane tolerance range: below 1e-14 the requested accuracy is beneath double-precision
#: round-off of O(1) states (the solvers then stall or warn); above 1e-1 the "solution" has no
#: significant digit, which is a wrong answer rather than a fast one.
RTOL_RANGE = (1e-14, 1e-1)
#: Sane absolute tolerance range.  The integrated states are O(1) (Bloch vectors in the unit
#: ball, voltages of the order of v_in), and a component passing through zero is controlled by
#: atol alone.  Below 1e-30 the error scale ``atol + rtol·|y|`` of such a component underflows
#: the solvers' error norms (atol = 1e-300 broke ``solve_ivp``'s first step; 1e-30 measured
#: fine with DOP853, Radau, LSODA and odeint).  Above 1e-4 a step may put an error of that size
#: on such a component, and the trajectory leaves the region the dynamics keeps invariant:
#: measured with ``neuron simulate --t-end 200`` at the default rtol, atol = 1e-2 reached a
#: Bloch vector of length 1.027 (DOP853) and 1.15 (RK45), atol = 1e-3 1.0018 (RK45); atol =
#: 1e-4 stayed within 2e-5 of the unit sphere with both.
ATOL_RANGE = (1e-30, 1e-4)


@dataclass(frozen=True)
class SolverOptions:
    """How an ODE is integrated by :func:`qmemristor.solvers.solve_ode` (one SciPy path).

    Attributes
    ----------
    method : str
        One of :data:`ODE_METHODS`.
    rtol : float
        Relative tolerance, in :data:`RTOL_RANGE`.
    atol : float
        Absolute tolerance, in :data:`ATOL_RANGE`.
    max_step : float
        Longest step (time units of the model), > 0; ``inf`` lets the method choose.  A feature
        of the vector field narrower than a step (a pulse of Γ(t), say) can be stepped over:
        give a ``max_step`` below half its width.
    max_steps : int
        Step budget of ``odeint`` (``mxstep``); the ``solve_ivp`` methods have none.
    """

    method: str = "DOP853"
    rtol: float = 1e-8
    atol: float = 1e-10
    max_step: float = math.inf
    max_steps: int = 100_000

    def __post_init__(self) -> None:
        if self.method not in ODE_METHODS:
            raise ParameterError(
                f"unknown method {self.method!r}; choose one of: {', '.join(ODE_METHODS)}"
            )
        lo, hi = RTOL_RANGE
        rtol = check_finite("rtol", self.rtol)
        if not lo <= rtol <= hi:
            raise ParameterError(f"rtol must be in [{lo:g}, {hi:g}] (got {rtol:g})")
        atol = check_finite("atol", self.atol)
        lo, hi = ATOL_RANGE
        if not lo <= atol <= hi:
            raise ParameterError(f"atol must be in [{lo:g}, {hi:g}] (got {atol:g})")
        if not (isinstance(self.max_step, int | float) and self.max_step > 0):
            raise ParameterError(f"max_step must be > 0 (got {self.max_step!r})")
        _check_int("max_steps", self.max_steps, 1, 10**9)
        object.__setattr__(self, "rtol", rtol)
        object.__setattr__(self, "atol", atol)
        object.__setattr__(self, "max_step", float(self.max_step))

    def replace(self, **changes: Any) -> SolverOptions:
        """A validated copy with some fields changed."""
        return replace(self, **changes)
