"""∫Γ for any drive: accumulated piece by piece, breakpoints honoured, refusal over error.

Oracles: drives with closed-form integrals (tests/oracles/drives.py), the Lindblad path (SciPy
DOP853, an independent integrator that sees only Γ(t)), NumPy's Gauss–Legendre nodes.

Tolerance of every comparison of ∫Γ with a closed form: the documented guarantee of
CallableDecay — each piece within max(epsabs, epsrel·|piece|), so the first i steps of a grid
within i·epsabs + epsrel·∫Γ — plus the round-off of the running sum and of the closed form
(≤ (i + 8)·ε·∫Γ).  Measured errors are 100–1000× smaller; the bound is what is promised.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    CallableDecay,
    ConstantDecay,
    InitialState,
    MemristorParams,
    PaperDrive,
    cumulative_integral,
    exact_solution,
    kappa,
    simulate,
    solve_lindblad,
    time_grid,
)
from qmemristor.memristor.lindblad import LINDBLAD_OPTIONS
from qmemristor.memristor.model import CC_COARSE, CC_FINE, CC_NODES
from tests.oracles.drives import PiecewiseLinear, TanhRamp, pulse, step

STATE = InitialState.from_angles(math.pi / 8, math.pi / 5)
T = time_grid(5, 30)  # Δt = 0.209: the pulse below (0.05 wide) fits inside one step
EPS = np.finfo(float).eps

DRIVES = {"step": step(), "pulse": pulse(), "ramp": TanhRamp()}


def bound(t, total, breaks=8, epsabs=1e-13, epsrel=1e-12):
    """The promised error of ∫_0^t Γ at each time of the sorted grid ``t`` (module docstring);
    ``breaks`` bounds the extra pieces made by breakpoints."""
    i = np.arange(1, np.size(t) + 1) + breaks
    return i * epsabs + epsrel * total + (i + 8) * EPS * total


def decay(drive, *, breakpoints=True, **kw):
    bps = drive.breakpoints if breakpoints else ()
    return CallableDecay(drive.rate, name=type(drive).__name__, breakpoints=bps, **kw)


def closed_form_bloch(drive, state, t):
    """σx, σy, σz of amplitude damping with κ = −½∫Γ from the closed form (ω = 1)."""
    kap = -0.5 * drive.integral(t)
    rho_eg = 0.5 * (state.x - 1j * state.y) * np.exp(kap - 1j * t)
    return 2 * rho_eg.real, -2 * rho_eg.imag, (1 + state.z) * np.exp(2 * kap) - 1


# --- the rule itself ----------------------------------------------------------------------------


def test_clenshaw_curtis_constants():
    """The weights solve the moment equations Σ_j w_j T_k(x_j) = ∫T_k on their nodes (an
    independent construction); both rules are exact for monomials up to degree n + 1."""
    for n, w in ((32, CC_FINE), (16, CC_COARSE[::2])):
        x = CC_NODES if n == 32 else CC_NODES[::2]
        np.testing.assert_allclose(x, np.cos(np.arange(n + 1) * np.pi / n), atol=4 * EPS)
        k = np.arange(n + 1)
        moments = np.zeros(n + 1)
        moments[::2] = 2.0 / (1.0 - k[::2].astype(float) ** 2)
        cheb = np.cos(np.outer(k, np.arccos(np.clip(x, -1, 1))))
        # the moment matrix of 33 Chebyshev polynomials is well conditioned (κ ≈ 30)
        np.testing.assert_allclose(w, np.linalg.solve(cheb, moments), atol=1e-14)
        for d in range(n + 2):
            exact = 2.0 / (d + 1) if d % 2 == 0 else 0.0
            assert w @ x**d == pytest.approx(exact, abs=16 * EPS)
    assert np.all(CC_FINE > 0) and np.all(CC_COARSE[::2] > 0)  # so ∫Γ ≥ 0 for Γ ≥ 0


# --- three drives against closed forms and against the Lindblad path ----------------------------


@pytest.mark.parametrize("name", list(DRIVES))
@pytest.mark.parametrize("breakpoints", [True, False], ids=["breakpoints", "none"])
def test_kappa_along_the_grid_is_the_closed_form(name, breakpoints):
    """Step, pulse narrower than a grid step, smooth ramp: with or without breakpoints, ∫_0^t Γ
    at every grid time within the promised bound, never decreasing."""
    drive = DRIVES[name]
    got = cumulative_integral(decay(drive, breakpoints=breakpoints), T)
    ref = drive.integral(T)
    assert np.all(np.abs(got - ref) <= bound(T, ref))
    assert np.all(np.diff(got) >= 0)


@pytest.mark.parametrize("name", list(DRIVES))
def test_exact_solution_is_the_closed_form_and_populations_never_rise(name):
    drive = DRIVES[name]
    tr = exact_solution(MemristorParams(decay=decay(drive)), STATE, T)
    sx, sy, sz = closed_form_bloch(drive, STATE, T)
    # Bloch components are O(1) with |d e^κ| = e^κ |dκ| ≤ |dκ| ≤ bound (≤ 4e-11 here)
    atol = float(bound(T, drive.integral(T))[-1])
    np.testing.assert_allclose(tr.sigma_x, sx, atol=atol)
    np.testing.assert_allclose(tr.sigma_y, sy, atol=atol)
    np.testing.assert_allclose(tr.sigma_z, sz, atol=atol)
    # damping only: the excited population (1 + σz)/2 can never increase
    assert np.all(np.diff(tr.sigma_z) <= 0)


@pytest.mark.parametrize("name", list(DRIVES))
def test_exact_solution_matches_the_lindblad_path(name):
    """Independent integrator (DOP853, rtol 1e-10) with max_step 0.02 < half the pulse width,
    so that no feature of Γ falls between its stages.  Measured ≤ 8.5e-10 (the jumps cost the
    step control most); 5e-9 leaves margin for other platforms' step sequences."""
    p = MemristorParams(decay=decay(DRIVES[name]))
    ex = exact_solution(p, STATE, T)
    num = solve_lindblad(p, STATE, T, LINDBLAD_OPTIONS.replace(max_step=0.02))
    for c in ("sigma_x", "sigma_y", "sigma_z", "dsigma_y_dt"):
        np.testing.assert_allclose(getattr(ex, c), getattr(num, c), atol=5e-9, err_msg=c)


