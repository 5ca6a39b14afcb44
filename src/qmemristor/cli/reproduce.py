"""``qmemristor reproduce NAME|all``: draw registered paper figures with the data behind them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from ._common import emit_json, info


def reproduce(
    name: str = typer.Argument(..., help="A figure name (see --list) or 'all'."),
    out: Path = typer.Option(Path("figures"), "--out", help="Output folder (created if missing)."),
    quick: bool = typer.Option(False, "--quick", help="Reduced resolution (CI); same code paths."),
    seed: int = typer.Option(20220824, "--seed", help="Seed of all shot noise."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
) -> None:
    """Reproduce paper figures: writes OUT/NAME.png and OUT/NAME.nc for each figure.

    Use 'qmemristor reproduce list' to see the registered figures.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import figures
    from ..errors import ParameterError
    from ..io import check_writable_dir, write_netcdf, write_png

    registry = figures.available()
    if name == "list":
        if as_json:
            emit_json({k: {"paper": s.paper, "summary": s.summary} for k, s in registry.items()})
        else:
            wk = max(map(len, registry))  # columns as wide as the longest entry
            wp = max(len(s.paper) for s in registry.values())
            for k, s in registry.items():
                typer.echo(f"{k:{wk}s} {s.paper:{wp}s} {s.summary}")
        return
    specs = list(registry.values()) if name == "all" else [figures.get(name)]
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out must be a folder ({out} is a file)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create folder {out}: {exc.strerror or exc}") from None
    check_writable_dir(out / "probe")
    config = figures.FigureConfig(quick=quick, seed=seed)
    summary: list[dict[str, Any]] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
        disable=as_json,
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("reproducing", total=len(specs))
        width = max(len(spec.name) for spec in specs)
        for spec in specs:
            progress.update(task, description=spec.name)
            t0 = time.perf_counter()
            fig, ds = spec.make(config)
            png = write_png(fig, out / f"{spec.name}.png")
            nc = write_netcdf(ds, out / f"{spec.name}.nc")
            dt = time.perf_counter() - t0
            summary.append({"figure": spec.name, "seconds": dt, "png": str(png), "nc": str(nc)})
            if not as_json:
                progress.console.print(
                    f"{spec.name:{width}s} {dt:7.1f} s  {png} (+ {nc.name})", soft_wrap=True
                )
            progress.advance(task)
    if as_json:
        emit_json({"figures": summary, "quick": quick, "seed": seed})
    else:
        info(f"{len(summary)} figure(s) in {sum(s['seconds'] for s in summary):.1f} s → {out}")
