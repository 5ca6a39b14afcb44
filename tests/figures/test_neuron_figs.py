"""Paper N Figs. 2 and 7 (quick versions): the data behind them is the physics it claims."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, get
from qmemristor.figures._notes import notes_of
from qmemristor.neuron import NeuronParams, equilibrium_input, fij, fold_points, primary_cusp


def test_fig2_data():
    fig, ds = get("neuron-fig2").make(FigureConfig(quick=True))
    assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == 4
    # the paper's letters: its panel a (surface and ramp) is drawn in two axes
    labels = sorted(t.get_text() for ax in fig.axes for t in ax.texts if t.get_text()[:1] == "(")
    assert labels == ["(a)", "(a)", "(b)", "(c)"]
    assert not notes_of(fig)
    p8 = NeuronParams(r_m=8.0, z_t=1.0, gamma=1.0)
    folds = fold_points(p8)
    np.testing.assert_allclose(ds.folds8_V, [f.V for f in folds])
    # the ramp jumps once up (past the upper fold input) and once down (below the lower one)
    jump_vin = ds.ramp_v_in.values[ds.ramp_jump.values]
    assert len(jump_vin) == 2
    assert folds[0].v_in < jump_vin[0] < folds[0].v_in + 0.2
    assert folds[1].v_in - 0.2 < jump_vin[1] < folds[1].v_in
    # the surface is φ(V; R_m): three-valued exactly where R_m is beyond the cusp
    cusp = primary_cusp(NeuronParams(z_t=1.0), +1)
    assert ds.attrs["cusp_r_m"] == cusp.r_m
    dphi = np.diff(ds.surface_v_in.values, axis=1)
    folded = (dphi < 0).any(axis=1)
    np.testing.assert_array_equal(folded, ds.r_m.values > cusp.r_m)
    # the middle sheet (φ' < 0, i.e. f' > 0: a real eigenvalue > 0) is unstable
    for r, stable in zip(ds.r_m.values, ds.surface_stable.values, strict=True):
        dphi_r = equilibrium_input(ds.V.values, NeuronParams(r_m=r, z_t=1.0, gamma=1.0), 1)
        assert not stable[dphi_r < 0].any()
    # x0 = 0 is symmetric: V_in(−V) = −V_in(V)
    c0 = ds.fig2c_v_in.sel(x0=0.0).values
    np.testing.assert_allclose(c0, -c0[::-1], atol=1e-12)
    # the load lines at the fold inputs are tangent to I(V): slope −1/R_m at the folds
    i = ds.iv_I.values
    slope = np.gradient(i, ds.V_iv.values)
    for f in folds:
        # numerical slope on the quick grid (h = 0.02): central difference plus linear
        # interpolation err ≈ h²|I'''|/4 ≲ 1e-3 for |I'''| ≲ 10 (measured 2e-4)
        assert abs(np.interp(f.V, ds.V_iv.values, slope) + 1 / 8) < 5e-3


def test_fig7_data():
    fig, ds = get("neuron-fig7").make(FigureConfig(quick=True))
    assert len(fig.axes) == 2
    assert any("addition" in n for n in notes_of(fig))  # the paper's Fig. 7 has one panel
    assert ds.attrs["max_abs_error_vs_quad"] < 1e-12
    np.testing.assert_allclose(ds.F.values, fij(ds.x.values, 0.5, 0.13))
    # far out the leading closed-form tail is the function itself
    far = np.abs(ds.x_log.values) > 4
    np.testing.assert_allclose(np.abs(ds.F_log.values[far]), ds.tail_leading.values[far], rtol=1e-9)
