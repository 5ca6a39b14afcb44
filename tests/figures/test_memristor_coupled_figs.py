"""Paper M Figs. 5 and 7–12 (coupled memristors): the data behind them and the paper's claims."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.figures import FigureConfig, get
from tests.helpers import assert_reproduced

QUICK = FigureConfig(quick=True)


def test_fig5_circuit_resources():
    fig, ds = get("memristor-fig5").make(QUICK)
    n = ds.steps.values
    np.testing.assert_array_equal(ds.num_qubits_paper, 2 * n + 2)
    np.testing.assert_array_equal(ds.num_qubits_reset, np.where(n > 0, 4, 2))
    assert "reset anc1[0];" in ds.attrs["qasm3_reset"] and "rxx" not in ds.attrs["qasm3_paper"]
    assert ds.attrs["circuit_drawer"] in ("mpl", "text") and len(fig.axes) >= 4


def test_fig7_fig8_sigma_y_coupling():
    """Identical memristors, symmetric gate: identical loops; entanglement dies (a finite C = 0
    interval) and revives at least twice in 16 periods; in the lab frame both memristors stay
    pinched in every period (exact memristors)."""
    _, ds7 = get("memristor-fig7").make(QUICK)
    np.testing.assert_allclose(ds7.V.sel(memristor=1), ds7.V.sel(memristor=2), atol=1e-15)
    assert ds7.attrs["delta_yy"] == 0.02 and ds7.attrs["gamma0"] == 0.02
    fig, ds8 = get("memristor-fig8").make(QUICK)
    assert ds8.sizes["death"] >= 2 and ds8.sizes["birth"] >= 2
    assert np.all(ds8.sudden_death_end >= ds8.sudden_death_start)
    for s, b in zip(ds8.sudden_death_start.values, ds8.sudden_birth.values, strict=False):
        assert b > s  # every birth follows a death
    assert np.all(ds8.pinched_lab == 1)
    assert np.all(ds8.wootters.values[ds8.concurrence.values == 0] <= 1e-10)
    assert len(fig.axes) == 3


def test_fig9_fig10_controlled_ry():
    """The target (memristor 2) is pinched in every period in both frames; the control
    (memristor 1) is biased in the lab frame in every period, and in the interaction frame in
    the periods where its coherence changes sign."""
    _, ds9 = get("memristor-fig9").make(QUICK)
    assert np.all(ds9.pinched.sel(memristor=2) == 1)
    assert np.max(np.abs(ds9.I.sel(memristor=1) - ds9.I.sel(memristor=2))) > 0.1 * np.max(
        np.abs(ds9.I.sel(memristor=1))
    )
    _, ds10 = get("memristor-fig10").make(QUICK)
    assert np.all(ds10.pinched_lab.sel(memristor=1) == 0)
    assert np.all(ds10.pinched_lab.sel(memristor=2) == 1)
    assert ds10.attrs["cry_unpinched_periods_1"] != "[]"
    assert ds10.sizes["death"] >= 1 and ds10.sizes["birth"] >= 1


def test_fig11_xx_and_zz():
    """σx⊗σx and σz⊗σz shift the memristors' frequency: no period is pinched; σz⊗σz makes
    entanglement die and revive periodically; (|e⟩+|g⟩)/√2 ⊗ itself is an eigenstate of
    σx⊗σx, which leaves it separable here."""
    _, ds = get("memristor-fig11").make(QUICK)
    assert list(ds.interaction.values) == ["xx", "zz"]
    assert np.all(ds.pinched == 0)
    assert int(ds.sudden_birth.sel(interaction="zz").notnull().sum()) >= 3
    assert float(ds.concurrence.sel(interaction="xx").max()) < 1e-10


def test_fig12_controlled_rotations_partial_swap_and_xy():
    _, ds = get("memristor-fig12").make(QUICK)
    assert ds.attrs["matches_paper_panels_e_f"] == "xy"
    pswap, xy = ds.sel(interaction="pswap"), ds.sel(interaction="xy")
    assert np.all(pswap.pinched == 1) and float(pswap.concurrence.max()) < 1e-12
    assert np.all(xy.pinched == 0) and float(xy.concurrence.max()) > 0.3
    for name in ("crx", "crz"):
        assert np.all(ds.pinched.sel(interaction=name, memristor=1) == 0)


@pytest.mark.parametrize(
    "name",
    [
        "memristor-fig5",
        "memristor-fig7",
        "memristor-fig8",
        "memristor-fig9",
        "memristor-fig10",
        "memristor-fig11",
        "memristor-fig12",
    ],
)
def test_reproduce_writes_each_coupled_figure(cli, tmp_path, name):
    assert_reproduced(cli, tmp_path, name)
