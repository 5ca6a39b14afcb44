"""``qmemristor reservoir benchmark`` and ``table``."""

from __future__ import annotations

import math

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


def test_network_reservoir_is_not_available_yet(cli, tmp_path):
    res = cli("reservoir", "benchmark", "--task", "narma10", "--reservoir", "network",
              "--out", str(tmp_path / "n.nc"))  # fmt: skip
    assert_one_line_error(res, "network reservoir is not available yet")
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_table_quick_writes_netcdf_and_markdown(cli, tmp_path):
    res = cli("reservoir", "table", "--quick", "--out", str(tmp_path / "t"))
    assert res.code == 0, res.err
    ds = read_netcdf(tmp_path / "t" / "reservoir_table.nc")
    assert set(ds.task.values) == {"narma10", "mackey-glass", "memory-capacity", "quartic",
                                   "santafe"}  # fmt: skip
    assert list(ds.reservoir.values) == ["memristor", "neuron", "esn", "linear"]
    assert list(ds.shots.values) == [0, 100_000, 10_000, 1_000, 100]
    md = (tmp_path / "t" / "reservoir_table.md").read_text()
    assert md == res.out and md.count("\n") == 2 + 5 * 4
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "reservoir_table.md", "reservoir_table.nc"
    ]  # fmt: skip
