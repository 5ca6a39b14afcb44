"""Sweep specifications: axis syntax, validation, chunks, fingerprints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qmemristor.errors import ParameterError
from qmemristor.sweeps.grid import Axis, Sweep, default_chunk, parse_axis
from qmemristor.sweeps.runner import make_sweep


def test_parse_axis_is_inclusive_like_linspace():
    a = parse_axis("gamma=0.01:1:100")
    assert (a.name, a.start, a.stop, a.num) == ("gamma", 0.01, 1.0, 100)
    np.testing.assert_array_equal(a.values, np.linspace(0.01, 1, 100))
    assert parse_axis(" v_in = -2 : 2e0 : 5 ").values.tolist() == [-2, -1, 0, 1, 2]
    assert parse_axis("z_t=0.5:0.5:1").values.tolist() == [0.5]
    assert parse_axis(str(a)) == a  # round trip through its text form


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("gamma", "NAME=START:STOP:NUM"),
        ("gamma=0:1", "NAME=START:STOP:NUM"),
        ("gamma=0:1:2:3", "NAME=START:STOP:NUM"),
        ("=0:1:3", "NAME=START:STOP:NUM"),
        ("gamma=a:1:3", "START 'a' is not a number"),
        ("gamma=0:nan:3", "STOP must be finite"),
        ("gamma=0:1:0", "NUM must be an integer ≥ 1"),
        ("gamma=0:1:2.5", "NUM must be an integer ≥ 1"),
        ("gamma=0:1:-3", "NUM must be an integer ≥ 1"),
        ("1x=0:1:3", "identifier"),
    ],
)
def test_parse_axis_rejects(text, fragment):
    with pytest.raises(ParameterError, match=fragment):
        parse_axis(text)


@given(
    shape=st.lists(st.integers(1, 30), min_size=1, max_size=3),
    chunk=st.lists(st.integers(1, 12), min_size=3, max_size=3),
)
def test_chunks_tile_the_grid_exactly_once(shape, chunk):
    axes = tuple(Axis(f"p{i}", 0.0, 1.0, n) for i, n in enumerate(shape))
    sweep = Sweep("toy", axes, (), chunk=tuple(chunk[: len(shape)]))
    seen = np.zeros(shape, dtype=int)
    flat = []
    for c in sweep.chunks():
        seen[c.slices] += 1
        idx = sweep.flat_indices(c)
        params = sweep.chunk_parameters(c)
        assert idx.size == c.size == params["p0"].size
        # the parameters of a chunk are the coordinates of its points, in C order
        grid = np.unravel_index(idx, shape)
        for i, a in enumerate(axes):
            np.testing.assert_array_equal(params[a.name], a.values[grid[i]])
        flat.extend(idx.tolist())
    assert (seen == 1).all()
    assert sorted(flat) == list(range(int(np.prod(shape))))
    assert sweep.n_chunks == len(list(sweep.chunks()))


def test_default_chunk_takes_whole_rows():
    assert default_chunk((100, 100)) == (1, 100)
    assert default_chunk((10000,)) == (100,)
    assert default_chunk((6, 4)) == (6, 4)
    assert default_chunk((3, 500)) == (1, 100)
    assert default_chunk((50, 10), 30) == (3, 10)


def test_fingerprint_is_stable_and_sees_every_field():
    base = make_sweep("neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 6})
    again = make_sweep("neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"r_m": 6.0, "v_in": 2.0})
    assert base == again and base.fingerprint == again.fingerprint
    variants = [
        make_sweep("neuron", ["gamma=0.01:1:6", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 6}),
        make_sweep("neuron", ["z_t=0:1:4", "gamma=0.01:1:5"], fixed={"v_in": 2, "r_m": 6}),
        make_sweep("neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 7}),
        make_sweep(
            "neuron",
            ["gamma=0.01:1:5", "z_t=0:1:4"],
            fixed={"v_in": 2, "r_m": 6},
            options={"t_end": 100.0},
        ),
        make_sweep("neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 6}, seed=1),
        make_sweep(
            "neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 6}, chunk=(1, 4)
        ),
    ]
    prints = {v.fingerprint for v in variants} | {base.fingerprint}
    assert len(prints) == len(variants) + 1
    # the defaults are filled in, so omitting a default and giving it are the same sweep
    explicit = make_sweep(
        "neuron", ["gamma=0.01:1:5", "z_t=0:1:4"], fixed={"v_in": 2, "r_m": 6, "alpha": 1.0},
        options={"protocol": "stationary", "t_end": 30000.0, "rtol": 3e-5,
                 "initial": "equilibrium"},
    )  # fmt: skip
    assert explicit.fingerprint == base.fingerprint


@pytest.mark.parametrize(
    ("axes", "fixed", "fragment"),
    [
        (["foo=0:1:3"], {}, "unknown axis parameter 'foo'; valid names: v_in, r_m"),
        (["gamma=0:1:3", "gamma=0:1:4"], {}, "same parameter"),
        (["gamma=0:1:3"], {"gamma": 0.2}, "both an axis and a fixed parameter"),
        (["alpha=0:2.5:6"], {}, "alpha must be in [0, 2] (got 2.5)"),
        (["z_t=-0.5:1:4"], {}, "z_t must be in [0, 1]"),
        (["gamma=-1:1:3"], {}, "gamma must be ≥ 0"),
        (["gamma=0:1:3"], {"bogus": 1.0}, "unknown parameter 'bogus'"),
        (["gamma=0:1:3"], {"lam": 0.0}, "lam must be > 0"),
        ([], {}, "at least one axis"),
    ],
)
def test_make_sweep_validates_before_running(axes, fixed, fragment):
    with pytest.raises(ParameterError) as exc:
        make_sweep("neuron", axes, fixed=fixed)
    assert fragment in str(exc.value)


def test_options_are_validated():
    with pytest.raises(ParameterError, match="unknown neuron sweep option 'tend'"):
        make_sweep("neuron", ["gamma=0:1:3"], options={"tend": 3.0})
    with pytest.raises(ParameterError, match="t_end must be > 0"):
        make_sweep("neuron", ["gamma=0:1:3"], options={"t_end": -3.0})
    with pytest.raises(ParameterError, match="initial must be one of equilibrium, rest"):
        make_sweep("neuron", ["gamma=0:1:3"], options={"initial": "zero"})
    with pytest.raises(ParameterError, match="perturbation must be ≥ 0"):
        make_sweep("neuron", ["gamma=0:1:3"], options={"perturbation": -1.0})
    with pytest.raises(ParameterError, match="unknown sweep model"):
        make_sweep("nope", ["gamma=0:1:3"])
