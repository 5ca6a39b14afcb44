"""``--mitigate`` of ``memristor simulate`` and ``memristor coupled``."""

from __future__ import annotations

import pytest

SIM = ["memristor", "simulate", "--method", "circuit", "--periods", "1"]


def test_simulate_json_reports_the_mitigation_and_is_seeded(cli):
    args = [*SIM, "--points-per-period", "8", "--backend", "sampled", "--seed", "3", "--json"]
    res = cli(*args, "--mitigate", "readout+zne")
    assert res.code == 0, res.err
    data = res.json()
    rec = data["mitigation"]
    n = 2 * 9  # σx and σy circuits at 9 time points
    assert rec["strategies"] == "readout+zne" and rec["scale_factors"] == [1.0, 3.0]
    assert rec["circuits"] == 2 * n and rec["calibration_circuits"] == 2
    assert rec["total_shots"] == (2 * n + 2) * 5000
    assert data == cli(*args, "--mitigate", "readout+zne").json()  # same seed, same numbers
    assert "mitigation" not in cli(*args).json()  # unchanged output without --mitigate


@pytest.mark.slow
def test_simulate_on_a_fake_device_prints_what_mitigation_spent(cli):
    res = cli(
        *SIM,
        "--points-per-period",
        "4",
        "--backend",
        "fake:manila",
        "--seed",
        "1",
        "--shots",
        "1000",
        "--mitigate",
        "readout,dd",
    )
    assert res.code == 0, res.err
    # 10 circuits of 1000 shots, plus 2 calibration circuits unless another run in this
    # process has calibrated the same qubits with the same shots and seed (cached)
    assert any(
        f"mitigation readout+dd: {n} circuits, {n * 1000} shots in all" in res.err for n in (10, 12)
    )


def test_coupled_json_reports_the_mitigation(cli):
    res = cli(
        "memristor",
        "coupled",
        "--periods",
        "1",
        "--points-per-period",
        "6",
        "--backend",
        "sampled",
        "--seed",
        "2",
        "--mitigate",
        "zne",
        "--json",
    )
    assert res.code == 0, res.err
    rec = res.json()["mitigation"]
    assert rec["strategies"] == "zne" and rec["circuits"] == 2 * 7 * 9


def test_help_documents_mitigate(cli):
    for cmd in ("simulate", "coupled"):
        res = cli("memristor", cmd, "--help")
        assert res.code == 0 and "--mitigate" in res.out and "readout+zne" in res.out
