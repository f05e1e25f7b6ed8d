"""Skips are named at the end of every run, and fail a CI run (issue 23): the suite's own
conftest is run over a one-test folder whose test skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _run_probe(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    for name in ("conftest.py", "rule_coverage.py"):
        shutil.copy(TESTS / name, tmp_path / name)
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\n\ndef test_needs_a_tool():\n    pytest.skip('the tool is absent')\n\n\n"
        "def test_runs():\n    assert True\n")
    clean = {k: v for k, v in os.environ.items() if k not in ("WINNOW_NO_SKIPS",
                                                              "WINNOW_RULE_COVERAGE")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env={**clean, "PYTHONPATH": str(TESTS.parent), **env},
        capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("no_skips, exit_code", [("0", 0), ("1", 1)])
def test_a_skip_is_named_and_fails_only_where_skips_are_forbidden(tmp_path, no_skips,
                                                                   exit_code):
    done = _run_probe(tmp_path, WINNOW_NO_SKIPS=no_skips)
    assert "SKIPPED test_probe.py::test_needs_a_tool: the tool is absent" in done.stdout
    assert done.returncode == exit_code, done.stdout[-2000:]
