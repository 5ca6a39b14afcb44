"""Parameter sweeps: grids of parameters to labelled xarray results, local or on Dask.

* :mod:`.grid` — axes ``NAME=START:STOP:NUM``, the frozen :class:`Sweep` specification, chunks;
* :mod:`.models` — what a sweep runs (:class:`SweepModel`; ``"neuron"`` built in,
  :func:`register_model` / :func:`pointwise` for others);
* :mod:`.batch` — the compiled batched Dormand–Prince integrator of the neuron, each point
  run until stationary (or for the paper's fixed t_end);
* :mod:`.neuron` — the neuron sweep model (span, frequency, regime, V_mean, status,
  t_reached, tau);
* :mod:`.ode` — any :class:`~qmemristor.models.ODEModel` as a sweep model
  (:func:`ode_sweep_model`: span, mean, frequency, regime of one state component);
* :mod:`.coupled` — two coupled memristors (max concurrence, mean form factor), built with
  :func:`pointwise`;
* :mod:`.store` — in-memory results or a resumable zarr store;
* :mod:`.runner` — :func:`make_sweep`, :func:`run_sweep`, local and Dask executors.

Quick start::

    from qmemristor.sweeps import make_sweep, run_sweep
    sweep = make_sweep("neuron", ["gamma=0.01:1:100", "z_t=0:1:100"],
                       fixed={"v_in": 2, "r_m": 6})  # options={"protocol": "paper"}: t_end 1500
    ds = run_sweep(sweep, out="map.zarr")     # resumable; ds.span(gamma, z_t), ds.status
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "Axis": "grid",
    "BatchOptions": "batch",
    "BatchResult": "batch",
    "Chunk": "grid",
    "DaskExecutor": "runner",
    "LocalExecutor": "runner",
    "Output": "models",
    "STATUS_OUTPUT": "models",
    "Sweep": "grid",
    "SweepModel": "models",
    "SweepStore": "store",
    "compute_chunk": "runner",
    "coupled_model": "coupled",
    "evaluate_neuron": "neuron",
    "get_model": "models",
    "integrate_batch": "batch",
    "make_sweep": "runner",
    "ode_sweep_model": "ode",
    "parse_axis": "grid",
    "pointwise": "models",
    "register_model": "models",
    "registered_models": "models",
    "rest_state": "neuron",
    "run_sweep": "runner",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
