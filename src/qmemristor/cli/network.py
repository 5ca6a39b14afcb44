"""``qmemristor memristor network``: N coupled quantum memristors on a graph."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import ParameterError, check_nonnegative
from ._common import check_out, emit_json, info
from .memristor import STATE_HELP, app, parse_state

__all__ = ["network_cmd"]


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
    else:
        raise ParameterError(
            f"unknown backend {backend!r}; choose one of: density, trajectories, lindblad"
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
    delta: float = typer.Option(
        0.02,  # = qmemristor.memristor.interactions.DEFAULT_DELTA (not imported: fast start-up)
        "--delta",
        help="Coupling angle δ per step (rad); the rate is g = δ/Δt.",
    ),
    frame: str = typer.Option(
        "interaction",  # = qmemristor.network.DEFAULT_FRAME
        "--frame",
        help="interaction (the gate acts on the interaction-picture state, as in the paper) or "
        "lab (on the Schrödinger-picture state).",
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
        help="density (exact 2^N×2^N state, N ≤ 14), trajectories (quantum jumps with standard "
        "errors, N ≤ 24) or lindblad (continuous-time limit g = δ/Δt, N ≤ 5).",
    ),
    trajectories: int | None = typer.Option(
        None, "--trajectories", help="Number of trajectories (trajectories backend; default 200)."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the trajectories (≥ 0)."),
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
    density backend is exact; trajectories estimate the same quantities with standard errors.
    """
    from .. import limits
    from ..memristor import MemristorParams
    from ..memristor.interactions import Coupling
    from .memristor import checked_grid

    check_out(out)
    if isinstance(nodes, bool) or nodes < 1:
        raise ParameterError(f"nodes must be an integer ≥ 1 (got {nodes})")
    check_nonnegative("gamma0", gamma0)
    backend = backend.strip().lower()
    if trajectories is not None and backend != "trajectories":
        raise ParameterError("--trajectories only applies to --backend trajectories")
    if seed is not None and backend != "trajectories":
        raise ParameterError("--seed only applies to --backend trajectories")
    if seed is not None and seed < 0:
        raise ParameterError(f"seed must be a non-negative integer (got {seed})")
    m = 200 if trajectories is None else trajectories
    if m < 2:
        raise ParameterError(f"trajectories must be an integer ≥ 2 (got {m})")
    _check_size(backend, nodes, m)
    from ..network import MemristorNetwork
    from ..results.network import network_dataset

    coupling = Coupling(interaction.strip().lower(), delta)
    network = MemristorNetwork.build(
        nodes,
        topology,
        coupling,
        memristor=MemristorParams(gamma0=gamma0),
        frame=frame.strip().lower(),
        order=order.strip().lower(),
    )
    s0 = parse_state(state, "--state")
    states = (s0,) * nodes
    t = checked_grid(  # representable, within the memory budget (qmemristor.limits)
        MemristorParams(gamma0=gamma0), periods, points_per_period,
        bytes_per_point=limits.COUPLED_BYTES_PER_STEP,
    )  # fmt: skip
    result = _run(network, states, t, backend, m, seed, progress=not as_json)
    ds = network_dataset(
        network, result, states, seed=seed, extra_attrs={"points_per_period": points_per_period}
    )
    if out is not None:
        from ..io import write_netcdf

        write_netcdf(ds, out)
    if as_json:
        payload = {
            "nodes": nodes,
            "edges": [list(p) for p in network.pairs],
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
        emit_json(payload)
        return
    _report(network, result, backend)
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


def _report(network, result, backend: str) -> None:
    """Human summary on stderr."""
    import numpy as np

    a = network.as_attrs()
    info(
        f"{network.n} nodes, edges {a['edges'] or 'none'}, {a['interaction']} coupling, "
        f"δ = {a.get('delta', 'per edge')}, {network.frame} frame, {network.order} order; "
        f"backend {backend}"
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
    if result.tripartite is not None:
        info(f"tripartite negativity: max {np.nanmax(result.tripartite):.3f}")
