"""``qmemristor reservoir``: reservoir-computing benchmarks of the quantum memristor and neuron."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from ._common import check_out, emit_json, info, new_app

__all__ = ["app"]

app = new_app(
    "Reservoir computing with quantum memristors, memristor networks and the memristive "
    "quantum neuron: NARMA10, "
    "Mackey–Glass, memory capacity, quartic and Santa Fe tasks, against an echo-state network "
    "and a linear window, at a given number of shots."
)

_TASK_HELP = "narma10, mackey-glass, memory-capacity, quartic or santafe."
_RES_HELP = "memristor, network, neuron, esn or linear."
_TOPOLOGY_HELP = (
    "Graph of the network reservoir: chain, ring (default), star, all or an edge list '0-1,1-2'."
)


def _progress(disable: bool) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
        disable=disable,
        console=Console(stderr=True),
    )


def _config(
    quick: bool,
    nodes: int | None,
    virtual: int | None,
    seed: int,
    sizes: Any,
    network_nodes: int | None = None,
    topology: str = "ring",
) -> Any:
    from ..reservoir.benchmark import BenchmarkConfig
    from ..reservoir.tasks import Split

    base = BenchmarkConfig.quick(seed) if quick else BenchmarkConfig(seed=seed)
    washout, train, test = sizes
    split = Split(
        base.split.washout if washout is None else washout,
        base.split.n_train if train is None else train,
        base.split.n_test if test is None else test,
    )
    return BenchmarkConfig(
        split,
        base.nodes if nodes is None else nodes,
        base.virtual_nodes if virtual is None else virtual,
        seed,
        base.network_nodes if network_nodes is None else network_nodes,
        topology,
    )


def _check_seed(seed: int) -> None:
    from ..errors import ParameterError

    if seed < 0:
        raise ParameterError(f"seed must be a non-negative integer (got {seed})")


def _line(name: str, sc: Any) -> str:
    if sc.capacity == sc.capacity:  # not NaN: memory capacity
        return f"{name:18s} {sc.features:5d} features  capacity {sc.capacity:.3g}"
    return (
        f"{name:18s} {sc.features:5d} features  NMSE train {sc.nmse_train:.3g}  "
        f"test {sc.nmse_test:.3g}"
    )


@app.command()
def benchmark(
    task: str = typer.Option(..., "--task", help=_TASK_HELP),
    reservoir: str = typer.Option("memristor", "--reservoir", help=_RES_HELP),
    nodes: int | None = typer.Option(
        None,
        "--nodes",
        help="Nodes of the reservoir (memristor/neuron 8, --quick 4; network 6, --quick 3). "
        "Baselines get as many features as the reservoir; run alone, esn/linear get NODES "
        "units/taps.",
    ),
    topology: str | None = typer.Option(None, "--topology", help=_TOPOLOGY_HELP),
    virtual_nodes: int | None = typer.Option(
        None, "--virtual-nodes", help="Reads per input hold (time multiplexing; 4, --quick 2)."
    ),
    shots: int | None = typer.Option(
        None, "--shots", help="Shots per observable per read (omit: exact expectation values)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of inputs, weights and shot noise."),
    washout: int | None = typer.Option(None, "--washout", help="Washout rows (200; quick 100)."),
    train: int | None = typer.Option(None, "--train", help="Training rows (2000; quick 400)."),
    test: int | None = typer.Option(None, "--test", help="Test rows (1000; quick 200)."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes (seconds; same code paths)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    out: Path | None = typer.Option(None, "--out", help="Write the scores to this .nc file."),
) -> None:
    """Score one reservoir on one task, with the ESN and linear baselines of the same run.

    Readout: standardised ridge regression, α per target by forward-chaining 5-fold
    cross-validation on the training rows; NMSE on the training and test rows (memory
    capacity: Σ_d r² over the test rows).
    """
    from ..errors import ParameterError
    from ..io import write_netcdf
    from ..reservoir.benchmark import make_reservoir, run_benchmark
    from ..reservoir.shots import _check_shots
    from ..reservoir.tasks import TASKS

    check_out(out)
    _check_seed(seed)
    if task not in TASKS:
        raise ParameterError(f"unknown task {task!r}; choose one of: {', '.join(TASKS)}")
    if shots is not None:
        _check_shots(shots)
    network = reservoir == "network"
    if topology is not None and not network:
        raise ParameterError("--topology applies to --reservoir network only")
    config = _config(
        quick,
        None if network else nodes,
        virtual_nodes,
        seed,
        (washout, train, test),
        nodes if network else None,
        topology or "ring",
    )
    make_reservoir(reservoir, config)  # names and the network's options, before any work
    t0 = time.perf_counter()
    with _progress(as_json) as bar:
        job = bar.add_task(f"{task} / {reservoir}", total=3)
        result = run_benchmark(
            task, reservoir, shots=shots, config=config,
            progress=lambda _name: bar.advance(job),
        )  # fmt: skip
    seconds = time.perf_counter() - t0
    if out is not None:
        from ..results.reservoir import benchmark_dataset

        write_netcdf(benchmark_dataset(result, seed, config), out)
    if as_json:
        emit_json({**result.as_dict(), "seed": seed, "seconds": seconds})
        return
    sc = result.score
    label = "exact" if sc.shots is None else f"{sc.shots} shots/read"
    typer.echo(f"{task}  ({label}; washout {config.split.washout}, "
               f"train {config.split.n_train}, test {config.split.n_test})")  # fmt: skip
    typer.echo(_line(reservoir, sc))
    for name, b in result.baselines.items():
        typer.echo(_line(f"{name} (baseline)", b))
    if sc.cost is not None:
        c = sc.cost
        typer.echo(f"device cost: {c.circuits} circuits, {c.total_shots:.3g} shots, "
                   f"{c.hold_executions:.3g} input holds executed")  # fmt: skip
    info(f"{seconds:.1f} s" + (f" → {out}" if out else ""))


@app.command()
def table(
    out: Path = typer.Option(..., "--out", help="Output folder (created if missing)."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes (seconds; same code paths)."),
    nodes: int | None = typer.Option(
        None, "--nodes", help="Nodes of the memristor and neuron reservoirs (8; --quick 4)."
    ),
    network_nodes: int | None = typer.Option(
        None, "--network-nodes", help="Nodes of the network reservoir (6; --quick 3)."
    ),
    topology: str = typer.Option("ring", "--topology", help=_TOPOLOGY_HELP),
    virtual_nodes: int | None = typer.Option(
        None, "--virtual-nodes", help="Reads per input hold of the quantum reservoirs."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of inputs, weights and shot noise."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
) -> None:
    """The whole comparison: tasks × reservoirs × shots per read (exact, 1e5 … 1e2).

    Writes OUT/reservoir_table.nc and OUT/reservoir_table.md and prints the Markdown table.
    """
    from ..errors import ParameterError
    from ..io import atomic_path, check_writable_dir, write_netcdf
    from ..reservoir.benchmark import TABLE_RESERVOIRS, run_table, table_tasks, table_units
    from ..reservoir.tasks import TASKS
    from ..results.reservoir import table_dataset, table_markdown

    _check_seed(seed)
    config = _config(quick, nodes, virtual_nodes, seed, (None, None, None), network_nodes, topology)
    table_tasks(config)  # reservoirs' options and task sizes, before any work
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out must be a folder ({out} is a file)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create folder {out}: {exc.strerror or exc}") from None
    check_writable_dir(out / "probe")
    reservoirs = TABLE_RESERVOIRS
    t0 = time.perf_counter()
    with _progress(as_json) as bar:
        job = bar.add_task("reservoir table", total=table_units(TASKS, reservoirs))

        def step(desc: str) -> None:
            bar.update(job, advance=1, description=desc)

        result = run_table(config, reservoirs=reservoirs, progress=step)
    seconds = time.perf_counter() - t0
    ds = table_dataset(result)
    ds.attrs["seconds"] = round(seconds, 1)
    nc = write_netcdf(ds, out / "reservoir_table.nc")
    md_text = table_markdown(ds)
    md = out / "reservoir_table.md"
    with atomic_path(md) as tmp:
        tmp.write_text(md_text)
    if as_json:
        rows = [sc.as_dict() | {"task": k[0]} for k, sc in result.scores.items()]
        emit_json({"nc": str(nc), "md": str(md), "seconds": seconds, "rows": rows})
        return
    typer.echo(md_text, nl=False)
    info(f"{len(result.scores)} scores in {seconds:.1f} s → {nc} (+ {md.name})")
