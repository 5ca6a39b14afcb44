"""The network sweep model through the generic sweep layer."""

from __future__ import annotations

import math

import pytest

from qmemristor.errors import ParameterError
from qmemristor.sweeps import make_sweep, run_sweep
from qmemristor.sweeps.network import network_point


def test_network_sweep_over_delta_and_topology():
    """δ = 0: no interaction, a product state stays a product (concurrence 0 to round-off)
    and every loop is the single memristor's, which is pinched (I = ΓV); δ > 0 entangles.
    Three nodes: chain (code 0) and ring (code 1) both have a tripartite negativity."""
    opts = {"periods": 2, "points_per_period": 20}
    ds = run_sweep(make_sweep("network", ["delta=0:0.1:2", "topology=0:1:2"], options=opts))
    assert (ds.status.values == 0).all()
    assert ds.max_concurrence.dims == ("delta", "topology")
    # √(round-off) of Wootters' formula at a product state: below 1e-7
    assert (ds.max_concurrence.values[0] < 1e-7).all()
    assert (ds.pinched_fraction.values[0] == 1.0).all()
    assert (ds.max_concurrence.values[1] > 1e-3).all()
    assert (ds.mean_tripartite.values[1] > 0).all()
    direct = network_point(0.1, 0.02, 3, 1, math.pi / 4, 0.0, **opts)
    assert ds.mean_concurrence.values[1, 1] == direct["mean_concurrence"]  # same code path


def test_network_sweep_validation():
    with pytest.raises(ParameterError, match="nodes must be an integer"):
        make_sweep("network", ["nodes=2:3.5:2"])
    with pytest.raises(ParameterError, match="unknown order"):
        make_sweep("network", ["delta=0:0.1:2"], options={"order": "random"})
