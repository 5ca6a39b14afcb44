"""Parameters, decay protocols and the Lindblad generator (SPEC §M1)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from qmemristor.conventions import SIGMA_MINUS, SIGMA_PLUS, SIGMA_X, SIGMA_Y, SIGMA_Z
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    CallableDecay,
    ConstantDecay,
    InitialState,
    MemristorParams,
    PaperDrive,
    hamiltonian,
    kappa,
    lindblad_rhs,
    time_grid,
)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"gamma0": -0.1}, "gamma0 must be ≥ 0"),
        ({"gamma0": float("nan")}, "gamma0 must be finite"),
        ({"omega": 0.0}, "omega must be > 0"),
        ({"m": -1.0}, "m must be > 0"),
        ({"hbar": float("inf")}, "hbar must be finite"),
    ],
)
def test_params_reject_unphysical_values(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        MemristorParams(**kwargs)


def test_params_are_frozen_and_k_is_sqrt_m_hbar_omega_over_2():
    p = MemristorParams(gamma0=0.1, omega=2.0, m=3.0, hbar=0.5)
    assert p.k == pytest.approx(math.sqrt(3.0 * 0.5 * 2.0 / 2))
    assert p.period == pytest.approx(math.pi)
    with pytest.raises(AttributeError):
        p.gamma0 = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(("a", "b"), [(-0.01, 0.0), (math.pi / 2 + 1e-9, 0.0), (0.3, 2 * math.pi)])
def test_angles_out_of_range_are_rejected(a, b):
    with pytest.raises(ParameterError):
        InitialState.from_angles(a, b)


def test_from_angles_builds_the_papers_state():
    a, b = math.pi / 8, math.pi / 5
    psi = np.array([math.cos(a), math.sin(a) * np.exp(1j * b)])  # (|e>, |g>)
    rho = np.outer(psi, psi.conj())
    s = InitialState.from_angles(a, b)
    np.testing.assert_allclose(s.density, rho, atol=1e-15)
    np.testing.assert_allclose(InitialState.from_density(rho).bloch, s.bloch, atol=1e-15)


def test_bloch_vector_outside_ball_is_rejected():
    with pytest.raises(ParameterError, match=r"\|r\| ≤ 1"):
        InitialState(0.8, 0.8, 0.0)


@given(
    gamma0=st.floats(0, 5),
    omega=st.floats(0.2, 5),
    t0=st.floats(0, 60),
    dt=st.floats(0, 60),
)
def test_paper_drive_integral_matches_adaptive_quadrature(gamma0, omega, t0, dt):
    # The Jacobi–Anger antiderivative is exact to round-off; quad at epsabs=1e-13 is the oracle,
    # so the two agree to ~1e-12 relative to the magnitude of the integral.
    d = PaperDrive(gamma0, omega)
    ref, _ = integrate.quad(d.rate, t0, t0 + dt, epsabs=1e-13, epsrel=1e-13, limit=500)
    assert float(d.integral(t0, t0 + dt)) == pytest.approx(ref, rel=1e-11, abs=1e-11)


def test_paper_drive_rate_is_non_negative_and_has_mean_gamma0():
    d = PaperDrive(0.3)
    t = np.linspace(0, 2 * np.pi, 10001)
    assert d.rate(t).min() >= 0
    # sin(cos θ) is odd about θ = π/2, so its mean over a period is 0 and ∫_0^T Γ = γ0 T
    assert float(d.integral(0, 2 * np.pi)) == pytest.approx(0.3 * 2 * np.pi, rel=1e-14)


def test_callable_decay_matches_closed_form_and_rejects_negative_rates():
    d = PaperDrive(0.4, 1.3)
    user = CallableDecay(lambda s: 0.4 * (1 - math.sin(math.cos(1.3 * s))), name="paper-again")
    t = np.array([0.0, 0.5, 3.0, 17.0])
    np.testing.assert_allclose(user.integral(0.0, t), d.integral(0.0, t), rtol=1e-11, atol=1e-13)
    bad = CallableDecay(lambda s: math.cos(s))
    with pytest.raises(ParameterError, match="≥ 0"):
        bad.integral(0.0, 3.0)


def test_constant_decay_integral_and_kappa():
    c = ConstantDecay(0.25)
    assert float(kappa(c, 4.0, 1.0)) == pytest.approx(-0.5 * 0.25 * 3.0)


def test_time_grid_puts_a_sample_on_every_period_boundary():
    t = time_grid(3, 30, omega=2.0)
    assert t.size == 91
    np.testing.assert_allclose(t[::30], np.arange(4) * np.pi, rtol=1e-15)
    with pytest.raises(ParameterError):
        time_grid(0, 30)
    with pytest.raises(ParameterError):
        time_grid(2, 3)


@given(x=st.floats(-0.5, 0.5), y=st.floats(-0.5, 0.5), z=st.floats(-0.5, 0.5), t=st.floats(0, 20))
def test_superoperator_equals_the_commutator_form(x, y, z, t):
    # lindblad_rhs uses the Kronecker superoperators; compare with the textbook matrix form.
    p = MemristorParams(gamma0=0.7, omega=1.3, hbar=0.8)
    rho = 0.5 * (np.eye(2) + x * SIGMA_X + y * SIGMA_Y + z * SIGMA_Z)
    h = hamiltonian(p)
    g = float(p.protocol.rate(t))
    n = SIGMA_PLUS @ SIGMA_MINUS
    ref = -1j / p.hbar * (h @ rho - rho @ h) + g * (
        SIGMA_MINUS @ rho @ SIGMA_PLUS - 0.5 * (n @ rho + rho @ n)
    )
    np.testing.assert_allclose(lindblad_rhs(p, t, rho), ref, atol=1e-14)


def test_attributes_record_the_decay_protocol_in_use(tmp_path):
    """MemristorParams(gamma0=0.2, decay=ConstantDecay(5)) runs Γ = 5 and records γ0 = 5, not
    the unused 0.2; a callable drive has no γ0 and records its name, breakpoints and
    tolerances; the paper drive records its γ0 and ω.  Also after a netCDF round trip."""
    from qmemristor.io import read_netcdf, write_netcdf
    from qmemristor.memristor import simulate

    state, t = InitialState.from_angles(0.3, 0.2), time_grid(1, 8)
    const = simulate(MemristorParams(gamma0=0.2, decay=ConstantDecay(5.0)), state, t)
    assert const.attrs["gamma0"] == 5.0 and const.attrs["decay"] == "constant"
    # the coherence decays at the recorded rate, |ρ_eg| ∝ e^{−γ0 t/2} (a few ulps of exp/hypot)
    coherence = np.hypot(const.sigma_x, const.sigma_y)
    np.testing.assert_allclose(coherence, math.sin(0.6) * np.exp(-2.5 * t), rtol=1e-14)
    user = CallableDecay(lambda s: 0.1 + (s > 1.0), name="switch", breakpoints=(1.0,))
    ds = simulate(MemristorParams(gamma0=0.2, decay=user), state, t)
    assert "gamma0" not in ds.attrs and ds.attrs["decay_formula"] == "switch"
    back = read_netcdf(write_netcdf(ds, tmp_path / "user.nc"))
    assert "gamma0" not in back.attrs and "gamma0" not in back.attrs["parameters_json"]
    np.testing.assert_array_equal(back.attrs["decay_breakpoints"], [1.0])  # stored as given
    assert back.attrs["decay_epsrel"] == user.epsrel
    paper = simulate(MemristorParams(gamma0=0.3, omega=2.0), state, t)
    assert paper.attrs["gamma0"] == 0.3 and paper.attrs["drive_omega"] == 2.0
