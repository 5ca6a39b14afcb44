"""Benchmark protocol: memory capacity closed form, memoryless control, seeds, shot noise."""

from __future__ import annotations

import numpy as np
import pytest

from qmemristor.errors import ParameterError
from qmemristor.reservoir import LinearWindow, MemristorReservoir, sample_features, shot_cost
from qmemristor.reservoir.benchmark import (
    BenchmarkConfig,
    run_benchmark,
    run_table,
    score_features,
)
from qmemristor.reservoir.tasks import Split, make_task

SPLIT = Split(washout=100, n_train=1000, n_test=1000)


def test_memory_capacity_of_a_delay_line_is_its_number_of_delays():
    task = make_task("memory-capacity", SPLIT, seed=3, max_delay=40)
    for delays in (5, 12):
        feats = LinearWindow(window=delays + 1).transform(task.scaled_input())
        sc = score_features(task, feats.values)
        # delays 1 … m are copied exactly (r² = 1); each delay beyond adds r² ≈ χ²₁/n_test
        # of a fit to noise, ≈ (40 − m)/1000 ≤ 0.035 in all
        assert sc.capacity == pytest.approx(delays, abs=0.1)
        np.testing.assert_allclose(sc.capacity_per_delay[:delays], 1.0, atol=1e-6)


def test_memoryless_memristor_is_no_better_than_the_linear_window_on_narma10():
    task = make_task("narma10", SPLIT, seed=7)
    u = task.scaled_input()
    reset = MemristorReservoir(nodes=4, virtual_nodes=2, reset=True).transform(u)
    window = LinearWindow(window=reset.count).transform(u)
    nm_reset = score_features(task, reset.values).nmse_test
    nm_window = score_features(task, window.values).nmse_test
    assert nm_reset >= nm_window, (nm_reset, nm_window)


def test_seeded_runs_are_bit_identical():
    cfg = BenchmarkConfig.quick(seed=12)
    a = run_benchmark("narma10", "memristor", shots=300, config=cfg).as_dict()
    b = run_benchmark("narma10", "memristor", shots=300, config=cfg).as_dict()
    assert a == b  # same code, same inputs, same seed
    c = run_benchmark("narma10", "memristor", shots=300, config=BenchmarkConfig.quick(13))
    assert c.as_dict()["nmse_test"] != a["nmse_test"]


def test_finite_shot_features_converge_as_one_over_sqrt_shots():
    feats = MemristorReservoir(nodes=3, virtual_nodes=2).transform(
        np.random.default_rng(0).uniform(-1, 1, 400)
    )
    shots = np.array([100, 1000, 10_000, 100_000])
    rng = np.random.default_rng(1)
    err = [np.sqrt(((sample_features(feats, int(s), rng) - feats.values) ** 2).mean())
           for s in shots]  # fmt: skip
    slope = np.polyfit(np.log(shots), np.log(err), 1)[0]
    # 9600 noisy entries per budget: the RMS is known to ≈ 1 %, the slope to ≈ 0.005
    assert slope == pytest.approx(-0.5, abs=0.02)


def test_shot_cost_counts_reruns_of_the_history():
    feats = MemristorReservoir(nodes=2, virtual_nodes=2).transform(np.zeros(5))
    cost = shot_cost(feats, 100, n_samples=5, first_read=2)
    assert cost.reads == 6 and cost.circuits == 18 and cost.total_shots == 1800
    # reads after 2.5, 3, 3.5, 4, 4.5, 5 holds, 3 settings, 100 shots each
    assert cost.hold_executions == 100 * 3 * (2.5 + 3 + 3.5 + 4 + 4.5 + 5)


def test_bad_benchmark_requests():
    with pytest.raises(ParameterError, match="at most 8 nodes"):
        run_benchmark("narma10", "network", config=BenchmarkConfig(network_nodes=9))
    with pytest.raises(ParameterError, match="quantum reservoirs only"):
        run_benchmark("narma10", "esn", shots=100, config=BenchmarkConfig.quick())
    with pytest.raises(ParameterError, match="unknown reservoir 'foo'"):
        run_benchmark("narma10", "foo")
    with pytest.raises(ParameterError, match="features is too many"):
        BenchmarkConfig(nodes=500, virtual_nodes=4)


@pytest.mark.slow
def test_quick_table_dataset_and_markdown():
    from qmemristor.results.reservoir import table_dataset, table_markdown

    cfg = BenchmarkConfig.quick()
    tab = run_table(cfg, tasks=("quartic", "memory-capacity"), budgets=(None, 1000))
    ds = table_dataset(tab)
    assert ds.nmse_test.dims == ("task", "reservoir", "shots")
    assert list(ds.shots.values) == [0, 1000]
    assert np.isnan(float(ds.nmse_test.sel(task="quartic", reservoir="esn", shots=1000)))
    assert float(ds.capacity.sel(task="memory-capacity", reservoir="linear", shots=0)) == (
        pytest.approx(31, abs=0.3)  # 32 taps: delays 1 … 31
    )
    assert float(ds.total_shots.sel(task="quartic", reservoir="memristor", shots=1000)) > 0
    md = table_markdown(ds)
    assert md.count("\n") == 2 + 2 * 5 and "| quartic | memristor | 32 |" in md
    # the network reads its own number of features; its baselines are run with as many
    f_net = int(ds.features.sel(task="quartic", reservoir="network"))
    assert (
        f_net == 2 * (3 * 3 + 3 * 3)
        and tab.matched[("quartic", "network")]["esn"].features == f_net
    )
    assert tab.matched[("quartic", "memristor")]["esn"] == tab.scores[("quartic", "esn", None)]
