"""Single source of the package version (read by pyproject and by the data attributes)."""

__version__ = "0.1.0"
