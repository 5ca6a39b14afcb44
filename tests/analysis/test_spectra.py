"""Spectra and regimes on synthetic signals and on the Hopf normal form (known answers)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from qmemristor.analysis import (
    classify_regime,
    dominant_frequency,
    power_spectrum,
    refined_extremes,
    regime_diagnostics,
    span,
    stationary_part,
    upcrossing_times,
    windows_settled,
    zero_crossing_frequency,
)
from qmemristor.errors import ParameterError
from tests.oracles.normal_forms import hopf_normal_form


def tone(omega, cycles, per_cycle, *, t0=0.0, dc=0.0, harmonics=(), noise=0.0, seed=0):
    """``dc + cos(ωt + φ) + Σ h_k cos(kωt + φ_k) + noise`` over a non-integer number of cycles."""
    rng = np.random.default_rng(seed)
    n = int(cycles * per_cycle)
    t = t0 + np.arange(n) * (2 * np.pi * cycles / omega) / n
    v = dc + np.cos(omega * t + rng.uniform(0, 2 * np.pi))
    for k, h in enumerate(harmonics, start=2):
        v += h * np.cos(k * omega * t + rng.uniform(0, 2 * np.pi))
    return t, v + noise * rng.normal(size=n)


# ------------------------------------------------------------------------- span, windows
def test_span_is_peak_to_peak_and_batched():
    v = np.array([[1.0, -2.0, 3.5], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(span(v), [5.5, 0.0])
    assert span([2.0, 7.0]) == 5.0
    with pytest.raises(ParameterError, match="empty"):
        span([])


def test_stationary_part_drops_the_transient():
    t = np.linspace(0, 10, 101)
    v = np.vstack([t, -t])
    ts, vs = stationary_part(t, v, transient=4.0)
    assert ts[0] == pytest.approx(4.0) and vs.shape == (2, 61)
    ts, _ = stationary_part(t, v[0])  # default: second half
    assert ts[0] == pytest.approx(5.0)
    with pytest.raises(ParameterError, match="leaves"):
        stationary_part(t, v, transient=9.99)


def test_non_uniform_sampling_is_rejected():
    t = np.sort(np.random.default_rng(0).uniform(0, 10, 200))
    with pytest.raises(ParameterError, match="must be uniform"):
        dominant_frequency(t, np.sin(t))
    with pytest.raises(ParameterError, match="must be uniform"):
        power_spectrum(t, np.sin(t))


# ------------------------------------------------------------------------- spectrum
def test_power_spectrum_integrates_to_the_variance_and_peaks_at_the_tone():
    # ∫S dω = Hann-weighted mean square (Parseval for the density scaling): A²/2 for a tone,
    # up to the window's leakage of the 2ω term (~1/cycles³ ≈ 1e-5 here) and the DC offset
    # removed by detrending.
    t, v = tone(2.3, 50.37, 40, dc=4.0)
    omega, s = power_spectrum(t, v)
    assert np.sum(s) * (omega[1] - omega[0]) == pytest.approx(0.5, rel=1e-3)
    assert abs(omega[np.argmax(s)] - 2.3) <= omega[1] - omega[0]
    # batched: same rows
    _, s2 = power_spectrum(t, np.vstack([v, 2 * v]))
    np.testing.assert_allclose(s2, [s, 4 * s], rtol=1e-12)


@settings(max_examples=60)
@given(
    omega=st.floats(0.05, 50),
    cycles=st.floats(30.1, 300),
    per_cycle=st.floats(32, 96),
    t0=st.floats(-10, 10),
    dc=st.floats(-5, 5),
    h2=st.floats(0, 0.6),
    h3=st.floats(0, 0.3),
    noise=st.floats(0, 0.01),
    seed=st.integers(0, 2**32 - 1),
)
def test_dominant_frequency_to_1e_4_with_harmonics_noise_and_offset(
    omega, cycles, per_cycle, t0, dc, h2, h3, noise, seed
):
    # Error budget (relative): leakage bias of the Hann window from the image at −ω and the
    # harmonics, measured < 2e-7 for ≥ 30 cycles without noise; noise: Cramér–Rao
    # σ_ω/ω ≈ 1.1 σ_noise/(cycles √N) (Hann loss included, measured), ≤ 1.1·0.01/(30·31) ≈
    # 1.2e-5 here, so 1e-4 is ≥ 8 standard deviations.
    t, v = tone(omega, cycles, per_cycle, t0=t0, dc=dc, harmonics=(h2, h3), noise=noise, seed=seed)
    assert dominant_frequency(t, v) == pytest.approx(omega, rel=1e-4)


@pytest.mark.parametrize("cycles", [20.3, 47.71, 123.5])
def test_dominant_frequency_refines_far_below_the_bin_width(cycles):
    # noise-free: the DTFT maximum is biased only by window leakage, < 1e-6 relative for ≥ 20
    # cycles (bin width = 1/cycles relative, so this is < 1e-4 of a bin)
    t, v = tone(1.234, cycles, 25, harmonics=(0.5, 0.2))
    est = dominant_frequency(t, v)
    assert est == pytest.approx(1.234, rel=1e-6)
    coarse = dominant_frequency(t, v, refine=False)  # parabola on log power only
    assert abs(coarse / 1.234 - 1) < 0.25 / cycles  # within a quarter bin


@pytest.mark.parametrize("n", [10007, 15001])  # a prime; 4n = 4·7·2143 (slow FFT lengths)
def test_dominant_frequency_on_awkward_record_lengths(n):
    # the zero-padded grid takes the next fast FFT length, not 4n: same accuracy as above
    # (Hann leakage < 1e-6 relative for ≥ 20 cycles), with and without the Newton step
    t = 0.05 * np.arange(n)
    v = np.sin(7.03 * t + 0.3) + 0.3 * np.sin(14.06 * t)
    assert dominant_frequency(t, v) == pytest.approx(7.03, rel=1e-6)
    cycles = 7.03 * t[-1] / (2 * np.pi)
    assert abs(dominant_frequency(t, v, refine=False) / 7.03 - 1) < 0.25 / cycles


def test_dominant_frequency_batched_matches_single_and_flags_constant_signals():
    t, v1 = tone(3.0, 40.5, 30)
    _, v2 = tone(3.0 * 1.1, 40.5 * 1.1, 30 / 1.1, seed=1)
    v2 = v2[: t.size]
    batch = dominant_frequency(t, np.stack([v1, v2, np.full_like(v1, 2.0)]))
    assert batch[0] == pytest.approx(dominant_frequency(t, v1), rel=1e-12)
    assert batch[1] == pytest.approx(dominant_frequency(t, v2), rel=1e-12)
    assert np.isnan(batch[2])


def test_zero_crossing_frequency_cross_checks_the_spectrum_despite_noise():
    # The Schmitt trigger ignores crossings from noise near the level (band ±30 % of the
    # half-span ≫ noise 0.02), so every period is counted once; the mean period over ~60
    # cycles is then accurate to ~(crossing-time jitter ≈ noise/(Aω))/(total time) ≈ 1e-4.
    t, v = tone(0.8, 60.4, 50, harmonics=(0.4,), noise=0.02, seed=3)
    tc = upcrossing_times(t, v)
    assert abs(tc.size - 60) <= 1
    assert np.all(np.diff(tc) > 0.5 * 2 * np.pi / 0.8)
    assert zero_crossing_frequency(t, v) == pytest.approx(dominant_frequency(t, v), rel=1e-3)
    assert np.isnan(zero_crossing_frequency(t, np.ones_like(t)))


def test_zero_crossings_of_a_spike_train_use_the_midrange():
    # narrow spikes (duty ≈ 5 %) on a flat baseline: the mean sits near the baseline, inside
    # the trigger band, so a section at the mean sees nothing; the midrange cuts each spike once
    t = np.linspace(0, 500, 50_000)
    phase = (1.3 * t) % (2 * np.pi)
    v = 2 * np.exp(-(((phase - 3) / 0.15) ** 2)) + 0.1 * np.sin(phase)
    assert zero_crossing_frequency(t, v) == pytest.approx(1.3, rel=1e-6)
    assert np.isnan(zero_crossing_frequency(t, v, level="mean"))
    assert dominant_frequency(t, v) == pytest.approx(1.3, rel=1e-6)
    with pytest.raises(ParameterError, match="level"):
        upcrossing_times(t, v, level="median")


# ------------------------------------------------------------------------- regimes
def hopf_trajectory(mu, a, r0, t_end, *, b=0.0, omega=1.0, n=12000):
    """x(t) of the Hopf normal form integrated with solve_ivp (DOP853, rtol 1e-10)."""
    vf = hopf_normal_form(a, b, omega)
    t = np.linspace(0, t_end, n)
    sol = solve_ivp(
        lambda _, x: vf.rhs(x, np.array([mu])),
        (0, t_end),
        [r0, 0.0],
        t_eval=t,
        method="DOP853",
        rtol=1e-10,
        atol=1e-13,
    )
    return t, sol.y[0]


def hopf_closed_form(mu, a, r0, t, omega=1.0):
    """x(t) = r cos ωt of ṙ = μr + a r³, θ̇ = ω: 1/r² = (1/r0² + a/μ) e^{−2μt} − a/μ."""
    u = (1 / r0**2 + a / mu) * np.exp(-2 * mu * t) - a / mu
    return np.cos(omega * t) / np.sqrt(u)


@pytest.mark.parametrize("a", [-1.0, 1.0])
def test_decaying_spiral_before_the_hopf_point_is_steady(a):
    # μ = −0.02 (stable focus; r0² = 0.01 < |μ| so also inside the subcritical unstable cycle)
    t, v = hopf_trajectory(-0.02, a, 0.1, 600.0)
    d = regime_diagnostics(t, v)
    assert d.regime == "steady" and d.reason == "decaying"
    # the amplitude still decays at the linear rate |μ| (Hann-weighted amplitudes, W = 75)
    assert d.decay_rate == pytest.approx(0.02, rel=1e-2)
    assert d.limit_amplitude < 0.1 * d.amplitudes[-1]


def test_limit_cycle_after_a_supercritical_hopf_point_is_an_oscillation_with_known_span():
    # μ = +0.02, a = −1: stable cycle r = √μ, frequency ω + b r² = 1 + 0.5·0.02
    t, v = hopf_trajectory(0.02, -1.0, 0.1, 600.0, b=0.5)
    assert classify_regime(t, v) == "oscillation"
    ts, vs = stationary_part(t, v)
    assert span(vs) == pytest.approx(2 * np.sqrt(0.02), rel=1e-3)  # sampling: (ω dt)²/8 ≈ 3e-4
    assert dominant_frequency(ts, vs) == pytest.approx(1.01, rel=1e-4)
    assert zero_crossing_frequency(ts, vs) == pytest.approx(1.01, rel=1e-4)


def test_growth_and_approach_to_a_cycle_from_outside_are_oscillations():
    t, v = hopf_trajectory(0.02, 1.0, 0.01, 100.0, n=4000)  # subcritical, unstable: grows
    d = regime_diagnostics(t, v)
    assert d.regime == "oscillation" and d.reason == "growing"
    t, v = hopf_trajectory(0.01, -1.0, 1.0, 300.0)  # cycle r = 0.1 approached from r0 = 1
    d = regime_diagnostics(t, v)
    assert d.regime == "oscillation" and d.reason == "converging_to_cycle"
    # Aitken's extrapolation recovers the cycle amplitude (convergence ∝ e^{−2μt}, exact
    # geometric sequence up to O(r − r∞)² ≈ 1e-6)
    assert d.limit_amplitude == pytest.approx(0.1, rel=1e-4)


def test_converged_equilibrium_is_flat_and_batched_classification():
    t = np.linspace(0, 200, 4000)
    steady = 3.0 + 1e-9 * np.sin(t)  # below atol + rtol·max|v|
    cycle = 3.0 + 0.2 * np.sin(1.7 * t)
    out = classify_regime(t, np.stack([steady, cycle]))
    np.testing.assert_array_equal(out, ["steady", "oscillation"])
    d = regime_diagnostics(t, np.stack([steady, cycle]))
    np.testing.assert_array_equal(d.reason, ["flat", "sustained"])


def test_slow_decay_near_the_hopf_point_is_handled_as_documented():
    # Closed-form spiral in the linear regime (r0²|a|/|μ| ≤ 5e-4, so the ratio per window is
    # e^{−σW} to ~1e-7), 4 windows of W = 1000 after the default transient.  Resolved when
    # σW = |μ|W > decay_tol (1e-3): μ = −2e-5 → σW = 0.02, decaying → steady.  Unresolved when
    # σW < decay_tol: μ = −2e-7 → σW = 2e-4 → "oscillation" ("sustained"), with the measured
    # ratio e^{−σW} reported in the diagnostics.
    t = np.linspace(0, 8000, 160_000)
    resolved = regime_diagnostics(t, hopf_closed_form(-2e-5, -1.0, 1e-5, t))
    assert resolved.regime == "steady" and resolved.reason == "decaying"
    assert resolved.ratio == pytest.approx(np.exp(-2e-5 * 1000), rel=1e-6)
    slow = regime_diagnostics(t, hopf_closed_form(-2e-7, -1.0, 1e-5, t))
    assert slow.regime == "oscillation" and slow.reason == "sustained"
    assert slow.ratio == pytest.approx(np.exp(-2e-7 * 1000), rel=1e-6)
    # a record ten times longer (W = 1e4, σW = 2e-3) resolves it
    t10 = np.linspace(0, 80_000, 400_000)
    assert classify_regime(t10, hopf_closed_form(-2e-7, -1.0, 1e-5, t10)) == "steady"


def test_regime_input_validation():
    t = np.linspace(0, 10, 100)
    with pytest.raises(ParameterError, match="n_windows"):
        classify_regime(t, np.sin(t), n_windows=2)
    with pytest.raises(ParameterError, match="too few"):
        classify_regime(t[:12], np.sin(t[:12]), transient=0.0, n_windows=4)
    with pytest.raises(ParameterError, match="limit_fraction"):
        classify_regime(t, np.sin(t), limit_fraction=2.0)
    with pytest.raises(ParameterError, match="time axis last"):
        dominant_frequency(t, np.sin(t)[:50])


def test_rest_impossible_turns_a_decaying_verdict_into_an_oscillation():
    # a cycle r∞ = 0.1 approached from r0 = 0.3 (μ = 0.01, a = −1) is still decaying in the
    # window; told that no equilibrium is stable, the verdict cannot be "steady"
    t, v = hopf_trajectory(-0.02, -1.0, 0.1, 600.0)  # a real spiral to rest: stays steady
    d = regime_diagnostics(t, v)
    assert d.regime == "steady" and d.reason == "decaying"
    d = regime_diagnostics(t, v, rest_possible=False)
    assert d.regime == "oscillation" and d.reason == "no_stable_rest"
    # a flat record stays steady (it sits at an equilibrium, stable or not), batched flags
    flat = np.full_like(t, 2.0)
    d = regime_diagnostics(t, np.stack([v, flat]), rest_possible=[False, False])
    np.testing.assert_array_equal(d.regime, ["oscillation", "steady"])
    np.testing.assert_array_equal(d.reason, ["no_stable_rest", "flat"])


@pytest.mark.parametrize("phase", [0.0, 0.3, 1.1, 2.9])
def test_refined_extremes_of_a_sampled_sinusoid(phase):
    # one period sampled with ω dt = 0.07: the extreme sample misses the peak by up to
    # A(ω dt)²/8 ≈ 1.2e-4 (A = 0.2); the parabola through three samples leaves the Taylor
    # remainder of cos, ~A(ω dt)⁴/30 ≈ 2e-7
    t = np.arange(0, 0.9, 0.01)
    v = 1.5 + 0.2 * np.cos(7.0 * t + phase + 3.0)
    lo, hi = refined_extremes(v)
    err = max(abs(hi - 1.7), abs(lo - 1.3))
    assert err < 2e-7
    assert max(abs(v.max() - 1.7), abs(v.min() - 1.3)) > 50 * err  # the raw samples are coarser
    # at the record's end the end sample is the extreme (no refinement); batched
    ramp = np.linspace(0.0, 1.0, 50)
    lo, hi = refined_extremes(np.stack([ramp, -ramp]))
    np.testing.assert_array_equal(lo, [0.0, -1.0])
    np.testing.assert_array_equal(hi, [1.0, 0.0])


def test_windows_settled_on_stationary_drifting_and_geometric_sequences():
    const_hi, const_lo = np.full(3, 1.1), np.full(3, 0.9)
    assert windows_settled(const_hi, const_lo)
    # a drift of 1e-4 per window is within 1e-7 + 1e-3·0.2 ≈ 2e-4: settled
    drift = 1e-4 * np.arange(3)
    assert windows_settled(const_hi + drift, const_lo + drift)
    # ... unless the windows are short against the relaxation (drift factor 3 → 3e-4 > 2e-4)
    assert not windows_settled(const_hi + drift, const_lo + drift, drift_factor=3.0)
    # a geometric approach: the older difference must pass too
    hi = 1.1 + np.array([1e-3, 1e-4, 1e-5])
    assert not windows_settled(hi, const_lo)
    assert windows_settled(np.append(hi, 1.1 + 1e-6)[1:], const_lo)
    # a decaying spiral (span shrinking e² per window; its extremes ±s/2) settles once the
    # older difference (1 − e^{−2}) s_{k−2}/2 is ≤ atol + rtol s_k: s_{k−2} ≤ 2.3e-7
    spans = 1e-3 * np.exp(-2.0 * np.arange(14))
    ok = [windows_settled(spans[k - 2 : k + 1] / 2, -spans[k - 2 : k + 1] / 2)
          for k in range(2, 14)]  # fmt: skip
    first = 2 + ok.index(True)
    assert spans[first - 2] <= 2.32e-7 < spans[first - 3]
    assert spans[first] < 5e-9  # reported as flat
    # batched; validation
    both = windows_settled(np.stack([const_hi, hi]), np.stack([const_lo, const_lo]))
    np.testing.assert_array_equal(both, [True, False])
    with pytest.raises(ParameterError, match="K ≥ 3"):
        windows_settled([1.0, 1.0], [0.0, 0.0])
