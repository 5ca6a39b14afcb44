"""Run the same commands on two checkouts and compare their outputs variable by variable.

For each command of :data:`COMMANDS`, ``python -m qmemristor ARGS`` runs once with
``PYTHONPATH=<base>/src`` and once with ``PYTHONPATH=<new>/src`` (the same interpreter and
installed dependencies), each in its own output folder.  Then every dataset written
(``*.nc``, ``*.zarr``) and the JSON printed on stdout (``--json``) are compared: per numeric
variable the largest absolute and relative difference, ``ok`` when
``|new − base| ≤ atol + rtol·|base|`` everywhere (NaN = NaN counts as equal; integer and text
variables must be equal).  Each command carries its tolerance and the reason for it.

Usage (from the repository root; a baseline exported with ``git archive``)::

    git archive <commit> | tar -x -C /tmp/base
    python benchmarks/compare_outputs.py --base /tmp/base [--new .] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

#: Same arithmetic (the neuron's equations and F_ij kernel compiled in another shape: the
#: summation order of a few sums differs) → a few ulps per evaluation; through an adaptive
#: integrator such differences can change a step decision, after which the trajectories differ
#: by up to the integrator's tolerance.  ODE outputs: rtol of the integrator (1e-8 in
#: simulate, 3e-5 in sweeps) × a safety factor 10 for the accumulation over a run.
ODE_SIM = (1e-7, 1e-9, "SciPy DOP853 rtol 1e-8: step sequences may differ by round-off")
SWEEP = (3e-4, 1e-8, "batched DOP5 rtol 3e-5 (per point, tightened near Hopf)")
ALGEBRA = (1e-11, 1e-13, "root finding / continuation to ~1e-12 on the same equations")
#: Paper M: both sides evaluate the same closed forms, the same SciPy integrations (same method,
#: tolerances and first step, hence the same step sequence) and the same circuits with the same
#: seeded shot noise; only regrouped sums and products may differ, by a few ulps per operation
#: and at most ~1e3 ulps after a run (1e-12 relative ≈ 4500 ulps: far above reordering noise,
#: far below any printed or plotted digit).
M_SAME = (1e-12, 1e-14, "same arithmetic, same seeded shots: reordered sums only")
#: Lindblad and coupled references integrate with DOP853 at rtol 1e-10; a last-bit difference in
#: the right-hand side may move one step decision, after which the runs differ by up to the
#: integrator's tolerance (safety factor 10 for the accumulation over the run).
M_ODE = (1e-9, 1e-11, "DOP853 rtol 1e-10: a step decision may move by round-off")
#: Figures that estimate from seeded shots through adaptive fits or ODE references (Figs. 4–12,
#: mitigation): the shots are identical, so the ODE tolerance bounds what can differ.
M_FIG = M_ODE

# fmt: off
COMMANDS: list[tuple[str, list[str], tuple[float, float, str], bool]] = [
    # name, arguments, (rtol, atol, why), run in --quick
    ("equilibria", ["neuron", "equilibria", "--v-in", "0.23", "--json"], ALGEBRA, True),
    ("hopf", ["neuron", "hopf", "--json"], ALGEBRA, True),
    ("simulate", ["neuron", "simulate", "--v-in", "1.73", "--protocol", "paper", "--t-end",
                  "300", "--json", "--out", "{out}/sim.nc"], ODE_SIM, True),
    ("sweep-paper", ["neuron", "sweep", "--x", "gamma=0.01:1:6", "--y", "z_t=0:1:6", "--v-in",
                     "2", "--r-m", "6", "--protocol", "paper", "--t-end", "1500", "--out",
                     "{out}/paper.zarr"], SWEEP, True),
    ("sweep-stationary", ["neuron", "sweep", "--x", "gamma=0.01:1:6", "--y", "z_t=0:1:6",
                          "--v-in", "2", "--r-m", "6", "--out", "{out}/stat.zarr"], SWEEP,
     True),
    *[
        (f"neuron-fig{k}", ["reproduce", f"neuron-fig{k}", "--quick", "--out", "{out}"],
         SWEEP if k in (6, 7) else ODE_SIM, True)
        for k in range(2, 8)
    ],
    *[
        (f"neuron-fig{k}-full", ["reproduce", f"neuron-fig{k}", "--out", "{out}"],
         SWEEP if k in (6, 7) else ODE_SIM, False)
        for k in (2, 3, 4, 5)
    ],
    # Paper M: the figures (quick and full) and the memristor commands with --json and --out
    *[
        (f"memristor-fig{k}", ["reproduce", f"memristor-fig{k}", "--quick", "--out", "{out}"],
         M_SAME if k in (1, 2, 3) else M_FIG, True)
        for k in range(1, 13)
    ],
    ("memristor-mitigation", ["reproduce", "memristor-mitigation", "--quick", "--out", "{out}"],
     M_FIG, True),
    *[
        (f"memristor-fig{k}-full", ["reproduce", f"memristor-fig{k}", "--out", "{out}"],
         M_SAME if k in (1, 2, 3) else M_FIG, False)
        for k in range(1, 13)
    ],
    ("memristor-mitigation-full", ["reproduce", "memristor-mitigation", "--out", "{out}"],
     M_FIG, False),
    ("m-simulate-exact", ["memristor", "simulate", "--json", "--out", "{out}/run.nc"], M_SAME,
     True),
    ("m-simulate-exact-mixed", ["memristor", "simulate", "--bloch", "0.3,-0.2,0.5", "--json",
                                "--out", "{out}/run.nc"], M_SAME, True),
    ("m-simulate-lindblad", ["memristor", "simulate", "--method", "lindblad", "--json", "--out",
                             "{out}/run.nc"], M_ODE, True),
    ("m-simulate-lindblad-constant", ["memristor", "simulate", "--method", "lindblad",
                                      "--drive", "constant", "--gamma0", "0.4", "--periods", "3",
                                      "--json", "--out", "{out}/run.nc"], M_ODE, True),
    ("m-simulate-circuit-density", ["memristor", "simulate", "--method", "circuit",
                                    "--backend", "density", "--periods", "2", "--json", "--out",
                                    "{out}/run.nc"], M_SAME, True),
    ("m-simulate-circuit-sampled", ["memristor", "simulate", "--method", "circuit", "--seed",
                                    "7", "--periods", "2", "--json", "--out", "{out}/run.nc"],
     M_SAME, True),
    ("m-simulate-circuit-reset", ["memristor", "simulate", "--method", "circuit", "--backend",
                                  "aer", "--layout", "reset", "--seed", "5", "--periods", "1",
                                  "--shots", "2000", "--json", "--out", "{out}/run.nc"], M_SAME,
     True),
    ("m-simulate-circuit-mitigated", ["memristor", "simulate", "--method", "circuit",
                                      "--mitigate", "readout+zne", "--seed", "11", "--periods",
                                      "1", "--json", "--out", "{out}/run.nc"], M_SAME, True),
    ("m-coupled-density", ["memristor", "coupled", "--json", "--out", "{out}/run.nc"], M_SAME,
     True),
    ("m-coupled-library-cry", ["memristor", "coupled", "--preset", "library", "--interaction",
                               "cry", "--periods", "5", "--json", "--out", "{out}/run.nc"],
     M_SAME, True),
    ("m-coupled-mixed-pswap", ["memristor", "coupled", "--interaction", "pswap", "--state1",
                               "bloch:0.2,0.1,-0.3", "--state2", "minus-i", "--periods", "4",
                               "--json", "--out", "{out}/run.nc"], M_SAME, True),
    ("m-coupled-sampled", ["memristor", "coupled", "--backend", "sampled", "--seed", "3",
                           "--periods", "2", "--json", "--out", "{out}/run.nc"], M_SAME, True),
    ("m-coupled-sampled-mitigated", ["memristor", "coupled", "--backend", "sampled", "--seed",
                                     "3", "--periods", "1", "--mitigate", "readout+zne",
                                     "--json", "--out", "{out}/run.nc"], M_SAME, True),
    ("m-circuit-paper", ["memristor", "circuit", "--json"], M_SAME, True),
    ("m-circuit-reset-mixed", ["memristor", "circuit", "--layout", "reset", "--steps", "4",
                               "--bloch", "0.1,0.2,0.3", "--observable", "x", "--json"], M_SAME,
     True),
]
# fmt: on


def run(src: Path, args: list[str], out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(src / "src")}
    argv = [a.replace("{out}", str(out)) for a in args]
    res = subprocess.run([sys.executable, "-m", "qmemristor", *argv], env=env,
                         capture_output=True, text=True, cwd=out)  # fmt: skip
    if res.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed in {src}: {res.stderr.strip()[-500:]}")
    return res.stdout


def _flatten(prefix: str, value: object, out: dict[str, object]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, list):
        if value and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            out[prefix] = np.array(value, dtype=float)
        else:
            for i, v in enumerate(value):
                _flatten(f"{prefix}[{i}]", v, out)
    else:
        out[prefix] = value


def variables(folder: Path, stdout: str) -> dict[str, object]:
    """Every variable of every dataset in ``folder`` and of the JSON on stdout."""
    found: dict[str, object] = {}
    for path in sorted(folder.glob("*.nc")) + sorted(folder.glob("*.zarr")):
        opener = xr.open_zarr if path.suffix == ".zarr" else xr.open_dataset
        with opener(path) as ds:
            for name in [*ds.data_vars, *ds.coords]:
                found[f"{path.name}:{name}"] = ds[name].values
    text = stdout.strip()
    if text.startswith(("{", "[")):
        _flatten("json", json.loads(text), found)
    return found


def compare(a: object, b: object, rtol: float, atol: float) -> tuple[bool, float, float]:
    """(ok, max |Δ|, max |Δ|/|a|) of two values (numbers compared with the tolerance)."""
    x, y = np.asarray(a), np.asarray(b)
    if x.shape != y.shape:
        return False, math.inf, math.inf
    if x.dtype.kind in "fc" or y.dtype.kind in "fc":
        x, y = x.astype(complex), y.astype(complex)
        nan_x, nan_y = np.isnan(x), np.isnan(y)
        if np.any(nan_x != nan_y):
            return False, math.inf, math.inf
        d = np.abs(np.where(nan_x, 0, x - y))
        ref = np.abs(np.where(nan_x, 0, x))
        ok = bool(np.all(d <= atol + rtol * ref))
        dmax = float(d.max()) if d.size else 0.0
        rel = float((d / np.where(ref > 0, ref, 1)).max()) if d.size else 0.0
        return ok, dmax, rel
    same = bool(np.all(x == y))
    return same, 0.0 if same else math.inf, 0.0 if same else math.inf


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="baseline checkout (has src/)")
    ap.add_argument("--new", type=Path, default=Path("."), help="new checkout (default .)")
    ap.add_argument("--quick", action="store_true", help="skip the full-resolution figures")
    ap.add_argument("--only", nargs="*", help="run only these command names")
    args = ap.parse_args()
    failures = 0
    for name, argv, (rtol, atol, why), quick in COMMANDS:
        if (args.quick and not quick) or (args.only and name not in args.only):
            continue
        with tempfile.TemporaryDirectory() as d0, tempfile.TemporaryDirectory() as d1:
            out0 = run(args.base.resolve(), argv, Path(d0))
            out1 = run(args.new.resolve(), argv, Path(d1))
            v0, v1 = variables(Path(d0), out0), variables(Path(d1), out1)
        keys = sorted(set(v0) | set(v1))
        worst = (0.0, 0.0, "")
        bad = []
        for k in keys:
            if k not in v0 or k not in v1:
                bad.append(f"{k} (only in {'new' if k in v1 else 'base'})")
                continue
            if any(s in k for s in ("version", "created", "git", "date")):
                continue  # provenance
            ok, dmax, rel = compare(v0[k], v1[k], rtol, atol)
            if not ok:
                bad.append(f"{k} (max |Δ| {dmax:.2e}, rel {rel:.2e})")
            elif dmax > worst[0]:
                worst = (dmax, rel, k)
        failures += bool(bad)
        status = "ok " if not bad else "DIFF"
        print(f"{status} {name:22s} {len(keys):4d} variables; largest |Δ| {worst[0]:.2e} "
              f"(rel {worst[1]:.2e}) in {worst[2] or '-'}; tolerance rtol {rtol:g}, "
              f"atol {atol:g}: {why}")  # fmt: skip
        for line in bad[:10]:
            print(f"     {line}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
