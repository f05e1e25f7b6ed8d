"""Flat memory, linear time (#21, point 5): the whole default ``winnow run`` on synthetic
archives of growing size, its processes' peak RSS and its time per 1,000 pages.

    .venv/bin/python bench/scale_run.py --sizes 10000 30000 [--forms folder warc]

Each archive (``bench/synthetic_archive.py``, folder form and WARC form) is cleaned by
one ``winnow run --raw A --out B`` in a subprocess, no flags: the command a user runs.
Every 0.2 s each process of its tree is sampled (psutil) and its peak RSS kept, by role:

- *flow*: the ``winnow run`` process itself (discovery, state, linking, writing);
- *worker*: any other process it started (a process pool's workers, Dask's), except
- *server*: the temporary Prefect server a run without ``PREFECT_API_URL`` starts
  (reported apart: it is Prefect's, and not what the targets are about).

Targets: flow < 300 MiB, each worker < 400 MiB, and time per 1,000 pages at the largest
size within 15 % of that at the smallest. Time is the run body's (the summary's
``seconds``: from discovery to the last commit), and also CPU seconds of the whole
tree per 1,000 pages: on a machine others share, wall time moves with their load,
CPU time much less. The load average is recorded beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FLOW_TARGET_MIB = 300
WORKER_TARGET_MIB = 400
LINEAR_TARGET = 0.15  # time per 1,000 pages at the largest size vs the smallest


@dataclass(slots=True)
class Peaks:
    """Peak RSS (bytes) of each process of a command's tree, with its role, and the CPU
    seconds each used (last sample)."""

    rss: dict[int, int] = field(default_factory=dict)
    role: dict[int, str] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)

    def of(self, role: str) -> list[int]:
        return [rss for pid, rss in self.rss.items() if self.role[pid] == role]

    @property
    def cpu_seconds(self) -> float:
        """CPU of the flow and its workers (the Prefect server's left out)."""
        return sum(c for pid, c in self.cpu.items() if self.role[pid] != "server")


def role_of(cmdline: list[str], root: bool) -> str:
    """What a process of a run's tree is, by its command line."""
    if root:
        return "flow"
    line = " ".join(cmdline)
    if "uvicorn" in line or ("prefect" in line and "server" in line):
        return "server"
    if "resource_tracker" in line:
        return "helper"
    return "worker"


def _sample(proc, peaks: Peaks) -> None:
    import psutil

    try:
        kids = proc.children(recursive=True)
    except psutil.Error:
        return
    for p, root in [(proc, True), *((k, False) for k in kids)]:
        try:
            with p.oneshot():
                rss = p.memory_info().rss
                times = p.cpu_times()
                if p.pid not in peaks.role:
                    peaks.role[p.pid] = role_of(p.cmdline(), root)
        except psutil.Error:
            continue
        peaks.rss[p.pid] = max(peaks.rss.get(p.pid, 0), rss)
        peaks.cpu[p.pid] = times.user + times.system


def watch(cmd: list[str], env: dict[str, str], every: float = 0.2,
          preexec: Callable[[], None] | None = None
          ) -> tuple[subprocess.CompletedProcess, Peaks, float]:
    """Run ``cmd``, sampling its tree every ``every`` s; (its result, the peaks, wall s).
    ``preexec`` runs in the child before it starts (run_bench: give it every CPU back)."""
    import psutil

    peaks = Peaks()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=preexec)
    watched = psutil.Process(proc.pid)

    def loop() -> None:
        while proc.poll() is None:
            _sample(watched, peaks)
            time.sleep(every)

    sampler = threading.Thread(target=loop, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, output, ""), peaks, wall


@dataclass(slots=True)
class ScaleRun:
    form: str
    pages: int  # pages the run cleaned
    body_s: float  # the run body (summary seconds)
    wall_s: float  # the whole command
    cpu_s: float  # flow + workers
    flow_mib: float
    worker_mib: list[float]
    server_mib: float
    load: float  # 1-minute load average at the end
    cpus: int

    @property
    def s_per_1000(self) -> float:
        return 1000 * self.body_s / self.pages if self.pages else float("nan")

    @property
    def cpu_per_1000(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else float("nan")


def run_once(raw: Path, out: Path, form: str, extra_env: dict[str, str] | None = None,
             preexec: Callable[[], None] | None = None) -> ScaleRun:
    """The whole default ``winnow run`` over ``raw`` into a fresh ``out``, measured."""
    cmd = [sys.executable, "-m", "flows.cli", "run", "--raw", str(raw), "--out", str(out)]
    # on a loaded machine the temporary Prefect server may take more than Prefect's 20 s
    env = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", **os.environ,
           "PYTHONPATH": str(ROOT), **(extra_env or {})}
    done, peaks, wall = watch(cmd, env, preexec=preexec)
    if done.returncode != 0:
        raise RuntimeError(f"winnow run failed on {raw}:\n{done.stdout[-3000:]}")
    [summary_file] = (out / "_state" / "runs").glob("*.json")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    mib = 2.0**20
    return ScaleRun(form, int(summary["processed"]), float(summary["seconds"]), wall,
                    peaks.cpu_seconds, max(peaks.of("flow"), default=0) / mib,
                    sorted((r / mib for r in peaks.of("worker")), reverse=True),
                    max(peaks.of("server"), default=0) / mib, os.getloadavg()[0],
                    os.cpu_count() or 1)


