"""``qmemristor neuron orbits``: JSON layout, netCDF output, messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qmemristor.io import read_netcdf

ARGS = ("neuron", "orbits", "--r-m", "5", "--gamma", "0.1", "--alpha", "1", "--z-t", "1")
WINDOW = ("--v-in-min", "0", "--v-in-max", "1")


@pytest.fixture(scope="module")
def window_json():
    import contextlib
    import io

    from qmemristor.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit) as exc:
        main([*ARGS, *WINDOW, "--json"])
    assert exc.value.code == 0
    return buf.getvalue()


def test_json_layout(window_json):
    out = json.loads(window_json)
    assert set(out) >= {"orbits", "special", "hopf", "families"}
    assert len(out["hopf"]) == 1 and out["hopf"][0]["v_in"] == pytest.approx(0.2253845421, abs=1e-9)
    (fam,) = out["families"]
    assert fam["ends"] == ["hopf", "bound"] and fam["points"] == len(out["orbits"])
    keys = {"family", "v_in", "period", "span", "v_min", "v_max", "stable", "multipliers"}
    for o in out["orbits"]:
        assert set(o) == keys and o["family"] == 0
        assert 0.0 <= o["v_in"] <= 1.0
        assert o["span"] == pytest.approx(o["v_max"] - o["v_min"], abs=1e-15)
        assert len(o["multipliers"]) == 4 and all(len(z) == 2 for z in o["multipliers"])
        assert o["multipliers"][0][0] == pytest.approx(1.0, abs=1e-8)
    assert out["special"] == []


def test_same_command_twice_gives_the_same_json(cli, window_json):
    """Same code, same inputs: bit-identical output."""
    res = cli(*ARGS, *WINDOW, "--json")
    assert res.code == 0 and res.out == window_json


def test_netcdf_output_and_human_summary(cli, tmp_path):
    path = tmp_path / "orbits.nc"
    res = cli(*ARGS, *WINDOW, "--out", str(path))
    assert res.code == 0 and res.out == ""
    assert "family 0 from the Hopf point at V_in = 0.2253845421" in res.err
    assert f"wrote {path}" in res.err
    ds = read_netcdf(path)
    assert ds.sizes["multiplier"] == 4 and ds.sizes["point"] > 20
    assert np.allclose(ds.span, ds.v_max - ds.v_min)
    assert ds.attrs["r_m"] == 5.0 and "qmemristor_version" in ds.attrs
    assert list(ds.hopf_criticality.values) == ["supercritical"]


def test_window_without_hopf_points(cli):
    res = cli(*ARGS, "--v-in-min", "4", "--v-in-max", "6", "--json")
    assert res.code == 0
    assert json.loads(res.out) == {"orbits": [], "special": [], "hopf": [], "families": []}
    res = cli(*ARGS, "--v-in-min", "4", "--v-in-max", "6")
    assert "no Hopf point" in res.err
