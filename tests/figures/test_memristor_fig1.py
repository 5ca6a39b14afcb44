"""Paper M Fig. 1 and the ``reproduce`` command."""

from __future__ import annotations

import numpy as np

from qmemristor.figures import FigureConfig, available, get
from tests.helpers import assert_reproduced


def test_fig1_data_is_normalised_pinched_and_periodic_in_shape():
    fig, ds = get("memristor-fig1").make(FigureConfig(quick=True))
    assert set(ds.gamma0.values) == {0.2, 0.02}
    # normalised by V0 = |V(0)| and I0 = |I(0)| as in the paper
    np.testing.assert_allclose(np.abs(ds.V_norm.isel(t=0)), 1.0)
    np.testing.assert_allclose(np.abs(ds.I_norm.isel(t=0)), 1.0)
    # the master equation (plotted) and the exact solution agree (DOP853 rtol 1e-10)
    np.testing.assert_allclose(ds.V, ds.V_exact, atol=1e-9)
    # each period is the previous one scaled: the form factor repeats (SPEC §M3)
    ff = ds.form_factor.values
    np.testing.assert_allclose(ff, ff[:, :1] * np.ones_like(ff), rtol=1e-8)
    assert len(fig.axes) == 2
    # the paper's markers on each curve: green start, red end, black origin
    from matplotlib.colors import to_hex

    from qmemristor.figures._style import END, ORIGIN, START

    for ax in fig.axes:
        dots = {to_hex(ln.get_color()): ln for ln in ax.lines if ln.get_marker() == "o"}
        assert {to_hex(START), to_hex(END), to_hex(ORIGIN)} <= set(dots)
        np.testing.assert_allclose(dots[to_hex(ORIGIN)].get_xydata(), [[0.0, 0.0]])
    assert fig.get_supxlabel() == ds.attrs["differs_from_paper"]


def test_reproduce_writes_png_and_netcdf(cli, tmp_path):
    res = assert_reproduced(cli, tmp_path, "memristor-fig1")
    summary = res.json()["figures"]
    assert [s["figure"] for s in summary] == ["memristor-fig1"]


def test_reproduce_all_runs_every_registered_figure_in_order(cli, tmp_path, monkeypatch):
    """``all`` = the registry, in order, one summary line per figure (a two-figure registry
    here: every real figure has its own quick test, and the full run is timed by hand)."""
    import qmemristor.figures as figures

    subset = {k: available()[k] for k in ("memristor-fig1", "neuron-fig7")}
    monkeypatch.setattr(figures, "available", lambda: subset)
    res = cli("reproduce", "all", "--quick", "--out", str(tmp_path))
    assert res.code == 0, res.err
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert [ln.split()[0] for ln in lines[:2]] == ["memristor-fig1", "neuron-fig7"]
    assert lines[-1].startswith("2 figure(s) in ")
    for name in subset:
        assert (tmp_path / f"{name}.png").is_file() and (tmp_path / f"{name}.nc").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{ext}" for n in subset for ext in ("png", "nc")
    )  # nothing else left behind (no temporary files)


def test_reproduce_list_and_unknown_name(cli):
    res = cli("reproduce", "list", "--json")
    assert "memristor-fig1" in res.json()
    bad = cli("reproduce", "memristor-fig99")
    assert bad.code == 2 and "unknown figure" in bad.err and "memristor-fig1" in bad.err


def test_registry_sorts_figures_naturally():
    from qmemristor.figures import _natural_key

    names = ["memristor-fig10", "neuron-fig2", "memristor-fig2", "memristor-fig1"]
    assert sorted(names, key=_natural_key) == [
        "memristor-fig1",
        "memristor-fig2",
        "memristor-fig10",
        "neuron-fig2",
    ]
    assert list(available()) == sorted(available(), key=_natural_key)


def test_same_seed_gives_bit_identical_data_files(cli, tmp_path):
    # Fig. 4 draws shot noise: the same --seed must give the same bytes, another seed must not.
    runs = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        out = tmp_path / name
        res = cli("reproduce", "memristor-fig4", "--quick", "--seed", seed, "--out", str(out))
        assert res.code == 0, res.err
        runs[name] = (out / "memristor-fig4.nc").read_bytes()
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]


def test_simulate_with_the_same_seed_writes_identical_files(cli, tmp_path):
    paths = [tmp_path / f"{k}.nc" for k in range(2)]
    for p in paths:
        res = cli(
            "memristor",
            "simulate",
            "--method",
            "circuit",
            "--backend",
            "sampled",
            "--seed",
            "3",
            "--periods",
            "1",
            "--out",
            str(p),
        )
        assert res.code == 0, res.err
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_no_figure_reads_the_clock():
    """Figure data and PNGs must depend only on the code, the options and the seed (the same
    command gives bit-identical files), so no figure module may call a clock: any clock the
    ``time`` module knows (``time.get_clock_info``), or ``datetime``'s now/today."""
    import re
    import time
    from pathlib import Path

    import qmemristor.figures as figures

    def is_clock(name: str) -> bool:
        try:
            time.get_clock_info(name)
        except ValueError:
            return False
        return True

    clocks = [n for n in dir(time) if is_clock(n)]
    assert len(clocks) >= 4  # time, monotonic, process_time, the performance counter, ...
    call = re.compile(rf"\b(?:{'|'.join(clocks)})(?:_ns)?\(|\.now\(|\.today\(")
    assert call.search("t0 = time.monotonic()") and not call.search("datetime_index(")
    offenders = [
        p.name for p in Path(figures.__file__).parent.glob("*.py") if call.search(p.read_text())
    ]
    assert offenders == []
