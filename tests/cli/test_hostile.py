"""Hostile and extreme input on every command (issue 19, phase A; `neuron sweep` is phase B).

Property: with any value of its numeric options — ±1e308, 1e-320, −0.0, nan, ±inf, huge
integers, anything Hypothesis draws — a command either succeeds with finite output or exits 2
with one line; never an internal error, a traceback, a NaN presented as a result, or a hang.
The run's budgets are lowered (``QMEMRISTOR_MAX_BYTES`` 64 MiB, ``QMEMRISTOR_MAX_STEPS``
3000), so every accepted run is small by construction; a hang fails through pytest-timeout.
Each example runs in-process through ``qmemristor.cli.main``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmemristor.cli import main
from tests.helpers import Result, assert_one_line_error

EXTREME_FLOATS = [
    "1e308", "-1e308", "1e-320", "-1e-320", "-0.0", "0", "nan", "inf", "-inf", "1e20", "-1e6",
    "1e8", "5e-324", "1.7976931348623157e308",
]  # fmt: skip
EXTREME_INTS = [
    "0", "-1", "1", "99999999999999999999", "9223372036854775808", "9223372036854775807",
    "10000000", "-9223372036854775809",
]  # fmt: skip

FLOAT = st.one_of(
    st.sampled_from(EXTREME_FLOATS), st.floats(width=64).map(repr)
)  # repr: "nan", "inf", "1e+308", "5e-324", "-0.0"
INT = st.one_of(st.sampled_from(EXTREME_INTS), st.integers(-(2**70), 2**70).map(str))

#: command → (quick base arguments, {option: strategy}).  The drawn options replace the base's.
COMMANDS = {
    "memristor simulate": (
        ["memristor", "simulate", "--periods", "1", "--json"],
        {"--gamma0": FLOAT, "--a": FLOAT, "--b": FLOAT, "--omega": FLOAT, "--periods": INT,
         "--points-per-period": INT},
    ),
    "memristor simulate lindblad": (
        ["memristor", "simulate", "--periods", "1", "--json", "--method", "lindblad"],
        {"--gamma0": FLOAT, "--omega": FLOAT, "--periods": INT},
    ),
    "memristor simulate circuit": (
        ["memristor", "simulate", "--periods", "1", "--json", "--method", "circuit", "--seed",
         "1", "--shots", "100"],
        {"--gamma0": FLOAT, "--omega": FLOAT, "--shots": INT, "--seed": INT},
    ),
    "memristor circuit": (
        ["memristor", "circuit", "--steps", "2", "--json"],
        {"--steps": INT, "--gamma0": FLOAT, "--a": FLOAT, "--b": FLOAT, "--omega": FLOAT,
         "--points-per-period": INT},
    ),
    "memristor coupled": (
        ["memristor", "coupled", "--periods", "1", "--json"],
        {"--delta": FLOAT, "--gamma0": FLOAT, "--gamma0-2": FLOAT, "--periods": INT,
         "--points-per-period": INT},
    ),
    "memristor coupled sampled": (
        ["memristor", "coupled", "--periods", "1", "--json", "--backend", "sampled", "--seed",
         "1", "--shots", "100"],
        {"--delta": FLOAT, "--shots": INT, "--seed": INT},
    ),
    "memristor network": (  # --nodes stays 2: the network's own size checks are its own
        ["memristor", "network", "--nodes", "2", "--periods", "1", "--json"],
        {"--delta": FLOAT, "--gamma0": FLOAT, "--periods": INT, "--points-per-period": INT},
    ),
    "neuron equilibria": (
        ["neuron", "equilibria", "--json"],
        {o: FLOAT for o in ("--r-m", "--v-in", "--z-t", "--gamma", "--alpha", "--omega", "--l",
                            "--x0", "--lam")},
    ),
    "neuron folds": (
        ["neuron", "folds", "--json"],
        {o: FLOAT for o in ("--r-m", "--z-t", "--l", "--x0", "--lam")},
    ),
    "neuron cusp": (["neuron", "cusp", "--json"], {o: FLOAT for o in ("--z-t", "--x0", "--l")}),
    "neuron ramp": (
        ["neuron", "ramp", "--steps", "5", "--json"],
        {"--r-m": FLOAT, "--v-in-min": FLOAT, "--v-in-max": FLOAT, "--gamma": FLOAT,
         "--steps": INT},
    ),
    "neuron hopf": (
        ["neuron", "hopf", "--v-in-max", "2", "--json"],
        {"--r-m": FLOAT, "--gamma": FLOAT, "--v-in-min": FLOAT, "--omega": FLOAT},
    ),
    "neuron simulate": (
        ["neuron", "simulate", "--t-end", "20", "--json"],
        {o: FLOAT for o in ("--r-m", "--v-in", "--gamma", "--omega", "--t-end", "--transient",
                            "--dt", "--rtol", "--atol")},
    ),
    "neuron continue": (
        ["neuron", "continue", "--from", "0", "--to", "1", "--json"],
        {o: FLOAT for o in ("--from", "--to", "--gamma", "--x0")},
    ),
    "neuron orbits": (
        ["neuron", "orbits", "--v-in-max", "0.5", "--json"],
        {o: FLOAT for o in ("--r-m", "--gamma", "--v-in-min", "--v-in-max", "--omega")},
    ),
    "reservoir benchmark": (
        ["reservoir", "benchmark", "--task", "narma10", "--quick", "--json"],
        {o: INT for o in ("--virtual-nodes", "--shots", "--seed", "--washout", "--train",
                          "--test")},
    ),
}  # fmt: skip

#: JSON keys whose null is a legitimate "undefined" (NaN: a steady regime has no frequency, a
#: point no form factor) or "not applicable" (None: shots of a classical reservoir, the V_in
#: of an orbit family's end that is not a bifurcation).
NULLABLE = {
    "frequency", "form_factor", "form_factor_1", "form_factor_2", "sudden_death",
    "sudden_birth", "shots", "capacity", "end_v_in",
}  # fmt: skip

BUDGET = {"QMEMRISTOR_MAX_BYTES": "64MiB", "QMEMRISTOR_MAX_STEPS": "3000"}


def run_in_process(argv: list[str]) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch.dict(os.environ, BUDGET), contextlib.redirect_stdout(out):
        with contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def _nulls(obj, path=""):
    if obj is None:
        yield path
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in NULLABLE:
                yield from _nulls(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _nulls(v, f"{path}[{i}]")


def assert_handled(argv: list[str], res: Result) -> None:
    """Exit 0 with finite JSON, or exit 2 with one line that is not an internal error."""
    assert "Traceback" not in res.err, (argv, res.err)
    assert res.code in (0, 2), (argv, res.code, res.err)
    if res.code == 2:
        assert_one_line_error(res)
        assert "internal error" not in res.err, (argv, res.err)
        return
    data = json.loads(res.out)  # strict JSON: NaN would have been written as null
    bad = list(_nulls(data))
    assert not bad, (argv, bad[:5])


def with_options(base: list[str], chosen: dict[str, str]) -> list[str]:
    """``base`` with the chosen options set (a base option of the same name is replaced)."""
    argv = []
    skip = False
    for i, tok in enumerate(base):
        if skip:
            skip = False
            continue
        if tok in chosen and i + 1 < len(base):
            skip = True
            continue
        argv.append(tok)
    for opt, value in chosen.items():
        argv += [opt, value]
    return argv


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_any_numeric_input_is_handled(name):
    base, options = COMMANDS[name]

    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
    )
    @given(st.data())
    def check(data):
        opts = data.draw(
            st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=2, unique=True)
        )
        chosen = {o: data.draw(options[o], label=o) for o in opts}
        argv = with_options(base, chosen)
        assert_handled(argv, run_in_process(argv))

    check()


# --------------------------------------------------------------------------------------------
# the issue's examples (phase A), each a command to rerun
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        # 2: absurd tolerances
        ("neuron simulate --rtol 1e308 --t-end 50 --json", "rtol must be in [1e-14, 0.1]"),
        ("neuron simulate --rtol 1e308 --t-end 50 --method odeint", "rtol must be in"),
        ("neuron simulate --atol 1e-300 --t-end 5", "atol must be in [1e-30, 0.0001]"),
        # 4: sizes estimated before anything is allocated
        ("memristor simulate --periods 10000000 --points-per-period 100", "238 GiB"),
        ("neuron simulate --t-end 1e9", "needs about 11.6 TiB"),
        ("neuron simulate --protocol paper --t-end 1e12 --dt 1e9", "more than the work budget"),
        ("neuron ramp --steps 100000000", "more than the work budget"),
        # 8: extreme finite inputs
        ("neuron equilibria --v-in 1e308", "|v_in| must be ≤ 1e+08"),
        ("neuron simulate --gamma 1e308 --t-end 10", "|gamma| must be ≤ 1e+08"),
        ("memristor coupled --delta 1e308 --periods 1", "|delta| must be ≤ 4π"),
        ("neuron equilibria --lam 1e-320", "lam must be in [0.001, 1000]"),
        ("neuron simulate --omega 1e308 --t-end 10", "|omega| must be ≤ 1e+08"),
        ("memristor simulate --omega 1e-320", "so that the period 2π/ω is finite"),
        ("memristor simulate --method circuit --shots 99999999999999999999", "64-bit integer"),
        ("memristor coupled --backend sampled --shots 99999999999999999999", "64-bit integer"),
        # 9: NaN presented as a result
        ("memristor simulate --gamma0 1e308 --json", "gamma0 must be ≤ 9.762e+307"),
        ("neuron equilibria --gamma 1e308", "|gamma| must be ≤ 1e+08"),
        # 10: repeated options
        ("memristor simulate --periods 1 --periods 2", "'--periods': given 2 times ('1', '2')"),
        ("neuron equilibria --gamma 0.1 --gamma=0.2", "'--gamma': given 2 times"),
        # --a / --b with --bloch
        ("memristor simulate --bloch 0,0,1 --a 0.3", "--a cannot be combined with --bloch"),
        ("memristor circuit --bloch 0,0,1 --b 1", "--b cannot be combined with --bloch"),
        # 12: the misleading message of a long coupled run
        ("memristor coupled --periods 1000000", "(3e+07 points) needs about"),
    ],
)
def test_issue_examples_are_one_line(cli, argv, fragment):
    assert_one_line_error(cli(*argv.split()), fragment)


def test_the_repeated_axis_of_a_sweep_is_refused(cli, tmp_path):
    # example 10 as filed: the second --x used to replace the first silently
    res = cli(
        "neuron", "sweep", "--x", "gamma=0:1:3", "--x", "alpha=0:1:3",
        "--out", str(tmp_path / "m.zarr"),
    )  # fmt: skip
    assert_one_line_error(res, "'--x': given 2 times ('gamma=0:1:3', 'alpha=0:1:3')")
    assert not (tmp_path / "m.zarr").exists()


@pytest.mark.parametrize(
    "argv",
    [
        "memristor simulate --gamma0 9e307 --periods 1 --json",  # Γ finite, ∫Γ overflows: V = 0
        "memristor simulate --gamma0 0 --periods 1 --json",  # I ≡ 0: form factor 0, not NaN
        "neuron equilibria --gamma 1e8 --json",
        "neuron simulate --gamma 1e8 --t-end 10 --method Radau --json",
    ],
)
def test_extreme_but_representable_inputs_give_finite_answers(argv):
    res = run_in_process(argv.split())
    assert res.code == 0, res.err
    assert_handled(argv.split(), res)


def test_loose_tolerances_that_leave_the_bloch_ball_are_refused(cli):
    # rtol 0.1 is in range, but DOP853 then leaves the ball |r| ≤ 1 that the dynamics keeps
    # invariant (|r| reached 1.2): the result is refused instead of reported
    res = cli(
        "neuron", "simulate", "--protocol", "paper", "--method", "DOP853", "--rtol", "0.1",
        "--t-end", "100", "--v-in", "1.73", "--json",
    )  # fmt: skip
    assert_one_line_error(res, "numerical failure", "Bloch vector reached |r| =", "> 1")
