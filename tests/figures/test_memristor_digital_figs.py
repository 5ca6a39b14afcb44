"""Paper M Figs. 2–4 (digital simulation): data, attributes and the reproduce command."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.figures import FigureConfig, get
from qmemristor.memristor import exact_solution
from tests.helpers import FIG4, PAPER_STATE, assert_reproduced


def test_fig2_collision_step_matches_the_closed_form():
    fig, ds = get("memristor-fig2").make(FigureConfig(quick=True))
    # cos(φ/2) = e^κ on every step; the circuit channel equals amplitude damping to round-off
    np.testing.assert_allclose(np.cos(ds.phi / 2), np.exp(ds.kappa), rtol=1e-14)
    assert ds.attrs["max_kraus_error_vs_closed_form"] < 1e-14
    assert ds.attrs["step_num_qubits"] == 2 and ds.attrs["step_count_cry"] == 1
    assert ds.attrs["step_qasm3"].startswith("OPENQASM 3.0;")
    assert ds.attrs["circuit_drawer"] in ("mpl", "text") and len(fig.axes) >= 3
    assert fig.get_supxlabel() == ds.attrs["differs_from_paper"]  # the addition, on the figure


def test_fig3_layout_resources():
    fig, ds = get("memristor-fig3").make(FigureConfig(quick=True))
    assert len(fig.axes) == 4
    n = ds.steps.values
    np.testing.assert_array_equal(ds.num_qubits_paper, n + 1)
    np.testing.assert_array_equal(ds.num_qubits_reset, np.where(n > 0, 2, 1))
    np.testing.assert_allclose(ds.statevector_bytes_paper, 16.0 * 2.0 ** (n + 1))
    # 16·2^30 B = 16 GiB fits in 24 GiB, 16·2^31 B = 32 GiB does not: 29 collisions
    assert ds.attrs["max_steps_paper_layout_in_24GiB"] == 29
    assert "reset anc[0];" in ds.attrs["qasm3_reset"]
    assert "anc[2]" in ds.attrs["qasm3_paper"] and "reset" not in ds.attrs["qasm3_paper"]
    assert fig.get_supxlabel() == ds.attrs["differs_from_paper"]


def test_fig4_digital_points_scatter_like_shot_noise_around_exact():
    fig, ds = get("memristor-fig4").make(FigureConfig(quick=True, seed=5))
    ex = exact_solution(FIG4, PAPER_STATE, ds.t.values)
    assert np.all(np.abs(ds.sigma_y - ex.sigma_y) < 5 * ds.sigma_y_err + 1e-15)
    assert np.all(np.abs(ds.I - ds.I_exact_fd) < 5 * ds.I_err)
    # ~68 % within 1σ for Gaussian errors; 42 points: allow 45–90 % (≈ 3σ of a binomial)
    assert 0.45 < ds.attrs["fraction_within_1_sigma"] < 0.9
    assert ds.attrs["backend"] == "sampled" and ds.attrs["shots"] == 5000
    assert ds.attrs["seed"] == 5 and len(fig.axes) == 2
    _, again = get("memristor-fig4").make(FigureConfig(quick=True, seed=5))
    assert np.array_equal(ds.counts0.values, again.counts0.values)


def test_fig4_is_drawn_as_the_paper_draws_it():
    """(a) ⟨V⟩/V0 and ⟨I⟩/I0 against t, (b) the I–V loop with green start, red end and black
    origin; V0 = |⟨V⟩(0)|, I0 = |⟨I⟩(0)| of the exact solution (closed form at t = 0)."""
    from matplotlib.colors import to_hex

    from qmemristor.figures._style import END, ORIGIN, START

    fig, ds = get("memristor-fig4").make(FigureConfig(quick=True))
    ex = exact_solution(FIG4, PAPER_STATE, np.array([0.0]))
    v0 = abs(ex.sigma_y[0]) * FIG4.k / 2  # |V(0)| = (k/2)|⟨σy⟩(0)|
    assert ds.V0 == pytest.approx(v0, rel=1e-12)
    np.testing.assert_allclose(abs(ds.V_exact_norm[0]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(abs(ds.I_exact_norm[0]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(ds.V_norm * ds.V0, ds.V, rtol=1e-12)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert labels == ["(a)", "(b)"]
    colours = {to_hex(ln.get_color()) for ln in fig.axes[1].lines if ln.get_marker() == "o"}
    assert {to_hex(START), to_hex(END), to_hex(ORIGIN)} <= colours
    assert fig.get_supxlabel().startswith("Differs from the paper")


@pytest.mark.parametrize("name", ["memristor-fig2", "memristor-fig3", "memristor-fig4"])
def test_reproduce_writes_each_digital_figure(cli, tmp_path, name):
    assert_reproduced(cli, tmp_path, name)
