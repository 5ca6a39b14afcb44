"""The walk along grid values against the Hopf normal form's closed-form cycles."""

import numpy as np
import pytest

from qmemristor.analysis.orbit_walk import distance_to_orbit, orbit_mean, walk_orbits
from qmemristor.analysis.orbits import CollocationOptions, find_orbit
from qmemristor.analysis.vectorfield import VectorField
from qmemristor.errors import ParameterError


def _f(x, p):
    r2 = x[0] ** 2 + x[1] ** 2
    return np.array([p[0] * x[0] - x[1] - x[0] * r2, x[0] + p[0] * x[1] - x[1] * r2])


def _jac(x, p):
    a, b = x
    return np.array(
        [[p[0] - 3 * a * a - b * b, -1 - 2 * a * b], [1 - 2 * a * b, p[0] - a * a - 3 * b * b]]
    )


FIELD = VectorField(_f, jac_x=_jac)
COLL = CollocationOptions(intervals=20, degree=4, adapt=2)


def _start(mu: float):
    t = np.linspace(0.0, 2 * np.pi, 41)
    states = np.sqrt(mu) * np.column_stack([np.cos(t), np.sin(t)])
    return find_orbit(FIELD, t, states, [mu], collocation=COLL)


def test_walk_matches_the_closed_form_cycles():
    # Cycle r = sqrt(μ), period 2π.  Degree-4 collocation on 20 intervals of a circle: the
    # extrema and period are exact to ~1e-10 (error O(h^8) at the mesh, measured 1e-12).
    values = [0.55, 0.65, 0.8, 1.0]
    w = walk_orbits(FIELD, _start(0.5), 0, values, collocation=COLL)
    assert w.end == "done" and w.reached == len(values)
    for mu, orb in zip(values, w.orbits, strict=True):
        assert orb is not None
        assert orb.period == pytest.approx(2 * np.pi, abs=1e-8)
        assert orb.maximum[0] == pytest.approx(np.sqrt(mu), abs=1e-8)
        assert orb.minimum[1] == pytest.approx(-np.sqrt(mu), abs=1e-8)
        # time average of a circle is its centre; Gauss–Legendre is exact for the polynomials
        np.testing.assert_allclose(orbit_mean(orb), 0.0, atol=1e-10)
        assert orb.stable  # nontrivial multiplier exp(−4πμ) < 1
        # distance of a point at radius 2 sqrt(μ): sqrt(μ) (linear refinement between 2000
        # samples: error ≲ (2π r/2000)²/(8 r) ≈ 1e-6 r)
        assert distance_to_orbit(orb, [[2 * np.sqrt(mu), 0.0]])[0] == pytest.approx(
            np.sqrt(mu), rel=1e-5
        )


def test_walk_stops_at_the_hopf_point():
    # The family ends at μ = 0: the walk towards negative μ reports "hopf" or "newton" and
    # leaves the values past the end without an orbit.
    w = walk_orbits(FIELD, _start(0.2), 0, [0.1, 0.02, -0.05, -0.1], collocation=COLL)
    assert w.end in ("hopf", "newton")
    assert w.orbits[-1] is None and w.orbits[-2] is None
    assert w.orbits[0] is not None


def test_walk_refuses_non_monotone_values():
    with pytest.raises(ParameterError):
        walk_orbits(FIELD, _start(0.5), 0, [0.6, 0.55, 0.7], collocation=COLL)
