"""tools/mutate.py (``make mutate``): each module mutated alone, against its own tests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mutate_tool", REPO / "tools" / "mutate.py")
assert _spec is not None and _spec.loader is not None
mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutate)


def test_every_listed_test_file_exists_and_every_module_is_mutated():
    """A misspelt test file would make mutmut run no test at all: every mutant would
    survive, or the run fail; a module listed but not in source_paths is never run."""
    modules, tests = mutate.settings()
    assert modules and set(tests) == set(modules)
    for module, files in tests.items():
        assert (REPO / module).is_file(), module
        for name in files:
            if name.startswith("-"):  # a pytest option ("--deselect", then a test's id)
                continue
            assert (REPO / name.split("::")[0]).exists(), f"{module}: {name}"


def test_the_copy_mutates_one_module_against_its_tests():
    text = ('[tool.mutmut]\nsource_paths = [\n    "a.py",\n    "b.py",\n]\n'
            'also_copy = ["x"]\npytest_add_cli_args_test_selection = ["tests"]\n')
    out = mutate.narrowed(text, "b.py", ["tests/test_b.py", "tests/test_c.py"])
    assert 'source_paths = ["b.py"]\n' in out and '"a.py"' not in out
    assert 'pytest_add_cli_args_test_selection = ["tests/test_b.py", "tests/test_c.py"]' in out
    assert 'also_copy = ["x"]' in out
    with pytest.raises(ValueError, match="source_paths"):
        mutate.narrowed("[tool.mutmut]\n", "b.py", [])


def test_a_module_stopped_part_way_is_run_again(tmp_path, monkeypatch):
    monkeypatch.setattr(mutate, "REPO", tmp_path)
    meta = tmp_path / "mutants" / "m.py.meta"
    assert not mutate.finished("m.py")  # never run
    meta.parent.mkdir()
    meta.write_text(json.dumps({"exit_code_by_key": {"m.x__mutmut_1": 1,
                                                     "m.x__mutmut_2": None}}))
    assert not mutate.finished("m.py")
    meta.write_text(json.dumps({"exit_code_by_key": {"m.x__mutmut_1": 1,
                                                     "m.x__mutmut_2": 0}}))
    assert mutate.finished("m.py")


def test_the_report_counts_each_module_and_names_one_not_run(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mutation_report",
                                                  REPO / "tools" / "mutation_report.py")
    assert spec is not None and spec.loader is not None
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    monkeypatch.setattr(report, "REPO", tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\nsource_paths = ["a.py", "b.py"]\n')
    (tmp_path / "mutants").mkdir()
    codes = {f"a.f__mutmut_{i}": 1 for i in range(1, 9)} | {"a.f__mutmut_9": 0,
                                                            "a.f__mutmut_10": 0}
    (tmp_path / "mutants" / "a.py.meta").write_text(json.dumps({"exit_code_by_key": codes}))
    text, ok = report.report({"a.f__mutmut_10": "the same string either way"})
    assert not ok
    assert "| `a.py` | 10 | 0 | 8 | 1 | 0 | 1 | 89% | yes |" in text
    assert "| `b.py` | not run |" in text
    assert "- `a.py`: a.f__mutmut_9 (survived)" in text


# Functions of the mutated modules that mutmut 3 leaves unmutated (it skips every decorated
# function but a @staticmethod or @classmethod one), each with why that is acceptable. A
# rule written with its registering decorator (``@line_rule(...)``) would drop out of the
# mutation figures without a word: rules are registered by a call after the function.
MUTMUT_SKIPS = {
    ("flows/state.py", "exclusive_run"): "a @contextmanager (the run's flock): not measured, "
                                         "covered by the two-runs-at-once tests",
    ("flows/state.py", "key"): "a @property (a page's state key, None when it must not be "
                               "remembered): not measured",
    ("fetching/polite.py", "turn"): "a @contextmanager that holds the host's slot, sleeps and "
                                    "yields; when to start is Host._reserve, mutated",
    ("fetching/polite.py", "_gate"): "a @contextmanager around the host's turn; whether the "
                                     "request may go is Polite._admitted, mutated",
}


def _decorated(path: Path) -> list[str]:
    """The functions and methods of ``path`` mutmut would skip: decorated, and not by a
    lone ``staticmethod`` or ``classmethod``."""
    import ast

    skipped = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.decorator_list:
            names = [ast.unparse(d) for d in node.decorator_list]
            if names not in (["staticmethod"], ["classmethod"]):
                skipped.append(node.name)
    return skipped


def test_no_function_of_a_mutated_module_is_skipped_unsaid():
    modules, _ = mutate.settings()
    found = {(module, name) for module in modules for name in _decorated(REPO / module)}
    assert found <= set(MUTMUT_SKIPS), f"decorated, so never mutated: {found - set(MUTMUT_SKIPS)}"
    assert set(MUTMUT_SKIPS) <= found, "listed but no longer decorated: drop it from the list"
