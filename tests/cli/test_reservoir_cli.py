"""``qmemristor reservoir benchmark`` and ``table``."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.io import read_netcdf
from tests.helpers import assert_one_line_error


def test_benchmark_json_has_the_scores_and_both_baselines(cli, tmp_path):
    out = tmp_path / "b.nc"
    res = cli("reservoir", "benchmark", "--task", "quartic", "--quick", "--shots", "1000",
              "--json", "--out", str(out))  # fmt: skip
    assert res.code == 0, res.err
    d = res.json()
    assert d["task"] == "quartic" and d["reservoir"] == "memristor" and d["shots"] == 1000
    assert d["features"] == 32 and 0 < d["nmse_test"] < 2 and 0 < d["nmse_train"] < 2
    for name in ("esn", "linear"):
        b = d["baselines"][name]
        assert b["features"] == 32 and b["shots"] is None and 0 < b["nmse_test"] < 2
    assert d["cost"]["total_shots"] == 1000 * d["cost"]["circuits"]
    assert d["split"] == {"washout": 100, "train": 400, "test": 200}
    ds = read_netcdf(out)
    assert list(ds.reservoir.values) == ["memristor", "esn (baseline)", "linear (baseline)"]
    assert (
        float(ds.nmse_test.sel(task="quartic", reservoir="memristor", shots=1000))
        == (d["nmse_test"])
    )
    assert ds.attrs["seed"] == 0 and "qmemristor_version" in ds.attrs


def test_benchmark_memory_capacity_reports_capacity(cli):
    res = cli("reservoir", "benchmark", "--task", "memory-capacity", "--reservoir", "linear",
              "--nodes", "6", "--quick", "--json")  # fmt: skip
    assert res.code == 0, res.err
    d = res.json()
    assert d["nmse_test"] is None and d["features"] == 6
    assert d["capacity"] == pytest.approx(5, abs=0.3)  # 6 taps: delays 1 … 5
    assert math.isclose(d["baselines"]["linear"]["capacity"], d["capacity"])


def test_benchmark_text_output(cli):
    res = cli("reservoir", "benchmark", "--task", "narma10", "--reservoir", "esn", "--quick")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].startswith("narma10") and "esn (baseline)" in res.out
    assert "NMSE train" in lines[1]


def test_network_benchmark_json_and_netcdf(cli, tmp_path):
    res = cli("reservoir", "benchmark", "--task", "quartic", "--reservoir", "network", "--quick",
              "--nodes", "3", "--topology", "chain", "--shots", "1000", "--json",
              "--out", str(tmp_path / "n.nc"))  # fmt: skip
    assert res.code == 0, res.err
    d = res.json()
    # 2 reads × (3 nodes × 3 Paulis + 2 edges × 3 same-axis correlators)
    assert d["reservoir"] == "network" and d["features"] == 2 * (9 + 6)
    assert d["baselines"]["esn"]["features"] == d["features"]
    assert d["reservoir_parameters"]["edges"] == "0-1,1-2"
    # 3 settings (x, y, z on every node) × 2 reads × 600 rows after the washout
    assert d["cost"]["circuits"] == 3 * 2 * 600
    ds = read_netcdf(tmp_path / "n.nc")
    assert "network" in ds.reservoir.values


def test_bad_network_options_write_nothing(cli, tmp_path):
    for args, message in (
        (("--nodes", "1"), "nodes must be an integer ≥ 2 (got 1)"),
        (("--topology", "moebius"), "unknown topology 'moebius'"),
    ):
        res = cli("reservoir", "benchmark", "--task", "narma10", "--reservoir", "network", *args,
                  "--out", str(tmp_path / "n.nc"))  # fmt: skip
        assert_one_line_error(res, message)
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_table_quick_writes_netcdf_and_markdown(cli, tmp_path):
    res = cli("reservoir", "table", "--quick", "--out", str(tmp_path / "t"))
    assert res.code == 0, res.err
    ds = read_netcdf(tmp_path / "t" / "reservoir_table.nc")
    assert set(ds.task.values) == {"narma10", "mackey-glass", "memory-capacity", "quartic",
                                   "santafe"}  # fmt: skip
    assert list(ds.reservoir.values) == ["memristor", "network", "neuron", "esn", "linear"]
    assert list(ds.shots.values) == [0, 100_000, 10_000, 1_000, 100]
    # quick sizes: the network (3 nodes, ring) reads 2 × (9 + 9) features, the others 32
    assert int(ds.features.sel(task="narma10", reservoir="network")) == 36
    assert int(ds.features.sel(task="narma10", reservoir="esn")) == 32
    assert np.isfinite(ds.esn_same_features.sel(task="narma10", reservoir="network"))
    md = (tmp_path / "t" / "reservoir_table.md").read_text()
    assert md == res.out and md.count("\n") == 2 + 5 * 5
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "reservoir_table.md", "reservoir_table.nc"
    ]  # fmt: skip
