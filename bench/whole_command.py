"""Whole-command speed (#21, Bench): one default ``winnow run`` (no flags, a subprocess,
every CPU) over an archive, in pages/s of the whole command, against
``trafilatura.extract`` page after page in one process over the same pages.

Archives: the HTML pages of every dev set (``*-dev``, 838 pages) in site folders
(``raw/<site>/<id>.html``, the URL in a sidecar), the same pages as ONE WARC file (a
``response`` record each, one gzip member per record), and the same pages saved as text
(``*-dev-text``, a folder again); and the synthetic archive (``bench/scale_run.py``).

The reference runs in the bench process, pinned to one CPU like the rest of the bench;
the command runs with every CPU (the CPU count and the load average, taken as each
figure is, stand beside it: on a shared machine the load says how many of them it got).
On text dumps the reference is trafilatura over the dump's lines as ``<p>``, as in the
bench's table. The ratio is pages/s of the command over pages/s of the reference.

**The Prefect server's start is timed apart.** A run without ``PREFECT_API_URL`` finds
the shared Prefect server an earlier run left (``flows/shared_server.py``) or starts it.
The archives used to be timed in a row against the user's ``PREFECT_HOME``: the first of
them (the HTML folder) paid the server's start whenever none was running and the others
found it, which made the WARC form look 20 % faster than the folder form (the flow's and
workers' CPU seconds are the same for both). So the section runs in a ``PREFECT_HOME`` of
its own: the five sample pages of ``raw/`` are cleaned twice first, the first run
starting the server (a run on a fresh machine), the second finding it (every later run);
every archive then finds it. The server is stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.scale_run import ROOT, ScaleRun, run_once
from bench.synthetic_archive import START, response_records

#: The CPUs the command may use: given by run_bench (the set from before it pinned itself).
ALL_CPUS: set[int] | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """One archive through the whole command and through the reference."""

    archive: str
    pages: int
    run: ScaleRun
    reference_pages_s: float
    reference_load: float

    @property
    def pages_s(self) -> float:
        return self.run.pages / self.run.wall_s if self.run.wall_s else float("nan")

    @property
    def ratio(self) -> float:
        return self.pages_s / self.reference_pages_s if self.reference_pages_s else float("nan")


def _site_of(ds: Any, page: Any) -> str:
    return ((ds.sites or {}).get(page.id) or "unknown-site").replace("/", "_")


def write_folder(sets: Sequence[Any], raw: Path) -> int:
    """Every page of ``sets`` in site folders, each with a sidecar giving its URL (where
    known); return the pages written."""
    count = 0
    for ds in sets:
        suffix = ".html" if ds.input_format == "html" else ".txt"
        for page in ds.pages:
            path = raw / _site_of(ds, page) / f"{ds.name}-{page.id}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.html, encoding="utf-8")
            if page.url:
                path.with_name(path.name + ".meta.json").write_text(
                    f'{{"url": "{page.url}"}}' if '"' not in page.url else "{}",
                    encoding="utf-8")
            count += 1
    return count


def write_warc(sets: Sequence[Any], path: Path) -> int:
    """Every page of ``sets`` as one WARC file (a request and a response record each, one
    gzip member per record); return the pages written."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for ds in sets:
            for page in ds.pages:
                url = page.url or f"https://{_site_of(ds, page)}/{ds.name}/{page.id}"
                when = START + timedelta(minutes=count)
                fh.write(response_records(url, page.html.encode("utf-8"), when))
                count += 1
    return count


def reference_rate(pages: Sequence[Any], extract: Callable[[str, str | None], Any]
                   ) -> tuple[float, float]:
    """(pages/s of ``extract`` page after page in this process, load average after)."""
    started = time.perf_counter()
    for page in pages:
        try:
            extract(page.html, page.url)
        except Exception:  # noqa: S112 - a crash costs its time like any page
            continue
    elapsed = time.perf_counter() - started
    return len(pages) / elapsed if elapsed else float("inf"), os.getloadavg()[0]


def _all_cpus() -> None:
    if ALL_CPUS and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, ALL_CPUS)


def sample_figures(extract: Callable[[str, str | None], Any], work: Path,
                   env: dict[str, str]) -> list[Figure]:
    """The five sample pages of ``raw/`` through the whole command twice in ``env``'s
    ``PREFECT_HOME``: the first run starts the shared Prefect server, the second finds
    it (the target: under 5 s)."""
    raw = ROOT / "raw"
    pages = [SimpleNamespace(html=f.read_text(encoding="utf-8", errors="replace"), url=None)
             for f in sorted(raw.glob("*.txt"))]
    ref = reference_rate(pages, extract)
    figures = []
    for label in ("5 sample pages, first run (starts the Prefect server)",
                  "5 sample pages, next run (finds it)"):
        print(f"  whole winnow run: {label}", file=sys.stderr, flush=True)
        out = work / "out-samples"
        run = run_once(raw, out, label, extra_env=env, preexec=_all_cpus)
        figures.append(Figure(label, run.pages, run, *ref))
        shutil.rmtree(out, ignore_errors=True)
    return figures


