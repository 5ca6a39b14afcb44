"""The neuron's results: physics returns arrays and frozen objects; results.neuron labels them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qmemristor import __version__
from qmemristor.neuron import NeuronParams, fold_points, follow_ramp, ramp_values
from qmemristor.neuron.dynamics import coexistence_intervals, simulate, sweep_runs
from qmemristor.results.neuron import ramp_dataset, simulation_dataset, sweep_dataset

P = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)


def test_a_simulation_is_arrays_and_its_dataset_labels_the_same_arrays():
    sim = simulate(P.replace(v_in=0.1), 50.0, protocol="paper", method="odeint")
    assert sim.states.shape == (sim.t.size, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sim.t = sim.t  # type: ignore[misc]
    with pytest.raises(TypeError):
        sim.settings["method"] = "RK45"  # type: ignore[index]
    ds = simulation_dataset(sim)
    # labelling copies nothing it computes: the same numbers, bit for bit (same array)
    for j, name in enumerate(("X", "Y", "Z", "V")):
        assert np.array_equal(ds[name].values, sim.states[:, j])
    assert np.array_equal(ds.t.values, sim.t)
    a = ds.attrs
    assert a["v_in"] == 0.1 and a["method"] == "odeint" and a["protocol"] == "paper"
    assert a["summary_regime"] == sim.summary.regime
    assert a["qmemristor_version"] == __version__


def test_a_ramp_is_arrays_and_its_dataset_carries_the_folds():
    p = P.replace(r_m=8.0)
    ramp = follow_ramp(p, ramp_values(0.0, 7.0, 41))
    folds = fold_points(p)
    ds = ramp_dataset(ramp)
    assert ds.step.size == ramp.v_in.size == 81
    assert np.array_equal(ds.jump.values, ramp.jump)
    # the folds are those of the model (same function, same inputs)
    assert ds.folds_v_in.values.tolist() == [f.v_in for f in folds]
    # bistable at R_m = 8 (two folds): the way up ends its lower branch at a fold and jumps
    assert len(folds) == 2
    up = ramp.direction > 0
    assert np.any(ramp.jump & up)


def test_sweep_runs_and_their_dataset_agree_on_coexistence():
    # a cheap, short sweep over two inputs in both directions
    runs = sweep_runs(P, "v_in", [0.05, 0.1], 200.0, protocol="paper", method="odeint")
    assert runs.regime.shape == runs.status.shape == (2, 2)
    ds = sweep_dataset(runs)
    assert ds.attrs["swept"] == "v_in" and ds.attrs["method"] == "odeint"
    assert coexistence_intervals(runs) == coexistence_intervals(ds)
    assert np.array_equal(ds.span.values, runs.stats["span"])
