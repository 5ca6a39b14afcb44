"""``memristor simulate --method circuit`` and ``memristor circuit`` through the CLI."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qmemristor.io import read_netcdf
from qmemristor.memristor import exact_solution, time_grid
from tests.helpers import FIG4, PAPER_STATE, assert_one_line_error, run_subprocess

FIG4_ARGS = ["--gamma0", "0.4", "--a", str(math.pi / 4), "--b", str(math.pi / 5)]


def test_circuit_json_adds_error_fields_and_is_seeded(cli):
    args = ["memristor", "simulate", *FIG4_ARGS, "--method", "circuit", "--periods", "2"]
    res = cli(*args, "--seed", "7", "--json")
    assert res.code == 0, res.err
    data = res.json()
    assert set(data) == {
        "t",
        "sigma_x",
        "sigma_y",
        "V",
        "I",
        "gamma",
        "form_factor",
        "sigma_x_err",
        "sigma_y_err",
        "V_err",
        "I_err",
    }
    assert data == cli(*args, "--seed", "7", "--json").json()  # bit-identical for a seed
    assert data != cli(*args, "--seed", "8", "--json").json()
    ref = exact_solution(FIG4, PAPER_STATE, time_grid(2, 30))
    sy, err = np.array(data["sigma_y"]), np.array(data["sigma_y_err"])
    assert np.all(np.abs(sy - ref.sigma_y) < 5 * err + 1e-15)  # default: sampled, 5000 shots
    assert 0.012 < np.median(err) < 0.0142  # sqrt((1 − σ²)/5000) ≤ 0.01414


def test_density_backend_is_exact_and_writes_netcdf(cli, tmp_path):
    out = tmp_path / "digital.nc"
    res = cli(
        "memristor",
        "simulate",
        *FIG4_ARGS,
        "--method",
        "circuit",
        "--backend",
        "density",
        "--layout",
        "reset",
        "--periods",
        "2",
        "--out",
        str(out),
    )
    assert res.code == 0, res.err
    assert "backend density, layout reset" in res.err
    ds = read_netcdf(out)
    assert ds.attrs["backend"] == "density" and ds.attrs["layout"] == "reset"
    ref = exact_solution(FIG4, PAPER_STATE, ds.t)
    np.testing.assert_allclose(ds.sigma_x, ref.sigma_x, atol=1e-12)


def test_aer_backend_through_the_cli(cli):
    res = cli(
        "memristor",
        "simulate",
        *FIG4_ARGS,
        "--method",
        "circuit",
        "--backend",
        "aer",
        "--layout",
        "reset",
        "--periods",
        "1",
        "--points-per-period",
        "8",
        "--shots",
        "2000",
        "--seed",
        "3",
        "--json",
    )
    assert res.code == 0, res.err
    err = np.array(res.json()["sigma_x_err"])
    assert 0.015 < err.max() <= math.sqrt(1 / 2000) + 1e-12


@pytest.mark.slow
def test_fake_backend_defaults_to_the_reset_layout(cli, tmp_path):
    out = tmp_path / "fake.nc"
    res = cli(
        "memristor",
        "simulate",
        "--method",
        "circuit",
        "--backend",
        "fake:manila",
        "--periods",
        "1",
        "--points-per-period",
        "5",
        "--shots",
        "500",
        "--seed",
        "1",
        "--out",
        str(out),
    )
    assert res.code == 0, res.err
    ds = read_netcdf(out)
    assert ds.attrs["layout"] == "reset" and ds.attrs["backend"] == "fake:fake_manila"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--backend", "aer"], "--backend only apply to --method circuit"),
        (["--layout", "reset", "--shots", "10"], "--layout and --shots only apply to --method"),
        (["--method", "circuit", "--backend", "qpu"], "unknown backend 'qpu'; choose one of"),
        (["--method", "circuit", "--layout", "ring"], "unknown layout 'ring'; choose one of"),
        (["--method", "circuit", "--shots", "0"], "shots must be a positive integer"),
        (["--method", "circuit", "--shots", "-3"], "shots must be a positive integer"),
        (["--method", "circuit", "--seed", "-1"], "seed must be a non-negative integer"),
        (["--method", "circuit", "--backend", "fake:atlantis"], "unknown fake device 'atlantis'"),
        (["--method", "quantum"], "--method"),
    ],
)
def test_bad_circuit_input_gets_one_line(cli, args, fragment):
    assert_one_line_error(cli("memristor", "simulate", "--periods", "1", *args), fragment)


def test_bad_backend_through_the_real_entry_point():
    res = run_subprocess("memristor", "simulate", "--method", "circuit", "--backend", "gpu")
    assert_one_line_error(res, "unknown backend 'gpu'", "fake:NAME")


def test_circuit_command_draws_and_exports(cli, tmp_path):
    res = cli("memristor", "circuit", "--steps", "3")
    assert res.code == 0, res.err
    assert "anc_2" in res.out and "4 qubits" in res.err
    res = cli("memristor", "circuit", "--steps", "3", "--layout", "reset", "--qasm")
    assert res.out.startswith("OPENQASM 3.0;") and res.out.count("reset anc[0];") == 2
    out = tmp_path / "c.qasm"
    res = cli(
        "memristor",
        "circuit",
        "--steps",
        "5",
        "--bloch",
        "0.1,0.2,0.3",
        "--json",
        "--out",
        str(out),
    )
    data = res.json()
    assert data["num_qubits"] == 7 and data["count_cry"] == 5  # sys + 5 ancillas + purifier
    assert out.read_text() == data["qasm3"]
    assert data["t"] == pytest.approx(5 * 2 * math.pi / 30)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--steps", "-1"], "steps must be an integer ≥ 0"),
        (["--layout", "ring"], "unknown layout"),
        (["--observable", "w"], "--observable"),
        (["--out", "c.txt"], "--out must end in .qasm"),
        (["--points-per-period", "2"], "points-per-period must be"),
    ],
)
def test_circuit_command_bad_input(cli, args, fragment):
    assert_one_line_error(cli("memristor", "circuit", *args), fragment)


@pytest.mark.parametrize("cmd", [["memristor", "circuit"]])
def test_circuit_help(cli, cmd):
    res = cli(*cmd, "--help")
    assert res.code == 0 and "--qasm" in res.out


@pytest.mark.parametrize("layout", ["paper", "reset"])
@pytest.mark.parametrize("bloch", [None, "0.1,0.2,0.3"])
def test_circuit_size_is_known_before_building(layout, bloch):
    """The sizes the refusal uses (read off 2 and 3 steps) are those of the built circuit."""
    from qmemristor.cli.memristor import Drive, _circuit_size, build_params, build_state
    from qmemristor.digital import build_protocol, circuit_stats, get_layout, protocol_circuit

    params = build_params(0.4, 1.0, Drive.paper)
    state = build_state(None, None, bloch, "circuit")
    lay = get_layout(layout)
    for barriers in (True, False):
        size = _circuit_size(params, state, lay, "y", barriers)
        for steps in (4, 17, 40):
            protocol = build_protocol(params, state, np.arange(steps + 1) * (params.period / 30))
            stats = circuit_stats(protocol_circuit(protocol, steps, "y", lay, barriers=barriers))
            assert size(steps) == (stats["num_qubits"], stats["depth"], stats["size"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--steps", "1000000", "--layout", "paper"], "2,000,006 operations in the paper layout"),
        (["--steps", "10000000"], "use --steps ≤ 9997"),
        (["--steps", "10000000", "--layout", "reset", "--json"], "use --steps ≤ 6665"),
        (["--steps", "1000"], "text drawing of 1001 qubits and depth 2006"),
        (["--steps", "2000", "--layout", "reset"], "use --qasm or --json, or --steps ≤ 1109"),
    ],
)
def test_circuits_too_large_are_refused_before_building(cli, tmp_path, monkeypatch, args, fragment):
    """Issue 19: `memristor circuit --steps 1000000 --layout paper` hung; now one line, exit 2,
    nothing built (no protocol beyond the 4 probe times) and nothing written."""
    import qmemristor.digital as digital

    longest = []
    real = digital.build_protocol

    def recording(params, state, t):
        longest.append(len(t))
        return real(params, state, t)

    monkeypatch.setattr(digital, "build_protocol", recording)
    out = tmp_path / "c.qasm"
    assert_one_line_error(cli("memristor", "circuit", *args, "--out", str(out)), fragment)
    assert max(longest, default=0) <= 4 and not out.exists()


def test_the_suggested_number_of_steps_is_accepted(cli, monkeypatch):
    """The bound the refusal names is the largest accepted (limits lowered to keep it fast)."""
    monkeypatch.setattr("qmemristor.cli.memristor.MAX_CIRCUIT_OPERATIONS", 101)
    res = cli("memristor", "circuit", "--steps", "1000", "--json")
    assert_one_line_error(res, "use --steps ≤ 47")  # 2·steps + 6 operations ≤ 101
    assert cli("memristor", "circuit", "--steps", "47", "--json").json()["size"] == 100
    assert cli("memristor", "circuit", "--steps", "48", "--json").code == 2
    monkeypatch.setattr("qmemristor.cli.memristor.MAX_DRAWING_COST", 500)
    res = cli("memristor", "circuit", "--steps", "40")
    most = int(res.err.rsplit("≤ ", 1)[1])  # depth (2s + 6) × (qubits (s + 1) + 7) ≤ 500
    assert most == 10 and (2 * most + 6) * (most + 8) <= 500 < (2 * most + 8) * (most + 9)
    assert cli("memristor", "circuit", "--steps", str(most)).code == 0
    assert cli("memristor", "circuit", "--steps", str(most + 1)).code == 2