def test_circuit_angles_use_the_same_per_step_integrals():
    """The collision angles (cos(φ_i/2) = e^{κ_i}) and the exact density backend of the circuits
    get their κ_i from the same pieces: closed form to the per-piece bound."""
    from qmemristor.digital import build_protocol
    from qmemristor.digital.simulate import simulate_circuit

    drive = pulse()
    p = MemristorParams(decay=decay(drive, breakpoints=False))
    steps = np.diff(drive.integral(T))
    cos_half = np.cos(build_protocol(p, STATE, T).phi / 2)
    # e^{κ_i} moves by ≤ |dκ_i| ≤ ½ max(epsabs, epsrel·step) + round-off of cos/atan2 (~4ε)
    np.testing.assert_allclose(cos_half, np.exp(-0.5 * steps), rtol=0, atol=1e-12)
    ds = simulate_circuit(p, STATE, T, backend="density")
    sx, sy, _ = closed_form_bloch(drive, STATE, T)
    # 150 collisions composed: ≤ 150 × a few ε on top of the κ bound (measured ~1e-15)
    np.testing.assert_allclose(ds.sigma_x, sx, atol=1e-11)
    np.testing.assert_allclose(ds.sigma_y, sy, atol=1e-11)


def test_the_old_failure_a_drive_switched_off_keeps_the_population_constant():
    """Γ = 0.5 then 0 from t = 3.3 over 20 periods: the excited population decays, then stays
    exactly where it was (one quadrature from 0 to each t made it rise at 300 of 600 steps)."""
    drive = step(0.5, 0.0, 3.3)
    t = time_grid(20, 30)
    tr = exact_solution(MemristorParams(decay=decay(drive, breakpoints=False)), STATE, t)
    assert np.all(np.diff(tr.sigma_z) <= 0)
    late = t > 3.3
    assert np.ptp(tr.sigma_z[late]) == 0.0  # ∫Γ adds exact zeros after the switch
    _, _, sz = closed_form_bloch(drive, STATE, t)
    np.testing.assert_allclose(tr.sigma_z, sz, atol=float(bound(t, drive.integral(t))[-1]))


