"""tools/mutate.py (``make mutate``): each module mutated alone, against its own tests."""

from __future__ import annotations

import datetime as dt
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


def _report_module(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("mutation_report",
                                                  REPO / "tools" / "mutation_report.py")
    assert spec is not None and spec.loader is not None
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    monkeypatch.setattr(report, "REPO", tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\nsource_paths = ["a.py", "b.py", "c.py"]\n'
        '[tool.winnow.mutation_tests]\n'
        '"a.py" = ["tests/test_a.py", "--deselect", "tests/test_a.py::test_slow"]\n'
        '"b.py" = ["tests/test_b.py"]\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "mutation_equivalent.toml").write_text(
        '"a.f__mutmut_10" = "the same string either way"\n')
    (tmp_path / "mutants").mkdir()
    (tmp_path / "bench").mkdir()
    return report


# b.py's figures, kept from a run elsewhere (a narrowed selection, on another day)
B_KEPT = {"measured": "2026-01-02", "tests": ["tests/test_b.py"],
          "counts": {"killed": 9, "survived": 1}, "not_killed": ["b.g__mutmut_3 (survived)"],
          "note": "measured by hand"}
# a module measured once and since dropped from source_paths: its row stays
GONE_KEPT = {"measured": "2025-05-05", "tests": ["tests/test_z.py"],
             "counts": {"killed": 4, "survived": 1}, "not_killed": None}


def test_the_report_counts_each_module_keeps_older_figures_and_names_one_not_measured(
        tmp_path, monkeypatch) -> None:
    report = _report_module(tmp_path, monkeypatch)
    codes = {f"a.f__mutmut_{i}": 1 for i in range(1, 9)} | {"a.f__mutmut_9": 0,
                                                            "a.f__mutmut_10": 0}
    meta = tmp_path / "mutants" / "a.py.meta"
    meta.write_text(json.dumps({"exit_code_by_key": codes}))
    kept = {"a.py": {"measured": "2020-01-01", "tests": [], "counts": {"killed": 1},
                     "not_killed": []},  # older figures of a module measured again
            "b.py": B_KEPT, "gone.py": GONE_KEPT}
    results = tmp_path / "bench" / "mutation_results.json"
    results.write_text(json.dumps(kept))
    out = tmp_path / "bench" / "mutation.md"
    out.write_text(f"# Title\n\nprose before\n\n{report.START}\nold table\n{report.END}\n"
                   "\nprose after\n")
    assert report.main(["--out", str(out)]) == 0
    assert report.main(["--out", str(out), "--check"]) == 1  # c.py was never measured
    text = out.read_text()
    day = dt.datetime.fromtimestamp(meta.stat().st_mtime, dt.UTC).date().isoformat()
    # 8 killed of 10; of the 9 that are not equivalent, 88.9 %; the old figure in the note
    assert (f"| `a.py` | {day} | test_a (minus 1 deselected) | 10 | 8 | 1 | 0 | 1 | 80% |"
            " 88.9% | yes | was 100.0% on 2020-01-01 |") in text
    assert ("| `b.py` | 2026-01-02 | test_b | 10 | 9 | 1 | 0 | 0 | 90% | 90.0% | yes |"
            " measured by hand |") in text
    assert "| `c.py` | not measured |" in text
    assert "| `gone.py` | 2025-05-05 | test_z | 5 | 4 | 1 | 0 | 0 | 80% | 80.0% | NO |" in text
    assert "- `a.py`: a.f__mutmut_9 (survived)" in text
    assert "- `b.py`: b.g__mutmut_3 (survived)" in text
    assert "- `gone.py`: 1 not killed, names not kept" in text
    assert text.startswith("# Title\n\nprose before\n\n") and text.endswith("\nprose after\n")
    assert "old table" not in text
    saved = json.loads(results.read_text())
    assert saved["a.py"]["counts"] == {"killed": 8, "survived": 1, "equivalent": 1}
    assert saved["b.py"] == B_KEPT and saved["gone.py"] == GONE_KEPT


def test_the_report_takes_the_selection_a_run_used_and_keeps_a_later_figure(
        tmp_path, monkeypatch) -> None:
    report = _report_module(tmp_path, monkeypatch)
    for name in ("a.py", "b.py"):
        (tmp_path / "mutants" / f"{name}.meta").write_text(
            json.dumps({"exit_code_by_key": {"x__mutmut_1": 1, "x__mutmut_2": 1}}))
    # the run of a.py used another selection than pyproject.toml names today
    (tmp_path / "mutants" / "a.py.tests.json").write_text('["tests/test_old.py"]')
    later = {**B_KEPT, "measured": "2999-01-01"}  # kept b.py: measured after mutants/ ran
    results = tmp_path / "bench" / "mutation_results.json"
    results.write_text(json.dumps({"b.py": later}))
    out = tmp_path / "bench" / "mutation.md"
    assert report.main(["--out", str(out)]) == 0
    saved = json.loads(results.read_text())
    assert saved["a.py"]["tests"] == ["tests/test_old.py"] and "note" not in saved["a.py"]
    assert saved["b.py"] == later
    assert out.read_text().startswith(f"# Mutation testing (`make mutate`)\n\n{report.START}")


def test_a_row_of_a_stopped_run_says_how_many_were_not_checked(tmp_path, monkeypatch):
    report = _report_module(tmp_path, monkeypatch)
    entry = {"measured": "2026-01-02", "tests": ["tests/test_b.py"],
             "counts": {"killed": 9, "survived": 1, "not checked": 30}, "not_killed": [],
             "note": "by hand"}
    text, done = report.row("b.py", entry)
    assert not done  # 90 % of those checked, but a quarter never ran
    assert text == ("| `b.py` | 2026-01-02 | test_b | 40 | 9 | 1 | 0 | 0 | 90% | 90.0% | NO |"
                    " 30 of 40 not checked: the run was stopped; by hand |")


def test_the_report_leaves_a_file_without_its_markers_as_it_is(tmp_path, monkeypatch):
    report = _report_module(tmp_path, monkeypatch)
    out = tmp_path / "bench" / "mutation.md"
    out.write_text("# Title\n\n| module | hand-written row |\n")
    results = tmp_path / "bench" / "mutation_results.json"
    results.write_text(json.dumps({"b.py": B_KEPT}))
    with pytest.raises(SystemExit, match="has no written part"):
        report.main(["--out", str(out)])
    assert out.read_text() == "# Title\n\n| module | hand-written row |\n"
    assert json.loads(results.read_text()) == {"b.py": B_KEPT}


def test_a_run_keeps_the_selection_it_was_measured_with(tmp_path, monkeypatch):
    """mutate.run_module copies the results back with the tests that ran (mutmut itself
    replaced by a stand-in that writes a result file)."""
    monkeypatch.setattr(mutate, "REPO", tmp_path)
    monkeypatch.setattr(mutate, "WORK", tmp_path / "build")
    monkeypatch.setattr(mutate, "copy_repo", lambda dest: (
        dest.mkdir(parents=True), (dest / "pyproject.toml").write_text(
            '[tool.mutmut]\nsource_paths = ["m.py"]\n'
            'pytest_add_cli_args_test_selection = ["tests"]\n')))

    def fake_mutmut(cmd, cwd, env):
        assert env["WINNOW_NATIVE"] == "0"
        assert 'pytest_add_cli_args_test_selection = ["tests/test_m.py"]' in (
            Path(cwd) / "pyproject.toml").read_text()
        (Path(cwd) / "mutants").mkdir()
        (Path(cwd) / "mutants" / "m.py.meta").write_text('{"exit_code_by_key": {}}')
        return 0

    monkeypatch.setattr(mutate.subprocess, "call", fake_mutmut)
    assert mutate.run_module("m.py", ["tests/test_m.py"], 1) == 0
    assert (tmp_path / "mutants" / "m.py.meta").read_text() == '{"exit_code_by_key": {}}'
    assert json.loads((tmp_path / "mutants" / "m.py.tests.json").read_text()) == [
        "tests/test_m.py"]


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
    ("fetching/state.py", "db"): "a @property that asserts the state was entered "
                                 "(test_fetch_state_units checks its message): not measured",
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
