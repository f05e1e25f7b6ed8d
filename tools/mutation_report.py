"""Write bench/mutation.md from a finished ``mutmut run`` (``make mutate``).

For each module named in ``[tool.mutmut] source_paths`` it counts the mutants mutmut
killed (a timeout counts as killed: the tests noticed), those that survived, those no test
reached, and those listed as equivalent in ``tests/mutation_equivalent.toml`` with a
written reason (left out of the share: no test can tell them from the original). The
issue's bar is 85 % killed on each module; the report says which modules meet it and lists
every surviving mutant by name, so ``mutmut show NAME`` prints its change.

    .venv/bin/python tools/mutation_report.py [--check]   (--check: exit 1 below the bar)
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BAR = 0.85
KILLED = {1, 3, 36, -24, 24, 152, 255, 37}  # mutmut's exit codes for killed and timeout
SURVIVED = {0}
NO_TESTS = {5, 33}


def modules() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["source_paths"])


def equivalents() -> dict[str, str]:
    """Mutant name (or a glob of names) -> why no test can tell it from the original, or
    why mutmut cannot judge it (hand-written, each with its reason)."""
    path = REPO / "tests" / "mutation_equivalent.toml"
    if not path.exists():
        return {}
    return {name: str(why) for name, why in tomllib.loads(
        path.read_text(encoding="utf-8")).items()}


def is_listed(name: str, same: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in same)


def outcome(code: int | None, name: str, same: dict[str, str]) -> str:
    if code not in KILLED and is_listed(name, same):
        return "equivalent"
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "not checked" if code is None else "suspicious"


def meta_path(module: str) -> Path:
    """Where mutmut keeps a module's results."""
    return REPO / "mutants" / f"{module}.meta"


def tally(module: str, same: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """The outcomes of one module's mutants, and the names of those not killed."""
    meta = meta_path(module)
    if not meta.exists():
        raise SystemExit(f"mutation_report: {meta} is missing: run `make mutate` first")
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    counts: Counter[str] = Counter()
    alive = []
    for name, code in sorted(codes.items()):
        kind = outcome(code, name, same)
        counts[kind] += 1
        if kind not in ("killed", "equivalent"):
            alive.append(f"{name} ({kind})")
    return counts, alive


def share(counts: Counter[str]) -> float | None:
    """Killed among the mutants mutmut ran (an interrupted run leaves some not checked:
    the row says how many), equivalents left out."""
    judged = sum(counts.values()) - counts["equivalent"] - counts["not checked"]
    return counts["killed"] / judged if judged else None


def report(same: dict[str, str]) -> tuple[str, bool]:
    rows, survivors, ok = [], [], True
    for module in modules():
        if not meta_path(module).exists():  # `make mutate --only` ran others
            ok = False
            rows.append(f"| `{module}` | not run | | | | | | — | NO |")
            continue
        counts, alive = tally(module, same)
        killed = share(counts)
        done = killed is not None and killed >= BAR and not counts["not checked"]
        ok &= done
        rows.append(f"| `{module}` | {sum(counts.values())} | {counts['not checked']} | "
                    f"{counts['killed']} | {counts['survived']} | {counts['no tests']} | "
                    f"{counts['equivalent']} | {'—' if killed is None else f'{killed:.0%}'} | "
                    f"{'yes' if done else 'NO'} |")
        survivors += [f"- `{module}`: {name}" for name in alive if "not checked" not in name]
    lines = ["# Mutation testing (`make mutate`)", "",
             "mutmut over the modules whose mistakes lose data or story; a timeout counts as "
             "killed; equivalent mutants (tests/mutation_equivalent.toml, each with its reason) "
             f"are left out of the share. Bar: {BAR:.0%} killed on each module.", "",
             "| module | mutants | not checked | killed | survived | no test reached | "
             "equivalent | killed share of those checked | at the bar |",
             "|---|---|---|---|---|---|---|---|---|", *rows, "",
             f"## Not killed ({len(survivors)}): `mutmut show NAME` prints each change", "",
             *(survivors or ["none"]), "", "## Equivalent, with the reason", "",
             *([f"- {name}: {why}" for name, why in sorted(same.items())] or ["none"]), ""]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 below the bar")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "mutation.md")
    args = parser.parse_args(argv)
    text, ok = report(equivalents())
    args.out.write_text(text, encoding="utf-8")
    print(f"mutation_report: wrote {args.out}" + ("" if ok else " (a module is below the bar)"))
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