# --- narrow pulses: resolved or refused, never silently missed ----------------------------------


@given(frac=st.floats(0.0, 1.0), width_frac=st.floats(0.05, 0.9), height=st.floats(0.1, 50.0))
def test_a_pulse_inside_one_step_is_resolved_or_refused(frac, width_frac, height):
    """Without breakpoints, a pulse anywhere inside a grid step and wider than the resolution
    (4.9 % of the step, the largest gap between the rule's nodes) is seen and resolved — or the
    drive is refused; never a wrong answer."""
    dt = T[1]
    width = width_frac * dt
    drive = pulse(0.1, height, T[7] + frac * (dt - width), width)
    try:
        got = cumulative_integral(decay(drive, breakpoints=False), T)
    except ParameterError:
        return
    ref = drive.integral(T)
    assert np.all(np.abs(got - ref) <= bound(T, ref))


def test_pulses_below_the_resolution_need_breakpoints_or_max_step():
    """A 0.002-wide pulse (1 % of a step) can sit between the nodes of its step's rule: with its
    edges as breakpoints, or a max_step of 0.03 (resolution 0.0015), it is integrated."""
    drive = pulse(0.1, 20.0, T[9] + 0.3 * T[1], 0.002)
    ref = drive.integral(T)
    for d in (decay(drive), decay(drive, breakpoints=False, max_step=0.03)):
        got = cumulative_integral(d, T)
        assert np.all(np.abs(got - ref) <= bound(T, ref))


@pytest.mark.parametrize("height", [1e3, 1e8, 1e14])
def test_tall_pulses_are_exact_with_breakpoints_and_resolved_without(height):
    """With its edges as breakpoints every piece is constant: no refinement at all (the rule
    reads Γ one ulp inside each piece, the one-sided value at a jump).  Without them the
    adaptive bisection still resolves it here; the bound is then dominated by epsrel·∫Γ."""
    drive = pulse(0.1, height, 1.93, 0.05)
    ref = drive.integral(T)
    for bp in (True, False):
        got = cumulative_integral(decay(drive, breakpoints=bp), T)
        assert np.all(np.abs(got - ref) <= bound(T, ref))


# --- refusal -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "fragment"),
    [
        (lambda s: 1.0 / (abs(s - 1.0 / 3.0) + 1e-300), "could not be resolved"),  # ∫ diverges
        (lambda s: 1.0 + math.sin(1e6 * s), "could not be resolved"),  # 33 000 cycles per step
        (lambda s: math.nan if s > 1.0 else 0.1, "finite and ≥ 0"),
        (lambda s: 0.1 - 0.05 * s, "finite and ≥ 0"),
        (lambda s: "fast", "real numbers"),
    ],
    ids=["divergent", "oscillating", "nan", "negative", "not-a-number"],
)
def test_unresolvable_or_invalid_drives_are_refused(func, fragment):
    p = MemristorParams(decay=CallableDecay(func))
    with pytest.raises(ParameterError, match=fragment):
        simulate(p, STATE, T)


def test_noise_is_refused():
    rng = np.random.default_rng(1)
    noisy = CallableDecay(lambda s: rng.uniform(0.0, 1.0))
    with pytest.raises(ParameterError, match="breakpoints="):
        cumulative_integral(noisy, T[:3])


def test_options_are_validated():
    f = math.exp
    with pytest.raises(ParameterError, match="max_step must be > 0"):
        CallableDecay(f, max_step=0.0)
    with pytest.raises(ParameterError, match="epsabs must be ≥ 0"):
        CallableDecay(f, epsabs=-1.0)
    with pytest.raises(ParameterError, match="epsabs = 0 needs epsrel"):
        CallableDecay(f, epsabs=0.0, epsrel=1e-16)
    with pytest.raises(ParameterError, match="breakpoints must be finite"):
        CallableDecay(f, breakpoints=(1.0, math.inf))
    with pytest.raises(ParameterError, match="pieces"):
        CallableDecay(f, max_step=1e-9).integral(0.0, 100.0)
    assert CallableDecay(f, breakpoints=[2.0, 1.0, 2.0]).breakpoints == (1.0, 2.0)


# --- random piecewise drives ----------------------------------------------------------------------


