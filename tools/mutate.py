"""``make mutate``: mutmut over each module of ``[tool.mutmut] source_paths``, one module at
a time, each against the tests that cover it.

Why one at a time: mutmut 3 over all the modules with the whole suite as its selection
is ~3,000 mutants, each run against every test that reaches its function: far more than
a working day on a 2-core machine. Each module here is mutated in a copy of the
repository (``build/mutate/<module>/``) whose ``[tool.mutmut]`` names that module alone
and, as the test selection, the test files ``[tool.winnow.mutation_tests]`` lists for it
(the whole ``tests/`` folder for a module it does not list; an entry may also be a pytest
option, such as ``--deselect`` and a test's id, for a test too slow to run once a mutant:
mutmut starts a fresh pytest session for each). Each module's results
(``mutants/<module>.meta``) are copied back into ``mutants/`` with the selection they were
measured with (``mutants/<module>.tests.json``), where ``tools/mutation_report.py`` reads
them, keeps them in ``bench/mutation_results.json`` and writes ``bench/mutation.md``'s
table.

A module whose results are already in ``mutants/`` is skipped, so a run that was stopped
goes on where it was (``--fresh`` runs every module again).

    .venv/bin/python tools/mutate.py [--only cleaners/decode/decoder.py ...] [--fresh]
                                     [--max-children N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "mutate"
#: What a copy needs besides the folders mutmut's ``also_copy`` names.
TOP_FILES = ("pyproject.toml", "README.md", "Makefile")


def settings(repo: Path | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """(the modules to mutate, module -> its test files) from ``repo``'s pyproject.toml
    (this repository's by default; tools/mutation_report.py reads them here too)."""
    config = tomllib.loads(((repo or REPO) / "pyproject.toml").read_text(encoding="utf-8"))
    modules = list(config["tool"]["mutmut"]["source_paths"])
    tests = config["tool"].get("winnow", {}).get("mutation_tests", {})
    return modules, {m: list(tests.get(m, ["tests"])) for m in modules}


def narrowed(pyproject: str, module: str, tests: list[str]) -> str:
    """pyproject.toml's text with ``[tool.mutmut]`` mutating ``module`` alone, against
    ``tests``. ``ValueError`` when a key to replace is not where it is expected."""
    out = pyproject
    for key, value in (("source_paths", [module]),
                       ("pytest_add_cli_args_test_selection", tests)):
        pattern = re.compile(rf"^{key} = \[[^\]]*\]", re.MULTILINE)
        listed = "[" + ", ".join(f'"{v}"' for v in value) + "]"
        out, found = pattern.subn(f"{key} = {listed}", out, count=1)
        if not found:
            raise ValueError(f"pyproject.toml has no `{key} = [...]` line under [tool.mutmut]")
    return out


def copy_repo(dest: Path) -> None:
    """The files a mutmut run reads: the top files and mutmut's ``also_copy`` folders."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "mutants", "build")
    for name in TOP_FILES:
        shutil.copy2(REPO / name, dest / name)
    for name in config["tool"]["mutmut"].get("also_copy", []):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore, symlinks=True)
        elif src.exists():
            shutil.copy2(src, dest / name)


def meta_name(module: str) -> Path:
    return Path("mutants") / f"{module}.meta"


def selection_name(module: str, repo: Path | None = None) -> Path:
    """Where the test selection of a module's last run is kept, beside its results."""
    return (repo or REPO) / "mutants" / f"{module}.tests.json"


def finished(module: str) -> bool:
    """Whether ``mutants/`` holds results for every mutant of ``module`` (a run stopped
    part way leaves mutants with no exit code: those are run again)."""
    try:
        meta = json.loads((REPO / meta_name(module)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    codes = meta.get("exit_code_by_key", {})
    return bool(codes) and all(code is not None for code in codes.values())


def run_module(module: str, tests: list[str], max_children: int) -> int:
    """mutmut over ``module`` in its own copy; its results copied back. mutmut's code."""
    work = WORK / module.replace("/", "__")
    copy_repo(work)
    pyproject = work / "pyproject.toml"
    pyproject.write_text(narrowed(pyproject.read_text(encoding="utf-8"), module, tests),
                         encoding="utf-8")
    env = {**os.environ, "WINNOW_NATIVE": "0"}  # the pure modules are the ones mutated
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "mutmut", "run",
                            "--max-children", str(max_children)], cwd=work, env=env)
    meta = work / meta_name(module)
    if meta.exists():
        target = REPO / meta_name(module)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(meta, target)
        # the selection these results were measured with, for the report (pyproject.toml
        # may name other tests by the time it is written)
        selection_name(module).write_text(json.dumps(tests) + "\n", encoding="utf-8")
    print(f"mutate: {module}: mutmut exit {code} in {time.monotonic() - started:.0f} s",
          file=sys.stderr, flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="these modules only")
    parser.add_argument("--fresh", action="store_true",
                        help="run modules whose results are already in mutants/ again")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    modules, tests = settings()
    unknown = sorted(set(args.only or []) - set(modules))
    if unknown:
        parser.error(f"not in [tool.mutmut] source_paths: {', '.join(unknown)}")
    failed = 0
    for module in args.only or modules:
        if not args.fresh and finished(module):
            print(f"mutate: {module}: results already in mutants/ (--fresh runs it again)",
                  file=sys.stderr)
            continue
        failed += run_module(module, tests[module], args.max_children) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
