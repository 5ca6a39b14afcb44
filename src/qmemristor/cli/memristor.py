"""``qmemristor memristor ...``: the single quantum memristor of Paper M."""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from ..errors import ParameterError, check_nonnegative
from ._common import check_out, emit_json, info, new_app

app = new_app("Paper M: the two-level quantum memristor.")

# options shared by `simulate` and `circuit`
B_OPT = typer.Option(None, "--b", show_default="π/5", help="Relative phase b ∈ [0, 2π).")
#: Defaults of (a, b) of `simulate` and `circuit` (None in the options, so that giving them
#: together with --bloch can be refused).
DEFAULT_AB = {"simulate": (math.pi / 8, math.pi / 5), "circuit": (math.pi / 4, math.pi / 5)}
OMEGA_OPT = typer.Option(1.0, "--omega", help="Angular frequency ω > 0.")
# error mitigation of circuit runs (`simulate --method circuit` and `coupled`)
MITIGATE_HELP = (
    "Error mitigation of the circuit runs: none, or strategies joined by + or , among readout "
    "(per-qubit readout calibration and correction), zne (zero-noise extrapolation with "
    "folded collisions, never resets), dd (dynamical decoupling; devices with timing) and "
    "twirl (Pauli twirling of 2-qubit gates), e.g. readout+zne.  --json adds 'mitigation' "
    "(what was applied, circuits and shots spent)."
)


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
    return vals


def build_state(a: float | None, b: float | None, bloch: str | None, command: str = "simulate"):
    """Initial state from ``--bloch`` if given (then --a/--b must not be), else from the angles
    (a, b) with the command's defaults for those not given."""
    from ..memristor import InitialState

    if bloch is not None:
        given = [name for name, v in (("--a", a), ("--b", b)) if v is not None]
        if given:
            raise ParameterError(
                f"{' and '.join(given)} cannot be combined with --bloch (it sets the whole state)"
            )
        return InitialState(*parse_bloch(bloch))
    a0, b0 = DEFAULT_AB[command]
    return InitialState.from_angles(a0 if a is None else a, b0 if b is None else b)


def checked_grid(params, periods: int, points_per_period: int, method: str = "exact", **kw):
    """The time grid of ``--periods`` × ``--points-per-period``, after
    :func:`~qmemristor.memristor.run.check_run` has checked that it (and the run on it)
    is representable and fits the budgets (``params``: one MemristorParams or several)."""
    from ..memristor import time_grid
    from ..memristor.run import check_run

    if periods <= 0:
        raise ParameterError(f"periods must be a positive integer (got {periods})")
    if points_per_period < 4:
        raise ParameterError(f"points-per-period must be an integer ≥ 4 (got {points_per_period})")
    every = params if isinstance(params, tuple | list) else (params,)
    labels = ("gamma0",) if len(every) == 1 else ("gamma0", "gamma0-2")
    for p, label in zip(every, labels, strict=True):
        check_run(
            p,
            periods * points_per_period + 1,
            periods * p.period,
            method=method,
            grid=f"--periods {periods} × --points-per-period {points_per_period}",
            remedy="use fewer --periods or --points-per-period",
            label=label,
            **kw,
        )
    return time_grid(periods, points_per_period, every[0].omega)


def build_params(gamma0: float, omega: float, drive: Drive):
    from ..memristor import ConstantDecay, MemristorParams

    params = MemristorParams(gamma0=gamma0, omega=omega)
    if drive is Drive.constant:
        params = MemristorParams(gamma0=gamma0, omega=omega, decay=ConstantDecay(gamma0))
    return params


