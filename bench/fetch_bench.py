"""The fetch section of ``make bench``: ``winnow fetch`` against its politeness limit.

20 local hosts (HTTP servers on 127.0.0.1, one port each, in this process), each
answering after 50 ms, fetched with a 0.2 s per-host delay: the limit is 20 hosts x
5 requests/s = 100 requests/s. The fetch (``fetching.run.fetch``, no Prefect) runs in a
child process with the default concurrency, so its peak RSS is its own; it is run at two
sizes, so memory can be seen to stay flat as the page count grows. Reported:

- pages/s: pages saved / the fetch's seconds (discovery and each host's robots.txt
  included, which count against the same limit), and that as a share of the limit;
- the largest gap violation per host: how far under the delay two request starts to one
  host came, by the fetch's own send times (must be none) and by the servers' arrival
  times (which add a few ms of server-side jitter, see tests/test_fetch_polite.py);
- peak RSS of the fetch process.

Run alone: ``python bench/fetch_bench.py [pages-per-host ...]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTS, LATENCY, DELAY = 20, 0.05, 0.2
LIMIT = HOSTS / DELAY  # requests per second the politeness allows

CHILD = r"""
import json, logging, sys, time
from fetching.run import FetchRequest, fetch
from fetching.settings import FetchSettings
from fetching.sources import Source
raw, out, urls, report = sys.argv[1:5]
settings = FetchSettings(allow_private=True, delay=%(delay)r, timeout=10.0)
polite = []
summary = fetch(FetchRequest(raw, out, settings, (Source("urls", urls, name="bench"),)),
                logger=logging.getLogger("bench"), polite_hook=polite.append)
starts = {h.key: h.starts for h in polite[0].hosts()}
import resource
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
json.dump({"counts": summary.counts, "seconds": summary.seconds, "starts": starts,
           "rss_mib": rss}, open(report, "w"))
"""


def _servers(pages: int):
    from pytest_httpserver import HTTPServer
    from werkzeug import Request, Response

    arrivals: dict[int, list[float]] = {}
    lock = threading.Lock()
    servers, urls = [], []
    body = "<html><title>t</title><body>" + "<p>Story text.</p>" * 300 + "</body></html>"
    for _ in range(HOSTS):
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        port = server.port

        def handler(request: Request, port: int = port) -> Response:
            with lock:
                arrivals.setdefault(port, []).append(time.monotonic())
            time.sleep(LATENCY)
            if request.path == "/robots.txt":
                return Response("", status=404)
            return Response(body, content_type="text/html")

        server.expect_request("/robots.txt").respond_with_handler(handler)
        for i in range(pages):
            server.expect_request(f"/p/{i}").respond_with_handler(handler)
            urls.append(server.url_for(f"/p/{i}"))
        servers.append(server)
    return servers, urls, arrivals


def _worst(times: list[float]) -> float:
    """How far under the delay the closest two starts came (0: never)."""
    ordered = sorted(times)
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    return max([0.0] + [DELAY - g for g in gaps])


def run_one(pages: int) -> dict[str, float]:
    servers, urls, arrivals = _servers(pages)
    try:
        with tempfile.TemporaryDirectory(prefix="winnow-fetch-bench-") as work:
            listing = Path(work) / "urls.txt"
            listing.write_text("\n".join(urls) + "\n")
            report = Path(work) / "report.json"
            proc = subprocess.run(
                [sys.executable, "-c", CHILD % {"delay": DELAY}, str(Path(work) / "raw"),
                 str(Path(work) / "out"), str(listing), str(report)],
                cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)},
            )
            if proc.returncode:
                raise RuntimeError(proc.stderr[-2000:])
            data = json.loads(report.read_text())
    finally:
        for server in servers:
            server.stop()
    saved = data["counts"].get("saved", 0)
    return {
        "pages": len(urls), "saved": saved, "seconds": data["seconds"],
        "pages_per_s": saved / data["seconds"],
        "client_violation_ms": 1000 * max(_worst(t) for t in data["starts"].values()),
        "server_violation_ms": 1000 * max(_worst(t) for t in arrivals.values()),
        "peak_rss_mib": data["rss_mib"],
    }


def fetch_section(sizes: tuple[int, ...] = (25, 100)) -> str:
    """The markdown section: one row per size (pages per host)."""
    lines = [
        "## Fetch: throughput against the politeness limit",
        "",
        f"{HOSTS} local hosts, {LATENCY * 1000:.0f} ms latency each, {DELAY} s per-host delay:"
        f" limit {LIMIT:.0f} requests/s. Default concurrency (8). Violations: how far under"
        " the delay two starts to one host came (client: the fetch's send times; server:"
        " arrival times, with server-side jitter).",
        "",
        "| pages | saved | seconds | pages/s | of limit | worst gap violation (client / server)"
        " | peak RSS |",
        "|---:|---:|---:|---:|---:|---|---:|",
    ]
    for per_host in sizes:
        r = run_one(per_host)
        lines.append(
            f"| {r['pages']:.0f} | {r['saved']:.0f} | {r['seconds']:.1f} |"
            f" {r['pages_per_s']:.1f} | {100 * r['pages_per_s'] / LIMIT:.0f} % |"
            f" {r['client_violation_ms']:.1f} ms / {r['server_violation_ms']:.1f} ms |"
            f" {r['peak_rss_mib']:.0f} MiB |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(x) for x in sys.argv[1:]) or (25, 100)
    print(fetch_section(sizes))
