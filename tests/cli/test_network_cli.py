"""``qmemristor memristor network``: JSON shape, netCDF output, and two nodes = `coupled`."""

from __future__ import annotations

import numpy as np

from qmemristor.io import read_netcdf


def test_json_shapes(cli):
    res = cli(
        "memristor",
        "network",
        "--nodes",
        "3",
        "--topology",
        "ring",
        "--periods",
        "2",
        "--points-per-period",
        "16",
        "--json",
    )
    assert res.code == 0, res.err
    d = res.json()
    nt = 2 * 16 + 1
    assert np.shape(d["V"]) == (3, nt) and np.shape(d["I"]) == (3, nt)
    assert np.shape(d["form_factor"]) == (3, 2) and np.shape(d["pinched"]) == (3, 2)
    assert d["pairs"] == [[0, 1], [2, 0], [1, 2]]
    assert np.shape(d["concurrence"]) == (3, nt)
    assert len(d["negativity_half"]) == nt and d["half"] == [0]
    assert len(d["tripartite_negativity"]) == nt


def test_two_nodes_match_the_coupled_command(cli):
    """`network --nodes 2` and `coupled` are different code paths (fused N-node kernel vs
    16×16 superoperators): same V, I, concurrence to round-off (1e-12, as in
    tests/network/test_coupled_equivalence.py)."""
    common = [
        "--periods",
        "2",
        "--points-per-period",
        "20",
        "--delta",
        "0.1",
        "--frame",
        "lab",
        "--json",
    ]
    net = cli("memristor", "network", "--nodes", "2", "--interaction", "cry", *common).json()
    cpl = cli("memristor", "coupled", "--interaction", "cry", *common).json()
    for k in (1, 2):
        np.testing.assert_allclose(net["V"][k - 1], cpl[f"V{k}"], rtol=0, atol=1e-12)
        np.testing.assert_allclose(net["I"][k - 1], cpl[f"I{k}"], rtol=0, atol=1e-12)
    # concurrence near zero carries √(round-off) ~ 3e-8 (Wootters' square roots)
    np.testing.assert_allclose(net["concurrence"][0], cpl["concurrence"], rtol=0, atol=1e-7)


def test_trajectories_netcdf(cli, tmp_path):
    out = tmp_path / "n.nc"
    res = cli(
        "memristor",
        "network",
        "--nodes",
        "4",
        "--backend",
        "trajectories",
        "--trajectories",
        "16",
        "--seed",
        "3",
        "--periods",
        "1",
        "--points-per-period",
        "8",
        "--out",
        str(out),
    )
    assert res.code == 0, res.err
    ds = read_netcdf(out)
    assert ds.sizes["node"] == 4 and "I_err" in ds and "wootters_err" in ds
    assert ds.attrs["backend"] == "trajectories" and ds.attrs["seed"] == 3
    assert ds.attrs["edges"] == "0-1,1-2,2-3"
    assert "pinched in" in res.err and "wrote" in res.err


def test_help(cli):
    res = cli("memristor", "network", "--help")
    assert res.code == 0 and "--topology" in res.out and "--order" in res.out


def _net(cli, *args):
    common = ["--nodes", "3", "--topology", "ring", "--periods", "1", "--points-per-period", "8"]
    res = cli("memristor", "network", *common, *args, "--json")
    assert res.code == 0, res.err
    return res.json()


def test_circuit_backends_agree_with_the_density_backend_within_their_errors(cli):
    """sampled (exact outcome probabilities, seeded multinomial shots) and aer (the circuits
    themselves): ⟨V⟩ and ⟨I⟩ of every node within 5 standard errors of the density backend
    (the SE is the binomial one propagated linearly; 2 × 27 values, so a 5σ miss by chance
    has probability ~1e-5); the same seed gives the same output (same code, same inputs)."""
    exact = _net(cli)
    for backend, shots in (("sampled", "4000"), ("aer", "1000")):
        d = _net(cli, "--backend", backend, "--shots", shots, "--seed", "5", "--layout", "shared")
        assert d["backend"] == backend and d["shots"] == int(shots) and d["layout"] == "shared"
        assert d["circuits"]["num_settings"] == 9  # a triangle needs 3 colours: 3^2 settings
        for name in ("V", "I"):
            diff = np.abs(np.array(d[name]) - np.array(exact[name]))
            err = np.array(d[f"{name}_err"])
            assert np.all(diff <= 5 * err + 1e-12), (backend, name, diff.max())
        assert np.all(np.isnan(np.array(d["negativity_half"], dtype=float)))
    again = _net(
        cli, "--backend", "sampled", "--shots", "4000", "--seed", "5", "--layout", "shared"
    )
    first = _net(
        cli, "--backend", "sampled", "--shots", "4000", "--seed", "5", "--layout", "shared"
    )
    assert again["V"] == first["V"]


def test_presets_set_frame_and_delta_and_explicit_options_override_them(cli):
    """--preset paper (the default) and library give the coupled case's frame and δ."""
    from qmemristor.memristor.coupled import LIBRARY_PRESET, PAPER_PRESET

    paper, lib = _net(cli), _net(cli, "--preset", "library")
    assert (paper["preset"], paper["frame"], paper["delta"]) == (
        "paper",
        PAPER_PRESET.frame,
        PAPER_PRESET.delta,
    )
    assert (lib["frame"], lib["delta"]) == (LIBRARY_PRESET.frame, LIBRARY_PRESET.delta)
    over = _net(cli, "--preset", "library", "--frame", "lab", "--delta", "0.05")
    assert (over["preset"], over["frame"], over["delta"]) == ("library", "lab", 0.05)
    # the preset changes the physics: the two runs differ by more than round-off
    assert np.abs(np.array(paper["V"]) - np.array(lib["V"])).max() > 1e-6