def stop_shared_server(home: Path) -> None:
    """Stop the shared server the section's runs started in ``home`` (its supervisor's
    process group, by the pid its note gives), if one is noted there."""
    try:
        pid = int(json.loads((home / "winnow-server.json").read_text(encoding="utf-8"))["pid"])
        os.killpg(pid, signal.SIGTERM)
    except (OSError, ValueError, KeyError, TypeError):
        pass


def dev_figures(html_sets: Sequence[Any], text_sets: Sequence[Any],
                extractors: dict[str, Callable[[str, str | None], Any]], work: Path
                ) -> list[Figure]:
    """The sample pages twice (``sample_figures``), then the dev pages as a folder, as one
    WARC, and as text dumps, each through one whole ``winnow run`` and through the
    reference; every run in a ``PREFECT_HOME`` of the section's own."""
    html_pages = [p for ds in html_sets for p in ds.pages]
    text_pages = [p for ds in text_sets for p in ds.pages]
    home = work / "prefect-home"
    env = {"PREFECT_HOME": str(home)}
    try:
        figures = sample_figures(extractors["text"], work, env)
        figures += _archive_figures(html_sets, text_sets, html_pages, text_pages, extractors,
                                    work, env)
    finally:
        stop_shared_server(home)
    return figures


def _archive_figures(html_sets: Sequence[Any], text_sets: Sequence[Any],
                     html_pages: list[Any], text_pages: list[Any],
                     extractors: dict[str, Callable[[str, str | None], Any]], work: Path,
                     env: dict[str, str]) -> list[Figure]:
    figures = []
    ref_html = reference_rate(html_pages, extractors["html"]) if html_pages else None
    jobs: list[tuple[str, Callable[[Path], Path], tuple[float, float] | None]] = [
        ("dev HTML, site folders", lambda d: _made(write_folder, html_sets, d), ref_html),
        ("dev HTML, one WARC", lambda d: _made(write_warc, html_sets, d / "dev.warc.gz"),
         ref_html),
    ]
    if text_pages:
        ref_text = reference_rate(text_pages, extractors["text"])
        jobs.append(("dev text dumps, site folders",
                     lambda d: _made(write_folder, text_sets, d), ref_text))
    for n, (label, make, ref) in enumerate(jobs):
        if ref is None:
            continue
        raw = make(work / f"raw-{n}")
        print(f"  whole winnow run: {label}", file=sys.stderr, flush=True)
        run = run_once(raw, work / f"out-{n}", label, extra_env=env, preexec=_all_cpus)
        figures.append(Figure(label, run.pages, run, *ref))
        shutil.rmtree(work / f"out-{n}", ignore_errors=True)
    return figures


def _made(write: Callable[[Sequence[Any], Path], int], sets: Sequence[Any], where: Path
          ) -> Path:
    write(sets, where)
    return where


def table(figures: Sequence[Figure]) -> str:
    head = ("| archive | pages | whole command s | pages/s | trafilatura.extract pages/s "
            "(one process) | ratio | CPU s | CPUs, load avg (command / reference) |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---|"]
    for f in figures:
        lines.append(f"| {f.archive} | {f.pages:,} | {f.run.wall_s:.1f} | {f.pages_s:.1f} | "
                     f"{f.reference_pages_s:.1f} | {f.ratio:.2f}× | {f.run.cpu_s:.1f} | "
                     f"{f.run.cpus}, {f.run.load:.1f} / {f.reference_load:.1f} |")
    return "\n".join(lines)


def whole_command_section(html_sets: Sequence[Any], text_sets: Sequence[Any],
                          extractors: dict[str, Callable[[str, str | None], Any]],
                          cpus: set[int] | None = None) -> str:
    """The section as markdown (the dev archives; the synthetic one is ``scale_run``'s)."""
    global ALL_CPUS
    ALL_CPUS = set(cpus) if cpus else ALL_CPUS
    work = Path(tempfile.mkdtemp(prefix="winnow-whole-"))
    try:
        figures = dev_figures(html_sets, text_sets, extractors, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ("Whole command: one default `winnow run` (no flags, a subprocess with every "
            "CPU, in a PREFECT_HOME of its own: the first run on the sample pages starts "
            "the shared Prefect server, every later run finds it) against "
            "`trafilatura.extract` page after page in one process on one CPU (on text "
            "dumps: over the dump's lines as <p>), same pages, same bench run. pages/s "
            "of the whole command = pages / its wall time. Targets (#21): dev HTML ≥ 1.8×, "
            "the WARC within 10 % of the folder, text dumps ≥ 600 pages/s, the five sample "
            "pages under 5 s. CPU s: the flow process's and its workers' (the Prefect "
            "server's left out), which a busy machine moves much less than wall time.\n\n"
            + table(figures))
