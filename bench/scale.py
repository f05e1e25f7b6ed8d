"""The scale-out sections of ``make bench``: backfill throughput on 1 and 2 local Dask
workers, and peak memory as the archive grows.

Both run the real ``winnow backfill`` command in a subprocess against one Prefect
server started for the bench (``flows.local_server``), with the CPU affinity the
bench had before it pinned itself to one core, so Dask workers get every core.

- **Speed**: the HTML dev pages (``<data-root>/*-dev/html``), repeated with a
  change each until there are ``--scale-pages`` pages, backfilled with
  ``--workers 1`` and ``--workers 2``. pages/s is the flow's own clock (pages
  cleaned / the run body's seconds, from the run summary): the cluster's and
  Prefect's start-up are reported apart, as they do not grow with the archive.
- **Memory**: archives of 1,000 and 10,000 pages made from the text dev pages
  (``*-dev-text``, smaller files, so 10,000 pages take minutes, not tens of
  minutes), each copy changed, a third of them dated by sidecar; backfilled on
  2 workers. Peak RSS is sampled every 0.2 s over the whole process tree (flow
  process, Dask nannies and workers; shared pages counted in each process), and
  for the flow process alone. Flat means the 10,000-page peak is close to the
  1,000-page one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The CPUs a backfill may use: the bench pins itself to one core for the per-page
#: timings, and its children would inherit that; ``scale_sections`` is given the set
#: from before the pinning.
ALL_CPUS: set[int] | None = (
    set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
)
SPEED_TARGET = 1.8  # 2 workers vs 1


@dataclass(slots=True)
class BackfillRun:
    workers: int
    pages: int  # pages cleaned
    seconds: float  # the run body (flows.run.execute), from the run summary
    wall: float  # the whole command: Prefect, the cluster, the run
    peak_tree_mib: float
    peak_flow_mib: float
    steady_pages: int = 0  # pages of the parts after the first two
    steady_seconds: float = 0.0  # from the second part file written to the last
    child_cpu: float = 0.0  # CPU seconds of the Dask processes (nannies and workers)
    flow_cpu: float = 0.0  # CPU seconds of the flow process (orchestration, writing, linking)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")

    @property
    def steady_pages_per_s(self) -> float:
        return self.steady_pages / self.steady_seconds if self.steady_seconds else float("nan")

    @property
    def pages_per_worker_cpu_s(self) -> float:
        return self.pages / self.child_cpu if self.child_cpu else float("nan")


def source_pages(data_root: Path, text: bool) -> list[Path]:
    """The dev pages: HTML from ``*-dev/html``, text dumps from ``*-dev-text/html``."""
    pattern = "*-dev-text/html/*" if text else "*-dev/html/*.html"
    return sorted(p for p in data_root.glob(pattern) if p.is_file())


def build_archive(folder: Path, count: int, sources: list[Path], text: bool) -> Path:
    """``count`` pages, each a dev page with a change of its own (a line naming its copy),
    spread over site folders; every third has a sidecar with a fetched_at."""
    suffix = ".txt" if text else ".html"
    for i in range(count):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        note = f"Копия {i} архива: строка, которой нет в других копиях.".encode()
        if text:
            data = data + b"\n\n" + note + b"\n"
        else:
            at = data.lower().rfind(b"</body>")
            at = len(data) if at < 0 else at
            data = data[:at] + b"<p>" + note + b"</p>" + data[at:]
        page = folder / f"site{i % 7}" / f"{i // 1000:03d}" / f"page-{i:06d}{suffix}"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(data)
        if i % 3 == 0:
            side = page.with_name(page.name + ".meta.json")
            side.write_text(json.dumps({"fetched_at": f"2024-01-{1 + i % 28:02d}T10:00:00Z"}))
    return folder


def _all_cpus() -> None:
    if ALL_CPUS and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, ALL_CPUS)


def _sample_tree(proc, cpu: dict[int, float]) -> tuple[int, int]:
    """RSS of the process tree and of its root (bytes); note each process's CPU seconds
    (the root's under the key 0)."""
    import psutil

    try:
        with proc.oneshot():
            own = proc.memory_info().rss
            times = proc.cpu_times()
        cpu[0] = times.user + times.system
        kids = proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    total = own
    for kid in kids:
        try:
            with kid.oneshot():
                total += kid.memory_info().rss
                times = kid.cpu_times()
            cpu[kid.pid] = times.user + times.system
        except psutil.Error:
            pass
    return total, own


def _steady_state(out: Path) -> tuple[int, float]:
    """Pages and seconds from the second part file written to the last: the rate once
    workers are warm (imports, first-page caches), which the first parts pay for."""
    by_part: dict[str, list[Path]] = {}
    for path in out.glob("*/*/part-*.jsonl"):
        by_part.setdefault(path.name, []).append(path)
    names = sorted(by_part)
    if len(names) < 4:
        return 0, 0.0
    done = [max(p.stat().st_mtime for p in by_part[n]) for n in names]
    pages = sum(
        sum(1 for _ in p.open("rb")) for n in names[2:] for p in by_part[n]
    )
    return pages, done[-1] - done[1]


def run_backfill(raw: Path, out: Path, workers: int, api_url: str,
                 batch_size: int) -> BackfillRun:
    """``winnow backfill --workers N`` as a user runs it, its memory sampled meanwhile."""
    import psutil

    cmd = [sys.executable, "-m", "flows.cli", "backfill", "--raw", str(raw), "--out", str(out),
           "--workers", str(workers), "--batch-size", str(batch_size)]
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=_all_cpus)
    peak = [0, 0]
    cpu: dict[int, float] = {}
    watched = psutil.Process(proc.pid)

    def sample() -> None:
        while proc.poll() is None:
            tree, own = _sample_tree(watched, cpu)
            peak[0], peak[1] = max(peak[0], tree), max(peak[1], own)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"backfill --workers {workers} failed:\n{output[-3000:]}")
    [summary_file] = (out / "_state" / "runs").glob("*.json")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    steady_pages, steady_seconds = _steady_state(out)
    return BackfillRun(workers, int(summary["processed"]), float(summary["seconds"]), wall,
                       peak[0] / 2**20, peak[1] / 2**20, steady_pages, steady_seconds,
                       sum(v for k, v in cpu.items() if k), cpu.get(0, 0.0))