@app.command()
def simulate(
    gamma0: float = typer.Option(0.2, "--gamma0", help="Decay strength γ0 ≥ 0 (units of ω)."),
    a: float | None = typer.Option(
        None, "--a", show_default="π/8", help="State angle a ∈ [0, π/2]: cos(a)|e⟩ + ..."
    ),
    b: float | None = B_OPT,
    bloch: str | None = typer.Option(
        None,
        "--bloch",
        help="Initial Bloch vector 'x,y,z' (|r| ≤ 1, mixed allowed); instead of --a, --b.",
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
    omega: float = OMEGA_OPT,
    drive: Drive = typer.Option(
        Drive.paper, "--drive", help="Γ(t): paper = γ0(1 − sin(cos ωt)), constant = γ0."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the shot noise (circuit method); recorded in the output."
    ),
    mitigate: str | None = typer.Option(
        None, "--mitigate", help="With --method circuit: " + MITIGATE_HELP
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

    from .. import limits
    from ..io import write_netcdf
    from ..results.memristor import check_finite_result
    from ..results.memristor import simulate as run

    check_out(out)
    circuit = method is Method.circuit
    if not circuit:
        opts = (
            ("--backend", backend),
            ("--layout", layout),
            ("--shots", shots),
            ("--mitigate", mitigate),
        )
        given = [name for name, value in opts if value is not None]
        if given:
            raise ParameterError(f"{' and '.join(given)} only apply to --method circuit")
    params = build_params(gamma0, omega, drive)
    state = build_state(a, b, bloch)
    execution = build_execution(backend, layout, shots, seed, mitigate) if circuit else None
    json_bytes = limits.JSON_BYTES_PER_POINT if as_json else 0
    per_point = limits.MEMRISTOR_BYTES_PER_POINT[method.value] + json_bytes
    t = checked_grid(params, periods, points_per_period, method.value, bytes_per_point=per_point)
    if execution is not None:
        ds = run_circuit(params, state, t, execution, progress=not as_json)
        # σz and the unmeasured observables are NaN by design
        check_finite_result(ds, "the circuit run", ("sigma_x", "sigma_y", "gamma", "V", "I"))
    else:
        ds = run(
            params, state, t, method="lindblad" if method is Method.lindblad else "exact", seed=seed
        )
    if out is not None:
        write_netcdf(ds, out)
    if as_json:
        fields = ["t", "sigma_x", "sigma_y", "V", "I", "gamma", "form_factor"]
        payload = {f: ds[f].values for f in fields}
        if circuit:
            payload |= {f: ds[f].values for f in ("sigma_x_err", "sigma_y_err", "V_err", "I_err")}
            if execution is not None and execution.mitigation.active:
                payload["mitigation"] = mitigation_record(ds)
        emit_json(payload)
        return
    i, v, g = ds.I.values, ds.V.values, ds.gamma.values
    rel = float(np.max(np.abs(i - g * v)) / max(np.max(np.abs(i)), 1e-300))
    ff = ", ".join(f"{x:.4f}" if np.isfinite(x) else "undefined" for x in ds.form_factor.values)
    info(f"{method.value}: {t.size} points over {periods} periods")
    if circuit:
        report_circuit(ds, params, state)
    info(f"form factor per period: {ff}")
    if not np.all(np.isfinite(ds.form_factor.values)):
        info(
            "(undefined: the loop is a single point, V ≡ I ≡ 0, or with --method lindblad its "
            "coherence is below the integration's resolution 1e-9; --method exact resolves it)"
        )
    info(f"memristive relation: max|I − ΓV| / max|I| = {rel:.2e}")
    if out is not None:
        info(f"wrote {out}")


def build_execution(backend, layout, shots, seed, mitigate, *, default_backend="sampled"):
    """The :class:`~qmemristor.options.Execution` of the circuit options, validated once.

    Defaults: ``default_backend``, 5000 shots, the reset layout on fake devices (else paper),
    no mitigation.
    """
    from ..options import Execution, Mitigation

    backend = backend or default_backend
    if layout is None:
        layout = "reset" if backend.startswith("fake:") else "paper"
    return Execution(
        backend=backend,
        layout=layout,
        shots=5000 if shots is None else shots,
        seed=seed,
        mitigation=Mitigation.parse(mitigate) if mitigate is not None else Mitigation(),
    )


def mitigation_record(ds) -> dict:
    """What mitigation was applied and what it cost, from a circuit dataset's attributes."""
    import json

    raw = ds.attrs.get("circuit_mitigation")
    if raw is None:
        return {"strategies": "none"}
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def run_circuit(params, state, t, execution, *, progress: bool):
    """``--method circuit`` with an :class:`~qmemristor.options.Execution`."""
    from ..results.digital import simulate_circuit

    ex = execution
    what = f"running {ex.backend} ({ex.layout} layout, mitigation {ex.mitigation})"
    with _spinner(what, enabled=progress):
        return simulate_circuit(params, state, t, ex)


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
    report_mitigation(ds)
    for name in ("sigma_x", "sigma_y"):
        dev = np.abs(ds[name].values - getattr(ex, name))
        err = ds[f"{name}_err"].values
        info(
            f"<{name.replace('sigma_', 'σ')}>: max |digital − exact| = {dev.max():.3g} "
            f"(typical standard error {np.median(err):.3g})"
        )


def report_mitigation(ds) -> None:
    """One line on the mitigation of a circuit run (nothing without)."""
    rec = mitigation_record(ds)
    if rec.get("strategies", "none") == "none":
        return
    spent = ""
    if "total_circuits" in rec:
        spent = f": {rec['total_circuits']} circuits, {rec['total_shots']} shots in all"
    info(f"mitigation {rec['strategies']}{spent}")


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
    a: float | None = typer.Option(
        None, "--a", show_default="π/4", help="State angle a ∈ [0, π/2]."
    ),
    b: float | None = B_OPT,
    bloch: str | None = typer.Option(
        None, "--bloch", help="Initial Bloch vector 'x,y,z' (mixed: adds a purifier qubit)."
    ),
    points_per_period: int = typer.Option(
        30, "--points-per-period", help="Time steps per drive period (≥ 4)."
    ),
    omega: float = OMEGA_OPT,
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
    from ..memristor.run import check_run

    check_out(out, (".qasm",))
    if isinstance(steps, bool) or steps < 0:
        raise ParameterError(f"steps must be an integer ≥ 0 (got {steps})")
    if points_per_period < 4:
        raise ParameterError(f"points-per-period must be an integer ≥ 4 (got {points_per_period})")
    lay = get_layout(layout)
    params = build_params(gamma0, omega, drive)
    state = build_state(a, b, bloch, "circuit")
    check_run(
        params,
        steps + 1,
        steps * params.period / points_per_period,
        grid=f"--steps {steps}",
        remedy="use fewer --steps",
    )
    draw = not (qasm or as_json)
    _check_circuit_size(params, state, lay, observable.value, steps, draw)
    t = np.arange(steps + 1) * (params.period / points_per_period)
    protocol = build_protocol(params, state, t)
    qc = protocol_circuit(protocol, steps, observable.value, lay, barriers=draw)
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


#: Most operations ``memristor circuit`` builds and exports: measured 0.35 ms an operation
#: (Qiskit's circuit building 0.08 ms and OpenQASM 3 export 0.27 ms; 4000 steps, 2 shared
#: cores), so the limit is ~7 s of work: ≈ 10,000 steps in the paper layout (2 operations a
#: step), ≈ 6,600 in the reset layout (3 a step).
MAX_CIRCUIT_OPERATIONS = 20_000
#: Largest text drawing: Qiskit's text drawer takes ≈ depth × (1.4 ms + 0.2 ms × qubits)
#: (measured: paper layout, 100 steps (101 qubits, depth 206) 4.5 s, 200 steps 18.6 s and
#: 51.8 MiB; reset layout, 1000 steps (2 qubits, depth 3005) 5.5 s), i.e. 0.2 ms × the cost
#: depth × (qubits + 7).  The limit is ~6 s: ≈ 100 paper steps, ≈ 1000 reset steps.
MAX_DRAWING_COST = 30_000


def _circuit_size(
    params: Any, state: Any, layout: Any, observable: str, barriers: bool
) -> Callable[[int], tuple[int, int, int]]:
    """``size(steps)`` → (qubits, depth, operations) of the circuit of ``steps`` ≥ 2
    collisions, without building it.

    Every layout adds the same gates (and, in the paper layout, one ancilla) per step, so the
    sizes are linear in ``steps``: they are read off the circuits of 2 and 3 steps.
    """
    import numpy as np

    from ..digital import build_protocol, circuit_stats, protocol_circuit

    protocol = build_protocol(params, state, np.arange(4) * (params.period / 8))
    two, three = (
        circuit_stats(protocol_circuit(protocol, k, observable, layout, barriers=barriers))
        for k in (2, 3)
    )
    keys = ("num_qubits", "depth", "size")

    def size(steps: int) -> tuple[int, int, int]:
        q, d, n = (two[k] + (steps - 2) * (three[k] - two[k]) for k in keys)
        return q, d, n

    return size


def _check_circuit_size(
    params: Any, state: Any, layout: Any, observable: str, steps: int, draw: bool
) -> None:
    """Refuse a circuit too large to build, export or draw in seconds (before building it)."""
    if steps <= 3:
        return
    size = _circuit_size(params, state, layout, observable, draw)
    qubits, depth, ops = size(steps)
    if ops > MAX_CIRCUIT_OPERATIONS:
        most = steps
        while most > 2 and size(most)[2] > MAX_CIRCUIT_OPERATIONS:  # linear: one jump
            per_step = max(1, size(most)[2] - size(most - 1)[2])
            most -= max(1, -(-(size(most)[2] - MAX_CIRCUIT_OPERATIONS) // per_step))
        raise ParameterError(
            f"--steps {steps} gives a circuit of {ops:,} operations in the {layout.name} "
            f"layout, more than the {MAX_CIRCUIT_OPERATIONS:,} this command builds and exports "
            f"in seconds; use --steps ≤ {most}"
        )

    def cost(k: int) -> int:
        q, d, _ = size(k)
        return d * (q + 7)

    if draw and cost(steps) > MAX_DRAWING_COST:
        most = steps
        while most > 2 and cost(most) > MAX_DRAWING_COST:  # at most quadratic: a few jumps
            most = min(most - 1, int(most * math.sqrt(MAX_DRAWING_COST / cost(most))))
        raise ParameterError(
            f"a text drawing of {qubits} qubits and depth {depth} (--steps {steps}, "
            f"{layout.name} layout) is beyond what the drawer renders in seconds; use --qasm or "
            f"--json, or --steps ≤ {most}"
        )


# --------------------------------------------------------------------------------------------
# two coupled memristors
# --------------------------------------------------------------------------------------------

#: Named initial states of ``--state1``/``--state2`` as (a, b) of cos(a)|e⟩ + sin(a)e^{ib}|g⟩.
NAMED_STATES = {
    "plus": (math.pi / 4, 0.0),
    "minus": (math.pi / 4, math.pi),
    "plus-i": (math.pi / 4, math.pi / 2),
    "minus-i": (math.pi / 4, 3 * math.pi / 2),
    "e": (0.0, 0.0),
    "g": (math.pi / 2, 0.0),
}

STATE_HELP = (
    "Initial state: a name (plus = (|e⟩+|g⟩)/√2, minus, plus-i = (|e⟩+i|g⟩)/√2, minus-i, e, "
    "g), 'angles:A,B' for cos(A)|e⟩ + sin(A)e^{iB}|g⟩ (A ∈ [0, π/2], B ∈ [0, 2π)), or "
    "'bloch:X,Y,Z' (|r| ≤ 1, mixed allowed; z = +1 is |e⟩)."
)


def parse_state(text: str, option: str):
    """An :class:`InitialState` from the ``--state1``/``--state2`` syntax (see ``STATE_HELP``)."""
    from ..memristor import InitialState

    key = text.strip().lower()
    if key in NAMED_STATES:
        return InitialState.from_angles(*NAMED_STATES[key])
    kind, _, rest = key.partition(":")
    try:
        vals = tuple(float(p) for p in rest.split(",")) if rest else ()
    except ValueError:
        vals = ()
    if kind == "angles" and len(vals) == 2:
        return InitialState.from_angles(*vals)
    if kind == "bloch" and len(vals) == 3:
        return InitialState(*vals)
    raise ParameterError(
        f"{option} must be one of {', '.join(NAMED_STATES)}, 'angles:A,B' or 'bloch:X,Y,Z' "
        f"(got {text!r})"
    )


@app.command("coupled")
def coupled_cmd(
    interaction: str = typer.Option(
        "yy",
        "--interaction",
        help="Gate after every step: xx, yy, zz (exp(−iδσi⊗σi)), crx, cry, crz (controlled "
        "R_i(δ) = exp(−iδσi/2), memristor 1 controls), pswap (exp(−iδ SWAP)) or xy "
        "(exp(−iδ(σx⊗σx + σy⊗σy)/2)).",
    ),
    preset: str = typer.Option(
        "paper",
        "--preset",
        help="Frame and δ as a named preset: paper (fitted to Paper M's text: lab frame, "
        "δ = 0.0126) or library (the library defaults: interaction frame, δ = 0.02). "
        "--frame and --delta override it.",
    ),
    delta: float | None = typer.Option(
        None,
        "--delta",
        show_default="the preset's",
        help="Coupling angle δ per step (rad); the rate is g = δ/Δt.",
    ),
    gamma0: float = typer.Option(0.02, "--gamma0", help="Decay strength γ0 of memristor 1."),
    gamma0_2: float | None = typer.Option(
        None, "--gamma0-2", help="Decay strength of memristor 2 (default: --gamma0)."
    ),
    state1: str = typer.Option("plus", "--state1", help=STATE_HELP),
    state2: str = typer.Option("plus", "--state2", help="Initial state of memristor 2 (as above)."),
    periods: int = typer.Option(20, "--periods", help="Number of drive periods (> 0)."),
    points_per_period: int = typer.Option(
        30, "--points-per-period", help="Time steps per period (≥ 4); one gate per step."
    ),
    frame: str | None = typer.Option(
        None,
        "--frame",
        show_default="the preset's",
        help="interaction (the gate acts on the interaction-picture state) or lab (on the "
        "Schrödinger-picture state).",
    ),
    backend: str = typer.Option(
        "density",
        "--backend",
        help="density (exact, default), sampled (exact probabilities + seeded shots), aer, or "
        "fake:NAME (noisy fake IBM device).",
    ),
    layout: str | None = typer.Option(
        None,
        "--layout",
        help="paper (fresh ancillas: 2i+2 qubits at t_i; default) or reset (4 qubits; the "
        "default for fake: devices).",
    ),
    shots: int = typer.Option(5000, "--shots", help="Shots per circuit (shot-based backends)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the shot noise."),
    mitigate: str | None = typer.Option(
        None, "--mitigate", help="Shot-based backends: " + MITIGATE_HELP
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the dataset to this .nc file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Two coupled memristors: ⟨V⟩, ⟨I⟩, loop form factors and pinching of each, concurrence.

    Every step applies each memristor's collision and then the interaction gate.  The paper
    prints neither δ nor the frame of the gate: --preset paper (the default) uses the values
    fitted to its text (benchmarks/fit_paper_preset.py).  The density backend is exact (⟨I⟩
    from the generator of the continuous-time limit); the shot-based backends run 9 tomography
    circuits per time point and use a finite difference for ⟨I⟩, so their pinch verdicts and
    sudden death/birth are those of noisy data.
    """
    from ..digital.execute import resolve_backend_name
    from ..io import write_netcdf
    from ..memristor import CoupledMemristors, Coupling, MemristorParams, get_preset
    from ..results.digital import simulate_coupled
    from ..results.memristor import check_finite_result

    check_out(out)
    if gamma0_2 is not None:
        check_nonnegative("--gamma0-2", gamma0_2)
    chosen = get_preset(preset)
    frame = chosen.frame if frame is None else frame.strip().lower()
    coupling = Coupling(interaction.strip().lower(), chosen.delta if delta is None else delta)
    s1, s2 = parse_state(state1, "--state1"), parse_state(state2, "--state2")
    system = CoupledMemristors(
        m1=MemristorParams(gamma0=gamma0),
        m2=MemristorParams(gamma0=gamma0 if gamma0_2 is None else gamma0_2),
        coupling=coupling,
        frame=frame,
    )
    from .. import limits

    t = checked_grid(
        system.memristors,
        periods,
        points_per_period,
        bytes_per_point=limits.COUPLED_BYTES_PER_STEP + 2 * limits.JSON_BYTES_PER_POINT,
    )
    ex = build_execution(resolve_backend_name(backend), layout, shots, seed, mitigate)
    what = f"running {ex.backend} ({ex.layout} layout, mitigation {ex.mitigation})"
    with _spinner(what, enabled=not as_json):
        ds = simulate_coupled(system, s1, s2, t, ex)
    check_finite_result(ds.drop_vars(["pinch_offset"]), "the coupled run")
    ds.attrs["preset"] = chosen.name
    ds.attrs["preset_overridden"] = ", ".join(
        opt for opt, value in (("--frame", frame != chosen.frame), ("--delta", delta)) if value
    )
    if out is not None:
        write_netcdf(ds, out)
    if as_json:
        payload = {
            "t": ds.t.values,
            "concurrence": ds.concurrence.values,
            **{f"{v}{k}": ds[v].sel(memristor=k).values for k in (1, 2) for v in ("V", "I")},
            **{f"form_factor_{k}": ds.form_factor.sel(memristor=k).values for k in (1, 2)},
            **{f"pinched_{k}": ds.pinched.sel(memristor=k).values.astype(bool) for k in (1, 2)},
            "sudden_death": ds.sudden_death_start.values,
            "sudden_birth": ds.sudden_birth.values,
        }
        if "I_err" in ds:
            payload |= {
                f"{v}{k}_err": ds[f"{v}_err"].sel(memristor=k).values
                for k in (1, 2)
                for v in ("V", "I")
            }
            payload["concurrence_err"] = ds.concurrence_err.values
        if ex.mitigation.active:
            payload["mitigation"] = mitigation_record(ds)
        emit_json(payload)
        return
    report_coupled(ds)
    if out is not None:
        info(f"wrote {out}")


def report_coupled(ds) -> None:
    """Human summary of a coupled run on stderr."""
    import numpy as np

    a = ds.attrs
    period = 2 * math.pi
    preset = a.get("preset")
    if preset:
        over = a.get("preset_overridden")
        preset = f"preset {preset}" + (f" ({over} overridden)" if over else "") + "; "
    info(
        f"{preset or ''}{a['interaction']} coupling, δ = {a['delta']}, g = δ/Δt = "
        f"{a['g']:.4g}, {a['frame']} frame; backend {a['backend']}, layout {a['layout']}, "
        f"shots {a['shots']}"
    )
    c = ds.concurrence.values
    report_mitigation(ds)
    info(f"concurrence: max {c.max():.3f} at t = {ds.t.values[np.argmax(c)] / period:.2f} T")
    deaths = ", ".join(
        f"{s / period:.2f}–{e / period:.2f} T" + (" (to the end)" if o else "")
        for s, e, o in zip(
            ds.sudden_death_start.values,
            ds.sudden_death_end.values,
            ds.sudden_death_open.values,
            strict=True,
        )
    )
    births = ", ".join(f"{b / period:.2f} T" for b in ds.sudden_birth.values)
    info(f"sudden death (C = 0): {deaths or 'none'}; sudden birth: {births or 'none'}")
    for k in (1, 2):
        pinched = ds.pinched.sel(memristor=k).values.astype(bool)
        ff = ds.form_factor.sel(memristor=k).values
        unp = [int(p) + 1 for p in np.flatnonzero(~pinched)]
        info(
            f"memristor {k}: pinched in {pinched.sum()}/{pinched.size} periods"
            + (f" (not in periods {', '.join(map(str, unp))})" if unp else "")
            + f"; form factor {np.nanmin(ff):.3f}–{np.nanmax(ff):.3f}"
        )


from . import network as _network  # noqa: E402, F401  (registers `memristor network`)
