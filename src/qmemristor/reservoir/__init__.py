"""Reservoir computing with quantum memristors, memristor networks and the quantum neuron.

Inputs → model → features → ridge readout, on standard tasks, against classical baselines,
with shot noise and its device cost.  Modules: :mod:`.tasks` (NARMA10, Mackey–Glass,
memory capacity, quartic, Santa Fe), :mod:`.reservoirs` (the :class:`Reservoir` interface,
the decay-rate encoding, single memristors, neurons), :mod:`.networks` (memristors coupled
on a graph), :mod:`.baselines` (echo-state network, delay line),
:mod:`.shots` (finite-shot features and cost), :mod:`.readout` (ridge with time-series CV)
and :mod:`.benchmark` (the protocol, one run or the whole table).  Results are arrays and
small frozen objects; :mod:`qmemristor.results.reservoir` turns them into datasets.
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "Reservoir": "reservoirs",
    "Features": "reservoirs",
    "MemristorReservoir": "reservoirs",
    "DecayEncoding": "reservoirs",
    "NetworkReservoir": "networks",
    "NeuronReservoir": "reservoirs",
    "EchoStateNetwork": "baselines",
    "LinearWindow": "baselines",
    "Task": "tasks",
    "Split": "tasks",
    "TASKS": "tasks",
    "make_task": "tasks",
    "Readout": "readout",
    "fit_readout": "readout",
    "nmse": "readout",
    "ShotCost": "shots",
    "sample_features": "shots",
    "shot_cost": "shots",
    "BenchmarkConfig": "benchmark",
    "run_benchmark": "benchmark",
    "run_table": "benchmark",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
