"""``qmemristor memristor ...``: the single quantum memristor of Paper M."""

from __future__ import annotations

import math
from enum import Enum
from pathlib import Path

import typer

from ..errors import ParameterError
from ._common import check_out, emit_json, info, new_app

app = new_app("Paper M: the two-level quantum memristor.")


class Method(str, Enum):
    exact = "exact"
    lindblad = "lindblad"


class Drive(str, Enum):
    paper = "paper"
    constant = "constant"


def parse_bloch(text: str) -> tuple[float, float, float]:
    """``"x,y,z"`` → three floats (paper basis, z = +1 is |e⟩)."""
    parts = text.split(",")
    try:
        vals = tuple(float(p) for p in parts)
    except ValueError:
        vals = ()
    if len(vals) != 3:
        raise ParameterError(f"--bloch must be three numbers 'x,y,z' (got {text!r})")
    return vals  # type: ignore[return-value]


def build_state(a: float, b: float, bloch: str | None):
    """Initial state from ``--bloch`` if given, else from the angles (a, b)."""
    from ..memristor import InitialState

    if bloch is not None:
        return InitialState(*parse_bloch(bloch))
    return InitialState.from_angles(a, b)


def build_params(gamma0: float, omega: float, drive: Drive):
    from ..memristor import ConstantDecay, MemristorParams

    params = MemristorParams(gamma0=gamma0, omega=omega)
    if drive is Drive.constant:
        params = MemristorParams(gamma0=gamma0, omega=omega, decay=ConstantDecay(gamma0))
    return params


@app.command()
def simulate(
    gamma0: float = typer.Option(0.2, "--gamma0", help="Decay strength γ0 ≥ 0 (units of ω)."),
    a: float = typer.Option(
        math.pi / 8, "--a", show_default="π/8", help="State angle a ∈ [0, π/2]: cos(a)|e⟩ + ..."
    ),
    b: float = typer.Option(
        math.pi / 5, "--b", show_default="π/5", help="Relative phase b ∈ [0, 2π)."
    ),
    bloch: str | None = typer.Option(
        None,
        "--bloch",
        help="Initial Bloch vector 'x,y,z' (|r| ≤ 1, mixed allowed); overrides a, b.",
    ),
    periods: int = typer.Option(5, "--periods", help="Number of drive periods (> 0)."),
    points_per_period: int = typer.Option(
        30, "--points-per-period", help="Samples per period (≥ 4)."
    ),
    method: Method = typer.Option(Method.exact, "--method", help="Solver."),
    omega: float = typer.Option(1.0, "--omega", help="Angular frequency ω > 0."),
    drive: Drive = typer.Option(
        Drive.paper, "--drive", help="Γ(t): paper = γ0(1 − sin(cos ωt)), constant = γ0."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Recorded in the output."),
    out: Path | None = typer.Option(None, "--out", help="Write the dataset to this .nc file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Simulate one memristor: ⟨σx⟩, ⟨σy⟩, ⟨V⟩, ⟨I⟩, Γ and the form factor of each period."""
    import numpy as np

    from ..io import write_netcdf
    from ..memristor import simulate as run
    from ..memristor import time_grid

    check_out(out)
    params = build_params(gamma0, omega, drive)
    state = build_state(a, b, bloch)
    t = time_grid(periods, points_per_period, omega)
    ds = run(params, state, t, method=method.value, seed=seed)
    if out is not None:
        write_netcdf(ds, out)
    if as_json:
        emit_json(
            {
                "t": ds.t.values,
                "sigma_x": ds.sigma_x.values,
                "sigma_y": ds.sigma_y.values,
                "V": ds.V.values,
                "I": ds.I.values,
                "gamma": ds.gamma.values,
                "form_factor": ds.form_factor.values,
            }
        )
        return
    i, v, g = ds.I.values, ds.V.values, ds.gamma.values
    rel = float(np.max(np.abs(i - g * v)) / max(np.max(np.abs(i)), 1e-300))
    ff = ", ".join(f"{x:.4f}" for x in ds.form_factor.values)
    info(f"{method.value}: {t.size} points over {periods} periods")
    info(f"form factor per period: {ff}")
    info(f"memristive relation: max|I − ΓV| / max|I| = {rel:.2e}")
    if out is not None:
        info(f"wrote {out}")