def speed_section(data_root: Path, api_url: str, pages: int, work: Path) -> list[str]:
    sources = source_pages(data_root, text=False)
    if not sources:
        return [f"Backfill speed: no HTML dev pages under {data_root}; skipped."]
    raw = build_archive(work / "speed-raw", pages, sources, text=False)
    runs = []
    for workers in (1, 2):
        out = work / f"speed-out-{workers}"
        print(f"  backfill of {pages} HTML pages on {workers} Dask worker(s)", file=sys.stderr,
              flush=True)
        runs.append(run_backfill(raw, out, workers, api_url, batch_size=25))
        shutil.rmtree(out)
    one, two = runs
    ratio = two.pages_per_s / one.pages_per_s if one.pages_per_s else float("nan")
    verdict = "met" if ratio >= SPEED_TARGET else "NOT met"
    lines = [
        f"Backfill on local Dask workers (`winnow backfill --workers N --batch-size 25`, "
        f"{pages} HTML dev pages from {len(sources)} originals, each copy changed; "
        f"{os.cpu_count()} CPUs shared with the flow process and the Prefect server):",
        "",
        "| workers | pages/s (run body) | pages/s (warm) | run body s | whole command s "
        "| pages per worker CPU-s | CPUs the workers got | flow process CPU-s "
        "| peak RSS, all processes | peak RSS, flow process |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.workers} | {r.pages_per_s:.1f} | {r.steady_pages_per_s:.1f} | {r.seconds:.1f} | "
        f"{r.wall:.1f} | {r.pages_per_worker_cpu_s:.1f} | {r.child_cpu / r.wall:.2f} | "
        f"{r.flow_cpu:.1f} | "
        f"{r.peak_tree_mib:.0f} MiB | {r.peak_flow_mib:.0f} MiB |"
        for r in runs
    ]
    warm = (two.steady_pages_per_s / one.steady_pages_per_s
            if one.steady_pages_per_s else float("nan"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines += [
        "",
        f"2 workers / 1 worker: {ratio:.2f}× over the run body, {warm:.2f}× once warm "
        f"(target ≥ {SPEED_TARGET}×: {verdict}). Load average when done: {load:.1f} on "
        f"{os.cpu_count()} CPUs. \"CPUs the workers got\": their CPU seconds over the whole "
        "command's wall time; on a machine others share, below the worker count means the "
        "ratio is bounded by the CPUs free, not by the flow.",
    ]
    return lines


def memory_section(data_root: Path, api_url: str, sizes: list[int], work: Path) -> list[str]:
    sources = source_pages(data_root, text=True)
    if not sources:
        return [f"Backfill memory: no text dev pages under {data_root}; skipped."]
    runs = []
    for size in sizes:
        raw = build_archive(work / f"mem-raw-{size}", size, sources, text=True)
        out = work / f"mem-out-{size}"
        print(f"  backfill of a {size}-page archive on 2 Dask workers", file=sys.stderr,
              flush=True)
        runs.append((size, run_backfill(raw, out, 2, api_url, batch_size=200)))
        shutil.rmtree(raw)
        shutil.rmtree(out)
    lines = [
        "Backfill memory (`winnow backfill --workers 2`, batches of 200, archives of text "
        "dev pages repeated with a change each):",
        "",
        "| archive | pages/s | peak RSS, all processes | peak RSS, flow process |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {size:,} pages | {r.pages_per_s:.1f} | {r.peak_tree_mib:.0f} MiB | "
        f"{r.peak_flow_mib:.0f} MiB |"
        for size, r in runs
    ]
    if len(runs) >= 2:
        (small, a), (big, b) = runs[0], runs[-1]
        growth = b.peak_tree_mib / a.peak_tree_mib if a.peak_tree_mib else float("nan")
        flat = "flat" if growth < 1.25 else "NOT flat"
        lines += ["", f"{big:,} vs {small:,} pages: peak RSS ×{growth:.2f} for ×{big // small} "
                      f"the pages ({flat})."]
    return lines


def scale_sections(data_root: Path, *, speed_pages: int = 572,
                   memory_sizes: tuple[int, ...] = (1000, 10000),
                   cpus: set[int] | None = None) -> str:
    """Both sections as markdown, with one Prefect server started for them. ``cpus``:
    the CPUs the backfills may use (default: those this process had when imported)."""
    global ALL_CPUS
    from flows.local_server import prefect_server

    if cpus:
        ALL_CPUS = set(cpus)
    work = Path(tempfile.mkdtemp(prefix="winnow-scale-"))
    saved_home = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(work / "prefect-home")  # the server's database too
    print("scale sections: starting a Prefect server", file=sys.stderr, flush=True)
    try:
        with prefect_server() as api_url:
            lines = speed_section(data_root, api_url, speed_pages, work)
            lines += [""] + memory_section(data_root, api_url, list(memory_sizes), work)
    finally:
        if saved_home is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = saved_home
        shutil.rmtree(work, ignore_errors=True)
    return "\n".join(lines)


if __name__ == "__main__":  # the sections alone: python bench/scale.py [PAGES [SIZES...]]
    sys.path.insert(0, str(ROOT))
    args = [int(a) for a in sys.argv[1:]]
    print(scale_sections(ROOT.parent / "shared" / "dev",
                         speed_pages=args[0] if args else 572,
                         memory_sizes=tuple(args[1:]) or (1000, 10000)))
