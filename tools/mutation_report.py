"""Write the mutation figures of bench/mutation.md from ``make mutate``'s results.

For each module named in ``[tool.mutmut] source_paths`` it counts the mutants mutmut
killed (a timeout counts as killed: the tests noticed), those that survived, those no test
reached, and those listed as equivalent in ``tests/mutation_equivalent.toml`` with a
written reason (left out of the share: no test can tell them from the original). The
issue's bar is 85 % killed on each module.

A module is rarely run again with the others (``make mutate --only``, or a run stopped part
way): each module's last figures are kept in ``bench/mutation_results.json`` with the day
they were measured and the tests that ran (older rows were measured module by module with
narrowed selections, some on other machines). A module whose results are in ``mutants/``
replaces its entry, with a note of what the entry said; no entry is ever dropped, even of a
module no longer mutated. bench/mutation.md's table (between its two marker lines) and its
list of surviving mutants are written from that file; the prose around them is the
reader's to keep.

    .venv/bin/python tools/mutation_report.py [--check]   (--check: exit 1 below the bar)
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: tools/ is a folder of the repository
    sys.path.insert(0, str(REPO))

from tools.mutate import meta_name, selection_name, settings  # noqa: E402

BAR = 0.85
KILLED = {1, 3, 36, -24, 24, 152, 255, 37}  # mutmut's exit codes for killed and timeout
SURVIVED = {0}
NO_TESTS = {5, 33}
START = "<!-- the table below is written by tools/mutation_report.py -->"
END = "<!-- end of the written table -->"


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
    return REPO / meta_name(module)


def results_path() -> Path:
    return REPO / "bench" / "mutation_results.json"


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


def share(counts: Counter[str] | dict[str, int]) -> float | None:
    """Killed among the mutants mutmut ran (an interrupted run leaves some not checked:
    the row says how many), equivalents left out."""
    judged = sum(counts.values()) - counts.get("equivalent", 0) - counts.get("not checked", 0)
    return counts.get("killed", 0) / judged if judged else None


def selection(module: str, default: list[str]) -> list[str]:
    """The tests the results in ``mutants/`` were measured with, as tools/mutate.py kept
    them (``default``, pyproject.toml's selection today, for results from before it did)."""
    path = selection_name(module, REPO)
    return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else default


def fresh_entry(module: str, tests: list[str], same: dict[str, str]) -> dict[str, object]:
    """A module's figures from its results in ``mutants/``, dated by the results file."""
    counts, alive = tally(module, same)
    day = dt.datetime.fromtimestamp(meta_path(module).stat().st_mtime, dt.UTC).date()
    return {"measured": day.isoformat(), "tests": selection(module, tests),
            "counts": dict(counts),
            "not_killed": [name for name in alive if "not checked" not in name]}


def _was(old: dict) -> str:
    """What a kept entry said, for the note of the entry that replaces it."""
    killed = share(old["counts"])
    figure = "not judged" if killed is None else f"{killed:.1%}"
    tests, said = _tests(old), old.get("note") or ""
    return (f"was {figure} on {old['measured']}" + (f" ({tests})" if tests else "")
            + (f": {said}" if said and not said.startswith("was ") else ""))


def entries(same: dict[str, str]) -> dict[str, dict]:
    """Every module's figures: fresh where ``mutants/`` holds its results (unless the kept
    ones were measured on a later day), else as last kept in bench/mutation_results.json.
    A kept module is never dropped, even one no longer in ``source_paths``: its figures were
    measured, maybe elsewhere and with another selection, and only a new run replaces them."""
    path = results_path()
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    names, tests = settings(REPO)
    out = dict(kept)
    for module in names:
        if not meta_path(module).exists():
            continue
        entry = fresh_entry(module, tests[module], same)
        old = kept.get(module)
        if old is not None and old["measured"] > entry["measured"]:
            continue  # mutants/ holds an older run than the kept one
        if old is not None and (old["counts"], old["tests"]) != (entry["counts"],
                                                                 entry["tests"]):
            entry["note"] = _was(old)
        elif old is not None and old.get("note"):
            entry["note"] = old["note"]
        out[module] = entry
    return out


def _tests(entry: dict) -> str:
    """The selection, short: test file stems, and the options (--deselect) counted."""
    names = [t.rsplit("/", 1)[-1].removesuffix(".py") for t in entry["tests"]
             if not t.startswith("-") and "::" not in t]
    dropped = sum(1 for t in entry["tests"] if t == "--deselect")
    return ", ".join(names) + (f" (minus {dropped} deselected)" if dropped else "")


def row(module: str, entry: dict | None) -> tuple[str, bool]:
    """One table row, and whether the module is at the bar."""
    if entry is None:
        return f"| `{module}` | not measured | | | | | | | | — | NO | |", False
    c = Counter(entry["counts"])
    killed = share(c)
    total = sum(c.values())
    checked = total - c["not checked"]
    done = killed is not None and killed >= BAR and not c["not checked"]
    plain = f"{c['killed'] / checked:.0%}" if checked else "—"
    notes = [f"{c['not checked']} of {total} not checked: the run was stopped"] \
        if c["not checked"] else []
    notes += [entry["note"]] if entry.get("note") else []
    return (f"| `{module}` | {entry['measured']} | {_tests(entry)} | {total} | "
            f"{c['killed']} | {c['survived']} | {c['no tests']} | {c['equivalent']} | "
            f"{plain} | {'—' if killed is None else f'{killed:.1%}'} | "
            f"{'yes' if done else 'NO'} | {'; '.join(notes)} |"), done


def table(found: dict[str, dict]) -> tuple[list[str], bool]:
    """The written part of bench/mutation.md: the table and the mutants not killed. Every
    module of ``source_paths`` has a row (``not measured`` when none is kept), then any kept
    module no longer mutated."""
    lines = ["| module | measured | tests run | mutants | killed | survived | no test reached |"
             " equivalent | killed of all | killed share | at the bar | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    ok = True
    survivors = []
    mutated = settings(REPO)[0]
    for module in mutated + sorted(set(found) - set(mutated)):
        text, done = row(module, found.get(module))
        lines.append(text)
        ok &= done or module not in mutated
        entry = found.get(module)
        if entry is not None and entry.get("not_killed") is None:  # kept before the names
            count = entry["counts"].get("survived", 0) + entry["counts"].get("no tests", 0)
            survivors.append(f"- `{module}`: {count} not killed, names not kept")
        else:
            survivors += [f"- `{module}`: {name}" for name in (entry or {}).get("not_killed")
                          or []]
    lines += ["", "Not killed (`mutmut show NAME` prints each change):", "",
              *(survivors or ["none"])]
    return lines, ok


def report(found: dict[str, dict]) -> tuple[str, bool]:
    """The written part, between its markers, and whether every module is at the bar."""
    lines, ok = table(found)
    return "\n".join([START, *lines, END]), ok


def write(text: str, out: Path) -> None:
    """Replace the written part of ``out``, keeping the prose around it (a new file is
    started with it). A file without the two marker lines is left as it is: where its
    table ends is the reader's to say, not a guess that could drop a hand-written row."""
    if not out.exists():
        out.write_text("# Mutation testing (`make mutate`)\n\n" + text + "\n",
                       encoding="utf-8")
        return
    old = out.read_text(encoding="utf-8")
    if START not in old or END not in old or old.index(END) < old.index(START):
        raise SystemExit(f"mutation_report: {out} has no written part: put the lines\n"
                         f"{START}\n{END}\nwhere its table goes (nothing was written)")
    head, _, rest = old.partition(START)
    _, _, tail = rest.partition(END)
    out.write_text(head + text + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 below the bar")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "mutation.md")
    args = parser.parse_args(argv)
    found = entries(equivalents())
    text, ok = report(found)
    write(text, args.out)  # first: it refuses a file it cannot place the table in
    results_path().write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    print(f"mutation_report: wrote {args.out}" + ("" if ok else " (a module is below the bar)"))
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
