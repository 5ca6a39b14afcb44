"""Resource budgets, tolerance ranges and representable ranges, in one place.

Every command estimates what a run will need **before** it allocates or integrates anything
and refuses, with one line naming the limit and the remedy, a run beyond these budgets
(:class:`~qmemristor.errors.ResourceLimitError`).  The estimates are lower bounds of what the
run really takes (calibrated below), so a refused run would certainly have exceeded the budget.

Budgets (override with environment variables)
---------------------------------------------
``QMEMRISTOR_MAX_BYTES`` — memory budget of one run, default **4 GiB** (:data:`DEFAULT_MAX_BYTES`).
    A fixed default rather than a fraction of the machine's RAM: the same command is accepted
    or refused the same way on every machine (and in the tests).  Accepts a byte count or a
    number with a unit: ``8G``, ``512MiB``, ``2e9``.
``QMEMRISTOR_MAX_STEPS`` — work budget of one run in estimated integrator steps, default
    **1e6** (:data:`DEFAULT_MAX_STEPS`).  The estimate is a lower bound (one step per
    oscillation period of the fastest rate, see :func:`neuron_steps`); real solvers take
    1.2–80× more (DOP853 ≈ 7.5×), so 1e6 estimated steps is 10–20 minutes of DOP853 on one
    core (``neuron simulate --omega -1e6 --t-end 20``, 3e6 estimated, ran for 40 minutes).

Tolerances
----------
Relative tolerances of the integrators must lie in ``[1e-14, 1e-1]`` (:func:`check_rtol`, the
range of :data:`qmemristor.options.RTOL_RANGE`): below, the error control asks for less than
round-off (SciPy's ``solve_ivp`` raises any rtol below 100 ε ≈ 2.2e-14 itself, with a
warning); above 1e-1 the solvers accept steps whose error is the size of the solution
(``--rtol 1e308`` gave a "span" of 9e18 and a Bloch vector of length 1.02).  Absolute
tolerances must lie in ``[1e-30, 1e-4]`` (:func:`check_atol`, the range of
:data:`qmemristor.options.ATOL_RANGE`): the states (Bloch vectors, voltages) are O(1), so 1e-30
is far below their round-off, and smaller values only overflow the solvers' error norms
(``atol = 1e-300`` broke SciPy's first step); above 1e-4 the Bloch vector left the unit ball
(atol = 1e-2: |r| = 1.027 with DOP853).  Within these ranges a
loose tolerance can still give a trajectory that leaves the region the
dynamics keeps invariant; commands check that too and refuse such a result.
"""

from __future__ import annotations

import math
import os
import re

from .errors import ParameterError, ResourceLimitError, check_finite
from .options import ATOL_RANGE, RTOL_RANGE

__all__ = [
    "ATOL_MAX",
    "ATOL_MIN",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_STEPS",
    "ENV_MAX_BYTES",
    "ENV_MAX_STEPS",
    "INT64_MAX",
    "RTOL_MAX",
    "RTOL_MIN",
    "check_atol",
    "check_bytes",
    "check_int64",
    "check_rtol",
    "check_steps",
    "format_bytes",
    "max_bytes",
    "max_steps",
    "memristor_run_bytes",
    "neuron_steps",
]

ENV_MAX_BYTES = "QMEMRISTOR_MAX_BYTES"
ENV_MAX_STEPS = "QMEMRISTOR_MAX_STEPS"
#: Default memory budget of one run (bytes).
DEFAULT_MAX_BYTES = 4 * 2**30
#: Default work budget of one run (estimated integrator steps).
DEFAULT_MAX_STEPS = 10**6
#: The tolerance ranges of :class:`qmemristor.options.SolverOptions` (reasons there).
RTOL_MIN, RTOL_MAX = RTOL_RANGE
ATOL_MIN, ATOL_MAX = ATOL_RANGE
#: Integers handed to NumPy (shots, seeds, counts) must fit a signed 64-bit integer.
INT64_MAX = 2**63 - 1

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "kib": 2**10,
    "m": 10**6,
    "mb": 10**6,
    "mib": 2**20,
    "g": 10**9,
    "gb": 10**9,
    "gib": 2**30,
    "t": 10**12,
    "tb": 10**12,
    "tib": 2**40,
}


