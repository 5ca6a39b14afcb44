"""Helpers shared by the tests: CLI results, a subprocess runner, the one-line-error and
``reproduce`` assertions, and the memristor set-ups several test modules use."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qmemristor.conventions import QISKIT_PAULI_SIGN
from qmemristor.io import read_netcdf
from qmemristor.memristor import (
    CoupledMemristors,
    Coupling,
    InitialState,
    MemristorParams,
    exact_solution,
)

SRC = str(Path(__file__).resolve().parents[1] / "src")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_subprocess(*args: str, cwd: str | os.PathLike[str] | None = None) -> Result:
    """Run ``python -m qmemristor ARGS`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("QMEMRISTOR_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "qmemristor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=900,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(res: Result, *fragments: str) -> None:
    """Exit code 2, exactly one line on stderr naming the problem, no traceback."""
    assert res.code == 2, (res.code, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1, res.err
    assert lines[0].startswith("qmemristor: error: ")
    assert "Traceback" not in res.err
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])


def assert_reproduced(cli, out_dir: Path, name: str) -> Result:
    """``reproduce NAME --quick --json`` succeeds and writes a PNG and a dataset with the
    figure's provenance into ``out_dir``; returns the CLI result."""
    res = cli("reproduce", name, "--quick", "--out", str(out_dir), "--json")
    assert res.code == 0, res.err
    assert (out_dir / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ds = read_netcdf(out_dir / f"{name}.nc")
    assert ds.attrs["figure"] == name and "qmemristor_version" in ds.attrs
    return res


# --- memristor set-ups shared by test modules ----------------------------------------------
#: Paper M, Fig. 4: γ0 = 0.4 and the state cos(π/4)|e⟩ + sin(π/4) e^{iπ/5}|g⟩.
FIG4 = MemristorParams(gamma0=0.4)
PAPER_STATE = InitialState.from_angles(math.pi / 4, math.pi / 5)
#: A mixed initial state (|r| < 1: the circuits add a purifier qubit).
MIXED_STATE = InitialState(0.3, -0.2, 0.1)
#: (|e⟩ + |g⟩)/√2, the coupled figures' state, and a less symmetric pure state.
PLUS = InitialState.from_angles(math.pi / 4, 0.0)
TILTED = InitialState.from_angles(math.pi / 8, math.pi / 5)


def exact_p0(params, state, t, observables=("x", "y")):
    """Probability of outcome 0 after the readout of each observable, from the closed form:
    shape ``(n_t, n_obs)``, or ``(n_t,)`` for one observable given as a string."""
    ex = exact_solution(params, state, t)

    def p0(o):
        return 0.5 * (1.0 + QISKIT_PAULI_SIGN[o] * getattr(ex, f"sigma_{o}"))

    if isinstance(observables, str):
        return p0(observables)
    return np.stack([p0(o) for o in observables], axis=1)


def coupled_system(name="yy", delta=0.3, g1=0.2, g2=0.1, frame="interaction"):
    """Two memristors (γ0 = g1, g2) coupled by ``name`` with angle ``delta`` per step."""
    return CoupledMemristors(
        m1=MemristorParams(gamma0=g1),
        m2=MemristorParams(gamma0=g2),
        coupling=Coupling(name, delta),
        frame=frame,
    )
