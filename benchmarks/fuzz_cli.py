"""Hostile-input fuzz of the ``qmemristor`` command line: every command, every numeric option.

Each case is one command with one option set to an extreme or malformed value (±1e308,
1e-320, -0.0, nan, ±inf, huge integers, absurd tolerances, ...) on top of quick base arguments
(short runs).  Every case runs in a forked child of this process (imports paid once), with a
wall-clock timeout and an address-space limit, and is classified as

- ``ok``          exit 0 with finite, plausible output, or exit 2 with one line that names
                  the offending option (or a resource limit);
- ``internal``    exit 1 (internal error), a traceback, a crash or a MemoryError;
- ``hang``        still running at the timeout;
- ``wrong``       exit 0 but the output is non-finite or breaks an invariant (Bloch ball,
                  ``|V| ≤ |V_in|``, ``I = ΓV``, concurrence in [0, 1], Gershgorin bound of
                  the Jacobian's eigenvalues);
- ``misleading``  exit 2 with a message that names neither the option nor a limit, or more
                  than one line;
- ``leftover``    exit 2 from ``neuron sweep`` with its store (or the store's lock) left
                  behind: the corrected command would find it.

Not part of CI (a few minutes to an hour on 2 loaded cores); ``tests/cli/test_hostile.py``
runs a fast property-based subset.  Run from the repository root::

    .venv/bin/python benchmarks/fuzz_cli.py               # all cases
    .venv/bin/python benchmarks/fuzz_cli.py --quick       # every 7th case
    .venv/bin/python benchmarks/fuzz_cli.py --jobs 2 --timeout 120 --list-bad
    .venv/bin/python benchmarks/fuzz_cli.py --match "neuron sweep"   # one command

``neuron sweep`` cases write their store and netCDF export under the case's own name (the
``{case}`` placeholder); a successful sweep is checked in its exported dataset (status codes,
finite span and V_mean where the status says so, V within [min(0, V_in), max(0, V_in)]).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: Extreme floats given to every float option.
FLOATS = ["1e308", "-1e308", "1e-320", "-1e-320", "-0.0", "nan", "inf", "-inf", "1e20", "-1e6"]
#: Extreme integers given to every integer option.
INTS = ["0", "-1", "99999999999999999999", "9223372036854775808", "10000000", "1e3"]

# quick base arguments per command (a short run); the fuzzed option is appended last, so it
# overrides a base value of the same option
BASE: dict[str, list[str]] = {
    "memristor simulate": ["--periods", "1", "--json"],
    "memristor simulate --method lindblad": ["--periods", "1", "--json"],
    "memristor simulate --method circuit": ["--periods", "1", "--json", "--seed", "1"],
    "memristor circuit": ["--steps", "2", "--json"],
    "memristor coupled": ["--periods", "1", "--json"],
    "memristor coupled --backend sampled": ["--periods", "1", "--json", "--seed", "1"],
    "neuron equilibria": ["--json"],
    "neuron folds": ["--json"],
    "neuron cusp": ["--json"],
    "neuron ramp": ["--steps", "11", "--json"],
    "neuron hopf": ["--v-in-max", "2", "--json"],
    "neuron simulate": ["--t-end", "20", "--json"],
    "neuron continue": ["--from", "0", "--to", "1", "--json"],
    "neuron sweep": [
        "--x", "gamma=0.1:0.9:3", "--v-in", "2", "--r-m", "6", "--t-end", "20", "--json",
        "--out", "{case}.zarr", "--netcdf", "{case}.nc",
    ],
}  # fmt: skip

FLOAT_OPTS: dict[str, list[str]] = {
    "memristor simulate": ["--gamma0", "--a", "--b", "--omega"],
    "memristor simulate --method lindblad": ["--gamma0", "--omega"],
    "memristor simulate --method circuit": ["--gamma0", "--omega"],
    "memristor circuit": ["--gamma0", "--a", "--b", "--omega"],
    "memristor coupled": ["--delta", "--gamma0", "--gamma0-2"],
    "memristor coupled --backend sampled": ["--delta"],
    "neuron equilibria": [
        "--r-m", "--v-in", "--z-t", "--gamma", "--alpha", "--omega", "--l", "--x0", "--lam",
    ],
    "neuron folds": ["--r-m", "--z-t", "--l", "--x0", "--lam"],
    "neuron cusp": ["--z-t", "--l", "--lam"],
    "neuron ramp": ["--r-m", "--v-in-min", "--v-in-max", "--gamma"],
    "neuron hopf": ["--r-m", "--gamma", "--v-in-min", "--omega"],
    "neuron simulate": [
        "--r-m", "--v-in", "--gamma", "--omega", "--lam", "--t-end", "--transient", "--dt",
        "--rtol", "--atol",
    ],
    "neuron continue": ["--from", "--to", "--gamma", "--x0"],
    "neuron sweep": [
        "--v-in", "--r-m", "--gamma", "--alpha", "--z-t", "--omega", "--l", "--x0", "--lam",
        "--t-end", "--dt-out", "--rtol",
    ],
}  # fmt: skip

INT_OPTS: dict[str, list[str]] = {
    "memristor simulate": ["--periods", "--points-per-period"],
    "memristor simulate --method circuit": ["--shots", "--seed", "--periods"],
    "memristor circuit": ["--steps", "--points-per-period"],
    "memristor coupled": ["--periods", "--points-per-period"],
    "memristor coupled --backend sampled": ["--shots", "--seed"],
    "neuron ramp": ["--steps"],
    "neuron sweep": ["--chunk-size", "--workers"],
}

#: Axis specifications given to ``neuron sweep --x`` (each with its parameter's name in the
#: case, so that a message naming the parameter counts as naming the input).
SWEEP_AXES: list[str] = [
    "gamma=0:1e308:3", "gamma=-1e308:0:3", "gamma=0:1:99999999999999999999",
    "gamma=0:1:9223372036854775807", "gamma=nan:1:3", "gamma=0:inf:3", "gamma=1e-320:1e-320:2",
    "z_t=-0.0:1:3", "z_t=0:1:1000000000", "alpha=0:2:-1", "omega=-1e308:1e308:2",
    "lam=1e-320:1:2", "l=1e308:1e308:1", "x0=-1e308:1e308:2", "v_in=1e8:1e308:2",
    "r_m=0:1e308:2", "gamma=0:1:3.5", "gamma=0:1:1e3", "gamma=0:1:0x10",
]  # fmt: skip

#: Hand-written cases: the issue's examples and combinations the grid above does not reach.
EXTRA: list[tuple[str, ...]] = [
    ("neuron", "simulate", "--rtol", "1e308", "--t-end", "50", "--json"),
    ("neuron", "simulate", "--rtol", "1e308", "--t-end", "50", "--json", "--method", "odeint"),
    ("neuron", "simulate", "--rtol", "1e-300", "--t-end", "5", "--json"),
    ("neuron", "simulate", "--atol", "1e308", "--t-end", "20", "--json", "--method", "odeint"),
    ("neuron", "simulate", "--rtol", "0.5", "--t-end", "20", "--json", "--method", "Radau"),
    ("neuron", "simulate", "--t-end", "1e12", "--dt", "1e9", "--json"),
    ("neuron", "simulate", "--t-end", "1e9", "--json"),
    ("neuron", "simulate", "--gamma", "1e308", "--t-end", "10", "--json"),
    ("neuron", "simulate", "--gamma", "1e308", "--t-end", "10", "--method", "Radau", "--json"),
    ("neuron", "simulate", "--omega", "1e308", "--t-end", "10", "--json"),
    ("neuron", "simulate", "--omega", "1e-320", "--t-end", "10", "--json"),
    ("neuron", "simulate", "--lam", "1e-320", "--t-end", "10", "--json"),
    ("neuron", "simulate", "--l", "1e308", "--t-end", "10", "--json"),
    ("neuron", "simulate", "--v-in", "1e308", "--t-end", "10", "--json"),
    ("neuron", "equilibria", "--v-in", "1e308", "--json"),
    ("neuron", "equilibria", "--gamma", "1e308", "--json"),
    ("neuron", "equilibria", "--r-m", "1e308", "--v-in", "3", "--json"),
    ("neuron", "equilibria", "--lam", "1e-320", "--json"),
    ("neuron", "equilibria", "--lam", "1e308", "--json"),
    ("neuron", "equilibria", "--l", "1e-320", "--json"),
    ("neuron", "equilibria", "--l", "1e308", "--json"),
    ("neuron", "folds", "--r-m", "1e308", "--json"),
    ("neuron", "cusp", "--side", "negative", "--x0", "1e308", "--json"),
    ("neuron", "ramp", "--steps", "100000000", "--json"),
    ("neuron", "ramp", "--v-in-min", "-1e308", "--v-in-max", "1e308", "--steps", "5", "--json"),
    ("neuron", "hopf", "--v-in-min", "-1e308", "--v-in-max", "1e308", "--json"),
    ("neuron", "continue", "--param", "gamma", "--from", "0", "--to", "1e308", "--json"),
    ("neuron", "continue", "--param", "r_m", "--from", "0", "--to", "1e308", "--json"),
    ("neuron", "continue", "--param", "omega", "--from", "-1e308", "--to", "1e308", "--json"),
    ("neuron", "continue", "--param", "x0", "--from", "-1e308", "--to", "1e308", "--json"),
    ("memristor", "simulate", "--gamma0", "1e308", "--json"),
    ("memristor", "simulate", "--gamma0", "1e300", "--json"),
    ("memristor", "simulate", "--gamma0", "1e308", "--method", "lindblad", "--json"),
    ("memristor", "simulate", "--omega", "1e-320", "--json"),
    ("memristor", "simulate", "--omega", "1e308", "--json"),
    ("memristor", "simulate", "--periods", "10000000", "--points-per-period", "100", "--json"),
    ("memristor", "simulate", "--periods", "100000", "--method", "lindblad", "--json"),
    ("memristor", "simulate", "--points-per-period", "99999999999999999999", "--json"),
    ("memristor", "simulate", "--drive", "constant", "--gamma0", "1e308", "--json"),
    ("memristor", "simulate", "--bloch", "1e308,0,0", "--json"),
    ("memristor", "simulate", "--bloch", "nan,0,0", "--json"),
    ("memristor", "simulate", "--bloch", "1e-320,-0.0,1", "--json"),
    ("memristor", "simulate", "--bloch", "0,0,1", "--a", "0.3", "--json"),
    ("memristor", "simulate", "--periods", "1", "--periods", "2", "--json"),
    ("memristor", "simulate", "--method", "circuit", "--shots", "99999999999999999999"),
    ("memristor", "simulate", "--method", "circuit", "--seed", "99999999999999999999"),
    ("memristor", "simulate", "--method", "circuit", "--periods", "100", "--backend", "density"),
    ("memristor", "circuit", "--steps", "99999999999999999999", "--json"),
    ("memristor", "circuit", "--omega", "1e-320", "--json"),
    ("memristor", "circuit", "--points-per-period", "99999999999999999999", "--json"),
    # the circuit sizes: a paper-layout circuit of 1e6 and 1e7 steps, a drawing of
    # 1001 qubits, a 31-qubit statevector on a fake device
    ("memristor", "circuit", "--steps", "1000000", "--layout", "paper", "--json"),
    ("memristor", "circuit", "--steps", "10000000"),
    ("memristor", "circuit", "--steps", "1000"),
    ("memristor", "simulate", "--method", "circuit", "--backend", "fake:brisbane", "--layout",
     "paper", "--periods", "1", "--json"),
    # absolute tolerances beyond the range (the Bloch ball is left at 1e-2)
    ("neuron", "simulate", "--atol", "0.1", "--t-end", "50", "--json"),
    ("neuron", "simulate", "--atol", "0.01", "--method", "RK45", "--t-end", "200", "--json"),
    ("memristor", "coupled", "--delta", "1e308", "--periods", "1", "--json"),
    ("memristor", "coupled", "--delta", "1e20", "--periods", "1", "--json"),
    ("memristor", "coupled", "--periods", "1000000", "--json"),
    ("memristor", "coupled", "--gamma0", "1e308", "--periods", "1", "--json"),
    ("memristor", "coupled", "--shots", "99999999999999999999", "--backend", "sampled"),
    ("memristor", "coupled", "--state1", "angles:1e308,0", "--periods", "1", "--json"),
    ("memristor", "coupled", "--state1", "bloch:nan,0,0", "--periods", "1", "--json"),
    ("memristor", "coupled", "--state1", "bloch:1e-320,0,-0.0", "--periods", "1", "--json"),
    ("memristor", "coupled", "--points-per-period", "99999999999999999999", "--json"),
    ("neuron", "equilibria", "--gamma", "0.1", "--gamma", "0.2", "--json"),
    ("reproduce", "memristor-fig1", "--quick", "--seed", "-1", "--json"),
    ("reproduce", "memristor-fig1", "--quick", "--seed", "99999999999999999999", "--json"),
    # neuron sweep: the examples (sizes, tolerances, a rejected start) and combinations
    ("neuron", "sweep", "--x", "gamma=0:1:100000", "--y", "z_t=0:1:100000", "--t-end", "20",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.01:1:300", "--y", "z_t=0:1:300", "--v-in", "2",
     "--r-m", "6", "--t-end", "20", "--chunk-size", "1", "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0:1:2", "--t-end", "20", "--dt-out", "9",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0:1:2", "--t-end", "20", "--dt-out", "1",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "50", "--rtol", "1e308",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "50", "--rtol", "1e-300",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "1e308", "--protocol", "paper",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "1e9", "--protocol", "paper",
     "--dt-out", "1e6", "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "1e7", "--out", "{case}.zarr",
     "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "20", "--dt-out", "1e-320",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "20", "--chunk-size",
     "99999999999999999999", "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--y", "omega=1e8:1e8:1", "--t-end", "20",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--x", "alpha=0:1:3", "--t-end", "20",
     "--out", "{case}.zarr", "--json"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "20", "--out", "{case}.nc"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "20", "--out", "/sys/m.zarr"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:3", "--t-end", "20", "--out", "{case}.zarr",
     "--workers", "99999999999999999999"),
]  # fmt: skip


@dataclass
class Case:
    argv: list[str]
    option: str  # the option (or a description) under test
    value: str
    kind: str = ""  # the command key, for the output checks
    outcome: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)


def command_key(argv: list[str]) -> str:
    """``neuron simulate`` etc. from an argv (the method/backend variants fold onto it)."""
    return " ".join(argv[:2]) if argv[0] != "reproduce" else "reproduce"


def _base_without(key: str, opt: str) -> list[str]:
    """The base arguments of ``key`` without ``opt`` and its value (the case sets it)."""
    base = list(BASE[key])
    if opt in base:
        i = base.index(opt)
        del base[i : i + 2]
    return base


def make_cases() -> list[Case]:
    cases = []
    for key, opts in FLOAT_OPTS.items():
        words = key.split()
        for opt in opts:
            for v in FLOATS:
                argv = [*words[:2], *_base_without(key, opt), *words[2:], opt, v]
                cases.append(Case(argv, opt, v, command_key(argv)))
    for key, opts in INT_OPTS.items():
        words = key.split()
        for opt in opts:
            for v in INTS:
                argv = [*words[:2], *_base_without(key, opt), *words[2:], opt, v]
                cases.append(Case(argv, opt, v, command_key(argv)))
    for axis in SWEEP_AXES:  # the axis's parameter is the option under test
        argv = ["neuron", "sweep", *_base_without("neuron sweep", "--x"), "--x", axis]
        cases.append(Case(argv, f"--{axis.split('=')[0]}", axis, "neuron sweep"))
    for argv in EXTRA:  # every option of a hand-written case is "under test"
        opts = [i for i, a in enumerate(argv) if a.startswith("--") and a != "--json"]
        names = "|".join(argv[i] for i in opts)
        vals = " ".join(argv[i + 1] for i in opts if i + 1 < len(argv))
        cases.append(Case(list(argv), names, vals, command_key(list(argv))))
    return cases


# --------------------------------------------------------------------------------------------
# checks of successful output
# --------------------------------------------------------------------------------------------
def _has_null(obj, skip=()) -> bool:
    if obj is None:
        return True
    if isinstance(obj, dict):
        return any(_has_null(v, skip) for k, v in obj.items() if k not in skip)
    if isinstance(obj, list):
        return any(_has_null(v, skip) for v in obj)
    if isinstance(obj, float):
        return not math.isfinite(obj)
    return False


def _opt(argv: list[str], name: str, default: float) -> float:
    """The last value of ``name`` in argv as a float (the value the command saw)."""
    vals = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == name]
    try:
        return float(vals[-1]) if vals else default
    except ValueError:
        return default


def check_output(case: Case, out: str) -> str:
    """'' if the successful output is plausible, else what is wrong with it."""
    argv, kind = case.argv, case.kind
    if "--json" not in argv:
        return ""
    try:
        data = json.loads(out)
    except ValueError:
        return "stdout is not one JSON object"
    if kind == "neuron simulate":
        if _has_null(data, skip=("frequency",)):
            return "non-finite value in the summary"
        if data["bloch_max"] > 1 + 1e-6:
            return f"bloch_max {data['bloch_max']:.6g} > 1"
        v_in = _opt(argv, "--v-in", 0.23)
        lo, hi = min(0.0, v_in) - 2e-3, max(0.0, v_in) + 2e-3
        if data["V_min"] < lo - 1e-6 * abs(lo) or data["V_max"] > hi + 1e-6 * abs(hi):
            return f"V outside [min(0,V_in), max(0,V_in)]: {data['V_min']:.3g}…{data['V_max']:.3g}"
    elif kind == "neuron equilibria":
        if _has_null(data):
            return "non-finite value"
        r_m, v_in = _opt(argv, "--r-m", 5.0), _opt(argv, "--v-in", 0.23)
        omega = _opt(argv, "--omega", 7.0)
        # Gershgorin: Re λ ≤ max row sum of the Jacobian at X = Y = 0 (|V*| ≤ |V_in|,
        # 0 ≤ F_ij ≤ ~2.3): a loose bound that any correct eigenvalue respects
        bound = 10 * (abs(omega) + (1 + r_m) * (1 + abs(v_in)) * 10)
        for e in data["equilibria"]:
            if abs(e["V"]) > abs(v_in) * (1 + 1e-9):
                return f"|V*| = {abs(e['V']):.3g} > |V_in|"
            re = max(z[0] for z in e["eigenvalues"])
            if re > bound:
                return f"eigenvalue with Re = {re:.3g} beyond the Gershgorin bound {bound:.3g}"
    elif kind == "memristor simulate":
        if _has_null(data, skip=("form_factor",)):
            return "non-finite value (NaN in the result)"
        if not data["t"]:
            return "empty result"
        ff, v, i = data["form_factor"], data["V"], data["I"]
        per = (len(v) - 1) // max(len(ff), 1)
        vmax = max((abs(x) for x in v), default=0.0)
        for k, f in enumerate(ff):  # undefined for a point, or below the Lindblad resolution
            sl = slice(k * per, (k + 1) * per + 1)
            tiny = "lindblad" in argv and max(abs(x) for x in v[sl]) < 1e-8 * vmax
            if f is None and any(x != 0 for x in v[sl] + i[sl]) and not tiny:
                return f"form factor of period {k} is NaN though the loop is not a point"
        if "I_err" not in data:
            g = data["gamma"]
            scale = max(max(abs(x) for x in i), 1e-300)
            dev = max(abs(a - b * c) for a, b, c in zip(i, g, v, strict=True))
            if dev > 1e-6 * scale:
                return f"I ≠ ΓV: max deviation {dev:.3g} vs max |I| {scale:.3g}"
        for k in ("sigma_x", "sigma_y"):
            if max(abs(x) for x in data[k]) > 1 + 1e-6:
                return f"|<{k}>| > 1"
    elif kind == "memristor coupled":
        if _has_null(data, skip=("sudden_death", "sudden_birth")):
            return "non-finite value"
        c = data["concurrence"]
        if min(c) < -1e-12 or max(c) > 1 + 1e-9:
            return "concurrence outside [0, 1]"
    elif kind == "neuron sweep":
        return check_sweep(argv, data)
    elif _has_null(data):
        return "non-finite value"
    return ""


def check_sweep(argv: list[str], summary: dict) -> str:
    """'' if a finished sweep's summary and exported dataset are plausible."""
    if _has_null(summary):
        return "non-finite value in the summary"
    if "--netcdf" not in argv:
        return ""
    import numpy as np
    import xarray as xr

    nc = argv[argv.index("--netcdf") + 1]
    try:
        with xr.open_dataset(nc) as raw:
            ds = raw.load()
    except (OSError, ValueError) as exc:
        return f"the exported dataset is unreadable ({type(exc).__name__})"
    status = ds.status.values
    if summary["points"] != status.size:
        return f"{summary['points']} points in the summary, {status.size} in the dataset"
    if not np.isin(status, [0, 1, 2, 3, 4, 5]).all():
        return f"status codes outside 0–5: {sorted(set(status.ravel().tolist()))[:5]}"
    if summary["failed"] != int(np.isin(status, [1, 2, 3, 4]).sum()):
        return "the summary's failed count disagrees with the dataset"
    ok = (status == 0) | (status == 5)
    for name in ("span", "V_mean", "t_reached"):
        if not np.isfinite(ds[name].values[ok]).all():
            return f"{name} is NaN where the status says the point was computed"
    if (ds.span.values[ok] < 0).any():
        return "negative span"
    v_in = (ds["v_in"] if "v_in" in ds.coords else float(ds.attrs["v_in"])) + 0 * ds.span
    lo = np.minimum(0, v_in.values) - 2e-3
    hi = np.maximum(0, v_in.values) + 2e-3
    vm = ds.V_mean.values
    if ((vm < lo) | (vm > hi))[ok].any():
        return "V_mean outside [min(0, V_in), max(0, V_in)]"
    if (ds.span.values > hi - lo + 1e-9)[ok].any():
        return "span larger than |V_in|"
    return ""


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)", re.IGNORECASE)


