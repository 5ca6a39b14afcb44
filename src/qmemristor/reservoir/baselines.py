"""Classical baselines with the reservoir interface: an echo-state network and a delay line.

Both take the same scaled input (values in [−1, 1]) and are given as many readout features
as the reservoir they are compared with, and go through the same readout and split.

``EchoStateNetwork``
    A leaky-tanh echo-state network from ``reservoirpy`` (``reservoirpy.nodes.Reservoir``):
    ``x[k] = (1 − lr) x[k−1] + lr tanh(W_in u[k] + W x[k−1])`` with ``units`` neurons, W
    sparse Gaussian rescaled to spectral radius ``spectral_radius``, W_in dense ±
    ``input_scaling`` (Bernoulli), all seeded.  Features: the ``units`` states.  The
    hyper-parameters are textbook values (Jaeger 2001; Lukoševičius 2012), not tuned per
    task — nor are the quantum reservoirs'.
``LinearWindow``
    A tapped delay line: features ``u[k], u[k−1], …, u[k−W+1]`` (zeros before the series
    starts), so the readout is a linear regression on a window of W past inputs.  Its memory
    capacity is exactly W − 1 (delays 1 … W − 1), which the tests use as a closed form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError, check_positive, check_range
from .reservoirs import Features, check_input

__all__ = ["EchoStateNetwork", "LinearWindow"]


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be an integer ≥ 1 (got {value!r})")
    return int(value)


def _classical(values: np.ndarray, names: tuple[str, ...]) -> Features:
    return Features(values, names, np.empty((values.shape[0], 0)), None, 0, 1)


@dataclass(frozen=True)
class EchoStateNetwork:
    """Echo-state network baseline (``reservoirpy``); see the module docstring."""

    units: int = 128
    spectral_radius: float = 0.9
    leak: float = 1.0
    input_scaling: float = 0.5
    connectivity: float = 0.1
    seed: int = 0
    name: str = field(default="esn", init=False)

    def __post_init__(self) -> None:
        _check_count("units", self.units)
        check_positive("spectral_radius", self.spectral_radius)
        check_range("leak", self.leak, 0.0, 1.0)
        check_positive("input_scaling", self.input_scaling)
        check_range("connectivity", self.connectivity, 0.0, 1.0)

    def transform(self, u: ArrayLike) -> Features:
        from reservoirpy.nodes import Reservoir

        arr = check_input(u)
        net = Reservoir(
            units=self.units,
            lr=self.leak,
            sr=self.spectral_radius,
            input_scaling=self.input_scaling,
            input_connectivity=1.0,
            rc_connectivity=self.connectivity,
            seed=self.seed,
        )
        states = np.asarray(net.run(arr[:, None]), dtype=float)
        return _classical(states, tuple(f"esn{i}" for i in range(self.units)))

    def describe(self) -> dict[str, object]:
        return {
            "reservoir": self.name,
            "units": self.units,
            "spectral_radius": self.spectral_radius,
            "leak": self.leak,
            "input_scaling": self.input_scaling,
            "connectivity": self.connectivity,
            "esn_seed": self.seed,
            "implementation": "reservoirpy.nodes.Reservoir",
        }


@dataclass(frozen=True)
class LinearWindow:
    """Delay-line baseline: the last ``window`` inputs as features (module docstring)."""

    window: int = 128
    name: str = field(default="linear", init=False)

    def __post_init__(self) -> None:
        _check_count("window", self.window)

    def transform(self, u: ArrayLike) -> Features:
        arr = check_input(u)
        n = arr.size
        x = np.zeros((n, self.window))
        for d in range(min(self.window, n)):
            x[d:, d] = arr[: n - d]
        return _classical(x, tuple(f"u[k-{d}]" for d in range(self.window)))

    def describe(self) -> dict[str, object]:
        return {"reservoir": self.name, "window": self.window}
