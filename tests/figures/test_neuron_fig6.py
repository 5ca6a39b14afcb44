"""Paper N, Fig. 6 (quick): span maps whose self-oscillation region is the linear-stability one."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, get
from qmemristor.neuron import NeuronParams, equilibria


def test_fig6_maps_agree_with_linear_stability():
    fig, ds = get("neuron-fig6").make(FigureConfig(quick=True))
    assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == 2
    t_end = ds.attrs["t_end"]
    assert ds.attrs["v_in"] == 2.0 and ds.attrs["r_m"] == 6.0
    for tag, other in (("a", "z_t"), ("b", "alpha")):
        span = ds[f"span_{tag}"].values
        regime = ds[f"regime_{tag}"].values
        ind = ds[f"hopf_indicator_{tag}"].values
        assert (ds[f"status_{tag}"].values == 0).all()
        g, o = np.meshgrid(ds.gamma.values, ds[other].values, indexing="ij")
        alpha = o if other == "alpha" else 1.0
        # Independent oracle: the Jacobian's eigenvalues at the equilibrium.  Compared where
        # the slowest relaxation (rates Γ and αΓ) allows ≥ 10 e-folds within t_end and the
        # pair is ≥ 0.02 from the imaginary axis (closer, the record cannot decide).
        settled = (np.minimum(g, alpha * g) * t_end >= 10) & (np.abs(ind) > 0.02)
        assert settled.sum() >= 100
        np.testing.assert_array_equal(regime[settled], (ind[settled] > 0).astype(int))
        # a spiral decaying at |Re λ| ≥ 0.05 is below e^{−0.05·300} ≈ 3e-7 in the window
        assert (span[settled & (ind < -0.05)] < 1e-6).all()
        assert (span[settled & (ind > 0)] > 1e-3).all()
        freq = ds[f"frequency_{tag}"].values
        assert np.isnan(freq[regime == 0]).all()
        # near the Hopf pair the cycle's frequency is close to Ω = 7 (|Im λ| = 7.0–7.4 here)
        assert (np.abs(freq[settled & (ind > 0)] - 7.2) < 0.5).all()
    # α = 0: Z does not relax, (0, 0, Z, V*(Z)) is a line of equilibria and the rest state
    # drifts to a stable one, so there is no self-oscillation however small Γ is
    assert (ds.regime_b.sel(alpha=0.0).values == 0).all()
    # V_mean of steady points is the equilibrium voltage (SPEC §N3 root, independent code)
    zt = float(ds.z_t[3])
    (eq,) = equilibria(NeuronParams(v_in=2.0, r_m=6.0, gamma=1.0, z_t=zt))
    assert abs(float(ds.V_mean_a.sel(gamma=1.0, z_t=zt)) - eq.V) < 1e-8
