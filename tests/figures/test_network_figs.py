"""The network figures (new, not from the papers): data shape and the uncoupled limit."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, get

QUICK = FigureConfig(quick=True)


def test_network_delta_figure():
    """δ = 0: independent memristors, each an exact memristor (I = ΓV, pinched in every
    period) and never entangled; δ > 0 entangles both graphs."""
    fig, ds = get("network-delta").make(QUICK)
    assert ds.mean_tripartite.dims == ("topology", "delta")
    at0 = ds.sel(delta=0.0)
    assert np.all(at0.pinched_fraction == 1.0)
    assert np.all(at0.mean_concurrence < 1e-7)  # √(round-off) of Wootters' formula
    assert np.all(ds.mean_tripartite.isel(delta=slice(1, None)) > 0.01)
    assert len(fig.axes) == 4


def test_network_size_figure():
    fig, ds = get("network-size").make(QUICK)
    assert list(ds.nodes.values) == [2, 3, 4, 5]
    # two nodes: chain and ring are the same single edge
    two = ds.sel(nodes=2)
    # the ring's edge may be built in the other orientation: equal within round-off, not bits
    np.testing.assert_allclose(
        two.mean_concurrence.values[0], two.mean_concurrence.values[1], rtol=1e-12, atol=1e-15
    )
    assert np.all(np.isfinite(ds.mean_negativity_half))
    assert len(fig.axes) == 4
