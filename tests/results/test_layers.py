"""The results layer: physics modules return arrays and result objects, ``qmemristor.results``
builds the datasets, and the public names that return datasets stay where users import them."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import qmemristor.digital as digital
import qmemristor.memristor as memristor
from qmemristor.errors import ParameterError
from qmemristor.memristor import (
    PAPER_PRESET,
    coupled_measures,
    run_memristor,
    solve_coupled_reference,
    time_grid,
)
from qmemristor.options import Execution
from qmemristor.results import digital as results_digital
from qmemristor.results import memristor as results_memristor
from tests.helpers import FIG4, MIXED_STATE, PAPER_STATE, PLUS, SRC


def test_physics_packages_build_no_datasets():
    """Importing the memristor and digital packages loads neither xarray nor the results layer
    nor io (a fresh interpreter: this process has them loaded already)."""
    code = (
        "import sys, qmemristor.memristor, qmemristor.digital\n"
        "bad = [m for m in ('xarray', 'qmemristor.io', 'qmemristor.results') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": SRC},
    ).stdout.strip()
    assert out == ""


@pytest.mark.parametrize(
    ("module", "name", "home"),
    [
        (memristor, "simulate", results_memristor),
        (memristor, "trajectory_dataset", results_memristor),
        (memristor, "coupled_dataset", results_memristor),
        (memristor, "simulate_coupled_reference", results_memristor),
        (memristor.coupled, "simulate_coupled_reference", results_memristor),
        (digital, "simulate_circuit", results_digital),
        (digital, "simulate_coupled", results_digital),
        (digital, "circuit_dataset", results_digital),
        (digital, "coupled_circuit_dataset", results_digital),
        (digital.simulate, "simulate_coupled", results_digital),
    ],
)
def test_dataset_functions_are_reachable_where_users_import_them(module, name, home):
    assert getattr(module, name) is getattr(home, name)
    if hasattr(module, "__path__"):  # the packages list them; the modules keep them reachable
        assert name in module.__all__


def test_unknown_names_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        memristor.simulat  # noqa: B018
    with pytest.raises(ImportError):
        from qmemristor.digital import simulate_circuits  # noqa: F401


def test_dataset_carries_the_run_arrays_unchanged():
    """The dataset holds the run's own arrays (the results layer only labels them)."""
    t = time_grid(3, 30)
    run = run_memristor(FIG4, MIXED_STATE, t, "lindblad")
    ds = results_memristor.trajectory_dataset(run, seed=5)
    for name, value in run.arrays().items():
        assert ds[name].values is value or np.array_equal(ds[name].values, value), name
    assert np.array_equal(ds.form_factor.values, run.form_factor, equal_nan=True)
    assert ds.attrs["method"] == "lindblad" and ds.attrs["seed"] == 5


def test_unresolved_lindblad_loops_are_noted_in_the_dataset():
    # γ0 = 0.2 over 45 periods: the coherence falls below the Lindblad resolution (1e-9)
    run = run_memristor(
        memristor.MemristorParams(gamma0=0.2), PAPER_STATE, time_grid(45, 30), "lindblad"
    )
    assert np.isnan(run.form_factor[-1]) and "resolution" in run.form_factor_note
    ds = results_memristor.trajectory_dataset(run)
    assert ds.form_factor.attrs["undefined"] == run.form_factor_note
    exact = run_memristor(memristor.MemristorParams(gamma0=0.2), PAPER_STATE, time_grid(2, 30))
    assert exact.form_factor_note == ""
    assert "undefined" not in results_memristor.trajectory_dataset(exact).form_factor.attrs


def test_coupled_dataset_of_a_solution_uses_the_measures_given():
    """A tolerance of 1 counts every Wootters value ≤ 1 as "no entanglement": one death
    interval from t = 0 is not a death (the state was never entangled), so no events."""
    sol = solve_coupled_reference(PAPER_PRESET.system("yy"), PLUS, PLUS, time_grid(4, 30))
    default = results_memristor.coupled_dataset(sol)
    loose = results_memristor.coupled_dataset(sol, coupled_measures(sol, entanglement_tol=1.0))
    assert default.attrs["entanglement_tol"] == 1e-10 and loose.attrs["entanglement_tol"] == 1.0
    assert loose.sizes["death"] == 0 and loose.sizes["birth"] == 0
    assert np.array_equal(default.concurrence.values, loose.concurrence.values)
    assert default.attrs["rtol"] == 1e-10 and default.attrs["method"] == "lindblad"


def test_circuit_entry_points_take_an_execution_or_its_keywords():
    """The keywords are turned into the same Execution: same code, same inputs, same numbers."""
    t = time_grid(1, 8)
    ex = Execution(backend="sampled", shots=300, seed=17)
    a = digital.simulate_circuit(FIG4, PAPER_STATE, t, ex)
    b = digital.simulate_circuit(FIG4, PAPER_STATE, t, backend="sampled", shots=300, seed=17)
    assert np.array_equal(a.V.values, b.V.values) and np.array_equal(a.I_err.values, b.I_err.values)
    with pytest.raises(ParameterError, match="not both"):
        digital.simulate_circuit(FIG4, PAPER_STATE, t, ex, shots=10)
    system = PAPER_PRESET.system("cry")
    c = digital.simulate_coupled(
        system, PLUS, PLUS, t, Execution(backend="sampled", seed=3), bootstrap=5
    )
    d = digital.simulate_coupled(system, PLUS, PLUS, t, backend="sampled", seed=3, bootstrap=5)
    assert np.array_equal(c.counts.values, d.counts.values)
    assert np.array_equal(c.wootters_err.values, d.wootters_err.values)


def test_internal_functions_take_only_an_execution():
    t = time_grid(1, 4)
    with pytest.raises(TypeError):
        digital.run_protocol(FIG4, PAPER_STATE, t, backend="sampled")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        digital.run_coupled_protocol(
            PAPER_PRESET.system("yy"),
            PLUS,
            PLUS,
            t,
            backend="sampled",  # type: ignore[call-arg]
        )
    with pytest.raises(ParameterError, match="execution must be an Execution"):
        digital.run_protocol(FIG4, PAPER_STATE, t, "sampled")  # type: ignore[arg-type]
