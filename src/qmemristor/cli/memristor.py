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
    circuit = "circuit"


class Observable(str, Enum):
    x = "x"
    y = "y"
    z = "z"


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
    method: Method = typer.Option(
        Method.exact,
        "--method",
        help="exact (closed form), lindblad (master equation) or circuit (Qiskit circuits).",
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        help="With --method circuit: density (exact), sampled (default; exact probabilities + "
        "seeded shots), aer (qiskit-aer), fake:NAME (noisy fake IBM device, e.g. "
        "fake:brisbane).",
    ),
    layout: str | None = typer.Option(
        None,
        "--layout",
        help="With --method circuit: paper (one ancilla per step, the default) or reset (one "
        "reused ancilla; the default for fake: devices).",
    ),
    shots: int | None = typer.Option(
        None, "--shots", help="With --method circuit: shots per circuit (default 5000)."
    ),
    omega: float = typer.Option(1.0, "--omega", help="Angular frequency ω > 0."),
    drive: Drive = typer.Option(
        Drive.paper, "--drive", help="Γ(t): paper = γ0(1 − sin(cos ωt)), constant = γ0."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the shot noise (circuit method); recorded in the output."
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the dataset to this .nc file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Simulate one memristor: ⟨σx⟩, ⟨σy⟩, ⟨V⟩, ⟨I⟩, Γ and the form factor of each period.

    With --method circuit the memristor runs on the collisional circuits of the paper (one
    circuit per time point and observable); ⟨I⟩ then uses a finite difference of the measured
    ⟨σy⟩, and --json adds the standard errors sigma_x_err, sigma_y_err, V_err and I_err.
    """
    import numpy as np

    from ..io import write_netcdf
    from ..memristor import simulate as run
    from ..memristor import time_grid

    check_out(out)
    circuit = method is Method.circuit
    if not circuit:
        opts = (("--backend", backend), ("--layout", layout), ("--shots", shots))
        given = [name for name, value in opts if value is not None]
        if given:
            raise ParameterError(f"{' and '.join(given)} only apply to --method circuit")
    params = build_params(gamma0, omega, drive)
    state = build_state(a, b, bloch)
    t = time_grid(periods, points_per_period, omega)
    if circuit:
        ds = run_circuit(params, state, t, backend, layout, shots, seed, progress=not as_json)
    else:
        ds = run(params, state, t, method=method.value, seed=seed)
    if out is not None:
        write_netcdf(ds, out)
    if as_json:
        fields = ["t", "sigma_x", "sigma_y", "V", "I", "gamma", "form_factor"]
        if circuit:
            fields += ["sigma_x_err", "sigma_y_err", "V_err", "I_err"]
        emit_json({f: ds[f].values for f in fields})
        return
    i, v, g = ds.I.values, ds.V.values, ds.gamma.values
    rel = float(np.max(np.abs(i - g * v)) / max(np.max(np.abs(i)), 1e-300))
    ff = ", ".join(f"{x:.4f}" for x in ds.form_factor.values)
    info(f"{method.value}: {t.size} points over {periods} periods")
    if circuit:
        report_circuit(ds, params, state)
    info(f"form factor per period: {ff}")
    info(f"memristive relation: max|I − ΓV| / max|I| = {rel:.2e}")
    if out is not None:
        info(f"wrote {out}")


def run_circuit(params, state, t, backend, layout, shots, seed, *, progress: bool):
    """``--method circuit``: defaults (sampled, 5000 shots, reset layout on fake devices)."""
    from ..digital import simulate_circuit

    backend = backend or "sampled"
    if layout is None:
        layout = "reset" if backend.startswith("fake:") else "paper"
    shots = 5000 if shots is None else shots
    with _spinner(f"running {backend} ({layout} layout)", enabled=progress):
        return simulate_circuit(
            params, state, t, backend=backend, layout=layout, shots=shots, seed=seed
        )


def _spinner(text: str, *, enabled: bool):
    """A transient spinner on stderr while circuits run (disabled with --json)."""
    from contextlib import nullcontext

    if not enabled:
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(text)


def report_circuit(ds, params, state) -> None:
    """Human summary of a circuit run: settings and the deviation from the exact solution."""
    import numpy as np

    from ..memristor import exact_solution

    ex = exact_solution(params, state, ds.t.values)
    a = ds.attrs
    info(
        f"backend {a['backend']}, layout {a['layout']}, shots {a['shots']}, "
        f"{a['circuit_num_circuits']} circuits of up to {a['circuit_max_qubits']} qubits"
    )
    for name in ("sigma_x", "sigma_y"):
        dev = np.abs(ds[name].values - getattr(ex, name))
        err = ds[f"{name}_err"].values
        info(
            f"<{name.replace('sigma_', 'σ')}>: max |digital − exact| = {dev.max():.3g} "
            f"(typical standard error {np.median(err):.3g})"
        )


@app.command("circuit")
def circuit_cmd(
    steps: int = typer.Option(3, "--steps", help="Collisions before the measurement (≥ 0)."),
    layout: str = typer.Option(
        "paper", "--layout", help="paper (one ancilla per step) or reset (one reused ancilla)."
    ),
    observable: Observable = typer.Option(
        Observable.y, "--observable", help="Measured observable: σx, σy or σz."
    ),
    gamma0: float = typer.Option(0.4, "--gamma0", help="Decay strength γ0 ≥ 0 (units of ω)."),
    a: float = typer.Option(
        math.pi / 4, "--a", show_default="π/4", help="State angle a ∈ [0, π/2]."
    ),
    b: float = typer.Option(
        math.pi / 5, "--b", show_default="π/5", help="Relative phase b ∈ [0, 2π)."
    ),
    bloch: str | None = typer.Option(
        None, "--bloch", help="Initial Bloch vector 'x,y,z' (mixed: adds a purifier qubit)."
    ),
    points_per_period: int = typer.Option(
        30, "--points-per-period", help="Time steps per drive period (≥ 4)."
    ),
    omega: float = typer.Option(1.0, "--omega", help="Angular frequency ω > 0."),
    drive: Drive = typer.Option(Drive.paper, "--drive", help="Γ(t): paper or constant."),
    qasm: bool = typer.Option(False, "--qasm", help="Print OpenQASM 3 instead of a drawing."),
    out: Path | None = typer.Option(None, "--out", help="Also write OpenQASM 3 to this .qasm."),
    as_json: bool = typer.Option(
        False, "--json", help="Print qubits, depth, gate counts and the OpenQASM 3 as JSON."
    ),
) -> None:
    """Print the circuit that measures a memristor observable after --steps collisions.

    The time point is t = steps·T/K (T = 2π/ω, K = --points-per-period); the drawing is
    Qiskit's text drawer, --qasm gives OpenQASM 3.
    """
    import numpy as np

    from ..digital import build_protocol, circuit_stats, get_layout, protocol_circuit, to_qasm3
    from ..io import atomic_path

    check_out(out, (".qasm",))
    if isinstance(steps, bool) or steps < 0:
        raise ParameterError(f"steps must be an integer ≥ 0 (got {steps})")
    if points_per_period < 4:
        raise ParameterError(f"points-per-period must be an integer ≥ 4 (got {points_per_period})")
    lay = get_layout(layout)
    params = build_params(gamma0, omega, drive)
    state = build_state(a, b, bloch)
    t = np.arange(steps + 1) * (params.period / points_per_period)
    protocol = build_protocol(params, state, t)
    qc = protocol_circuit(protocol, steps, observable.value, lay, barriers=not (qasm or as_json))
    text = to_qasm3(qc)
    if out is not None:
        with atomic_path(out) as tmp:
            tmp.write_text(text)
    if as_json:
        emit_json(
            {
                "layout": lay.name,
                "steps": steps,
                "observable": observable.value,
                "t": float(t[-1]),
                **circuit_stats(qc),
                "qasm3": text,
            }
        )
        return
    typer.echo(text if qasm else str(qc.draw("text", fold=-1)))
    stats = circuit_stats(qc)
    info(
        f"{lay.name} layout, {steps} step(s), measuring σ{observable.value} at t = {t[-1]:.4g}: "
        f"{stats['num_qubits']} qubits, depth {stats['depth']}, {stats['size']} operations"
    )
    if out is not None:
        info(f"wrote {out}")
