"""What the results layer writes: the right arrays under the right labels, options that take
effect, provenance that survives a netCDF file.  Oracles: the closed form of one memristor
(docs/theory.md §M1) and "a product state has concurrence 0"."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from qmemristor import __version__
from qmemristor.digital import simulate_circuit, simulate_coupled
from qmemristor.errors import NumericalError
from qmemristor.io import write_netcdf
from qmemristor.memristor import (
    CoupledMemristors,
    Coupling,
    MemristorParams,
    exact_solution,
    simulate,
    simulate_coupled_reference,
    time_grid,
)
from qmemristor.options import Execution, SolverOptions
from qmemristor.results.memristor import check_finite_result
from tests.helpers import FIG4, MIXED_STATE, TILTED

#: Two uncoupled memristors (δ = 0) that differ in every label-sensitive way: decay strength,
#: ω and mass (so k), initial state.  A swapped memristor index or a swapped σx/σy cannot
#: pass the closed-form comparison below.
M1 = MemristorParams(gamma0=0.3, omega=1.0, m=1.0)
M2 = MemristorParams(gamma0=0.05, omega=1.0, m=2.5)
UNCOUPLED = CoupledMemristors(m1=M1, m2=M2, coupling=Coupling("yy", 0.0))


def _worst_error(ds: xr.Dataset) -> float:
    """Largest deviation of either memristor's ⟨σx⟩, ⟨σy⟩, ⟨σz⟩, ⟨V⟩, ⟨I⟩ from the closed form."""
    t = ds.t.values
    worst = 0.0
    for k, (params, state) in enumerate(((M1, TILTED), (M2, MIXED_STATE)), start=1):
        ex = exact_solution(params, state, t)
        row = ds.sel(memristor=k)
        v = -0.5 * params.k * ex.sigma_y  # ⟨V⟩ = −(k/2)⟨σy⟩
        i = params.k * (ex.dsigma_y_dt - params.omega * ex.sigma_x)  # ⟨I⟩ = k(σ̇y − ωσx)
        for name, ref in (
            ("sigma_x", ex.sigma_x),
            ("sigma_y", ex.sigma_y),
            ("sigma_z", ex.sigma_z),
            ("V", v),
            ("I", i),
        ):
            worst = max(worst, float(np.max(np.abs(row[name].values - ref))))
    return worst


def test_uncoupled_reference_labels_each_memristor_with_its_closed_form():
    ds = simulate_coupled_reference(UNCOUPLED, TILTED, MIXED_STATE, time_grid(3, 30))
    # DOP853 at the default rtol 1e-10 over 3 periods: global error ~1e-10 (measured 1.1e-11)
    assert _worst_error(ds) < 1e-8
    # oracle: a product state is not entangled (Wootters' C = 0 up to round-off of ρ)
    assert np.max(ds.concurrence.values) < 1e-12
    assert ds.sizes["death"] == ds.sizes["birth"] == 0
    assert list(ds.memristor.values) == [1, 2]
    assert ds.attrs["gamma0_1"] == 0.3 and ds.attrs["gamma0_2"] == 0.05


def test_reference_options_take_effect():
    """The integrator's tolerance reaches the solver (error grows with it) and the record."""
    t = time_grid(3, 30)
    tight = simulate_coupled_reference(UNCOUPLED, TILTED, MIXED_STATE, t)
    loose_opts = SolverOptions(method="DOP853", rtol=1e-5, atol=1e-7)
    loose = simulate_coupled_reference(UNCOUPLED, TILTED, MIXED_STATE, t, options=loose_opts)
    assert tight.attrs["rtol"] == 1e-10 and loose.attrs["rtol"] == 1e-5
    # a 1e5 looser tolerance must cost at least 100× in accuracy against the closed form
    assert _worst_error(loose) > 100 * _worst_error(tight)