def _numbers(text: str) -> set[float]:
    out = set()
    for m in _NUMBER.findall(text):
        try:
            x = float(m)
        except ValueError:
            continue
        out.add(round(x, 12) if math.isfinite(x) and abs(x) < 1e15 else x)
    return out


def mentions(case: Case, line: str) -> bool:
    """Whether a one-line error names the option under test, its value or a resource limit."""
    low = line.lower()
    names = set()
    for opt in (o.lstrip("-") for o in case.option.split("|")):
        if case.kind == "neuron sweep" and opt in ("x", "y", "out"):
            continue  # one letter (or a word) that every message contains
        names |= {opt, opt.replace("-", "_"), opt.replace("-", " ")}
    names |= {"limit", "budget", "bytes", "memory", "steps", "samples", "points", "qubits"}
    names |= {"tolerance", "given 2 times", "only apply", "with --bloch"}
    if any(n.lower() in low for n in names):
        return True
    # the value itself, e.g. "angles:1e308,0" → "a must be in [0, π/2] (got 1e+308)"
    if case.kind == "neuron sweep" and case.value and case.value in line:
        return True  # the value itself (a path, an axis)
    special = {x for x in _numbers(case.value) if not (math.isfinite(x) and x in (0.0, 1.0))}
    special |= {x for x in _numbers(case.value) if math.isnan(x)}
    line_nums = _numbers(line)
    return any(
        (math.isnan(x) and any(math.isnan(y) for y in line_nums)) or x in line_nums for x in special
    )


