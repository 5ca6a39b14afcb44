"""The coupled-neuron figure (new, not from the paper): data, the tongue against its edges."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.figures import FigureConfig, get


@pytest.mark.slow
def test_neuron_coupled_figure():
    spec = get("neuron-coupled")
    assert spec.paper.startswith("new")
    fig, ds = spec.make(FigureConfig(quick=True))
    assert ds.state.dims == ("g_c", "detuning")
    assert np.all(ds.status.values == 0)
    # the quick grid (Δ step 0.01) at g_c = 1: the integration's 1:1 tongue covers the
    # detunings inside the continued edges (±0.014) and none outside ±0.02
    row = ds.state.sel(g_c=1.0).values
    det = ds.detuning.values
    locked = np.isin(row, (0, 1, 2))
    assert np.all(locked[np.abs(det) < 0.014])
    assert not np.any(locked[np.abs(det) > 0.015])
    assert float(ds.lpc_low.sel(g_c_branch=1.0)) < 0 < float(ds.lpc_high.sel(g_c_branch=1.0))
    assert list(ds.example.values) == ["locked", "slipping"]
    assert len(fig.axes) == 3
    assert ds.attrs["qmemristor_version"]
