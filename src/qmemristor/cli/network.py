"""``qmemristor memristor network``: N coupled quantum memristors on a graph."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import ParameterError, check_nonnegative
from ._common import check_out, emit_json, info
from .memristor import MITIGATE_HELP, STATE_HELP, app, parse_state

__all__ = ["network_cmd"]

#: Backends of the command: the model's own, then the circuit backends of ``digital``.
MODEL_BACKENDS = ("density", "trajectories", "lindblad")
CIRCUIT_BACKENDS = ("sampled", "aer", "fake:NAME")


def _check_size(backend: str, nodes: int, trajectories: int) -> None:
    """Refuse, before any work, a run that cannot fit in memory (with the estimate)."""
    if backend == "density":
        from ..network.density import MAX_DENSITY_NODES, density_memory_bytes

        if nodes > MAX_DENSITY_NODES:
            gib = density_memory_bytes(nodes) / 2**30
            raise ParameterError(
                f"--nodes {nodes}: the density backend needs {gib:.4g} GiB per state "
                f"(at most {MAX_DENSITY_NODES} nodes); use --backend trajectories"
            )
    elif backend == "trajectories":
        from ..network.trajectories import (
            MAX_TRAJECTORY_BYTES,
            MAX_TRAJECTORY_NODES,
            trajectory_memory_bytes,
        )

        if nodes > MAX_TRAJECTORY_NODES:
            raise ParameterError(
                f"--nodes {nodes}: the trajectory backend supports at most "
                f"{MAX_TRAJECTORY_NODES} nodes"
            )
        need = trajectory_memory_bytes(nodes, trajectories)
        if need > MAX_TRAJECTORY_BYTES:
            raise ParameterError(
                f"--nodes {nodes} with {trajectories} trajectories needs {need / 2**30:.3g} GiB "
                f"(at most {MAX_TRAJECTORY_BYTES / 2**30:.0f} GiB); use fewer trajectories"
            )
    elif backend == "lindblad":
        from ..network.lindblad import MAX_LINDBLAD_NODES

        if nodes > MAX_LINDBLAD_NODES:
            raise ParameterError(
                f"--nodes {nodes}: the Lindblad reference is for at most {MAX_LINDBLAD_NODES} nodes"
            )


def _is_circuit(backend: str) -> bool:
    return backend in ("sampled", "aer") or (backend.startswith("fake:") and bool(backend[5:]))


def _check_backend(backend: str) -> None:
    if backend not in MODEL_BACKENDS and not _is_circuit(backend):
        raise ParameterError(
            f"unknown backend {backend!r}; choose one of: "
            f"{', '.join((*MODEL_BACKENDS, *CIRCUIT_BACKENDS))}"
        )


def _check_options(
    backend: str,
    trajectories: int | None,
    seed: int | None,
    layout: str | None,
    shots: int | None,
    mitigate: str | None,
) -> None:
    """Options that belong to other backends are refused, naming the backend they need."""
    circuit = _is_circuit(backend)
    if trajectories is not None and backend != "trajectories":
        raise ParameterError("--trajectories only applies to --backend trajectories")
    if seed is not None and backend != "trajectories" and not circuit:
        raise ParameterError("--seed only applies to --backend trajectories and circuit backends")
    if seed is not None and seed < 0:
        raise ParameterError(f"seed must be a non-negative integer (got {seed})")
    for name, value in (("--layout", layout), ("--shots", shots), ("--mitigate", mitigate)):
        if value is not None and not circuit:
            raise ParameterError(
                f"{name} only applies to the circuit backends: {', '.join(CIRCUIT_BACKENDS)}"
            )


@app.command("network")
def network_cmd(
    nodes: int = typer.Option(3, "--nodes", help="Number of memristors N (≥ 1)."),
    topology: str = typer.Option(
        "chain",
        "--topology",
        help="chain, ring, star (node 0 the hub), all (every pair), or an edge list "
        "'0-1,1-2,...' (i-j: node i is the first memristor of the pair, e.g. the control).",
    ),
    interaction: str = typer.Option(
        "yy",
        "--interaction",
        help="Gate of every edge after each step: xx, yy, zz, crx, cry, crz, pswap or xy "
        "(as in `memristor coupled`).",
    ),
    preset: str = typer.Option(
        "paper",
        "--preset",
        help="Frame and δ as in `memristor coupled`: paper (fitted to Paper M's text: lab "
        "frame, δ = 0.0126) or library (interaction frame, δ = 0.02). --frame and --delta "
        "override it.",
    ),
    delta: float | None = typer.Option(
        None,
        "--delta",
        show_default="the preset's",
        help="Coupling angle δ per step (rad); the rate is g = δ/Δt.",
    ),
    frame: str | None = typer.Option(
        None,
        "--frame",
        show_default="the preset's",
        help="interaction (the gate acts on the interaction-picture state) or lab (on the "
        "Schrödinger-picture state).",
    ),
    gamma0: float = typer.Option(0.02, "--gamma0", help="Decay strength γ0 of every node."),
    state: str = typer.Option("plus", "--state", help=f"Initial state of every node. {STATE_HELP}"),
    periods: int = typer.Option(20, "--periods", help="Number of drive periods (> 0)."),
    points_per_period: int = typer.Option(
        30, "--points-per-period", help="Time steps per period (≥ 4); one gate per edge and step."
    ),
    backend: str = typer.Option(
        "density",
        "--backend",
        help="density (exact, N ≤ 14), trajectories (quantum jumps with standard errors, "
        "N ≤ 24), lindblad (continuous-time limit g = δ/Δt, N ≤ 5), or the circuits: sampled "
        "(exact outcome probabilities + seeded shots), aer, fake:NAME (noisy fake IBM device).",
    ),
    layout: str | None = typer.Option(
        None,
        "--layout",
        show_default="reset",
        help="Circuit backends: reset (one reused ancilla per node: 2N qubits) or shared (one "
        "ancilla for all nodes: N + 1 qubits).",
    ),
    shots: int | None = typer.Option(
        None, "--shots", show_default="5000", help="Circuit backends: shots per circuit."
    ),
    mitigate: str | None = typer.Option(
        None, "--mitigate", help="Circuit backends: " + MITIGATE_HELP
    ),
    trajectories: int | None = typer.Option(
        None, "--trajectories", help="Number of trajectories (trajectories backend; default 200)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the trajectories or of the shot noise (≥ 0)."
    ),
    order: str = typer.Option(
        "forward",
        "--order",
        help="Gate order of a step: forward (edges as listed), reverse, or symmetric (half "
        "gates before the collisions, half gates in reverse after them: second order).",
    ),
    out: Path | None = typer.Option(None, "--out", help="Write the dataset to this .nc file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """N memristors on a graph: ⟨V⟩, ⟨I⟩, loops and pinching per node; concurrence, mutual
    information per pair; negativity of the first ⌊N/2⌋ nodes vs the rest.

    Every step applies each node's collision and then every edge's gate (in --order).  The
    paper prints neither δ nor the frame of the gate: --preset paper (the default) uses the
    values fitted to its text, as `memristor coupled` does.  The density backend is exact;
    trajectories estimate the same quantities with standard errors; the circuit backends run
    the reset layouts and measure the one- and two-node states by tomography (the
    whole-register negativity is not measured).
    """
    from .. import limits
    from ..memristor import MemristorParams
    from ..memristor.coupled import get_preset
    from ..memristor.interactions import Coupling
    from .memristor import checked_grid

    check_out(out)
    if isinstance(nodes, bool) or nodes < 1:
        raise ParameterError(f"nodes must be an integer ≥ 1 (got {nodes})")
    check_nonnegative("gamma0", gamma0)
    backend = backend.strip()
    backend = backend if backend.startswith("fake:") else backend.lower()
    _check_backend(backend)
    _check_options(backend, trajectories, seed, layout, shots, mitigate)
    m = 200 if trajectories is None else trajectories
    if m < 2:
        raise ParameterError(f"trajectories must be an integer ≥ 2 (got {m})")
    _check_size(backend, nodes, m)
    chosen = get_preset(preset)
    execution = None
    if _is_circuit(backend):
        from .memristor import build_execution

        lay = (layout or "reset").strip().lower()
        if lay not in ("reset", "shared"):
            raise ParameterError(
                f"unknown layout {layout!r} for a network; choose one of: reset, shared"
            )
        execution = build_execution(backend, lay, shots, seed, mitigate)
    from ..network import MemristorNetwork
    from ..results.network import network_dataset

    coupling = Coupling(interaction.strip().lower(), chosen.delta if delta is None else delta)
    network = MemristorNetwork.build(
        nodes,
        topology,
        coupling,
        memristor=MemristorParams(gamma0=gamma0),
        frame=None if frame is None else frame.strip().lower(),
        order=order.strip().lower(),
        preset=chosen,
    )
    s0 = parse_state(state, "--state")
    states = (s0,) * nodes
    t = checked_grid(  # representable, within the memory budget (qmemristor.limits)
        MemristorParams(gamma0=gamma0), periods, points_per_period,
        bytes_per_point=limits.COUPLED_BYTES_PER_STEP,
    )  # fmt: skip
    if execution is not None:
        result = _run_circuits(network, states, t, execution, progress=not as_json)
    else:
        result = _run(network, states, t, backend, m, seed, progress=not as_json)
    extra = {
        "points_per_period": points_per_period,
        "preset": chosen.name,
        "preset_overridden": ", ".join(
            opt
            for opt, given in (("--frame", frame is not None), ("--delta", delta is not None))
            if given
        ),
    }
    if execution is not None:
        extra["mitigation"] = str(execution.mitigation)
    ds = network_dataset(network, result, states, seed=seed, extra_attrs=extra)
    if out is not None:
        from ..io import write_netcdf

        write_netcdf(ds, out)
    if as_json:
        payload = {
            "nodes": nodes,
            "edges": [list(p) for p in network.pairs],
            "backend": result.states.backend,
            "preset": chosen.name,
            "frame": network.frame,
            "delta": coupling.delta,
            "t": ds.t.values,
            "V": ds.V.values,
            "I": ds.I.values,
            "form_factor": ds.form_factor.values,
            "pinched": ds.pinched.values.astype(bool),
            "pairs": [list(p) for p in result.pairs],
            "concurrence": ds.concurrence.values,
            "mutual_information": ds.mutual_information.values,
            "negativity_half": result.negativity_half,
            "half": list(result.partitions[0]) if result.partitions else [],
        }
        if result.tripartite is not None:
            payload["tripartite_negativity"] = result.tripartite
        for name in ("V_err", "I_err", "wootters_err"):
            if name in ds:
                payload[name] = ds[name].values
        if execution is not None:
            info_ = result.states.info
            payload["circuits"] = {
                k.removeprefix("circuit_"): info_[k]
                for k in (
                    "circuit_num_circuits",
                    "circuit_num_settings",
                    "circuit_max_qubits",
                    "circuit_settings",
                )
                if k in info_
            }
            payload["shots"] = execution.shots
            payload["layout"] = execution.layout_name
            if "circuit_mitigation" in info_:
                payload["mitigation"] = info_["circuit_mitigation"]
        emit_json(payload)
        return
    _report(network, result, backend, chosen.name)
    if out is not None:
        info(f"wrote {out}")


def _run(network, states, t, backend, m, seed, *, progress: bool):
    """Run with a progress bar on stderr (none with --json)."""
    from ..network import simulate_network

    kwargs = {"trajectories": m, "seed": seed} if backend == "trajectories" else {}
    steps = t.size - 1
    if not progress or backend == "lindblad":
        return simulate_network(network, states, t, backend=backend, **kwargs)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"{backend}, {network.n} nodes"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("steps", total=steps)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done)

        return simulate_network(network, states, t, backend=backend, progress=advance, **kwargs)


def _run_circuits(network, states, t, execution, *, progress: bool):
    """The circuit backends: the resource estimate first (refused if impossible), then the run."""
    from ..digital.network import estimate_network_run, simulate_network_circuits
    from ..network import network_measures
    from .memristor import _spinner

    est, n_settings = estimate_network_run(network, states, t, execution)
    what = f"running {execution.backend} ({execution.layout} layout, mitigation "
    what += f"{execution.mitigation})"
    with _spinner(what, enabled=progress):
        st = simulate_network_circuits(network, states, t, execution)
    if progress:  # after the run: a refused run prints its one error line and nothing else
        info(
            f"{est.circuits} circuits ({n_settings} settings × {t.size} time points) of up to "
            f"{est.qubits} qubits, {est.shots} shots, {est.method}"
        )
    return network_measures(network, st)


def _report(network, result, backend: str, preset: str) -> None:
    """Human summary on stderr."""
    import numpy as np

    a = network.as_attrs()
    info(
        f"{network.n} nodes, edges {a['edges'] or 'none'}, {a['interaction']} coupling, "
        f"δ = {a.get('delta', 'per edge')}, {network.frame} frame (preset {preset}), "
        f"{network.order} order; backend {backend}"
    )
    for k in range(network.n):
        p = result.pinched[k]
        ff = result.form_factor[k]
        rng = f"{np.nanmin(ff):.3f}–{np.nanmax(ff):.3f}" if np.isfinite(ff).any() else "n/a"
        info(f"node {k}: pinched in {int(p.sum())}/{p.size} periods; form factor {rng}")
    for q, (i, j) in enumerate(result.pairs):
        c = result.concurrence[q]
        info(f"pair {i}-{j}: concurrence max {c.max():.3f}, mean {c.mean():.3f}")
    neg = result.negativity_half
    if np.isfinite(neg).any():
        half = ",".join(map(str, result.partitions[0]))
        info(f"negativity of nodes {half} vs the rest: max {np.nanmax(neg):.3f}")
    if result.tripartite is not None and np.isfinite(result.tripartite).any():
        info(f"tripartite negativity: max {np.nanmax(result.tripartite):.3f}")
