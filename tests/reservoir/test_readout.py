"""The ridge readout: normal equations, scikit-learn's RidgeCV, the fold layout, NMSE."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import TimeSeriesSplit

from qmemristor.reservoir.readout import ALPHAS, fit_readout, nmse, ridge_path, time_series_folds


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(300, 12)) * rng.uniform(0.1, 5, 12) + rng.normal(size=12)
    y = x @ rng.normal(size=(12, 3)) + 2.0 + rng.normal(size=(300, 3))
    return x, y


def test_ridge_path_solves_the_normal_equations(data):
    x, y = data
    alphas = np.array([1e-6, 0.3, 40.0])
    w, b = ridge_path(x, y, alphas)
    xc, yc = x - x.mean(axis=0), y - y.mean(axis=0)
    for k, a in enumerate(alphas):
        w_ne = np.linalg.solve(xc.T @ xc + a * np.eye(x.shape[1]), xc.T @ yc)
        # SVD vs Cholesky-free solve of a well-conditioned 12×12 system: round-off only
        np.testing.assert_allclose(w[k], w_ne, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b[k], y.mean(axis=0) - x.mean(axis=0) @ w_ne, rtol=1e-9)


def test_fitted_readout_is_the_normal_equation_solution_at_its_alpha(data):
    x, y = data
    r = fit_readout(x, y)
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    for j in range(y.shape[1]):
        yc = y[:, j] - y[:, j].mean()
        w_ne = np.linalg.solve(xs.T @ xs + r.alpha[j] * np.eye(12), xs.T @ yc)
        # SVD path vs LU solve, condition number of the standardised system < 1e2: round-off
        np.testing.assert_allclose(r.weights[:, j], w_ne, rtol=1e-9, atol=1e-12)
    # the intercept makes the training predictions unbiased; sums of 300 terms: a few ulps
    np.testing.assert_allclose(r.predict(x).mean(axis=0), y.mean(axis=0), rtol=1e-12)


def test_alpha_and_weights_agree_with_scikit_learn_ridgecv(data):
    x, y = data
    r = fit_readout(x, y)
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    for j in range(y.shape[1]):
        sk = RidgeCV(alphas=ALPHAS, cv=TimeSeriesSplit(5), scoring="neg_mean_squared_error")
        sk.fit(xs, y[:, j])
        assert sk.alpha_ == r.alpha[j]  # the same grid value is chosen
        # scikit-learn solves by Cholesky, we by SVD: round-off of a well-conditioned system
        np.testing.assert_allclose(r.weights[:, j], sk.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(r.intercept[j], sk.intercept_, rtol=1e-12)


def test_folds_are_scikit_learn_time_series_split():
    for n in (100, 301, 2000):
        ours = time_series_folds(n, 5)
        theirs = list(TimeSeriesSplit(5).split(np.zeros(n)))
        for (fit, val), (a, b) in zip(ours, theirs, strict=True):
            assert np.array_equal(np.arange(n)[fit], a) and np.array_equal(np.arange(n)[val], b)


def test_cv_prefers_strong_regularisation_for_noise_and_weak_for_signal():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(400, 30))
    noise = rng.normal(size=400)
    signal = x @ rng.normal(size=30)
    r = fit_readout(x, np.stack([noise, signal], axis=1))
    assert r.alpha[0] >= 1e2 and r.alpha[1] <= 1e-2


def test_nmse():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert nmse(y, y)[0] == 0.0
    assert nmse(y, np.full(4, y.mean()))[0] == 1.0
