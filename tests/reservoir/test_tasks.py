"""Task generators against their published definitions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from qmemristor.errors import ParameterError
from qmemristor.reservoir.tasks import Split, mackey_glass_series, make_task

SMALL = Split(washout=50, n_train=100, n_test=60)


def test_narma10_follows_the_atiya_parlos_recursion():
    task = make_task("narma10", SMALL, seed=4)
    u = task.u
    assert u.min() >= 0 and u.max() <= 0.5
    # y(k+1) = 0.3 y(k) + 0.05 y(k) Σ_{i=0}^{9} y(k−i) + 1.5 u(k−9) u(k) + 0.1, y = 0 before k = 10
    y = [0.0] * 10
    for k in range(9, u.size):
        window = sum(y[k - i] for i in range(10))
        y.append(0.3 * y[k] + 0.05 * y[k] * window + 1.5 * u[k - 9] * u[k] + 0.1)
    # same formula, a different summation order: a few ulps
    np.testing.assert_allclose(task.y[:, 0], y[1:], rtol=1e-14, atol=1e-15)


def test_narma10_target_of_row_k_depends_on_inputs_up_to_k_only():
    task = make_task("narma10", SMALL, seed=4)
    u2 = task.u.copy()
    u2[100] += 0.1
    from qmemristor.reservoir.tasks import narma10_series

    y1, y2 = narma10_series(task.u)[1:], narma10_series(u2)[1:]
    assert np.array_equal(y1[:100], y2[:100])  # same code, same inputs: bit-identical
    assert y1[100] != y2[100] and y1[109] != y2[109]


def _mg_method_of_steps(t_end: float, tau: float = 17.0) -> object:
    """Mackey–Glass by SciPy's DOP853 on [kτ, (k+1)τ], the delayed term from the dense output
    of the previous interval (method of steps); history x = 1.2 for t ≤ 0."""
    pieces = []

    def delayed(t):
        if t <= 0:
            return 1.2
        k = int(np.floor(t / tau - 1e-12))
        return pieces[k].sol(t)[0]

    x0 = 1.2
    for k in range(int(np.ceil(t_end / tau))):

        def rhs(t, x):
            d = delayed(t - tau)
            return [0.2 * d / (1 + d**10) - 0.1 * x[0]]

        sol = integrate.solve_ivp(rhs, (k * tau, (k + 1) * tau), [x0], method="DOP853",
                                  rtol=1e-12, atol=1e-14, dense_output=True)  # fmt: skip
        pieces.append(sol)
        x0 = sol.y[0, -1]

    def x(t):
        return np.array([pieces[min(int(s // tau), len(pieces) - 1)].sol(s)[0] for s in t])

    return x


def test_mackey_glass_matches_an_independent_delay_solver():
    x = mackey_glass_series(69, transient=0.0)  # x(0), x(1), …, x(68) = 4τ
    oracle = _mg_method_of_steps(68.0)(np.arange(69.0))
    # RK4 with h = 0.1 errs ≈ 3e-9 here (step halving below); DOP853 at rtol 1e-12 far less
    np.testing.assert_allclose(x, oracle, atol=2e-8)


def test_mackey_glass_integrator_is_fourth_order_by_step_halving():
    runs = [mackey_glass_series(201, transient=0.0, steps_per_tau=m) for m in (85, 170, 340)]
    e1 = np.abs(runs[0] - runs[1]).max()
    e2 = np.abs(runs[1] - runs[2]).max()
    order = np.log2(e1 / e2)
    assert 3.8 < order < 4.2, order  # measured 4.00: Hermite-interpolated delay keeps RK4's order
    assert e2 < 1e-8  # the default step h = 0.1 is accurate to ≈ 3e-9 over 200 time units


def test_mackey_glass_task_is_one_step_prediction_on_the_attractor():
    task = make_task("mackey-glass", SMALL)
    np.testing.assert_array_equal(task.u[1:], task.y[:-1, 0])
    assert 0.2 < task.u.min() and task.u.max() < 1.5  # the τ = 17 attractor's range
    s = task.scaled_input()
    assert s.min() == -1.0 and s.max() == 1.0


def test_memory_capacity_targets_are_the_delayed_inputs():
    task = make_task("memory-capacity", SMALL, seed=2, max_delay=7)
    assert task.y.shape == (SMALL.total, 7) and task.metric == "capacity"
    for d in range(1, 8):
        np.testing.assert_array_equal(task.y[d:, d - 1], task.u[:-d])
    with pytest.raises(ParameterError, match="washout ≥ max_delay"):
        make_task("memory-capacity", SMALL, max_delay=60)


def test_quartic_and_santafe():
    q = make_task("quartic", SMALL, seed=1)
    np.testing.assert_array_equal(q.y[:, 0], q.u**4)
    assert 0 <= q.u.min() and q.u.max() <= 1
    sf = make_task("santafe", SMALL)
    from reservoirpy.datasets import santafe_laser

    rec = santafe_laser().reshape(-1).astype(float)
    np.testing.assert_array_equal(sf.u, rec[: SMALL.total])
    np.testing.assert_array_equal(sf.y[:, 0], rec[1 : SMALL.total + 1])
    with pytest.raises(ParameterError, match="Santa Fe record has 10093"):
        make_task("santafe", Split(200, 9000, 2000))


def test_bad_task_and_split():
    with pytest.raises(ParameterError, match="unknown task 'foo'"):
        make_task("foo")
    with pytest.raises(ParameterError, match="n_train must be an integer ≥ 20"):
        Split(10, 5, 30)