@st.composite
def piecewise_drives(draw, min_gap):
    """Up to 6 linear pieces with jumps; every region (before, pieces) at least ``min_gap``."""
    n = draw(st.integers(1, 6))
    gaps = draw(st.lists(st.floats(min_gap, 1.5), min_size=n + 1, max_size=n + 1))
    knots = tuple(np.cumsum(gaps))
    level = st.floats(0.0, 5.0)
    left = tuple(draw(level) for _ in range(n))
    right = tuple(draw(level) for _ in range(n))
    return PiecewiseLinear(knots, left, right, draw(level), draw(level))


@given(drive=piecewise_drives(1e-3))
def test_random_piecewise_drives_with_breakpoints(drive):
    """Random piecewise-linear Γ with jumps, edges given: every piece is a straight line, so
    nothing is refused; closed form within the bound; κ never rises."""
    t = time_grid(2, 30)
    got = cumulative_integral(decay(drive), t)
    ref = drive.integral(t)
    assert np.all(np.abs(got - ref) <= bound(t, ref))
    assert np.all(np.diff(got) >= 0)


@given(drive=piecewise_drives(0.05 * 2 * math.pi / 30))
def test_random_piecewise_drives_without_breakpoints(drive):
    """Jumps inside grid steps, every region wider than the resolution (4.9 % of a step):
    resolved within the bound, or refused; κ never rises."""
    t = time_grid(2, 30)
    try:
        got = cumulative_integral(decay(drive, breakpoints=False), t)
    except ParameterError:
        return
    ref = drive.integral(t)
    assert np.all(np.abs(got - ref) <= bound(t, ref))
    assert np.all(np.diff(got) >= 0)


# --- the API around it ---------------------------------------------------------------------------


def test_integral_between_any_times_and_kappa_per_step():
    drive = step()
    d = decay(drive)
    t0 = np.array([0.0, 5.0, 3.0, 1.0, 2.0])
    t1 = np.array([6.0, 1.0, 3.0, 3.31, 2.1])
    ref = drive.integral(t1) - drive.integral(t0)
    # ≤ 11 pieces (10 times and the breakpoint): 11 epsabs + epsrel·∫Γ, ∫Γ ≤ 5 here
    np.testing.assert_allclose(d.integral(t0, t1), ref, rtol=0, atol=8e-12)
    # per-step κ_i of the circuits and κ(t, 0) of the exact solution: the same pieces
    per_step = kappa(d, T[1:], T[:-1])
    np.testing.assert_allclose(np.cumsum(per_step), -0.5 * d.cumulative_integral(T)[1:], rtol=1e-14)


def test_vectorized_callable_gives_the_scalar_result():
    """One array call per batch of pieces instead of one call per node: the same rule on the same
    nodes, so the same integrals to round-off (NumPy's and libm's sin differ by an ulp)."""
    scalar = CallableDecay(lambda s: 0.4 * (1 - math.sin(math.cos(s))))
    vector = CallableDecay(lambda s: 0.4 * (1 - np.sin(np.cos(s))), vectorized=True)
    ref = PaperDrive(0.4).cumulative_integral(T)
    for d in (scalar, vector):
        np.testing.assert_allclose(d.cumulative_integral(T), ref, rtol=1e-13, atol=1e-13)


def test_cumulative_integral_of_closed_forms_and_of_a_protocol_without_the_method():
    """Closed forms are monotone on the grid; a protocol with only rate/integral/describe gets
    its ∫_0^t Γ summed over the intervals between the sorted times (any order, repeats)."""
    for p in (PaperDrive(0.3), ConstantDecay(0.7)):
        assert np.all(np.diff(cumulative_integral(p, T)) > 0)

    class Bare:
        def rate(self, t):
            return np.full(np.shape(t), 0.5)

        def integral(self, t0, t1):
            return 0.5 * (np.asarray(t1, dtype=float) - np.asarray(t0, dtype=float))

        def describe(self):
            return {"decay": "bare"}

    times = np.array([3.0, 0.5, 3.0, 0.0, 7.25])
    np.testing.assert_allclose(cumulative_integral(Bare(), times), 0.5 * times, rtol=1e-15)
    tr = exact_solution(MemristorParams(decay=Bare()), STATE, T)
    np.testing.assert_allclose(tr.sigma_z, (1 + STATE.z) * np.exp(-0.5 * T) - 1, atol=1e-14)
