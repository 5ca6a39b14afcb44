"""Event phase, phase difference and locking classification on signals with known phases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.analysis.synchrony import (
    LockingOptions,
    locking_summary,
    phase_difference,
    upward_crossings,
)
from qmemristor.errors import ParameterError

T = np.arange(0.0, 200.0, 0.02)
W = 7.0


def test_crossings_of_a_sine():
    c = upward_crossings(T, np.sin(W * T), level=0.0)
    # upward zero crossings of sin at 2πk/ω; linear interpolation at a zero of the curvature
    # errs by O((ω dt)^3 / ω) ~ 4e-4 / 7 ~ 6e-5 at most, far less near the exact zero: 1e-5
    k = np.arange(1, c.size + 1)
    np.testing.assert_allclose(c, 2 * math.pi * k / W, atol=1e-5)
    # the default level (the mean over whole cycles) is ~0 to O(dt^2): the same crossings
    np.testing.assert_allclose(upward_crossings(T, np.sin(W * T)), c, atol=1e-4)


@pytest.mark.parametrize("phi", [0.05, 1.0, -2.0, 3.1])
def test_phase_difference_of_shifted_sines(phi):
    s = locking_summary(T, np.sin(W * T), np.sin(W * T + phi))
    # the crossing error above (≲ 1e-5 in time, ω = 7) and the level's O(dt^2): 1e-3 rad
    assert abs(np.angle(np.exp(1j * (s["phase"] - phi)))) < 1e-3
    assert abs(s["ratio"] - 1.0) < 1e-9 + 1e-6  # cycle counting over ~220 periods
    assert s["coherence"] > 1 - 1e-6  # the spread of Δφ is the ~1e-4 rad crossing noise
    expected = 0 if abs(phi) <= 0.2 else 1 if abs(phi) >= math.pi - 0.2 else 2
    assert s["state"] == expected


def test_detuned_sines_are_unlocked_with_the_right_drift():
    dw = 0.05
    s = locking_summary(T, np.sin(W * T), np.sin((W + dw) * T))
    assert s["state"] == 3
    assert abs(s["ratio"] - (W + dw) / W) < 1e-4  # whole cycles over the window
    # the drift is Δω times the time between the first and last crossings of signal 2 at
    # which Δφ is sampled (exact for sines, up to the crossing errors above: 1e-3)
    times, dphi = phase_difference(
        upward_crossings(T, np.sin(W * T)), upward_crossings(T, np.sin((W + dw) * T))
    )
    assert abs(s["drift"] - dw * (times[-1] - times[0])) < 1e-3
    assert dphi.size > 100


def test_quenched_and_failed():
    s = locking_summary(T, np.sin(W * T), 1e-6 * np.sin(W * T) + 2.0)
    assert s["state"] == 4
    assert locking_summary(T, np.full(T.size, np.nan), np.sin(W * T))["state"] == -1
    with pytest.raises(ParameterError):
        LockingOptions(phase_tol=2.0)