def classify(case: Case, code: int | None, out: str, err: str) -> tuple[str, str]:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    if code is None:
        return "hang", "timeout"
    if "Traceback" in err or code not in (0, 2):
        return "internal", last[:200]
    if code == 2:
        if len(lines) != 1 or not lines[0].startswith("qmemristor: error: "):
            return "misleading", f"{len(lines)} lines: {last[:160]}"
        if "internal error" in last:
            return "internal", last[:200]
        if not mentions(case, last):
            return "misleading", last[:200]
        return "ok", last[:200]
    try:
        wrong = check_output(case, out)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        wrong = f"output not as expected ({type(exc).__name__}: {exc})"
    return ("wrong", wrong) if wrong else ("ok", "exit 0")


# --------------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------------
def start(case: Case, workdir: Path, mem_bytes: int) -> tuple[int, Path]:
    """Fork a child that runs the case with stdout/stderr to files; returns (pid, prefix)."""
    prefix = workdir / f"case{os.getpid()}_{id(case)}"
    case.argv = [a.replace("{case}", str(prefix)) for a in case.argv]
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.chdir(workdir)
            os.setpgid(0, 0)
            resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
            fo = os.open(f"{prefix}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            fe = os.open(f"{prefix}.err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fo, 1)
            os.dup2(fe, 2)
            sys.stdout = os.fdopen(1, "w", closefd=False)
            sys.stderr = os.fdopen(2, "w", closefd=False)
            from qmemristor.cli import main

            code = 0
            try:
                main(case.argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001 - anything escaping main is a crash
                import traceback

                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        except BaseException:  # noqa: BLE001
            os._exit(99)
    return pid, prefix


#: Run once in the parent before forking, so that children inherit imported modules, built
#: device tables and numba-compiled kernels instead of paying for them in every case.
WARM_UP = (
    ("memristor", "simulate", "--periods", "1", "--json"),
    ("memristor", "simulate", "--periods", "1", "--method", "lindblad", "--json"),
    ("memristor", "simulate", "--periods", "1", "--method", "circuit", "--json"),
    ("memristor", "coupled", "--periods", "1", "--json"),
    ("neuron", "equilibria", "--json"),
    ("neuron", "simulate", "--t-end", "5", "--json"),
    ("neuron", "simulate", "--t-end", "5", "--json", "--method", "odeint"),
    ("neuron", "sweep", "--x", "gamma=0.1:0.9:2", "--t-end", "5", "--json", "--out", "{tmp}"),
)


def warm_up() -> None:
    import contextlib
    import io

    from qmemristor.cli import main as cli_main

    tmp = tempfile.mkdtemp(prefix="qm-fuzz-warm-")
    for argv in WARM_UP:
        argv = tuple(a.replace("{tmp}", f"{tmp}/warm.zarr") for a in argv)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with contextlib.suppress(SystemExit):
                cli_main(list(argv))
    shutil.rmtree(tmp, ignore_errors=True)


def run_all(cases: list[Case], jobs: int, timeout: float, mem_bytes: int) -> None:
    warm_up()
    env_keep = os.environ.pop("QMEMRISTOR_DEBUG", None)
    with tempfile.TemporaryDirectory(prefix="qm-fuzz-") as tmp:
        work = Path(tmp)
        pending = list(enumerate(cases))
        running: dict[int, tuple[int, Case, Path, float]] = {}
        done = 0
        while pending or running:
            while pending and len(running) < jobs:
                i, case = pending.pop(0)
                pid, prefix = start(case, work, mem_bytes)
                running[pid] = (i, case, prefix, time.monotonic())
            time.sleep(0.05)
            for pid, (_i, case, prefix, t0) in list(running.items()):
                res = os.waitpid(pid, os.WNOHANG)
                code: int | None
                if res[0] == 0:
                    if time.monotonic() - t0 < timeout:
                        continue
                    os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    code = None
                else:
                    st = res[1]
                    code = os.waitstatus_to_exitcode(st)
                out = Path(f"{prefix}.out").read_text(errors="replace")
                err = Path(f"{prefix}.err").read_text(errors="replace")
                case.outcome, case.detail = classify(case, code, out, err)
                if case.kind == "neuron sweep" and code == 2 and "--out" in case.argv:
                    store = Path(case.argv[case.argv.index("--out") + 1])
                    left = [q for q in (store, store.with_name(store.name + ".lock")) if q.exists()]
                    if left and store.parent == work:
                        case.outcome, case.detail = "leftover", f"{left[0].name} left behind"
                case.extra.update(code=code, stdout=out[-2000:], stderr=err[-2000:])
                case.extra["seconds"] = round(time.monotonic() - t0, 1)
                del running[pid]
                done += 1
                print(
                    f"[{done}/{len(cases)}] {case.outcome:10s} {' '.join(case.argv)}"
                    f"  — {case.detail[:150]}",
                    flush=True,
                )
    if env_keep is not None:
        os.environ["QMEMRISTOR_DEBUG"] = env_keep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="every 7th case only")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per case")
    ap.add_argument("--mem-gib", type=float, default=6.0, help="address-space limit per case")
    ap.add_argument("--json-out", type=Path, help="write every case and its outcome here")
    ap.add_argument("--match", default="", help="only cases whose command line contains this")
    ap.add_argument("--start", type=int, default=0, help="skip the first START cases")
    args = ap.parse_args()
    cases = make_cases()
    if args.match:
        cases = [c for c in cases if args.match in " ".join(c.argv)]
    if args.quick:
        cases = cases[::7]
    cases = cases[args.start :]
    run_all(cases, args.jobs, args.timeout, int(args.mem_gib * 2**30))
    counts = Counter(c.outcome for c in cases)
    print()
    print(f"{len(cases)} cases: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in OUTCOMES))
    for k in OUTCOMES[1:]:
        for c in cases:
            if c.outcome == k:
                print(f"  {k:10s} {' '.join(c.argv)}  — {c.detail[:160]}")
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                [
                    {"argv": c.argv, "outcome": c.outcome, "detail": c.detail, **c.extra}
                    for c in cases
                ],
                indent=1,
            )
        )


OUTCOMES = ("ok", "internal", "hang", "wrong", "misleading", "leftover")

if __name__ == "__main__":
    main()