def test_density_circuits_of_uncoupled_memristors_are_labelled_like_the_reference():
    """The circuit path (exact density backend, one gate per step) through the same builder:
    each memristor row against the closed form; d⟨σy⟩/dt is a finite difference on the
    sampled grid, so ⟨I⟩ is checked only through σx and σy here."""
    t = time_grid(2, 30)
    ds = simulate_coupled(UNCOUPLED, TILTED, MIXED_STATE, t, Execution(backend="density"))
    for k, (params, state) in enumerate(((M1, TILTED), (M2, MIXED_STATE)), start=1):
        ex = exact_solution(params, state, t)
        row = ds.sel(memristor=k)
        # exact density matrices: round-off of a few hundred 4×4 products (~1e-14)
        np.testing.assert_allclose(row.sigma_x.values, ex.sigma_x, atol=1e-12)
        np.testing.assert_allclose(row.sigma_y.values, ex.sigma_y, atol=1e-12)
        np.testing.assert_allclose(row.V.values, -0.5 * params.k * ex.sigma_y, atol=1e-12)
    assert ds.attrs["backend"] == "density" and ds.attrs["shots"] == "exact"


def test_circuit_dataset_records_the_execution():
    t = time_grid(1, 6)
    ex = Execution(backend="sampled", layout="reset", shots=700, seed=42)
    ds = simulate_circuit(FIG4, TILTED, t, ex)
    rec = ex.record()
    for key in ("backend", "layout", "shots", "seed"):
        assert ds.attrs[key] == rec[key], key
    assert ds.attrs["method"] == "circuit" and ds.attrs["qmemristor_version"] == __version__
    # the shots asked for are the ones used: |⟨σ⟩| = |2 n0/N − 1| (the sign depends on the
    # observable's basis change) with the binomial standard error sqrt((1 − ⟨σ⟩²)/N) at
    # N = 700; a few ulps of round-off in the division
    for j, name in enumerate(("sigma_x", "sigma_y")):
        n0 = ds.counts0.values[:, j]
        sigma = 2 * n0 / 700 - 1
        np.testing.assert_allclose(np.abs(ds[name].values), np.abs(sigma), rtol=0, atol=1e-14)
        err = np.sqrt((1 - sigma**2) / 700)
        np.testing.assert_allclose(ds[f"{name}_err"].values, err, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", ["exact", "lindblad", "coupled", "circuit"])
def test_datasets_survive_a_netcdf_file(tmp_path, kind):
    """Every value and attribute written is read back as written (same numbers, no recompute:
    bit-identity is the right test), and the provenance is in the file."""
    t = time_grid(1, 8)
    if kind in ("exact", "lindblad"):
        ds = simulate(FIG4, MIXED_STATE, t, method=kind, seed=9)
    elif kind == "coupled":
        ds = simulate_coupled_reference(UNCOUPLED, TILTED, MIXED_STATE, t)
    else:
        ds = simulate_circuit(FIG4, TILTED, t, Execution(backend="sampled", shots=50, seed=1))
    path = write_netcdf(ds, tmp_path / f"{kind}.nc")
    with xr.open_dataset(path) as back:
        assert set(back.data_vars) == set(ds.data_vars)
        for name in ds.variables:
            np.testing.assert_array_equal(back[name].values, ds[name].values, err_msg=name)
        for key, value in ds.attrs.items():
            np.testing.assert_array_equal(np.asarray(back.attrs[key]), np.asarray(value), key)
        assert back.attrs["qmemristor_version"] == __version__
        assert "gamma0" in back.attrs["parameters_json"]


def test_check_finite_result_names_the_bad_variable_and_spares_the_form_factor():
    ds = simulate(FIG4, MIXED_STATE, time_grid(2, 8))
    ds["form_factor"][0] = np.nan  # undefined loops are NaN by design
    assert check_finite_result(ds) is ds
    bad = ds.copy(deep=True)
    bad["I"][3] = np.inf
    with pytest.raises(NumericalError, match=r"\bI\b"):
        check_finite_result(bad, "the test run")
    # a variable not asked about is not checked
    assert check_finite_result(bad, names=("V", "sigma_y")) is bad
