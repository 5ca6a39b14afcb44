"""Loop geometry: form factor on shapes with known answers, periods, pinch check (SPEC §M3)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ellipe

from qmemristor.analysis import (
    form_factor,
    is_pinched,
    lobe_areas,
    loop_form_factors,
    perimeter,
    period_slices,
    pinch_offset,
    shoelace_area,
)


def regular_polygon_form_factor(n: int) -> float:
    """Exact F of a regular n-gon: area (n/2) sin(2π/n), perimeter 2n sin(π/n) (unit radius)."""
    area = 0.5 * n * math.sin(2 * math.pi / n)
    per = 2 * n * math.sin(math.pi / n)
    return 4 * math.pi * area / per**2


@pytest.mark.parametrize("n", [7, 30, 1000])
def test_circle_sampled_as_polygon_gives_the_polygon_value_and_tends_to_one(n):
    th = 2 * np.pi * np.arange(n) / n
    x, y = 3.0 + 2 * np.cos(th), -1 + 2 * np.sin(th)  # offset: lobes split where x changes sign
    assert form_factor(np.cos(th), np.sin(th)) == pytest.approx(regular_polygon_form_factor(n))
    assert form_factor(x, y) == pytest.approx(regular_polygon_form_factor(n), rel=1e-12)
    if n == 1000:
        assert form_factor(np.cos(th), np.sin(th)) == pytest.approx(1.0, abs=1e-5)


@given(p=st.floats(0.2, 5), q=st.floats(0.2, 5), tilt=st.floats(0, math.pi))
def test_ellipse_gives_its_analytic_form_factor(p, q, tilt):
    # Area πpq; perimeter 4a E(e²) with a = max(p, q), e² = 1 − (b/a)² (complete elliptic
    # integral).  20 000 samples put the polygon's error below 1e-7 relative.
    a, b = max(p, q), min(p, q)
    exact = 4 * math.pi * (math.pi * p * q) / (4 * a * ellipe(1 - (b / a) ** 2)) ** 2
    th = np.linspace(0, 2 * np.pi, 20000, endpoint=False)
    x0, y0 = p * np.cos(th), q * np.sin(th)
    x = x0 * math.cos(tilt) - y0 * math.sin(tilt)
    y = x0 * math.sin(tilt) + y0 * math.cos(tilt)
    assert form_factor(x, y) == pytest.approx(exact, rel=1e-6)


def figure_eight(r: float = 1.0, n: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Two circles of radius r touching at the origin, right one counter-clockwise, left one
    clockwise, traversed as one closed curve through (0, 0)."""
    th = np.linspace(0, 2 * np.pi, n, endpoint=False)
    right = (r - r * np.cos(th), r * np.sin(th))  # starts at origin
    left = (-r + r * np.cos(th), r * np.sin(th))  # starts at origin, opposite sense
    return np.concatenate([right[0], left[0]]), np.concatenate([right[1], left[1]])


def test_figure_eight_of_two_circles_gives_one_half_by_hand():
    # By hand: S = 2·πr² (absolute lobe areas), P = 2·2πr, F = 4π·2πr²/(4πr)² = 1/2.
    x, y = figure_eight(1.7)
    lobes = lobe_areas(x, y)
    assert lobes.size == 2
    assert np.sign(lobes[0]) == -np.sign(lobes[1])  # opposite circulation
    assert abs(shoelace_area(x, y)) < 1e-9  # a signed shoelace cancels ...
    assert form_factor(x, y) == pytest.approx(0.5, rel=1e-6)  # ... the lobe-aware S does not


def test_perimeter_closed_and_open():
    x, y = np.array([0.0, 1, 1, 0]), np.array([0.0, 0, 1, 1])
    assert perimeter(x, y) == pytest.approx(4.0)
    assert perimeter(x, y, closed=False) == pytest.approx(3.0)


def test_degenerate_loop_gives_nan():
    assert math.isnan(form_factor(np.zeros(5), np.zeros(5)))


def test_period_slices_cover_complete_periods_only():
    t = np.arange(0, 95) * (2 * np.pi / 30)  # 3 full periods + 4 samples
    sl = period_slices(t, 2 * np.pi)
    assert [(s.start, s.stop) for s in sl] == [(0, 31), (30, 61), (60, 91)]
    assert period_slices(t[:20], 2 * np.pi) == []


def test_loop_form_factors_normalise_over_the_whole_run():
    # Same ellipse each period but I scaled by 1000: normalisation removes the scale.
    t = np.linspace(0, 4 * np.pi, 2001)
    v, i = np.cos(t), 1000 * np.sin(t)
    ff = loop_form_factors(t, v, i, 2 * np.pi)
    np.testing.assert_allclose(ff, regular_polygon_form_factor(1000), rtol=1e-9)


def test_pinch_check_tells_a_memristor_from_a_biased_loop():
    t = np.linspace(0, 2 * np.pi, 31)  # 30 points per period, as in the paper
    v = np.sin(t)
    gamma = 1 - np.sin(np.cos(t))
    i = gamma * v  # memristive: pinched
    assert pinch_offset(v, i) < 0.01
    assert is_pinched(v, i)
    biased = i + 0.3 * np.max(np.abs(i))  # shifted: crosses V = 0 away from the origin
    assert pinch_offset(v, biased) > 0.2
    assert not is_pinched(v, biased)
    assert not is_pinched(v + 2.0, i)  # never reaches V = 0
