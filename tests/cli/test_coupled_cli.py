"""``qmemristor memristor coupled`` through the CLI."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.digital import simulate_coupled
from qmemristor.io import read_netcdf
from qmemristor.memristor import (
    DEFAULT_DELTA,
    LIBRARY_PRESET,
    PAPER_PRESET,
    CoupledMemristors,
    Coupling,
    InitialState,
    MemristorParams,
    time_grid,
)
from tests.helpers import assert_one_line_error, run_subprocess

KEYS = {
    "t",
    "concurrence",
    "V1",
    "I1",
    "V2",
    "I2",
    "form_factor_1",
    "form_factor_2",
    "pinched_1",
    "pinched_2",
    "sudden_death",
    "sudden_birth",
}


def test_json_defaults_reproduce_the_papers_set_up(cli):
    """Defaults: σy⊗σy with the paper preset (lab frame, δ = 0.0126), γ0 = 0.02 for both, both
    in (|e⟩+|g⟩)/√2, 20 periods of 30 points, exact density backend — the same numbers as the
    Python API (same code, same inputs)."""
    res = cli("memristor", "coupled", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert set(data) == KEYS
    plus = InitialState.from_angles(math.pi / 4, 0.0)
    system = CoupledMemristors(
        MemristorParams(gamma0=0.02),
        MemristorParams(gamma0=0.02),
        Coupling("yy", PAPER_PRESET.delta),
        PAPER_PRESET.frame,
    )
    ds = simulate_coupled(system, plus, plus, time_grid(20, 30))
    np.testing.assert_array_equal(data["t"], ds.t.values)
    np.testing.assert_allclose(data["I2"], ds.I.sel(memristor=2).values, rtol=1e-15)
    np.testing.assert_allclose(data["concurrence"], ds.concurrence.values, rtol=1e-15)
    assert data["pinched_1"] == ds.pinched.sel(memristor=1).values.astype(bool).tolist()
    assert len(data["form_factor_1"]) == 20 and all(isinstance(p, bool) for p in data["pinched_2"])
    np.testing.assert_allclose(data["sudden_death"], ds.sudden_death_start.values)
    np.testing.assert_allclose(data["sudden_birth"], ds.sudden_birth.values)
    assert len(data["sudden_death"]) >= 2 and len(data["sudden_birth"]) >= 2


def test_options_reach_the_simulation_and_netcdf_is_written(cli, tmp_path):
    out = tmp_path / "cry.nc"
    res = cli(
        "memristor",
        "coupled",
        "--interaction",
        "CRY",
        "--delta",
        "0.05",
        "--gamma0",
        "0.03",
        "--gamma0-2",
        "0.01",
        "--state1",
        "angles:0.3,1.0",
        "--state2",
        "bloch:0.2,0.1,-0.5",
        "--periods",
        "3",
        "--points-per-period",
        "24",
        "--frame",
        "lab",
        "--out",
        str(out),
    )
    assert res.code == 0, res.err
    assert "cry coupling, δ = 0.05" in res.err and "sudden death" in res.err
    ds = read_netcdf(out)
    assert ds.attrs["interaction"] == "cry" and ds.attrs["delta"] == 0.05
    assert ds.attrs["gamma0_1"] == 0.03 and ds.attrs["gamma0_2"] == 0.01
    assert ds.attrs["frame"] == "lab" and ds.sizes["t"] == 73
    np.testing.assert_allclose(ds.attrs["initial_bloch_2"], [0.2, 0.1, -0.5])
    np.testing.assert_allclose(
        ds.attrs["initial_bloch_1"], InitialState.from_angles(0.3, 1.0).bloch
    )


def test_presets_and_their_overrides(cli, tmp_path):
    """--preset library is the library defaults (interaction frame, δ = DEFAULT_DELTA);
    --frame and --delta override a preset's values one at a time."""
    args = ["memristor", "coupled", "--periods", "2"]
    lib = cli(*args, "--preset", "library", "--json").json()
    explicit = cli(*args, "--frame", "interaction", "--delta", str(DEFAULT_DELTA), "--json")
    assert lib == explicit.json()
    assert (LIBRARY_PRESET.frame, LIBRARY_PRESET.delta) == ("interaction", DEFAULT_DELTA)
    out = tmp_path / "p.nc"
    res = cli(*args, "--frame", "interaction", "--out", str(out))
    assert res.code == 0, res.err
    assert "preset paper (--frame overridden); yy coupling, δ = 0.0126" in res.err
    ds = read_netcdf(out)
    assert ds.attrs["preset"] == "paper" and ds.attrs["frame"] == "interaction"
    assert ds.attrs["delta"] == PAPER_PRESET.delta


def test_sampled_backend_adds_errors_and_is_seeded(cli):
    args = ["memristor", "coupled", "--periods", "1", "--points-per-period", "12"]
    res = cli(*args, "--backend", "sampled", "--seed", "3", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert KEYS | {"V1_err", "I1_err", "V2_err", "I2_err", "concurrence_err"} == set(data)
    assert data == cli(*args, "--backend", "sampled", "--seed", "3", "--json").json()
    assert all(e > 0 for e in data["V1_err"][1:])


def test_aer_backend_through_the_cli(cli):
    res = cli(
        "memristor",
        "coupled",
        "--periods",
        "1",
        "--points-per-period",
        "4",
        "--backend",
        "aer",
        "--layout",
        "reset",
        "--seed",
        "1",
    )
    assert res.code == 0, res.err
    assert "backend aer, layout reset, shots 5000" in res.err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ["--interaction", "iswap"],
            "unknown interaction 'iswap'; choose one of: xx, yy, zz, crx, cry, crz, pswap, xy",
        ),
        (["--state1", "up"], "--state1 must be one of plus, minus, plus-i, minus-i, e, g"),
        (["--state2", "bloch:1,1,1"], "|r| ≤ 1"),
        (["--state2", "angles:3,0"], "a must be in [0, π/2]"),
        (["--frame", "rotating"], "unknown frame 'rotating'"),
        (["--backend", "gpu"], "unknown backend 'gpu'"),
        (["--gamma0", "-1"], "gamma0 must be ≥ 0"),
        (["--delta", "nan"], "delta must be finite"),
        (["--preset", "nope"], "unknown preset 'nope'; choose one of: paper, library"),
        (["--periods", "0"], "periods must be a positive integer"),
        (["--points-per-period", "3"], "points-per-period must be an integer ≥ 4"),
        (["--out", "x.txt"], "--out must end in .nc"),
        (["--layout", "ring"], "unknown layout 'ring'"),
    ],
)
def test_bad_input_gets_one_line(cli, args, fragment):
    assert_one_line_error(cli("memristor", "coupled", *args), fragment)


def test_unknown_interaction_through_the_real_entry_point():
    res = run_subprocess("memristor", "coupled", "--interaction", "swap")
    assert_one_line_error(res, "unknown interaction 'swap'; choose one of:", "pswap, xy")


def test_help_documents_the_state_syntax(cli):
    res = cli("memristor", "coupled", "--help")
    assert res.code == 0
    words = ("angles:A,B", "bloch:X,Y,Z", "plus", "--interaction", "--gamma0-2", "--frame")
    for word in (*words, "--preset", "library"):
        assert word in res.out
