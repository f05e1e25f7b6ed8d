"""Winnow's benchmark (``make bench``): quality, throughput and memory in one run.

Quality is scored by the shared scorer (``../shared/tools/extract_bench.py``,
loaded by path so there is one definition of the metric across projects) on
every dev set under ``--data-root``, beside anchors run on the same pages in the
same process: trafilatura and readability (the scorer's own readability-lxml anchor) on
HTML sets; on ``-text`` sets trafilatura over the lines wrapped as ``<p>`` paragraphs,
and the whole dump as is (the floor).

Generalisation (``bench/generalise.py``): F1 per language where the gold gives one,
F1 on two halves of each set's sites (split by a hash of the site), the site-chrome
threshold chosen on one half of the sites and scored on the other (a real
leave-sites-out of that one number), and the metadata rates (author, published day,
title) against the gold, for Winnow and trafilatura.

Speed follows the scorer's approach: perf_counter around the extractor call
only, one warm-up call first, median over ``--repeats`` passes. Within a pass
each page goes through every extractor in turn, so a slow spell of this shared
machine hits all of them alike, and the ratio to trafilatura is taken pass by
pass. The process is pinned to one CPU, so "pages/s" is single-core throughput.

A *mode* is how a set's pages are fed to the extractors (``MODES``); today
there is one, ``page`` (each page its own call). A later mode, such as an
archive of all of a set's pages in one call, is one function returning
``Run`` objects; scoring and reporting take it from there.

    .venv/bin/python bench/run_bench.py [--sets scrapinghub-dev] [--limit 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmark this working tree, whatever is installed
    sys.path.insert(0, str(ROOT))

from bench import generalise  # noqa: E402 - after the path is set
from bench.generalise import Meta, SetOutputs, fold  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "dev"
SCORER_PATH = ROOT.parent / "shared" / "tools" / "extract_bench.py"
TEXT_TARGET = 1000.0  # pages/s on one core for text cleaning (the project's goal)



class Output(NamedTuple):
    """What an extractor gives for one page: its text, and the title and metadata of
    extractors that give them (None otherwise)."""

    text: str
    title: str | None = None
    meta: Meta | None = None


#: ``f(page, url) -> (text, title[, meta])``: a plain pair, or an ``Output``.
Extractor = Callable[[str, str | None], tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a set; ``truth`` is None when there is no gold text."""

    id: str
    url: str | None
    html: str
    truth: str | None


@dataclass(slots=True)
class DevSet:
    name: str
    input_format: str  # "html" or "text": how Winnow is told to read the page
    pages: list[Page]
    titles: dict[str, str] | None = None  # gold titles, on sets whose truth has them
    sites: dict[str, str] | None = None  # page id -> its site (ground truth), for archives
    langs: dict[str, str] | None = None  # page id -> its language, where the gold says
    # page id -> gold author/published/title, on sets whose gold has authors or days
    gold_meta: dict[str, dict[str, str | None]] | None = None

    @property
    def scored(self) -> bool:
        return all(p.truth is not None for p in self.pages)


@dataclass(slots=True)
class Run:
    """What one extractor produced on one set in one mode: outputs of the first pass,
    and per-pass wall and CPU totals (the later passes only time, and check stability)."""

    label: str
    texts: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)
    meta: dict[str, Meta] = field(default_factory=dict)  # extractors that give metadata
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    unstable: set[str] = field(default_factory=set)

    @property
    def pages_per_s(self) -> float:
        wall = statistics.median(self.walls)
        return len(self.texts) / wall if wall else float("inf")

    @property
    def pages_per_cpu_s(self) -> float:
        cpu = statistics.median(self.cpus)
        return len(self.texts) / cpu if cpu else float("inf")


# --------------------------------------------------------------------------
# Data and scorer
# --------------------------------------------------------------------------


