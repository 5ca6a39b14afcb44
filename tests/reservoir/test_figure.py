"""The ``reservoir-benchmark`` figure (quick form) and its data."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, get


def test_reservoir_figure_quick_has_every_panel_and_the_table_behind_it():
    fig, ds = get("reservoir-benchmark").make(FigureConfig(quick=True, seed=3))
    assert len(fig.axes) == 7
    assert set(ds.reservoir.values) == {"memristor", "network", "neuron", "esn", "linear"}
    assert list(ds.shots.values) == [0, 100_000, 10_000, 1_000, 100]
    # quantum reservoirs carry a score at every shot budget, baselines only at exact
    q = ds.nmse_test.sel(task="narma10", reservoir="memristor")
    b = ds.nmse_test.sel(task="narma10", reservoir="esn")
    assert np.all(np.isfinite(q)) and np.isfinite(b.sel(shots=0)) and np.isnan(b[1:]).all()
    assert ds.attrs["seed"] == 3
