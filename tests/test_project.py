"""The README's set-up commands and CI stay in step; its examples name real API."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("```bash")
    block = lines[start + 1 : lines.index("```", start + 1)]
    return [ln for ln in block if ln and not ln.startswith("#")]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_one_verbatim():
    main_cmd, test_cmd = readme_commands()
    assert "pip install ." in main_cmd and "qmemristor reproduce all" in main_cmd
    assert 'pip install ".[test]"' in test_cmd and "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text().splitlines()


def test_every_public_name_of_the_analysis_package_resolves():
    import qmemristor.analysis as analysis

    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name


def test_importing_the_package_loads_no_heavy_dependency():
    # Lazy re-exports keep `import qmemristor.analysis` (and so every CLI call) cheap; the
    # neuron's physics builds no dataset (results.neuron does) and compiles nothing on import.
    import subprocess
    import sys

    code = (
        "import sys, qmemristor, qmemristor.analysis, qmemristor.neuron, qmemristor.models;"
        "print(sorted(m for m in ('scipy.signal', 'matplotlib', 'qiskit', 'xarray', 'numba')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    ).stdout.strip()
    assert out == "[]"


def readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_examples_compile_and_import_real_names():
    """Every Python example of the README parses, and every name it imports from qmemristor
    exists (the examples are not run here: some take minutes or need an IBM account)."""
    blocks = readme_python_blocks()
    assert len(blocks) >= 5
    checked = 0
    for block in blocks:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module.startswith("qmemristor"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{node.module}.{alias.name}"
                    checked += 1
    assert checked >= 15
