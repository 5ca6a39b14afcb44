"""Datasets of the neuron's results (Paper N): trajectories, sweeps, ramps, equilibrium diagrams.

The physics of :mod:`qmemristor.neuron` returns arrays and small frozen objects
(:class:`~qmemristor.neuron.dynamics.Simulation`,
:class:`~qmemristor.neuron.dynamics.SweepRuns`, :class:`~qmemristor.neuron.equilibria.Ramp`,
:class:`~qmemristor.neuron.stability.EquilibriumDiagram`); this module labels them as
:class:`xarray.Dataset` objects with
the parameters, the settings and provenance (:func:`qmemristor.io.provenance_attrs`) in the
attributes, ready for :func:`qmemristor.io.write_netcdf` and the figures.  Cycle families
(:mod:`qmemristor.neuron.orbits`) are labelled by :mod:`qmemristor.results.orbits`.

- :func:`simulation_dataset` — ``X``, ``Y``, ``Z``, ``V`` on ``t`` (units τ_c); attributes:
  parameters, integrator and protocol settings, ``summary_*`` of the stationary summary;
- :func:`sweep_dataset` — on ``(direction, <param>)``: ``regime``, ``status``, ``span``,
  ``frequency``, ``V_mean``, ``V_min``, ``V_max``, ``decay_ratio``, ``bloch_max``, ``t_end``;
  attribute ``coexistence`` (flat list of interval ends);
- :func:`ramp_dataset` — on ``step``: ``v_in``, ``V``, ``stable``, ``max_real_eigenvalue``,
  ``jump``, ``direction``, ``n_equilibria``; ``folds_V``, ``folds_v_in`` on ``fold``;
- :func:`diagram_dataset` — dimension ``point`` over all branches one after the other
  (``branch`` says which), ``hopf`` and ``fold`` for the special points.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..neuron.dynamics import Simulation, SweepRuns, coexistence_intervals
from ..neuron.equilibria import Ramp
from ..neuron.model import STATE_NAMES
from ..neuron.stability import EquilibriumDiagram
from ..neuron.stationary import Stationarity

__all__ = ["diagram_dataset", "ramp_dataset", "simulation_dataset", "sweep_dataset"]


def simulation_dataset(sim: Simulation) -> xr.Dataset:
    """The trajectory of :func:`~qmemristor.neuron.dynamics.simulate` (module docstring)."""
    summary = {f"summary_{k}": v for k, v in sim.summary.as_dict().items()}
    attrs = provenance_attrs({**sim.params.as_attrs(), **sim.settings, **summary})
    data = {n: ("t", sim.states[:, j]) for j, n in enumerate(STATE_NAMES)}
    ds = xr.Dataset(data, coords={"t": ("t", sim.t, {"units": "tau_c"})}, attrs=attrs)
    ds["V"].attrs["long_name"] = "voltage across the device"
    return ds


def _setting(value: Any) -> Any:
    """A sweep setting as an attribute value (a stationarity rule as JSON)."""
    return json.dumps(asdict(value)) if isinstance(value, Stationarity) else value


def sweep_dataset(runs: SweepRuns) -> xr.Dataset:
    """The up/down sweep of :func:`~qmemristor.neuron.dynamics.sweep_runs` (module docstring)."""
    dims = ("direction", runs.param)
    ds = xr.Dataset(
        {
            "regime": (dims, runs.regime),
            "status": (dims, runs.status),
            **{k: (dims, v) for k, v in runs.stats.items()},
        },
        coords={"direction": list(runs.directions), runs.param: runs.values},
    )
    ds["t_end"].attrs["long_name"] = "duration of the run at this point"
    ds["status"].attrs["long_name"] = "ok (settled / completed) or not_settled"
    ds.attrs = provenance_attrs(
        {
            **{k: v for k, v in runs.base.as_attrs().items() if k != runs.param},
            "swept": runs.param,
            **{k: _setting(v) for k, v in runs.settings.items()},
            "coexistence": [x for iv in coexistence_intervals(runs) for x in iv],
        }
    )
    return ds


def ramp_dataset(ramp: Ramp) -> xr.Dataset:
    """The quasi-static ramp of :func:`~qmemristor.neuron.equilibria.follow_ramp`."""
    return xr.Dataset(
        {
            "v_in": ("step", ramp.v_in, {"long_name": "input bias V_in"}),
            "V": ("step", ramp.V, {"long_name": "equilibrium voltage V*"}),
            "stable": ("step", ramp.stable, {"long_name": "all Jacobian eigenvalues have Re < 0"}),
            "max_real_eigenvalue": ("step", ramp.max_real_eigenvalue),
            "jump": ("step", ramp.jump, {"long_name": "branch ended at a fold: V jumped"}),
            "direction": ("step", ramp.direction, {"long_name": "+1 up, -1 down"}),
            "n_equilibria": ("step", ramp.n_equilibria),
            "folds_V": ("fold", ramp.folds_V),
            "folds_v_in": ("fold", ramp.folds_v_in),
        },
        coords={"step": np.arange(ramp.v_in.size)},
        attrs=provenance_attrs(
            {**ramp.params.as_attrs(), "v_start": ramp.v_start, "rule": "1-D flow"}
        ),
    )


def diagram_dataset(diagram: EquilibriumDiagram) -> xr.Dataset:
    """Branches, folds and Hopf points of
    :func:`~qmemristor.neuron.stability.equilibrium_diagram` (module docstring)."""
    k = diagram.param
    pts = [b for b in diagram.branches if len(b.mu)]
    mu = np.concatenate([b.mu for b in pts]) if pts else np.empty(0)
    x = np.concatenate([b.x for b in pts]) if pts else np.empty((0, 4))
    eig = np.concatenate([b.eigenvalues for b in pts]) if pts else np.empty((0, 4), complex)
    stable = np.concatenate([b.stable for b in pts]) if pts else np.empty(0, bool)
    which = (
        np.concatenate([np.full(len(b.mu), i) for i, b in enumerate(pts)])
        if pts
        else np.empty(0, dtype=np.int64)
    )
    data: dict[str, Any] = {
        k: ("point", mu, {"long_name": f"continuation parameter {k}"}),
        "branch": ("point", np.asarray(which, dtype=np.int64)),
        "stable": ("point", stable, {"long_name": "all Jacobian eigenvalues have Re < 0"}),
        "eigenvalue_real": (("point", "eig"), eig.real),
        "eigenvalue_imag": (("point", "eig"), eig.imag),
    }
    for j, name in enumerate(STATE_NAMES):
        data[name] = ("point", x[:, j])
    hopf, folds = diagram.hopf, diagram.folds
    data.update(
        {
            f"hopf_{k}": ("hopf", [h.value for h in hopf]),
            "hopf_V": ("hopf", [h.V for h in hopf]),
            "hopf_omega": ("hopf", [h.omega for h in hopf]),
            "hopf_lyapunov": ("hopf", [h.lyapunov for h in hopf]),
            "hopf_criticality": ("hopf", np.array([h.criticality for h in hopf], str)),
            f"fold_{k}": ("fold", [f.value for f in folds]),
            "fold_V": ("fold", [f.V for f in folds]),
        }
    )
    attrs = {
        **{n: v for n, v in diagram.base.as_attrs().items() if n != k},
        "param": k,
        "bounds": list(diagram.bounds),
        "branch_ends": [f"{a}/{b}" for b_ in pts for a, b in [b_.ends]],
        "neutral_saddles": diagram.neutral_saddles,
        "lyapunov_normalisation": "Kuznetsov <q,q>=1 in (X, Y, Z, V)",
    }
    return xr.Dataset(data, attrs=provenance_attrs(attrs))
