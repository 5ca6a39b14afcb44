"""qmemristor: quantum memristors simulated exactly, on digital quantum circuits and in neurons.

Importing the package has no side effects and loads only NumPy-level modules; the physics lives
in the subpackages (``qmemristor.memristor``, ``qmemristor.analysis``, ...).
"""

from ._version import __version__
from .errors import DataFileError, NumericalError, ParameterError

__all__ = ["DataFileError", "NumericalError", "ParameterError", "__version__"]
