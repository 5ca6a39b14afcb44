"""Shared fixtures and Hypothesis profiles.

The ``ci`` profile (default) keeps property tests thorough but bounded in time; set
``HYPOTHESIS_PROFILE=dev`` for fewer examples while iterating.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from qmemristor.cli import main
from tests.helpers import Result

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=15, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def cli(capsys):
    """``cli("memristor", "simulate", ...)`` → Result(exit code, stdout, stderr), in-process."""

    def run(*args: str) -> Result:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