def _env_number(name: str, default: float, units: dict[str, int] | None = None) -> float:
    """A positive number from the environment variable ``name`` (``default`` if unset)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    m = re.fullmatch(r"([0-9.eE+]+)\s*([A-Za-z]*)", text)
    scale = None
    if m:
        scale = (units or {"": 1}).get(m.group(2).lower())
    try:
        value = float(m.group(1)) * scale if m and scale is not None else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        hint = " (a number of bytes, or with a unit: 8G, 512MiB)" if units else ""
        raise ParameterError(f"environment variable {name}={text!r} is not a positive number{hint}")
    return value


def max_bytes() -> int:
    """The memory budget of one run: ``QMEMRISTOR_MAX_BYTES`` or 4 GiB."""
    return int(_env_number(ENV_MAX_BYTES, DEFAULT_MAX_BYTES, _UNITS))


def max_steps() -> int:
    """The work budget of one run in estimated integrator steps: ``QMEMRISTOR_MAX_STEPS`` or 1e6."""
    return int(_env_number(ENV_MAX_STEPS, DEFAULT_MAX_STEPS))


def format_bytes(n: float) -> str:
    """``1536`` → ``'1.5 KiB'`` (binary units, three significant digits)."""
    if not math.isfinite(n):
        return "∞ B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} PiB"  # pragma: no cover


def check_bytes(need: float, what: str, remedy: str) -> None:
    """Refuse ``what`` if its estimated memory ``need`` (bytes) is beyond :func:`max_bytes`.

    The message names the estimate, the budget, the remedy and how to raise the budget.
    """
    limit = max_bytes()
    if not need <= limit:  # also catches NaN and inf
        raise ResourceLimitError(
            f"{what} needs about {format_bytes(need)}, more than the memory budget of "
            f"{format_bytes(limit)}; {remedy} (or raise {ENV_MAX_BYTES})"
        )


def check_steps(need: float, what: str, remedy: str) -> None:
    """Refuse ``what`` if its estimated number of integrator steps is beyond :func:`max_steps`."""
    limit = max_steps()
    if not need <= limit:
        raise ResourceLimitError(
            f"{what} needs at least {need:.3g} integrator steps, more than the work budget of "
            f"{limit:.3g}; {remedy} (or raise {ENV_MAX_STEPS})"
        )


def check_int64(name: str, value: int) -> int:
    """``value`` if it fits a signed 64-bit integer (what NumPy needs), else ParameterError."""
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ParameterError(f"{name} must fit a 64-bit integer (|{name}| < 2^63; got {value})")
    return value


def check_rtol(value: object, name: str = "rtol") -> float:
    """A relative tolerance in ``[1e-14, 1e-1]`` (module docstring)."""
    x = check_finite(name, value)
    if not RTOL_MIN <= x <= RTOL_MAX:
        raise ParameterError(
            f"{name} must be in [{RTOL_MIN:g}, {RTOL_MAX:g}] (got {x:g}): below, the error "
            "control asks for less than round-off; above, it accepts errors the size of the state"
        )
    return x


def check_atol(value: object, name: str = "atol") -> float:
    """An absolute tolerance in ``[1e-30, 1e-4]`` (module docstring)."""
    x = check_finite(name, value)
    if not ATOL_MIN <= x <= ATOL_MAX:
        raise ParameterError(
            f"{name} must be in [{ATOL_MIN:g}, {ATOL_MAX:g}] (got {x:g}): the states are O(1), "
            "so a smaller one is below round-off and a larger one accepts errors their size"
        )
    return x


# --------------------------------------------------------------------------------------------
# estimates of the individual runs (calibrated with tracemalloc / solver step counts)
# --------------------------------------------------------------------------------------------
#: Peak bytes per time point of a single-memristor run, measured with ``tracemalloc`` at
#: 4e4 points: exact 200 B (the Jacobi–Anger sums hold 12 terms per time), Lindblad 306 B
#: (SciPy's output and the generator applied to every state); rounded up.
MEMRISTOR_BYTES_PER_POINT = {"exact": 256, "lindblad": 384, "circuit": 256}
#: Extra bytes per time point of ``--json`` output: seven arrays as Python floats in lists
#: (32 B each) and as text (≈ 20 B each).
JSON_BYTES_PER_POINT = 7 * (32 + 20)
#: Peak bytes per time step of a coupled run on the density backend (three 16×16 complex
#: superoperators per step and the analysis): measured 20.8 KiB at 600–1200 steps.
COUPLED_BYTES_PER_STEP = 24 * 2**10
#: Peak bytes per output sample of ``neuron simulate`` (states, the time grid and the
#: summary's copies): measured 110–115 B at 1e4–2e4 samples.
NEURON_BYTES_PER_SAMPLE = 128
#: A quasi-static ramp input costs about as much as this many integrator steps (a bracketed
#: root on each monotone piece and a 4×4 eigenproblem: ≈ 1 ms against ≈ 10 µs a step).
RAMP_STEPS_PER_INPUT = 100


def memristor_run_bytes(n_points: float, method: str) -> float:
    """Estimated peak memory of a single-memristor run on ``n_points`` times."""
    return float(n_points) * MEMRISTOR_BYTES_PER_POINT.get(method, 256)


def neuron_steps(
    t_end: float, *, omega: float, gamma: float, alpha: float, explicit: bool
) -> float:
    """A lower bound of the integrator steps of one neuron trajectory of duration ``t_end``.

    One step per period ``2π/ρ`` of the fastest rate ρ the solver must resolve: the qubit
    rotation |Ω| always, the circuit's own rate 1 (the time unit τ_c) at least, and for
    explicit methods (DOP853, RK45, whose stability bounds h times the decay rate) half the
    decay rates Γ and αΓ.  Measured (rtol 1e-8, per unit time): DOP853 1.2|Ω| steps at Ω = 7
    and 70, 0.16Γ at Γ = 100, 0.44 at Ω = Γ = 0, and 9–14 at R_m = 50–500 (R_m does not
    limit the step: the conductance is small where V sits); LSODA and Radau 5–13|Ω| — the
    bound is 1.2–80× below the real count.
    """
    rate = max(abs(omega), 1.0)
    if explicit:
        rate = max(rate, 0.5 * gamma, 0.5 * alpha * gamma)
    return float(t_end) * rate / (2.0 * math.pi)


# --------------------------------------------------------------------------------------------
# representable ranges of the neuron's parameters (Paper N; checked by NeuronParams)
# --------------------------------------------------------------------------------------------
#: Largest rate (units of 1/τ_c) and input: Γ, |Ω|, R_m, |V_in|.  The circuit's own rate is 1
#: (the time unit τ_c); next to a rate r the slow eigenvalues of the Jacobian carry a
#: round-off error ≈ ε·r (ε = 2.2e-16), and integrations need ≳ r·t_end/2π steps.  At
#: r = 1e8 that error is 2e-8, still far below the eigenvalues that decide stability; at
#: Γ = 1e308 an equilibrium that is stable came out with an eigenvalue of +2.7e288.  V_in is a
#: rate too: 2 dV/dt rotates the Bloch vector (dX/dt ∋ 2 (dV/dt) Z).
NEURON_RATE_MAX = 1e8
#: Range of the device lengths l and λ (units of the half-gap L): a thousand times the
#: paper's device (l = 0.5, λ = 0.13) either way; the F_ij tables of the extremes build in
#: 0.3–15 s.
NEURON_LENGTH_MIN = 1e-3
NEURON_LENGTH_MAX = 1e3
#: Largest l/λ: the reference quadrature resolves sech((ξ + x)/λ) over the Gaussian of width
#: l, so its cost grows like l/λ (15 s at 1e3, 44 s at 1e4 on a loaded core).
NEURON_LENGTH_RATIO_MAX = 1e3
#: Largest |x0| (units of L): x_V = x0 − l√2 V must resolve the device's length scales, and
#: beyond 1e3 the round-off of x0 approaches 1e-13, 1e-10 of the smallest λ.
NEURON_X0_MAX = 1e3
