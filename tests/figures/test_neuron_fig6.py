"""Paper N, Fig. 6 (quick): stationary span maps whose self-oscillation region is the
linear-stability one, with the points that could not settle flagged."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, get
from qmemristor.figures._notes import notes_of
from qmemristor.neuron import NeuronParams, equilibria
from qmemristor.sweeps.batch import NOT_SETTLED


def test_fig6_maps_agree_with_linear_stability():
    fig, ds = get("neuron-fig6").make(FigureConfig(quick=True))
    assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == 2
    assert ds.attrs["v_in"] == 2.0 and ds.attrs["r_m"] == 6.0
    assert ds.attrs["protocol"] == "stationary" and ds.attrs["t_end"] == 6000.0
    # the quick form is drawn by integration and says so in one line
    assert ds.attrs["method"] == "integrate"
    assert fig.get_suptitle().startswith("method: integration")
    assert notes_of(fig)  # the map differs from the paper's fixed-t_end protocol, and says so
    for tag, other in (("a", "z_t"), ("b", "alpha")):
        span = ds[f"span_{tag}"].values
        regime = ds[f"regime_{tag}"].values
        status = ds[f"status_{tag}"].values
        ind = ds[f"hopf_indicator_{tag}"].values
        _, o = np.meshgrid(ds.gamma.values, ds[other].values, indexing="ij")
        # no integration failed; only slow points (τ ≥ 250: the quick cap 6000 < 24τ) did not
        # settle, and they keep their last window's (finite) span
        assert np.isin(status, (0, NOT_SETTLED)).all()
        late = status == NOT_SETTLED
        assert (ds[f"tau_{tag}"].values[late] >= 250).all()
        assert np.isfinite(span[late]).all()
        # Independent oracle: the Jacobian's eigenvalues at the equilibrium.  Every settled
        # point (α = 0 aside: there Z does not relax and the run leaves along the line of
        # equilibria (0, 0, Z, V*(Z)) to a stable one) has the regime linear stability says,
        # however slow its relaxation — no margin in Γ·t_end is needed any more.
        settled = (status == 0) & (o != 0.0 if other == "alpha" else True)
        assert settled.sum() >= 135  # of 154 (panel b: 14 at α = 0, 2 not settled)
        assert np.nanmin(np.abs(ind[settled])) > 1e-3  # no point sits on the boundary
        np.testing.assert_array_equal(regime[settled], (ind[settled] > 0).astype(int))
        # a settled spiral is flat (it settles only once its span is ≲ 5e-9 + noise ~10 atol);
        # a settled cycle is well above that
        assert (span[settled & (ind < 0)] < 1e-6).all()
        assert (span[settled & (ind > 0)] > 1e-3).all()
        freq = ds[f"frequency_{tag}"].values
        assert np.isnan(freq[regime == 0]).all()
        # near the Hopf pair the cycle's frequency is close to Ω = 7 (|Im λ| = 7.0–7.4 here)
        assert (np.abs(freq[settled & (ind > 0)] - 7.2) < 0.5).all()
    # α = 0: no self-oscillation survives, however small Γ is
    assert (ds.regime_b.sel(alpha=0.0).values == 0).all()
    # V_mean of steady points is the equilibrium voltage (SPEC §N3 root, independent code)
    zt = float(ds.z_t[3])
    (eq,) = equilibria(NeuronParams(v_in=2.0, r_m=6.0, gamma=1.0, z_t=zt))
    assert abs(float(ds.V_mean_a.sel(gamma=1.0, z_t=zt)) - eq.V) < 1e-8
