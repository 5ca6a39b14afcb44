"""``qmemristor neuron coupled``: one pair (JSON, netCDF), a small tongue, help."""

from __future__ import annotations

import json

import xarray as xr

FAST = ["--transient", "300", "--window", "80"]


def test_help(cli):
    res = cli("neuron", "coupled", "--help")
    assert res.code == 0 and "--g-c" in res.out and "--tongue" in res.out


def test_locked_pair_json_and_netcdf(cli, tmp_path):
    out = tmp_path / "pair.nc"
    res = cli("neuron", "coupled", "--g-c", "2", "--detuning", "0.01", *FAST, "--json",
              "--out", str(out))  # fmt: skip
    assert res.code == 0, res.err
    rec = json.loads(res.out)
    # inside the tongue (its edge is at ±0.03 for g_c = 2): one frequency, neuron 2 leads
    assert rec["state"] in ("in-phase", "locked")
    assert abs(rec["ratio"] - 1.0) < 1e-5
    assert rec["phase"] > 0 and rec["status"] == 0
    ds = xr.open_dataset(out)
    assert set(ds.data_vars) == {"V_1", "V_2"}
    assert ds.attrs["g_c"] == 2.0 and ds.attrs["omega_2"] == 7.01
    assert ds.attrs["qmemristor_version"]
    ds.close()


def test_small_tongue(cli):
    res = cli("neuron", "coupled", "--tongue", "--n-detuning", "3", "--n-g-c", "2",
              "--detuning-max", "0.05", "--g-c-max", "0.5", *FAST, "--json")  # fmt: skip
    assert res.code == 0, res.err
    rec = json.loads(res.out)
    assert [r["g_c"] for r in rec["rows"]] == [0.0, 0.5]
    # ±0.05 is far outside the tongue at g_c ≤ 0.5 (edge ±0.006): those points slip
    for r in rec["rows"]:
        assert r["states"][0] == "unlocked" and r["states"][2] == "unlocked"
    assert rec["failed"] == 0
