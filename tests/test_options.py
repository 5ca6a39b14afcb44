"""The options objects: validated once, frozen, and the old keyword interface resolved."""

from __future__ import annotations

import dataclasses

import pytest

from qmemristor.digital.collision import LAYOUTS
from qmemristor.digital.execute import BACKENDS
from qmemristor.errors import ParameterError
from qmemristor.options import LAYOUT_NAMES, MAX_SHOTS, Execution, Mitigation


def test_defaults_are_the_exact_run_of_the_paper_layout():
    ex = Execution()
    assert (ex.backend, ex.layout, ex.shots, ex.seed) == ("density", "paper", 5000, None)
    assert not ex.mitigation.active and str(ex.mitigation) == "none"
    assert set(LAYOUT_NAMES) == set(LAYOUTS) and BACKENDS[:3] == ("density", "sampled", "aer")


def test_frozen_and_replace_validates_again():
    ex = Execution(backend="sampled", seed=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ex.shots = 10  # type: ignore[misc]
    assert ex.replace(shots=10).shots == 10
    with pytest.raises(ParameterError, match="shots must be a positive integer"):
        ex.replace(shots=0)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"backend": "qpu"}, "unknown backend 'qpu'; choose one of: density, sampled, aer"),
        ({"backend": "fake:"}, "unknown backend"),
        ({"backend": 3}, "backend must be a name or a BackendV2"),
        ({"layout": "ring"}, "unknown layout 'ring'; choose one of: paper, reset, shared"),
        ({"shots": 0}, r"shots must be a positive integer \(got 0\)"),
        ({"shots": 2.5}, "shots must be a positive integer"),
        ({"shots": True}, "shots must be a positive integer"),
        ({"shots": MAX_SHOTS + 1}, f"shots must be at most {MAX_SHOTS}"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"seed": 2**63}, "seed must be at most"),
        ({"aer_method": "gpu"}, "unknown Aer method 'gpu'"),
        ({"aer_method": "statevector", "backend": "sampled"}, "aer_method only applies"),
        ({"noise_model": object(), "backend": "sampled"}, "noise model only applies"),
        ({"pass_manager": 3, "backend": "aer"}, "pass_manager must have a run"),
        ({"mitigation": "zne"}, "mitigation must be a Mitigation"),
        ({"mitigation": Mitigation(zne=True)}, "density backend is exact"),
        ({"backend": "sampled", "mitigation": Mitigation(dd=True)}, "dd needs a backend"),
        ({"backend": "aer", "mitigation": Mitigation(dd=True)}, "dd needs a backend"),
        ({"backend": "sampled", "mitigation": Mitigation(twirl=True)}, "twirl needs circuits"),
        (
            {"backend": "sampled", "mitigation": Mitigation(runtime_options={"a": 1})},
            "runtime_options only apply",
        ),
    ],
)
def test_execution_rejects_bad_fields(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        Execution(**kwargs)


@pytest.mark.parametrize(
    ("text", "strategies"),
    [
        ("none", ()),
        ("readout", ("readout",)),
        ("zne+readout", ("readout", "zne")),
        ("readout,zne,dd", ("readout", "zne", "dd")),
        (" ZNE + twirl ", ("zne", "twirl")),
    ],
)
def test_mitigation_parse(text, strategies):
    m = Mitigation.parse(text)
    assert m.strategies == strategies
    assert str(m) == ("+".join(strategies) or "none")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pec", "unknown mitigation strategy 'pec'"),
        ("zne+zne", "repeated mitigation strategy 'zne'"),
        ("none+zne", "unknown mitigation strategy 'none'"),
        ("", "unknown mitigation strategy ''"),
    ],
)
def test_mitigation_parse_rejects(text, fragment):
    with pytest.raises(ParameterError, match=fragment):
        Mitigation.parse(text)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"scale_factors": (1,)}, "scale factors must be"),
        ({"scale_factors": (3, 5)}, "starting at 1"),
        ({"scale_factors": (1, 3, 2)}, "increasing"),
        ({"scale_factors": (1, 200)}, "in \\[1, 99\\]"),
        ({"scale_factors": (1, float("nan"))}, "scale factors must be"),
        ({"scale_factors": (True, 3)}, "scale factors must be"),
        ({"extrapolation": "cubic"}, "unknown extrapolation 'cubic'"),
        ({"dd_sequence": "CPMG"}, "unknown DD sequence 'CPMG'"),
        ({"twirls": 0}, "twirls must be"),
        ({"calibration_shots": 0}, "calibration shots must be"),
        ({"zne": 1}, "mitigation zne must be True or False"),
    ],
)
def test_mitigation_rejects_bad_settings(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        Mitigation(**kwargs)


def test_resolve_builds_from_keywords_or_takes_the_object_but_not_both():
    ex = Execution(backend="sampled", shots=100)
    assert Execution.resolve(ex) is ex
    assert Execution.resolve(None, backend="sampled", shots=100, seed=None) == ex
    assert Execution.resolve(None) == Execution()
    with pytest.raises(ParameterError, match="either an Execution or the keywords shots"):
        Execution.resolve(ex, shots=10)
    with pytest.raises(ParameterError, match="execution must be an Execution"):
        Execution.resolve("sampled")  # type: ignore[arg-type]


def test_record_is_plain():
    ex = Execution(backend="fake:manila", layout="reset", seed=2, mitigation=Mitigation(zne=True))
    assert ex.record() == {
        "backend": "fake:manila",
        "layout": "reset",
        "shots": 5000,
        "seed": 2,
        "mitigation": "zne",
    }
    assert Mitigation(zne=True).record()["scale_factors"] == list(Mitigation().scale_factors)


@pytest.mark.parametrize("atol", [1e-31, 1e-300, 2e-4, 1e-2, 0.1, 1.0])
def test_absolute_tolerances_outside_the_range_are_refused(atol):
    from qmemristor.options import ATOL_RANGE, SolverOptions

    assert ATOL_RANGE == (1e-30, 1e-4)
    with pytest.raises(ParameterError, match=r"atol must be in \[1e-30, 0.0001\]"):
        SolverOptions(atol=atol)
    for edge in ATOL_RANGE:
        assert SolverOptions(atol=edge).atol == edge


@pytest.mark.parametrize("method", ["DOP853", "RK45"])
def test_the_loosest_absolute_tolerance_keeps_the_neuron_in_the_bloch_ball(cli, method):
    """The reason for the upper end of ATOL_RANGE: at atol = 1e-4 the trajectory stays in the
    unit ball (invariant for α ≤ 2), at 1e-2 it left it (|r| = 1.03 DOP853, 1.15 RK45).
    Bound 1e-4: a step may err by ~atol on a component near zero; measured 2.1e-6 (DOP853) and
    1.8e-5 (RK45) above 1 at t_end = 200."""
    res = cli("neuron", "simulate", "--method", method, "--atol", "1e-4", "--t-end", "200",
              "--json")  # fmt: skip
    assert res.code == 0, res.err
    assert res.json()["bloch_max"] <= 1 + 1e-4
    loose = cli("neuron", "simulate", "--method", method, "--atol", "1e-2", "--t-end", "200")
    assert loose.code == 2 and "atol must be in [1e-30, 0.0001] (got 0.01)" in loose.err
