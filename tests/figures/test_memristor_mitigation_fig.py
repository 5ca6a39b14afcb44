"""The mitigation figure (new, not in Paper M): data, accounting and the reproduce command."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.digital import paper_expectations, run_protocol
from qmemristor.io import read_netcdf
from qmemristor.memristor import time_grid
from qmemristor.options import Execution
from tests.helpers import FIG4, PAPER_STATE, assert_reproduced


@pytest.mark.slow
def test_quick_figure_data_and_accounting(cli, tmp_path):
    assert_reproduced(cli, tmp_path, "memristor-mitigation")
    ds = read_netcdf(tmp_path / "memristor-mitigation.nc")
    assert list(ds.strategy.values) == ["raw", "readout", "zne", "readout+zne", "dd", "twirl"]
    for m in ("rms_error_V", "rms_error_I", "pinch_error", "form_factor_error"):
        assert np.all(np.isfinite(ds[m])) and np.all(ds[m] >= 0), m
    # the raw curve is the unmitigated run with the same seed: same counts, and the two
    # estimators ((2 n0 − N)/N against p·v) agree to a few ulps of values of order 1
    t = time_grid(1, 8)
    run = run_protocol(
        FIG4,
        PAPER_STATE,
        t,
        Execution(backend="fake:manila", layout="reset", shots=1000, seed=ds.attrs["seed"]),
    )
    raw_y = paper_expectations(run)["y"][0]
    np.testing.assert_allclose(ds.sigma_y.sel(strategy="raw"), raw_y, rtol=0, atol=1e-14)
    spent = ds.circuits.to_series()
    n = 2 * t.size
    assert spent["raw"] == n and spent["readout"] == n + 2 and spent["zne"] == 2 * n
    assert spent["twirl"] == 8 * n and ds.total_shots.sel(strategy="raw") == n * 1000
    assert "not in Paper M" in ds.attrs["paper_figure"]