@functools.cache
def load_scorer(path: Path = SCORER_PATH) -> ModuleType | None:
    """Import the shared scorer from its file (it is not a package), or None if absent.
    Once per path: the readability anchor is the scorer's own (``readability_html``)."""
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("extract_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def load_set(path: Path, scorer: Any, limit: int | None = None) -> DevSet:
    """A dev set through the scorer's own loader, plus the gold titles it drops."""
    pages = [Page(p.id, p.url, p.html, p.truth) for p in scorer.load_dataset(path, limit)]
    gold = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    titles = {p.id: gold[p.id]["title"] for p in pages if gold[p.id].get("title")}
    sites = {p.id: gold[p.id]["site"] for p in pages if gold[p.id].get("site")}
    langs = {p.id: gold[p.id]["lang"] for p in pages if gold[p.id].get("lang")}
    meta = {p.id: {k: gold[p.id].get(k) for k in ("author", "published", "title")}
            for p in pages}
    has_meta = any(m["author"] or m["published"] for m in meta.values())
    fmt = "text" if path.name.endswith("-text") else "html"
    return DevSet(path.name, fmt, pages, titles or None, sites or None,
                  langs if len(langs) == len(pages) else None, meta if has_meta else None)


def find_sets(data_root: Path, names: Sequence[str] | None) -> list[Path]:
    """Every dev set (a folder with ground-truth.json) under data_root, or the named ones."""
    found = sorted(p.parent for p in data_root.glob("*/ground-truth.json"))
    if names:
        unknown = set(names) - {p.name for p in found}
        if unknown:
            raise SystemExit(f"no such set under {data_root}: {', '.join(sorted(unknown))}")
        found = [p for p in found if p.name in names]
    return found


def sample_set(limit: int | None) -> DevSet:
    """Without the dev sets, the repo's own raw text samples still give speed and memory."""
    files = sorted((ROOT / "raw").glob("*.txt"))[:limit] if limit else sorted(
        (ROOT / "raw").glob("*.txt"))
    pages = [Page(f.stem, None, f.read_text(encoding="utf-8", errors="replace"), None)
             for f in files]
    return DevSet("raw-samples (no truth)", "text", pages)


def rendered_sets(sets: Sequence[DevSet]) -> tuple[list[DevSet], list[str]]:
    """Each scored HTML set saved as text by each of ``bench.renderers`` (the stories and
    gold text of the set, laid out as other tools save pages), and notes on what failed.
    A page a renderer cannot read is saved empty, and counted in the notes."""
    from bench.renderers import RENDERERS

    out: list[DevSet] = []
    notes: list[str] = []
    for ds in sets:
        if ds.input_format != "html" or not ds.scored:
            continue
        for name, render in RENDERERS.items():
            pages: list[Page] = []
            failed: list[str] = []
            for p in ds.pages:
                try:
                    text = render(p.html)
                except ImportError as exc:
                    notes.append(f"renderer {name} is not installed ({exc}): its sets skipped")
                    break
                except Exception as exc:  # one unreadable page must not lose the set
                    text = ""
                    failed.append(f"{p.id}: {type(exc).__name__}")
                pages.append(Page(p.id, p.url, text, p.truth))
            else:
                out.append(DevSet(f"{ds.name} saved by {name}", "text", pages, ds.titles,
                                  ds.sites))
                if failed:
                    notes.append(f"{name} could not render {len(failed)} pages of {ds.name}, "
                                 f"saved empty: {', '.join(failed[:3])}")
    return out, notes


# --------------------------------------------------------------------------
# Extractors
# --------------------------------------------------------------------------


def winnow(input_format: str) -> Extractor:
    """The whole ``clean_page`` through the adapter; text and title from one call."""
    from bench import adapter

    def run(page: str, url: str | None) -> Output:
        record = adapter.clean(page, url, input_format)  # type: ignore[arg-type]
        if record is None:
            return Output("")
        return Output(record.text, record.title,
                      Meta(record.title, tuple(record.authors), record.published))

    return run


def trafilatura_html() -> Extractor:
    """The anchor on HTML: trafilatura as the scorer's benchmark setting runs it."""
    import trafilatura

    def run(page: str, url: str | None) -> tuple[str, str | None]:
        return trafilatura.extract(page, url=url, include_comments=False) or "", None

    return run


def readability_html() -> Extractor | None:
    """The second anchor on HTML: the shared scorer's own readability extractor
    (readability-lxml's ``Document.summary``, its HTML turned to text by html-text), or
    None when the scorer or those packages are absent."""
    scorer = load_scorer()
    if scorer is None or not hasattr(scorer, "_readability"):
        return None
    try:
        extract = scorer._readability()
    except ImportError as exc:
        print(f"readability anchor skipped: {exc}", file=sys.stderr)
        return None

    def run(page: str, url: str | None) -> tuple[str, str | None]:
        return extract(page, url) or "", None

    return run


def trafilatura_lines() -> Extractor:
    """The anchor on text: what trafilatura makes of the dump given as one <p> per line."""
    import trafilatura

    def run(page: str, url: str | None) -> tuple[str, str | None]:
        body = "".join(f"<p>{html.escape(line.strip())}</p>"
                       for line in page.splitlines() if line.strip())
        doc = f"<html><body>{body}</body></html>"
        return trafilatura.extract(doc, url=url, include_comments=False) or "", None

    return run


def whole_dump(page: str, url: str | None) -> tuple[str, str | None]:
    """The floor on text: keep everything."""
    return page, None


REFERENCE = "trafilatura"  # rows' speed ratio is against the set's run with this label
TITLED = {"winnow"}  # extractors that give a title (the anchors' text output has none)


def extractors_for(ds: DevSet) -> dict[str, Extractor]:
    """Winnow and the anchors that fit the set's input format; Winnow first."""
    if ds.input_format == "html":
        found = {"winnow": winnow("html"), REFERENCE: trafilatura_html(),
                 "readability": readability_html()}
        return {label: fn for label, fn in found.items() if fn is not None}
    return {"winnow": winnow("text"), REFERENCE: trafilatura_lines(), "whole dump": whole_dump}


# --------------------------------------------------------------------------
# Modes: how pages are fed to extractors
# --------------------------------------------------------------------------


def interleave(pages: Sequence[Page], extractors: dict[str, Extractor],
               repeats: int) -> list[Run]:
    """Time every extractor page by page, in turn, over ``repeats`` passes.

    The order goes through every permutation of the extractors from page to page:
    trafilatura keeps lru caches, and Winnow's HTML front end calls trafilatura (and
    at times readability) too, so whoever goes second on a page would otherwise always
    find them warm; over the permutations each goes before each other on as many pages
    as after. A raising extractor scores "" and is counted, as in the scorer: one bad
    page must not lose the run.
    """
    runs = {label: Run(label) for label in extractors}
    for fn in extractors.values():  # warm-up: imports, first-call caches
        with contextlib.suppress(Exception):  # a crash is counted in the timed passes
            fn(pages[0].html, pages[0].url)
    orders = list(itertools.permutations(extractors))
    for rep in range(repeats):
        for run in runs.values():
            run.walls.append(0.0)
            run.cpus.append(0.0)
        for k, page in enumerate(pages):
            for label in orders[k % len(orders)]:
                run, out = runs[label], Output("")
                c0, t0 = time.process_time(), time.perf_counter()
                try:
                    out = Output(*extractors[label](page.html, page.url))
                except Exception as exc:  # a crash is a result, as in the scorer
                    run.errors.setdefault(page.id, f"{type(exc).__name__}: {str(exc)[:160]}")
                run.walls[-1] += time.perf_counter() - t0
                run.cpus[-1] += time.process_time() - c0
                if rep == 0:
                    run.texts[page.id], run.titles[page.id] = out.text, out.title
                    if out.meta is not None:
                        run.meta[page.id] = out.meta
                elif out.text != run.texts[page.id]:
                    run.unstable.add(page.id)
        print(f"  pass {rep + 1}/{repeats} done", file=sys.stderr, flush=True)
    return list(runs.values())


def page_mode(ds: DevSet, repeats: int) -> list[Run]:
    """Each page in its own call, as the pipeline cleans one file."""
    return interleave(ds.pages, extractors_for(ds), repeats)


# --------------------------------------------------------------------------
# Archive mode: the whole set as one archive, through one real `winnow run`
# --------------------------------------------------------------------------


def write_archive(ds: DevSet, raw: Path) -> dict[str, str]:
    """The set's pages as an archive: ``raw/<site>/<id>.<html|txt>`` (site from the ground
    truth), a sidecar with the URL where known. Returns source path -> page id."""
    suffix = ".html" if ds.input_format == "html" else ".txt"
    names = {}
    for page in ds.pages:
        site = (ds.sites or {}).get(page.id) or "unknown-site"
        path = raw / site / f"{page.id}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.html, encoding="utf-8")
        if page.url:
            sidecar = path.with_name(path.name + ".meta.json")
            sidecar.write_text(json.dumps({"url": page.url, "site": site}), encoding="utf-8")
        names[f"{site}/{path.name}"] = page.id
    return names


def archive_mode(ds: DevSet, repeats: int) -> list[Run]:
    """All of a set's pages as one archive in site folders, cleaned by ONE ``winnow run
    --learn-sites`` (a subprocess: the real CLI, flow, state and writer), the records read
    back from its output. Timed once: the run's wall time includes Prefect's start-up, so
    its pages/s is not comparable to the page mode's."""
    import tempfile

    from schemas.models import ArticleRecord

    run = Run("winnow")
    if not ds.sites:
        return []
    with tempfile.TemporaryDirectory(prefix="winnow-archive-") as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "clean"
        names = write_archive(ds, raw)
        winnow_cli = Path(sys.executable).with_name("winnow")
        cmd = [str(winnow_cli), "run", "--raw", str(raw), "--out", str(out), "--learn-sites"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        run.walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run.cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"winnow run failed on {ds.name}: {done.stderr[-2000:]}")
        for pid in names.values():
            run.texts[pid], run.titles[pid] = "", None  # a reject scores as empty
        for part in sorted(out.glob("articles/*/*.jsonl")):
            for line in part.read_text(encoding="utf-8").splitlines():
                record = ArticleRecord.model_validate_json(line)
                pid = names[record.source_path]
                run.texts[pid], run.titles[pid] = record.text, record.title
                run.meta[pid] = Meta(record.title, tuple(record.authors), record.published)
    return [run]


#: mode name -> function(set, repeats) -> runs.
MODES: dict[str, Callable[[DevSet, int], list[Run]]] = {"page": page_mode,
                                                        "archive": archive_mode}


# --------------------------------------------------------------------------
# Scoring and reporting
# --------------------------------------------------------------------------


def quality(ds: DevSet, run: Run, scorer: Any) -> dict[str, Any]:
    """The scorer's P/R/F1 of one run's texts, and the title exact-match share."""
    out: dict[str, Any] = {}
    if scorer is not None and ds.scored:
        truth = {p.id: p.truth or "" for p in ds.pages}
        out.update(scorer.score(truth, dict(run.texts)))
    if ds.titles and run.label in TITLED:
        hits = sum(fold(run.titles.get(pid)) == fold(t) for pid, t in ds.titles.items())
        out["title_exact"] = (hits, len(ds.titles))
    return out


@dataclass(slots=True)
class Row:
    set: str
    mode: str
    run: Run
    metrics: dict[str, Any]
    ratio: float | None


def make_rows(ds: DevSet, mode: str, runs: list[Run], scorer: Any) -> list[Row]:
    """Score each run; the speed ratio is the median of per-pass ratios to the reference."""
    ref = next((r for r in runs if r.label == REFERENCE), None)
    rows = []
    for run in runs:
        ratio = (statistics.median(rw / w for rw, w in zip(ref.walls, run.walls, strict=True))
                 if ref is not None and all(run.walls) else None)
        rows.append(Row(ds.name, mode, run, quality(ds, run, scorer), ratio))
    return rows


def _num(x: float, digits: int) -> str:
    """Decimals only where they mean something (the whole dump runs at 10^5 pages/s)."""
    return f"{x:,.0f}" if x >= 100 else f"{x:.{digits}f}"


def table(rows: list[Row]) -> str:
    head = ["set", "mode", "extractor", "F1", "P", "R", "title exact", "empty",
            "pages/s", "ratio vs trafilatura"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        m = r.metrics
        f1 = f"{m['f1']:.3f} ± {m['f1_std']:.3f}" if "f1" in m else "—"
        p, rec = (f"{m[k]:.3f}" if k in m else "—" for k in ("precision", "recall"))
        title = "—"
        if "title_exact" in m:
            hits, n = m["title_exact"]
            title = f"{hits / n:.0%} ({hits}/{n})"
        empty = sum(1 for t in r.run.texts.values() if not t.strip())
        ratio = f"{_num(r.ratio, 2)}×" if r.ratio is not None else "—"
        lines.append(f"| {r.set} | {r.mode} | {r.run.label} | {f1} | {p} | {rec} | {title} | "
                     f"{empty}/{len(r.run.texts)} | {_num(r.run.pages_per_s, 1)} | {ratio} |")
    return "\n".join(lines)


def text_speed(rows: list[Row]) -> str | None:
    """Winnow's text cleaning over all text sets, pooled, against the 1,000 pages/s target."""
    runs = [r.run for r in rows if r.run.label == "winnow" and r.mode == "page"
            and r.set.endswith("-text")] or [
        r.run for r in rows if r.run.label == "winnow" and r.mode == "page"
        and "samples" in r.set]
    if not runs:
        return None
    n = sum(len(r.texts) for r in runs)
    wall = n / sum(statistics.median(r.walls) for r in runs)
    cpu = n / sum(statistics.median(r.cpus) for r in runs)
    verdict = "met" if wall >= TEXT_TARGET else f"NOT met ({wall / TEXT_TARGET:.2f}× the target)"
    return (f"Text cleaning (`clean_page(input_format=\"text\")`, one core, {n} pages): "
            f"{wall:.0f} pages/s wall, {cpu:.0f} pages per CPU-second; "
            f"target ≥ {TEXT_TARGET:,.0f} pages/s: {verdict}.")


SEED_PASSES = 40  # the five sample pages are small: enough passes for a stable median


def seed_rates(raw: Path) -> dict[str, float] | None:
    """Pages/s of Winnow and of trafilatura over the same lines as <p> on the sample pages
    in ``raw/``, timed by ``interleave``; None when there are none."""
    pages = [Page(p.stem, None, p.read_text(encoding="utf-8"), None)
             for p in sorted(raw.glob("*.txt"))]
    if not pages:
        return None
    runs = interleave(pages, {"winnow": winnow("text"), REFERENCE: trafilatura_lines()},
                      SEED_PASSES)
    return {r.label: len(pages) / statistics.median(r.walls) for r in runs}


def child_seed_rates(raw: Path, native: bool = True) -> dict[str, float] | None:
    """``seed_rates`` in a fresh child process of this run, with the compiled text path
    or (``native=False``, WINNOW_NATIVE=0) the same modules as pure Python; None if the
    child fails.

    Not in this process: the sample pages are timed last, and in a process that has
    been through the dev sets and the scale sections Winnow and trafilatura both run
    slower, alike (5-10% here; gc.freeze() does not change it). A child starts as a
    user's run does, and the compiled and pure timings get the same start."""
    code = ("import json, sys\n"
            "from pathlib import Path\n"
            "from bench.run_bench import seed_rates\n"
            "found = seed_rates(Path(sys.argv[1]))\n"
            "print(json.dumps(found))\n")
    env = {**os.environ, "WINNOW_NATIVE": "1" if native else "0"}
    proc = subprocess.run([sys.executable, "-c", code, str(raw)], cwd=ROOT, text=True,
                          capture_output=True, env=env)
    if proc.returncode:
        print(f"seed timing failed: {proc.stderr[-500:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def seed_speed(raw: Path) -> str | None:
    """Text cleaning on the sample pages in ``raw/`` (the seed pages, 4 KB each: the size of
    a story saved as text), and trafilatura over the same pages' lines as <p>, timed by
    ``interleave`` in a child process of this run (``child_seed_rates``). The dev dumps
    above are whole pages at 17 KB on average; this is the other end. With the compiled
    text path in use (cleaners/native.py), the pure-Python modules are timed too, in a
    second child."""
    from cleaners import native

    pages = sorted(raw.glob("*.txt"))
    if not pages:
        return None
    rate = child_seed_rates(raw)
    if rate is None:
        return None
    n = len(pages)
    size = sum(p.stat().st_size for p in pages) / n / 1024
    state = native.status()
    verdict = "met" if rate["winnow"] >= TEXT_TARGET else \
        f"NOT met ({rate['winnow'] / TEXT_TARGET:.2f}× the target)"
    text = (f"Text cleaning on the {n} sample pages in `raw/` "
            f"({size:.1f} KB on average, median of {SEED_PASSES} passes, in a fresh child "
            f"process; compiled text path: {native_state()}): "
            f"{rate['winnow']:.0f} pages/s, "
            f"{rate['winnow'] / rate[REFERENCE]:.2f}× trafilatura over the same lines as "
            f"<p> ({rate[REFERENCE]:.0f} pages/s); target ≥ {TEXT_TARGET:,.0f} pages/s: "
            f"{verdict}.")
    pure = child_seed_rates(raw, native=False) if state.active else None
    if pure:
        text += (f" The same modules as pure Python (WINNOW_NATIVE=0, another child): "
                 f"{pure['winnow']:.0f} pages/s, "
                 f"{pure['winnow'] / pure[REFERENCE]:.2f}× trafilatura "
                 f"({pure[REFERENCE]:.0f} pages/s).")
    return text


def memory_pass(ds: DevSet) -> int:
    """tracemalloc peak (bytes) over one untimed Winnow pass: tracing slows every
    allocation, so it never runs while anything is being timed."""
    fn = winnow(ds.input_format)
    tracemalloc.start()
    try:
        for page in ds.pages:
            with contextlib.suppress(Exception):  # already counted in the timed passes
                fn(page.html, page.url)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def removed_paragraphs(page: Run, archive: Run, truth: dict[str, str],
                       shingles: Callable[[str], Any]) -> tuple[int, int]:
    """(paragraphs the page mode output and the archive mode did not, how many of them are
    story text): a paragraph is story text when most of its shingles are in the gold more
    often than in the archive output (so a lead repeated in the story is not counted)."""
    removed = gold = 0
    for pid, text in page.texts.items():
        kept = set(archive.texts.get(pid, "").split("\n\n"))
        need, have = shingles(truth.get(pid, "")), shingles(archive.texts.get(pid, ""))
        for para in text.split("\n\n"):
            if not para or para in kept:
                continue
            removed += 1
            grams = shingles(para)
            if grams and sum(1 for g in grams if need[g] > have[g]) >= len(grams) / 2:
                gold += 1
    return removed, gold


def _archive_language_rows(name: str, page: Run, archive: Run, truth: Mapping[str, str],
                           langs: Mapping[str, str], scorer: Any) -> list[str]:
    """One row per language of a set whose gold names each page's: site learning must
    not help one language by costing another (#19: archive >= page per language too)."""
    page_f1 = generalise.group_f1(scorer, truth, page.texts, langs)
    arch_f1 = generalise.group_f1(scorer, truth, archive.texts, langs)
    rows = []
    for lang in sorted(page_f1):
        (p, n), (a, _) = page_f1[lang], arch_f1[lang]
        mark = f"{generalise.BELOW} " if a < p else ""
        rows.append(f"| {name}, {lang} ({n} pages) | {p:.4f} | {a:.4f} | {mark}{a - p:+.4f} | — |")
    return rows


def archive_table(rows: list[Row], truths: dict[str, dict[str, str]] | None = None,
                  scorer: Any = None, langs: Mapping[str, Mapping[str, str] | None] | None = None
                  ) -> str | None:
    """Winnow's F1 per set (and per language, where ``langs`` gives the gold's) with each
    page on its own and with the set as one archive, and the paragraphs site learning
    removed (and how many of them the gold holds)."""
    by = {(r.set, r.mode): r for r in rows if r.run.label == "winnow" and "f1" in r.metrics}
    sets = [s for s in dict.fromkeys(r.set for r in rows) if (s, "archive") in by]
    if not sets:
        return None
    lines = ["| set | page F1 | archive F1 | archive − page | paragraphs removed (story) |",
             "|---|---|---|---|---|"]
    for s in sets:
        arch = by[(s, "archive")].metrics["f1"]
        page_row = by.get((s, "page"))
        page = page_row.metrics["f1"] if page_row else None
        delta = f"{arch - page:+.4f}" if page is not None else "—"
        page_s = f"{page:.4f}" if page is not None else "—"
        removed = "—"
        if page_row and truths and s in truths and scorer is not None:
            n, gold = removed_paragraphs(page_row.run, by[(s, "archive")].run, truths[s],
                                         scorer.shingles)
            removed = f"{n} ({gold})"
        lines.append(f"| {s} | {page_s} | {arch:.4f} | {delta} | {removed} |")
        if page_row and truths and s in truths and langs and langs.get(s) and scorer:
            lines += _archive_language_rows(s, page_row.run, by[(s, "archive")].run,
                                            truths[s], langs[s], scorer)
    return ("Site learning: Winnow's F1 with each page cleaned on its own (page) and with the "
            "set as one archive in site folders, cleaned by one `winnow run --learn-sites` "
            "(archive).\n\n" + "\n".join(lines))


def chrome_threshold_evidence(ds: DevSet) -> str | None:
    """How the chrome threshold was chosen: on sites of >= 3 pages, the lines of each page
    by how many pages of its site print them, and how many of those are story text (a
    line of 20+ characters found in the page's gold text, both normalised)."""
    from cleaners import line_key, page_lines

    if not ds.sites or not ds.scored:
        return None
    per_page, counts, pages_of = [], {}, {}
    for page in ds.pages:
        site = ds.sites.get(page.id, "")
        lines = page_lines(page.html, ds.input_format)
        keys = {k for k in map(line_key, lines) if len(k) >= 2}
        pages_of[site] = pages_of.get(site, 0) + 1
        for k in keys:
            counts[(site, k)] = counts.get((site, k), 0) + 1
        per_page.append((site, keys, line_key(page.truth or "")))
    buckets = {"1": [0, 0], "2": [0, 0], "3-4": [0, 0], "5-9": [0, 0], "10+": [0, 0]}
    for site, keys, gold in per_page:
        if pages_of[site] < 3:
            continue
        for k in keys:
            n = counts[(site, k)]
            name = "1" if n == 1 else "2" if n == 2 else "3-4" if n <= 4 else \
                "5-9" if n <= 9 else "10+"
            buckets[name][0] += 1
            buckets[name][1] += len(k) >= 20 and k in gold
    sites = sum(1 for n in pages_of.values() if n >= 3)
    if not sites:
        return None  # no site the rule would learn
    said = ", ".join(f"on {b} page(s): {n:,} lines, {g} in the gold" for b, (n, g)
                     in buckets.items())
    return f"{ds.name} ({sites} sites with >= 3 pages): {said}."


def duplicate_evidence(ds: DevSet) -> str | None:
    """How the near-duplicate threshold was chosen: the estimated similarity (MinHash
    Jaccard, containment) of each page's record to reposts of it made from the set's own
    pages, and of different pages' records to each other."""
    import itertools

    from bench import adapter
    from flows.linking import shingles, signature, similarity

    if ds.input_format != "text" or len(ds.pages) < 3:
        return None

    def text(raw: str) -> str:
        record = adapter.clean(raw, None, "text")
        return record.text if record is not None else ""

    def sim(a: str, b: str) -> tuple[float, float]:
        sa, sb = shingles(a), shingles(b)
        return similarity(signature(sa), len(sa), signature(sb), len(sb))

    originals = {p.id: text(p.html) for p in ds.pages}
    reposts: dict[str, list[tuple[float, float]]] = {"paragraph added": [],
                                                     "another page's chrome": []}
    pages = [p for p in ds.pages if originals[p.id]]
    for i, page in enumerate(pages):
        mine = originals[page.id]
        other = max(originals[pages[(i + 7) % len(pages)].id].split("\n\n"), key=len)
        last = mine.split("\n\n")[-1][:40]
        if last in page.html:  # another story's paragraph before the last one
            reposts["paragraph added"].append(
                sim(mine, text(page.html.replace(last, f"{other}\n\n{last}", 1))))
        chrome = pages[(i + 29) % len(pages)].html.split("\n")
        lines = page.html.split("\n")
        reposts["another page's chrome"].append(
            sim(mine, text("\n".join(chrome[:15] + lines[15:-15] + chrome[-15:]))))
    others = [sim(originals[a.id], originals[b.id])
              for a, b in itertools.combinations(pages, 2)]

    def p5(values: list[tuple[float, float]], k: int) -> float:
        ranked = sorted(v[k] for v in values)
        return ranked[len(ranked) // 20] if ranked else float("nan")

    said = [f"reposts, {kind} (n={len(v)}): Jaccard >= {p5(v, 0):.2f} and containment >= "
            f"{p5(v, 1):.2f} in 95 %" for kind, v in reposts.items()]
    said.append(f"different pages (n={len(others)}): Jaccard <= "
                f"{max(o[0] for o in others):.2f}, containment <= {max(o[1] for o in others):.2f}")
    return f"{ds.name}: " + "; ".join(said) + "."


def site_stats_memory(pages: int, sites: int = 50, seed: int = 7) -> tuple[int, int, float]:
    """(tracemalloc peak in bytes, lines tracked, share of template lines learned as chrome)
    of the per-site line statistics
    (``cleaners.sitestats.SiteLineStats``) over ``pages`` synthetic pages spread over
    ``sites`` sites. A page: its site's 60 template lines, 20 teasers from a pool of 400 that
    moves on as pages go by, and 40 lines of its own story."""
    import random

    from cleaners import SiteLineStats

    rng = random.Random(seed)
    template = [[rng.getrandbits(63) for _ in range(60)] for _ in range(sites)]
    tracemalloc.start()
    try:
        stats = SiteLineStats()
        for i in range(pages):
            s = i % sites
            window = i // (sites * 20)  # the teaser pool moves on every 20 pages of a site
            teasers = [hash((s, window * 100 + rng.randrange(400))) for _ in range(20)]
            own = [rng.getrandbits(63) for _ in range(40)]
            stats.add_page(f"site{s}.example", template[s] + teasers + own)
        peak = tracemalloc.get_traced_memory()[1]
        tracked = sum(len(c.counts) for c in stats.sites.values())
    finally:
        tracemalloc.stop()
    chrome = {s: stats.chrome(f"site{s}.example") for s in range(min(sites, pages))}
    learned = sum(h in c for s, c in chrome.items() for h in template[s] if c is not None)
    return peak, tracked, learned / (60 * len(chrome))


def site_stats_memory_report(sizes: Sequence[int] = (10_000, 100_000)) -> str:
    parts = []
    for n in sizes:
        peak, tracked, learned = site_stats_memory(n)
        parts.append(f"{n:,} pages: peak {peak / 2**20:.1f} MiB, {tracked:,} lines tracked, "
                     f"{learned:.0%} of the template lines learned as chrome")
    return ("Site statistics memory (tracemalloc around `SiteLineStats`, synthetic pages over "
            "50 sites, 120 lines a page): " + "; ".join(parts) + ".")


def pin_one_cpu() -> str:
    """Pin to one CPU, so pages/s is one core's, and no library thread borrows another."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def native_state() -> str:
    """Whether the text path ran compiled (cleaners/native.py), and why (not)."""
    from cleaners import native

    state = native.status()
    return ("in use, " if state.active else "not in use, ") + state.reason


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_state() -> str:
    """The commit benchmarked, and whether the cleaning code had uncommitted edits."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "cleaners", "schemas"],
                               cwd=ROOT, text=True, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "git commit unknown"
    return f"git {head}" + (" + uncommitted edits in cleaners/schemas" if dirty.strip() else "")


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-root", type=Path, default=DEFAULT_DATA,
                    help="folder of dev sets (default: ../shared/dev from the repo root)")
    ap.add_argument("--sets", nargs="+", help="only these sets (names under --data-root)")
    ap.add_argument("--modes", nargs="+", default=["page", "archive"], choices=sorted(MODES))
    ap.add_argument("--no-stats-memory", action="store_true",
                    help="skip the site statistics memory measure (100,000 synthetic pages)")
    ap.add_argument("--limit", type=int, help="only the first N pages of each set (smoke run)")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes (median is reported)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    ap.add_argument("--renderers", action=argparse.BooleanOptionalAction, default=True,
                    help="also score text cleaning on the HTML sets saved as text by other "
                         "renderers (bench/renderers.py; one pass, about a minute)")
    ap.add_argument("--scale", action=argparse.BooleanOptionalAction, default=None,
                    help="the scale-out sections (bench/scale.py: backfill pages/s on 1 and "
                         "2 Dask workers, peak RSS on 1k/10k-page archives; minutes). "
                         "Default: on, off for a --limit smoke run")
    ap.add_argument("--fetch", action=argparse.BooleanOptionalAction, default=None,
                    help="the fetch section (bench/fetch_bench.py: winnow fetch over 20 "
                         "local hosts against its politeness limit; about a minute). "
                         "Default: on, off for a --limit smoke run")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                    help="only these sections: " + ", ".join(SECTIONS) + " (quality: the "
                         "dev sets' table and everything after it; whole: the whole command "
                         "on the dev archive; synthetic: the synthetic archive's memory and "
                         "time; scale: bench/scale.py; fetch: bench/fetch_bench.py)")
    ap.add_argument("--synthetic-100k", action="store_true",
                    help="add the 100,000-page synthetic archive (about an hour on 2 "
                         "busy CPUs; also WINNOW_BENCH_100K=1)")
    return ap.parse_args(argv)


def _load_sets(args: argparse.Namespace, notes: list[str]) -> tuple[Any, list[DevSet]]:
    """The shared scorer (None when absent) and the dev sets; the repo's raw/ samples alone
    when either is absent (said in ``notes``)."""
    scorer = load_scorer()
    set_dirs = find_sets(args.data_root, args.sets) if args.data_root.is_dir() else []
    if scorer is None or not set_dirs:
        missing = SCORER_PATH if scorer is None else args.data_root
        notes.append(f"{missing} is absent: quality skipped; speed and memory are on the "
                     "repo's raw/ samples only.")
        print(notes[-1], file=sys.stderr)
        return scorer, [sample_set(args.limit)]
    return scorer, [load_set(d, scorer, args.limit) for d in set_dirs]


def _run_sets(sets: Sequence[DevSet], modes: Sequence[str], repeats: int,
              scorer: Any) -> tuple[list[Row], list[str], list[str]]:
    """Each set in each mode: (its scored rows, its memory pass, the thresholds' evidence,
    which the archive mode's sets give)."""
    rows: list[Row] = []
    memory: list[str] = []
    evidence: list[str] = []
    for ds in sets:
        for mode in modes:
            print(f"{ds.name} ({len(ds.pages)} pages, {mode} mode)", file=sys.stderr, flush=True)
            rows += make_rows(ds, mode, MODES[mode](ds, repeats), scorer)
        memory.append(f"{ds.name} {memory_pass(ds) / 2**20:.1f} MiB")
        if "archive" in modes:
            evidence += filter(None, [chrome_threshold_evidence(ds), duplicate_evidence(ds)])
    return rows, memory, evidence


def set_outputs(sets: Sequence[DevSet], rows: Sequence[Row]) -> list[SetOutputs]:
    """The page mode's texts of each scored set, Winnow first, with each page's site (the
    gold's, else the URL's host) and language (where the gold gives every page one)."""
    runs = {(r.set, r.run.label): r.run for r in rows if r.mode == "page"}
    out = []
    for ds in sets:
        labels = [label for (name, label) in runs if name == ds.name]
        if not ds.scored or "winnow" not in labels:
            continue
        labels.remove("winnow")
        sites = {p.id: generalise.page_site(p.id, (ds.sites or {}).get(p.id), p.url)
                 for p in ds.pages}
        out.append(SetOutputs(ds.name, {p.id: p.truth or "" for p in ds.pages},
                              {label: runs[(ds.name, label)].texts
                               for label in ["winnow", *labels]}, sites, ds.langs))
    return out


def metadata_section(sets: Sequence[DevSet], rows: Sequence[Row]) -> str | None:
    """Author, published day and title against the gold, on sets whose gold has authors or
    days: Winnow's record (page mode) and, on HTML, trafilatura's ``extract_metadata``
    (one untimed pass)."""
    runs = {r.set: r.run for r in rows if r.mode == "page" and r.run.label == "winnow"}
    lines = []
    for ds in sets:
        if not ds.gold_meta or ds.name not in runs:
            continue
        metas = {"winnow": runs[ds.name].meta}
        if ds.input_format == "html":
            print(f"{ds.name}: trafilatura metadata (one pass)", file=sys.stderr, flush=True)
            metas[REFERENCE] = generalise.trafilatura_meta(ds.pages)
        lines.append(generalise.metadata_line(ds.name, ds.gold_meta, metas))
    if not lines:
        return None
    return ("Metadata against the gold (author found: one of the record's names shares two "
            "words with the gold author, one for a one-word name, case folded; published "
            "day: the first ten characters equal; title exact: whitespace folded, as in "
            "the table; trafilatura's from `extract_metadata`, untimed):\n\n"
            + "\n".join(f"- {line}" for line in lines))


def threshold_section(sets: Sequence[DevSet], outputs: Sequence[SetOutputs], rows: Sequence[Row],
                      scorer: Any) -> str | None:
    """The site-chrome threshold chosen on one half of a set's sites and scored on the
    other (``bench.generalise``), on sets with sites that learn; with how often the
    in-process cleaning at the shipped threshold gave the archive run's text."""
    from cleaners.sitestats import MAX_PAGES, MIN_PAGES, MIN_SITE_PAGES, SHARE

    by_name = {o.name: o for o in outputs}
    archive = {r.set: r.run for r in rows if r.mode == "archive" and r.run.label == "winnow"}
    table_rows, checks = [], []
    for ds in sets:
        out = by_name.get(ds.name)
        pages = generalise.learning_pages(ds.pages, out.sites, MIN_SITE_PAGES) if out else []
        if out is None or not pages:
            continue
        print(f"{ds.name}: site threshold, {len(pages)} pages", file=sys.stderr, flush=True)
        texts: dict[generalise.Candidate, dict[str, str]] = dict(
            generalise.texts_by_candidate(pages, out.sites, ds.input_format))
        texts[None] = {p.id: out.texts["winnow"][p.id] for p in pages}
        found = generalise.threshold_folds(ds.name, out, texts, scorer, MIN_PAGES)
        if found is None:
            continue
        table_rows.append(found)
        if ds.name in archive:
            same = sum(texts[MIN_PAGES][p.id] == archive[ds.name].texts.get(p.id) for p in pages)
            checks.append(f"{ds.name} {same}/{len(pages)}")
    if not table_rows:
        return None
    return (f"Leave-sites-out, site learning: the one tuned number of site chrome (how many "
            f"of a site's pages must print a line; shipped: at least {MIN_PAGES}, or "
            f"{SHARE:.0%} of the site's pages if more, at most {MAX_PAGES}) chosen on one "
            f"half of a set's sites and scored on the other. "
            f"Candidates: floors {', '.join(map(str, generalise.FLOORS))} in place of the "
            f"shipped one, and no learning; the best F1 on the tuning half wins (a tie goes to "
            f"removing less). Only pages of sites with >= {MIN_SITE_PAGES} pages count "
            f"(elsewhere nothing is learned). {generalise.BELOW}: the held-out half scores "
            f"below no learning.\n\n" + generalise.THRESHOLD_HEAD + "\n"
            + "\n".join(table_rows)
            + (f"\n\nIn-process cleaning at the shipped threshold gives the archive run's "
               f"text on: {', '.join(checks)} pages." if checks else ""))


def generalisation_sections(sets: Sequence[DevSet], rows: Sequence[Row], scorer: Any,
                            modes: Sequence[str]) -> list[str | None]:
    """F1 by language, by site half, the leave-sites-out of the site threshold (with the
    archive mode) and the metadata rates: the sections that say whether Winnow holds
    where it was not tuned (``bench.generalise``)."""
    outputs = set_outputs(sets, rows) if scorer is not None else []
    if not outputs:
        return [metadata_section(sets, rows)]
    return [
        metadata_section(sets, rows),
        "F1 by language (the gold's `lang`; `all` where the gold gives none), page mode, "
        f"same run as the table. {generalise.BELOW}: Winnow below that anchor.\n\n"
        + generalise.language_table(outputs, scorer),
        "Site halves: each set's sites split in two by a hash of the site's name (gold "
        "`site`, else the URL's host), F1 on each half's pages and the gap Winnow − anchor. "
        "Nothing is tuned per half: every rule was chosen looking at all the dev sets. "
        "What it shows is whether Winnow's edge holds on two disjoint groups of sites: a "
        "change that helps only the sites it was looked at on moves one half's gap, not "
        f"both. {generalise.BELOW}: Winnow below the anchor.\n\n"
        + generalise.halves_table(outputs, scorer),
        threshold_section(sets, outputs, rows, scorer) if "archive" in modes else None,
    ]


def _run_notes(rows: Sequence[Row]) -> list[str]:
    """Notes on runs that raised on pages or whose output differed between passes."""
    notes = []
    for r in rows:
        for pid, err in list(r.run.errors.items())[:3]:
            notes.append(f"{r.set} / {r.run.label}: {len(r.run.errors)} pages raised, "
                         f"e.g. {pid}: {err}")
        if r.run.unstable:
            notes.append(f"{r.set} / {r.run.label}: output differs between passes on "
                         f"{len(r.run.unstable)} pages")
    return notes


def _render_rows(sets: Sequence[DevSet], scorer: Any, notes: list[str]) -> list[Row]:
    """Text cleaning scored on the HTML sets saved as text by other renderers (one pass)."""
    render_rows: list[Row] = []
    others, render_notes = rendered_sets(sets)
    notes += render_notes
    for rds in others:
        print(f"{rds.name} ({len(rds.pages)} pages, one pass)", file=sys.stderr, flush=True)
        render_rows += make_rows(rds, "page", page_mode(rds, 1), scorer)
    return render_rows


def _peak_rss_mib() -> float:
    """Peak RSS of this process so far, in MiB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes vs KiB


def _evidence_section(evidence: Sequence[str]) -> str | None:
    return ("Evidence for the thresholds (site chrome: lines by the number of their site's "
            "pages that print them; near duplicates: MinHash similarity of reposts made from "
            "the set's pages, and of different pages):\n\n" + "\n".join(f"- {e}" for e in evidence)
            ) if evidence else None


def _renderers_section(render_rows: list[Row]) -> str | None:
    return ("Text cleaning on dump formats the dev sets do not hold: the HTML sets saved as "
            "text by other renderers (bench/renderers.py; same stories and gold text, one "
            "timed pass):\n\n" + table(render_rows)) if render_rows else None


def _memory_section(rss_mib: float, memory: Sequence[str]) -> str:
    return (f"Memory: peak RSS of the whole bench process {rss_mib:.0f} MiB (trafilatura and "
            f"the loaded sets included); tracemalloc peak of one `clean_page` pass per set: "
            f"{', '.join(memory)}.")


def _header(args: argparse.Namespace, pinned: str, elapsed: float) -> str:
    """The results file's head: when, on what, the command, and how to read the table."""
    return (
        f"# Winnow benchmark\n\n"
        f"{datetime.now(UTC):%Y-%m-%d %H:%M UTC}; {os.cpu_count()} CPUs ({pinned}); "
        f"Python {platform.python_version()}; {platform.platform()}; "
        f"trafilatura {version('trafilatura')}; winnow-news {version('winnow-news')} "
        f"({git_state()}); compiled text path: {native_state()}.\n\n"
        f"Command: `{' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}` — data "
        f"{args.data_root}, {args.repeats} timed passes"
        f"{f', first {args.limit} pages per set (smoke run)' if args.limit else ''}; "
        f"whole bench took {elapsed:.0f} s.\n\n"
        "F1 ± bootstrap std, P and R from the shared scorer (4-token shingles; an empty "
        "output is left out of P). pages/s: median pass, wall time, extractor call only. "
        "Ratio: trafilatura's time / this extractor's, median of per-pass ratios (above 1 "
        "is faster). On -text sets \"trafilatura\" is run over the dump's lines as <p>; "
        "readability is the shared scorer's anchor (readability-lxml's summary as text by "
        "html-text), timed in the same passes.\n\n"
        "Generalisation: \"F1 by language\" and \"site halves\" re-score the table's page "
        "mode outputs on groups of pages (no rule is tuned per group: the halves show "
        "whether Winnow's edge holds on two disjoint groups of sites, not how it does on "
        "unseen ones). The leave-sites-out figure is narrower and real: the one tuned "
        "number of site learning chosen on one half of a set's sites, scored on the "
        "other.\n\n"
    )


SECTIONS = ("quality", "whole", "synthetic", "scale", "fetch")
SYNTHETIC_SIZES = (10_000,)  # + 100,000 with --synthetic-100k or WINNOW_BENCH_100K=1


def _wanted(args: argparse.Namespace, name: str) -> bool:
    """Whether a section runs: the ``--only`` ones, else all but those a smoke run skips."""
    if args.only:
        return name in args.only
    if name == "scale":
        return bool(args.scale or (args.scale is None and not args.limit))
    if name == "fetch":
        return bool(args.fetch or (args.fetch is None and not args.limit))
    if name in ("whole", "synthetic"):
        return not args.limit
    return True


def _quality_sections(args: argparse.Namespace, scorer: Any, sets: list[DevSet],
                      notes: list[str]) -> list[str | None]:
    """The dev sets scored and timed page by page, and everything that comes of it."""
    rows, memory, evidence = _run_sets(sets, args.modes, args.repeats, scorer)
    notes += _run_notes(rows)
    render_rows = _render_rows(sets, scorer, notes) if args.renderers else []
    general = generalisation_sections(sets, rows, scorer, args.modes)
    truths = {ds.name: {p.id: p.truth or "" for p in ds.pages} for ds in sets if ds.scored}
    langs = {ds.name: ds.langs for ds in sets}
    return [
        table(rows), *general[:3], archive_table(rows, truths, scorer, langs), *general[3:],
        _evidence_section(evidence), _renderers_section(render_rows),
        None if args.no_stats_memory else site_stats_memory_report(),
        text_speed(rows), seed_speed(ROOT / "raw"),
        _memory_section(_peak_rss_mib(), memory),
    ]


def _whole_sections(args: argparse.Namespace, sets: list[DevSet], cpus: set[int] | None
                    ) -> list[str | None]:
    """Whole-command pages/s on the dev archive (folder, WARC, text) and the synthetic
    archive, against trafilatura page after page (bench/whole_command.py, scale_run.py)."""
    out: list[str | None] = []
    html_sets = [ds for ds in sets if ds.input_format == "html" and ds.name.endswith("-dev")]
    text_sets = [ds for ds in sets if ds.name.endswith("-dev-text")]
    if _wanted(args, "whole") and html_sets:
        from bench.whole_command import whole_command_section

        out.append(whole_command_section(
            html_sets, text_sets, {"html": trafilatura_html(), "text": trafilatura_lines()},
            cpus))
    if _wanted(args, "synthetic"):
        from bench import whole_command
        from bench.scale_run import scale_section

        whole_command.ALL_CPUS = set(cpus) if cpus else None
        big = args.synthetic_100k or os.environ.get("WINNOW_BENCH_100K") == "1"
        sizes = [*SYNTHETIC_SIZES, *([100_000] if big else [])]
        out.append(scale_section(sizes, ["folder", "warc"], preexec=whole_command._all_cpus))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    started = time.perf_counter()
    all_cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pinned = "not pinned" if args.no_pin else pin_one_cpu()

    notes: list[str] = []
    scorer, sets = _load_sets(args, notes)
    sections = _quality_sections(args, scorer, sets, notes) if _wanted(args, "quality") else []
    sections += _whole_sections(args, sets, all_cpus)
    sections.append("\n".join(f"- {n}" for n in notes))
    if _wanted(args, "scale"):
        from bench.scale import scale_sections

        sections.append(scale_sections(args.data_root, cpus=all_cpus))
    if _wanted(args, "fetch"):
        from bench.fetch_bench import fetch_section

        sections.append(fetch_section((50, 100)))
    elapsed = time.perf_counter() - started
    body = "\n\n".join(filter(None, sections))
    print(body)
    args.out.write_text(_header(args, pinned, elapsed) + body + "\n", encoding="utf-8")
    print(f"\nwrote {args.out} ({elapsed:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
