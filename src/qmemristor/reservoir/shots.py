"""Shot noise: features estimated from S shots per observable per read, and what it costs.

Estimator.  A ±1-valued observable with expectation m is measured S times; the number of
+1 outcomes is binomial, ``n₊ ~ B(S, (1 + m)/2)``, and the estimate is ``m̂ = 2 n₊/S − 1``
(unbiased, variance ``(1 − m²)/S``).  Every measured column of
:class:`~qmemristor.reservoir.reservoirs.Features` is drawn this way, independently, from one
seeded generator; the features are then rebuilt from the estimates by the reservoir's own
``assemble`` (so ⟨V⟩ and ⟨I⟩ of a memristor carry the noise of the ⟨σ⟩ they come from, and a
neuron's V, a circuit voltage, carries none).

Cost.  A measurement ends a run, so every read of sample k (at virtual node j) re-prepares
the nodes and re-runs the whole input history up to that read.  Per read the device runs
``settings`` circuits (one per measured Pauli basis, all nodes measured at once), each S
times.  :func:`shot_cost` counts, over the rows that are read (after the washout):
``circuits = settings × reads``, ``total_shots = S × circuits`` and
``hold_executions = S × settings × Σ_reads (k + j/V)`` — the number of input holds the
device executes in all, which grows as the square of the series length.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError
from .reservoirs import Features

__all__ = ["ShotCost", "sample_features", "sample_measured", "shot_cost"]


def _check_shots(shots: object) -> int:
    if isinstance(shots, bool) or not isinstance(shots, int | np.integer) or shots < 1:
        raise ParameterError(f"shots must be a positive integer (got {shots!r})")
    return int(shots)


def sample_measured(
    measured: NDArray[np.float64], shots: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Estimates ``2 n₊/S − 1`` with ``n₊ ~ B(S, (1 + m)/2)`` for every entry of ``measured``."""
    shots = _check_shots(shots)
    p = np.clip(0.5 * (1.0 + np.asarray(measured, dtype=float)), 0.0, 1.0)
    return 2.0 * rng.binomial(shots, p) / shots - 1.0


def sample_features(
    features: Features, shots: int | None, rng: np.random.Generator
) -> NDArray[np.float64]:
    """The features as a device with ``shots`` per observable per read would estimate them.

    ``shots=None`` returns the exact features.  Raises :class:`ParameterError` for a
    reservoir that measures nothing with shots (the classical baselines).
    """
    if shots is None:
        return features.values
    if features.assemble is None:
        raise ParameterError(
            "shots apply to the quantum reservoirs only (memristor, network, neuron)"
        )
    return features.assemble(sample_measured(features.measured, shots, rng))


@dataclass(frozen=True)
class ShotCost:
    """What reading a run costs a device (module docstring).

    Attributes
    ----------
    shots_per_read : int
        S, per observable (measurement setting) per read.
    reads : int
        Reads used by the readout: rows after the washout × virtual nodes.
    circuits : int
        Distinct circuits: settings × reads.
    total_shots : int
        S × circuits.
    hold_executions : float
        Input holds executed in all (each shot re-runs the history up to its read).
    """

    shots_per_read: int
    reads: int
    circuits: int
    total_shots: int
    hold_executions: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def shot_cost(features: Features, shots: int, n_samples: int, first_read: int) -> ShotCost:
    """Cost of reading rows ``first_read … n_samples − 1`` with ``shots`` per setting."""
    shots = _check_shots(shots)
    v = features.reads_per_sample
    rows = np.arange(first_read, n_samples, dtype=float)
    reads = rows.size * v
    circuits = features.settings_per_read * reads
    # read j (1 … V) of row k comes after k + j/V holds
    holds = v * rows.sum() + rows.size * (v + 1) / 2.0
    return ShotCost(
        shots_per_read=shots,
        reads=int(reads),
        circuits=int(circuits),
        total_shots=int(shots) * int(circuits),
        hold_executions=float(shots * features.settings_per_read * holds),
    )
