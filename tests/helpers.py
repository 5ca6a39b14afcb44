"""Helpers for CLI tests: results, a subprocess runner, the one-line-error assertion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_subprocess(*args: str, cwd: str | os.PathLike[str] | None = None) -> Result:
    """Run ``python -m qmemristor ARGS`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("QMEMRISTOR_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "qmemristor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=900,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(res: Result, *fragments: str) -> None:
    """Exit code 2, exactly one line on stderr naming the problem, no traceback."""
    assert res.code == 2, (res.code, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1, res.err
    assert lines[0].startswith("qmemristor: error: ")
    assert "Traceback" not in res.err
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])