def measure(sizes: list[int], forms: list[str], work: Path,
            preexec: Callable[[], None] | None = None) -> list[tuple[int, ScaleRun]]:
    """Each size in each form: the archive written, cleaned once, removed."""
    from bench.synthetic_archive import write_archive

    runs = []
    for size in sizes:
        for form in forms:
            raw = work / f"raw-{form}-{size}"
            out = work / f"out-{form}-{size}"
            print(f"  synthetic archive: {size:,} pages as {form}", file=sys.stderr, flush=True)
            write_archive(raw, size, form)
            print(f"  winnow run over {size:,} pages ({form})", file=sys.stderr, flush=True)
            try:
                runs.append((size, run_once(raw, out, form, preexec=preexec)))
                print(f"  {report(runs[-1:]).splitlines()[-3]}", file=sys.stderr, flush=True)
            finally:
                shutil.rmtree(raw, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
    return runs


def trafilatura_rate(sample: int = 1000) -> tuple[float, float]:
    """(pages/s of ``trafilatura.extract`` page after page in this process over the first
    ``sample`` synthetic pages, load average after): the reference, on a sample, since
    100,000 pages of it would take most of an hour."""
    import trafilatura

    from bench.synthetic_archive import pages

    docs = [(p.html, p.url) for p in pages(sample)]
    trafilatura.extract(docs[0][0], url=docs[0][1])  # warm-up: imports, first-call caches
    started = time.perf_counter()
    for doc, url in docs:
        trafilatura.extract(doc, url=url, include_comments=False)
    return sample / (time.perf_counter() - started), os.getloadavg()[0]


def _verdicts(runs: list[tuple[int, ScaleRun]]) -> list[str]:
    lines = []
    for form in dict.fromkeys(r.form for _, r in runs):
        mine = [(n, r) for n, r in runs if r.form == form]
        if len(mine) < 2:
            continue
        (small, a), (big, b) = mine[0], mine[-1]
        wall = b.s_per_1000 / a.s_per_1000 - 1
        cpu = b.cpu_per_1000 / a.cpu_per_1000 - 1
        ok = "met" if abs(wall) <= LINEAR_TARGET else "NOT met"
        lines.append(f"- {form}: time per 1,000 pages at {big:,} vs {small:,} pages: "
                     f"{wall:+.0%} (run body, wall; target within ±{LINEAR_TARGET:.0%}: {ok}), "
                     f"{cpu:+.0%} in CPU seconds.")
    for n, r in runs:
        worker = max(r.worker_mib, default=0.0)
        flow_ok = "met" if r.flow_mib < FLOW_TARGET_MIB else "NOT met"
        worker_ok = "met" if worker < WORKER_TARGET_MIB else "NOT met"
        lines.append(f"- {r.form}, {n:,} pages: flow {r.flow_mib:.0f} MiB (< "
                     f"{FLOW_TARGET_MIB}: {flow_ok}), largest worker {worker:.0f} MiB "
                     f"(< {WORKER_TARGET_MIB}: {worker_ok}"
                     f"{', no worker processes' if not r.worker_mib else ''}).")
    return lines


def report(runs: list[tuple[int, ScaleRun]], reference: tuple[float, float] | None = None
           ) -> str:
    head = ("| archive | form | pages cleaned | run body s | s per 1,000 pages | CPU-s per "
            "1,000 pages | whole command s | whole command pages/s | ratio vs trafilatura "
            "| peak RSS flow | peak RSS per worker | Prefect server | CPUs, load avg |")
    lines = [head, "|" + "---|" * 13]
    for n, r in runs:
        workers = ", ".join(f"{w:.0f}" for w in r.worker_mib) or "—"
        rate = r.pages / r.wall_s if r.wall_s else float("nan")
        ratio = f"{rate / reference[0]:.2f}×" if reference else "—"
        lines.append(f"| {n:,} | {r.form} | {r.pages:,} | {r.body_s:.0f} | "
                     f"{r.s_per_1000:.1f} | {r.cpu_per_1000:.1f} | {r.wall_s:.0f} | "
                     f"{rate:.1f} | {ratio} | {r.flow_mib:.0f} MiB | {workers} MiB | "
                     f"{r.server_mib:.0f} MiB | {r.cpus}, {r.load:.1f} |")
    said = (f" trafilatura.extract page after page in one process (pinned like the bench) "
            f"on the first 1,000 synthetic pages: {reference[0]:.1f} pages/s (load average "
            f"{reference[1]:.1f}); the ratio is the whole command's pages/s over that."
            if reference else "")
    return ("Flat memory, linear time: the whole default `winnow run` (no flags) over "
            "synthetic archives (bench/synthetic_archive.py: news pages of 40 sites, 7 KB "
            "each, every page its own story; folder form with sidecars, WARC form in files "
            "of 1,000 pages), peak RSS per process sampled every 0.2 s (flow: the command's "
            "process; worker: any other it started but the temporary Prefect server)."
            + said + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(_verdicts(runs)))


def scale_section(sizes: list[int], forms: list[str], preexec: Callable[[], None] | None = None,
                  reference: bool = True) -> str:
    work = Path(tempfile.mkdtemp(prefix="winnow-scale-run-"))
    try:
        ref = trafilatura_rate() if reference else None
        return report(measure(sizes, forms, work, preexec), ref)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--forms", nargs="+", default=["folder", "warc"],
                    choices=["folder", "warc"])
    ap.add_argument("--no-reference", dest="reference", action="store_false",
                    help="skip timing trafilatura on 1,000 synthetic pages")
    args = ap.parse_args(argv)
    print(scale_section(args.sizes, args.forms, reference=args.reference))
    return 0


if __name__ == "__main__":
    sys.exit(main())
