"""Snapshot every record and every line's fate over the dev sets, and compare two snapshots.

A structural change (a module moved, a rule runner merged) must not change what Winnow
writes. This tool makes that checkable: ``take`` cleans every page of the given sets
through the public ``cleaners.analyse_page``/``clean_page`` calls and writes, per page,
the record (without ``processed_at``, which is the clock) or the reject reason, and
every block's label and rule; ``diff`` counts the pages whose record or trace differ.

    python tools/snapshot.py take ../shared/dev ../shared/seeds/raw raw -o /tmp/before.jsonl
    python tools/snapshot.py diff /tmp/before.jsonl /tmp/after.jsonl

A set is a folder with ``ground-truth.json`` and ``html/`` (a dev set; ``-text`` sets are
cleaned as text, with the ground truth's ``url`` when it has one), or any other folder,
whose files are cleaned as Winnow's discovery would (the format sniffed from the bytes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cleaners  # noqa: E402


def _pages(folder: Path) -> Iterator[tuple[str, Path, str | None, str | None]]:
    """(name, path, url, input_format) of each page under ``folder``."""
    truth = folder / "ground-truth.json"
    if truth.is_file():
        gold = json.loads(truth.read_text(encoding="utf-8"))
        fmt = "text" if folder.name.endswith("-text") else "html"
        for page_id in sorted(gold):
            path = folder / "html" / f"{page_id}.html"
            if path.is_file():
                yield f"{folder.name}/{page_id}", path, gold[page_id].get("url"), fmt
        return
    subsets = sorted(p for p in folder.iterdir() if (p / "ground-truth.json").is_file()) \
        if folder.is_dir() else []
    if subsets:
        for sub in subsets:
            yield from _pages(sub)
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if not path.name.endswith(".meta.json"):
            yield f"{folder.name}/{path.relative_to(folder)}", path, None, None


def _entry(name: str, path: Path, url: str | None, fmt: str | None) -> dict:
    """What Winnow made of one page: its record or reject, and every block's fate."""
    data = path.read_bytes()
    try:
        record = cleaners.clean_page(data, source_path=name, url=url, input_format=fmt)
        analysis = cleaners.analyse_page(data, source_path=name, url=url, input_format=fmt)
        out = record.model_dump(mode="json", exclude={"processed_at"})
    except cleaners.Rejected as exc:
        analysis = getattr(exc, "analysis", None)
        out = {"reject": exc.reason}
    trace = [[b.label, b.rule] for b in analysis.blocks] if analysis else []
    return {"page": name, "record": out, "trace": trace}


def take(folders: list[Path], output: Path) -> int:
    """Write one line per page; return the page count."""
    n = 0
    with output.open("w", encoding="utf-8") as fh:
        for folder in folders:
            for page in _pages(folder):
                fh.write(json.dumps(_entry(*page), ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
    return n


def _load(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as fh:
        return {e["page"]: e for e in map(json.loads, fh)}


def diff(before: Path, after: Path, show: int = 10) -> int:
    """Print the pages whose record or trace differ; return how many differ."""
    a, b = _load(before), _load(after)
    changed = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    def record(side: dict[str, dict], k: str) -> object:
        return (side.get(k) or {}).get("record")

    records = [k for k in changed if record(a, k) != record(b, k)]
    print(f"{len(a)} pages before, {len(b)} after; {len(records)} records differ, "
          f"{len(changed) - len(records)} differ in their trace only")
    for k in changed[:show]:
        ra, rb = record(a, k), record(b, k)
        if ra != rb:
            fields = sorted(f for f in (ra or {}).keys() | (rb or {}).keys()
                            if (ra or {}).get(f) != (rb or {}).get(f))
            print(f"  {k}: record fields {fields}")
        else:
            print(f"  {k}: trace")
    return len(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("take", help="snapshot the records and traces of these folders")
    t.add_argument("folders", nargs="+", type=Path)
    t.add_argument("-o", "--output", type=Path, required=True)
    d = sub.add_parser("diff", help="compare two snapshots")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    d.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    if args.cmd == "take":
        print(f"{take(args.folders, args.output)} pages -> {args.output}")
        return 0
    return 1 if diff(args.before, args.after, args.show) else 0


if __name__ == "__main__":
    raise SystemExit(main())
