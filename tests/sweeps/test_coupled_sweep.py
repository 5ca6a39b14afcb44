"""The coupled-memristor sweep model (Paper M, §M3) through the generic sweep layer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.analysis.hysteresis import loop_form_factors
from qmemristor.errors import ParameterError
from qmemristor.memristor import InitialState, MemristorParams, simulate, time_grid
from qmemristor.sweeps import make_sweep, run_sweep
from qmemristor.sweeps.coupled import coupled_point


def test_coupled_map_and_its_uncoupled_edge():
    """δ = 0: no interaction, so a product state stays a product state (concurrence 0) and each
    loop is the single memristor's (SPEC §M1 exact solution, independent code) — its form
    factor; δ > 0 with σy⊗σy entangles (the paper's Figs. 7–8)."""
    opts = {"periods": 3, "points_per_period": 30}
    sweep = make_sweep("coupled", ["gamma0=0.02:0.2:2", "delta=0:0.05:2"], options=opts)
    ds = run_sweep(sweep)
    assert (ds.status.values == 0).all()
    assert ds.max_concurrence.dims == ("gamma0", "delta")
    for i, g in enumerate(ds.gamma0.values):
        t = time_grid(3, 30)
        state = InitialState.from_angles(math.pi / 4, 0.0)
        single = simulate(MemristorParams(gamma0=float(g)), state, t)
        ff = loop_form_factors(t, single.V.values, single.I.values, 2 * math.pi)
        # digital (density) protocol at δ = 0 = exact amplitude damping at the grid times:
        # only round-off separates them (measured 1e-13)
        assert ds.max_concurrence.values[i, 0] < 1e-12
        assert ds.mean_form_factor.values[i, 0] == pytest.approx(np.mean(ff), abs=1e-9)
        assert ds.max_concurrence.values[i, 1] > 1e-3
    # a point of the map is exactly the per-point function
    direct = coupled_point(0.2, 0.05, math.pi / 4, 0.0, **opts)
    assert ds.max_concurrence.values[1, 1] == direct["max_concurrence"]
    assert ds.mean_form_factor.values[1, 1] == direct["mean_form_factor"]


def test_coupled_options_and_parameters_are_validated():
    with pytest.raises(ParameterError, match="unknown interaction 'ww'"):
        make_sweep("coupled", ["delta=0:0.1:3"], options={"interaction": "ww"})
    with pytest.raises(ParameterError, match="gamma0"):
        make_sweep("coupled", ["gamma0=-1:0.1:3"])
    with pytest.raises(ParameterError, match="periods must be a positive integer"):
        make_sweep("coupled", ["delta=0:0.1:3"], options={"periods": 0})
    with pytest.raises(ParameterError, match="unknown axis parameter 'v_in'"):
        make_sweep("coupled", ["v_in=0:1:3"])
