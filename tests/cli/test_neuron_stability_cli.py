"""``qmemristor neuron hopf|simulate|continue``: JSON, agreement with the library, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.io import read_netcdf
from qmemristor.neuron import NeuronParams
from qmemristor.neuron.dynamics import simulate
from qmemristor.neuron.stability import equilibrium_diagram, hopf_points
from tests.helpers import assert_one_line_error, run_subprocess

P = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)


def test_hopf_json_is_the_library_result_sorted_by_v_in(cli):
    res = cli(
        "neuron",
        "hopf",
        "--r-m",
        "5",
        "--gamma",
        "0.1",
        "--alpha",
        "1",
        "--z-t",
        "1",
        "--v-in-min",
        "0",
        "--v-in-max",
        "5",
        "--json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert list(data) == ["hopf"]
    pts = data["hopf"]
    assert [sorted(h) for h in pts] == [["V", "criticality", "lyapunov", "omega", "v_in"]] * 2
    assert [h["v_in"] for h in pts] == sorted(h["v_in"] for h in pts)
    ref = hopf_points(P, "v_in", (0.0, 5.0))
    assert [h["v_in"] for h in pts] == [h.value for h in ref]
    assert [h["criticality"] for h in pts] == ["supercritical"] * 2
    assert all(h["lyapunov"] < 0 and 7.0 < h["omega"] < 7.1 for h in pts)


def test_hopf_human_output_and_empty_window(cli):
    res = cli("neuron", "hopf", "--v-in-min", "0.5", "--v-in-max", "3")
    assert res.code == 0 and res.out == "" and "no Hopf point" in res.err
    res = cli("neuron", "hopf", "--v-in-max", "1")
    assert "supercritical" in res.err and "l1 =" in res.err


def test_simulate_json_matches_the_library(cli, tmp_path):
    """Default protocol (stationary) and method (odeint): the same numbers as the library."""
    out = tmp_path / "traj.nc"
    args = ["--r-m", "5", "--v-in", "1.73", "--gamma", "0.1", "--alpha", "1", "--z-t", "1"]
    res = cli("neuron", "simulate", *args, "--out", str(out), "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert {"regime", "span", "frequency", "V_mean", "status", "protocol", "window"} <= set(data)
    sim = simulate(P.replace(v_in=1.73), method="odeint")
    ref = sim.summary
    assert data["regime"] == ref.regime == "oscillation"
    assert data["status"] == ref.status == "ok" and data["protocol"] == "stationary"
    assert data["span"] == ref.span and data["frequency"] == ref.frequency
    assert data["V_mean"] == ref.V_mean
    assert data["window"] == [ref.t_start, ref.t_end]
    ds = read_netcdf(out)
    assert ds.t.size == sim.dataset.t.size and ds.attrs["method"] == "odeint"
    assert ds.attrs["protocol"] == "stationary" and ds.attrs["summary_status"] == "ok"
    np.testing.assert_allclose(ds.attrs["summary_span"], ref.span)


def test_simulate_paper_protocol_keeps_the_fixed_duration(cli, tmp_path):
    out = tmp_path / "traj.nc"
    args = ["--v-in", "1.73", "--protocol", "paper", "--t-end", "200", "--method", "DOP853"]
    res = cli("neuron", "simulate", *args, "--out", str(out), "--json")
    assert res.code == 0, res.err
    data = res.json()
    ref = simulate(P.replace(v_in=1.73), 200.0, protocol="paper").summary
    assert data["span"] == ref.span and data["window"] == [100.0, 200.0]
    assert data["protocol"] == "paper" and data["status"] == "ok"
    assert read_netcdf(out).t.size == 20001


def test_simulate_steady_frequency_is_null(cli):
    res = cli("neuron", "simulate", "--v-in", "0.1", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert data["regime"] == "steady" and data["frequency"] is None
    assert data["span"] < 1e-6 and data["status"] == "ok"


def test_simulate_reports_a_run_that_did_not_settle(cli):
    # V_in = 0.23 grows at σ = 0.0023: with a cap of 600 it cannot settle (the old default)
    res = cli("neuron", "simulate", "--t-end", "600", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert data["status"] == "not_settled" and data["window"][1] == pytest.approx(600.0)
    human = cli("neuron", "simulate", "--t-end", "600")
    assert "NOT settled" in human.err


def test_continue_json_and_netcdf(cli, tmp_path):
    out = tmp_path / "branch.nc"
    res = cli(
        "neuron",
        "continue",
        "--param",
        "v_in",
        "--from",
        "0",
        "--to",
        "5",
        "--out",
        str(out),
        "--json",
    )
    assert res.code == 0, res.err
    data = res.json()
    assert data["param"] == "v_in"
    ref = equilibrium_diagram(P.replace(v_in=0.23), "v_in", (0.0, 5.0))
    (br,) = data["branches"]
    np.testing.assert_allclose(br["v_in"], ref.branches[0].mu)
    np.testing.assert_allclose(br["V"], ref.branches[0].x[:, 3])
    assert [f["v_in"] for f in data["folds"]] == [f.value for f in ref.folds]
    assert [h["v_in"] for h in data["hopf"]] == [h.value for h in ref.hopf]
    ds = read_netcdf(out)
    np.testing.assert_allclose(ds.v_in.values, br["v_in"])
    np.testing.assert_allclose(ds.hopf_v_in.values, [h["v_in"] for h in data["hopf"]])


def test_continue_in_another_parameter_with_reversed_window(cli):
    res = cli(
        "neuron",
        "continue",
        "--param",
        "z_t",
        "--from",
        "1",
        "--to",
        "0",
        "--v-in",
        "1.73",
        "--json",
    )
    assert res.code == 0, res.err
    (h,) = res.json()["hopf"]
    assert math.isclose(h["z_t"], 0.1564058, abs_tol=1e-6)
    assert (
        "Hopf at z_t"
        in cli(
            "neuron", "continue", "--param", "z_t", "--from", "0", "--to", "1", "--v-in", "1.73"
        ).err
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["hopf", "--alpha", "2.5"], "alpha must be in [0, 2]"),
        (["hopf", "--z-t", "-0.2"], "z_t must be in [0, 1]"),
        (["hopf", "--v-in-max", "nan"], "--v-in-max must be finite"),
        (["hopf", "--v-in-min", "2", "--v-in-max", "2"], "must differ"),
        (["simulate", "--t-end", "0"], "t_end must be > 0"),
        (["simulate", "--t-end", "-5"], "t_end must be > 0"),
        (["simulate", "--alpha", "2.5"], "alpha must be in [0, 2]"),
        (["simulate", "--z-t", "-1"], "z_t must be in [0, 1]"),
        (["simulate", "--v-in", "nan"], "v_in must be finite"),
        (
            ["simulate", "--protocol", "paper", "--t-end", "10", "--transient", "20"],
            "transient must be < t_end",
        ),
        (["simulate", "--transient", "5"], "--transient applies to --protocol paper only"),
        (["simulate", "--protocol", "fixed"], "--protocol"),
        (["simulate", "--method", "Euler"], "--method"),
        (["simulate", "--out", "x.csv"], "--out must end in .nc"),
        (
            ["continue", "--param", "resistance", "--from", "0", "--to", "1"],
            "choose one of: v_in, r_m, gamma, alpha, z_t, omega, x0",
        ),
        (["continue", "--from", "1", "--to", "1"], "--from and --to must differ"),
        (["continue", "--from", "0", "--to", "inf"], "--to must be finite"),
        (["continue", "--param", "z_t", "--from", "0", "--to", "2"], "z_t must be in [0, 1]"),
        (["continue", "--param", "gamma", "--from", "-1", "--to", "1"], "gamma must be ≥ 0"),
        (["continue", "--from", "0"], "--to"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(cli, args, fragment):
    assert_one_line_error(cli("neuron", *args), fragment)


def test_bad_input_through_the_real_entry_point():
    res = run_subprocess("neuron", "continue", "--param", "Rm", "--from", "0", "--to", "1")
    assert_one_line_error(res, "unknown parameter 'Rm'; choose one of: v_in, r_m")


@pytest.mark.parametrize("cmd", ["hopf", "simulate", "continue"])
def test_help(cli, cmd):
    res = cli("neuron", cmd, "--help")
    assert res.code == 0 and "Usage" in res.out
