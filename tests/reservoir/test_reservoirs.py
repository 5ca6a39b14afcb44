"""Memristor and neuron reservoirs against independent solvers, and their memory."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg

from qmemristor.errors import ParameterError
from qmemristor.reservoir import (
    EchoStateNetwork,
    LinearWindow,
    MemristorReservoir,
    NeuronReservoir,
    Reservoir,
)

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
SZ = np.diag([1.0 + 0j, -1.0])
SM = np.array([[0, 0], [1, 0]], dtype=complex)  # σ− = |g⟩⟨e| in the basis (|e⟩, |g⟩)


def _liouvillian(omega: float, gamma: float) -> np.ndarray:
    """Column-stacking Liouvillian of H = ω σ+σ−, jump √Γ σ− (not the package's layout)."""
    eye = np.eye(2)
    h = omega * SM.conj().T @ SM
    n = SM.conj().T @ SM
    return -1j * (np.kron(eye, h) - np.kron(h.T, eye)) + gamma * (
        np.kron(SM.conj(), SM) - 0.5 * np.kron(eye, n) - 0.5 * np.kron(n.T, eye)
    )


def test_memristor_features_match_a_lindblad_propagation():
    res = MemristorReservoir(nodes=3, virtual_nodes=3, gamma0=0.7, hold=1.3, kick=1.1, seed=5)
    u = np.random.default_rng(0).uniform(-1, 1, 25)
    got = res.transform(u).measured.reshape(25, 3, 3, 3)
    kick = math.cos(0.55) * np.eye(2) - 1j * math.sin(0.55) * SX
    gam = res.rates(u)
    for i in range(3):
        rho = np.diag([0.0, 1.0]).astype(complex)
        for k in range(25):
            rho = kick @ rho @ kick.conj().T
            step = linalg.expm(_liouvillian(1.0, gam[k, i]) * 1.3 / 3)
            for j in range(3):
                rho = (step @ rho.reshape(-1, order="F")).reshape(2, 2, order="F")
                bloch = [np.trace(rho @ s).real for s in (SX, SY, SZ)]
                # closed-form Kraus steps vs expm of the generator: round-off only
                np.testing.assert_allclose(got[k, j, i], bloch, atol=1e-12)


def test_memristor_current_obeys_the_memristive_relation():
    res = MemristorReservoir(nodes=2, virtual_nodes=2, observables=("voltage", "current"))
    u = np.random.default_rng(1).uniform(-1, 1, 40)
    f = res.transform(u).values.reshape(40, 2, 2, 2)
    gam = res.rates(u)[:, None, :]
    # ⟨I⟩ = Γ⟨V⟩ holds exactly within a hold of constant Γ (Paper M, from dσy/dt)
    np.testing.assert_allclose(f[..., 1], gam * f[..., 0], rtol=1e-12, atol=1e-15)


def test_reset_memristor_has_no_memory():
    res = MemristorReservoir(nodes=4, virtual_nodes=2, reset=True)
    u = np.array([0.3, -0.5, 0.3, 0.9, -1.0, 0.3])
    v = res.transform(u).values
    # after a reset only the current input matters: same operations on the same state
    np.testing.assert_allclose(v[2], v[0], atol=1e-15)
    np.testing.assert_allclose(v[5], v[0], atol=1e-15)
    assert not np.allclose(v[1], v[0])


def test_memristor_forgets_its_history():
    res = MemristorReservoir()
    rng = np.random.default_rng(2)
    tail = rng.uniform(-1, 1, 400)
    a = res.transform(np.concatenate([rng.uniform(-1, 1, 50), tail])).values[50:]
    b = res.transform(np.concatenate([rng.uniform(-1, 1, 50), tail])).values[50:]
    assert np.abs(a[0] - b[0]).max() > 1e-3
    # contraction ≥ e^{−γ0(1−gain)/2} per hold, ≈ e^{−0.1} on average: gone after 400 holds
    assert np.abs(a[-1] - b[-1]).max() < 1e-10


def test_neuron_rk4_matches_scipy_dop853():
    from qmemristor.neuron.dynamics import integrate_trajectory

    res = NeuronReservoir(nodes=1, virtual_nodes=2)
    u = np.random.default_rng(3).uniform(-1, 1, 30)
    states = res.states(u)
    v_in = res.inputs(u)
    err = 0.0
    for i in range(1):
        y = res.initial_state()[i]
        for k in range(u.size):
            p = res.neuron.replace(v_in=float(v_in[k, i]))
            traj = integrate_trajectory(p, y, [0.0, 0.5, 1.0], rtol=1e-10, atol=1e-12)
            err = max(err, float(np.abs(traj[1:] - states[k, :, i]).max()))
            y = traj[-1]
    # RK4 at dt = 0.01: measured 8.3e-7 (1.3e-5 at 0.02, 5.2e-8 at 0.005: fourth order)
    assert err < 3e-6, err


def test_neuron_has_the_echo_state_property():
    from qmemristor.neuron.model import ode_model
    from qmemristor.solvers.fixed import rk4_holds

    res = NeuronReservoir(nodes=2, virtual_nodes=1)
    p = res.neuron
    u = np.random.default_rng(4).uniform(-1, 1, 300)

    def run(y0):
        model = ode_model(tables=p.tables)
        return rk4_holds(model, y0, res.inputs(u), p.pvec, input_param="v_in", n_virtual=1,
                         substeps=res.substeps, dt=res.step)  # fmt: skip

    y0 = res.initial_state()
    y1 = np.array([[0.6, -0.3, 0.2, 1.5], [-0.5, 0.5, -0.4, 0.1]])
    a, b = run(y0), run(y1)
    assert np.abs(a[0] - b[0]).max() > 0.1
    # the initial state is forgotten: measured 3.5e-8 after 300 holds (from 1.4)
    assert np.abs(a[-1] - b[-1]).max() < 1e-6


def test_every_reservoir_meets_the_protocol_and_counts_its_features():
    u = np.linspace(-1, 1, 30)
    for res, count in (
        (MemristorReservoir(nodes=3, virtual_nodes=2), 24),
        (NeuronReservoir(nodes=2, virtual_nodes=3), 24),
        (EchoStateNetwork(units=24), 24),
        (LinearWindow(window=24), 24),
    ):
        assert isinstance(res, Reservoir)
        f = res.transform(u)
        assert f.values.shape == (30, count) and len(f.names) == count
        assert isinstance(res.describe(), dict) and res.describe()["reservoir"] == res.name


def test_bad_parameters():
    with pytest.raises(ParameterError, match=r"gain must be in \[0, 1\)"):
        MemristorReservoir(gain=1.0)
    with pytest.raises(ParameterError, match="unknown observable 'sigma_w'"):
        MemristorReservoir(observables=("sigma_w",))
    with pytest.raises(ParameterError, match="nodes must be an integer ≥ 1"):
        NeuronReservoir(nodes=0)
    with pytest.raises(ParameterError, match=r"in \[−1, 1\]"):
        MemristorReservoir().transform([0.0, 2.0])
