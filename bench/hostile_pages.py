"""Time ``clean_page`` on the giant hostile pages of issue 7, each in its own process
(so peak memory is its own): ``.venv/bin/python bench/hostile_pages.py``.

The pages: 50 MB of <p> paragraphs, 50 MB of text in one <pre>, a 50 MB text dump,
and HTML nested 100,000 levels deep. Prints outcome, seconds and peak RSS per page.
"""

from __future__ import annotations

import json
import subprocess
import sys

PAGES = ("paragraphs_50mb", "pre_50mb", "text_dump_50mb", "nested_100k")

_CHILD = r"""
import json, resource, sys, time
from cleaners import Rejected, clean_page

kind = sys.argv[1]
line = "Жители города собрались на площади, чтобы обсудить новый проект реконструкции парка."
size = 50_000_000
if kind == "paragraphs_50mb":
    para = f"<p>{line}</p>\n"
    data = "<html><body><h1>Заголовок</h1>" + para * (size // len(para.encode())) + "</body></html>"
    name = "page.html"
elif kind == "pre_50mb":
    data = ("<html><body><h1>Заголовок</h1><pre>" + (line + "\n") * (size // len(line.encode()))
            + "</pre></body></html>")
    name = "page.html"
elif kind == "text_dump_50mb":
    data = (line + "\n\n") * (size // len(line.encode()))
    name = "page.txt"
else:
    data = "<html><body>" + "<div>" * 100_000 + f"<p>{line}</p>" + "</div>" * 100_000
    name = "page.html"
raw = data.encode()
start = time.monotonic()
try:
    outcome = f"record ({len(clean_page(raw, source_path=name).text)} chars)"
except Rejected as exc:
    outcome = f"{exc.reason}: {exc.detail[:70]}"
seconds = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"bytes": len(raw), "outcome": outcome, "seconds": seconds, "rss_mb": rss}))
"""


def main() -> int:
    print(f"{'page':<16} {'MB':>5} {'seconds':>8} {'peak MB':>8}  outcome")
    for kind in PAGES:
        proc = subprocess.run([sys.executable, "-c", _CHILD, kind], capture_output=True,
                              text=True, timeout=1800)
        if proc.returncode:
            print(f"{kind:<16} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{kind:<16} {r['bytes'] / 1e6:>5.0f} {r['seconds']:>8.2f} {r['rss_mb']:>8}"
              f"  {r['outcome']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
