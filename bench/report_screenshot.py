"""The screenshot of ``winnow report`` in the README (bench/report.png): the dev sets, HTML
and text, as one archive in site folders, through one ``winnow run --learn-sites`` and
one ``winnow report``, the report opened in headless Chromium and shot full page.

    python bench/report_screenshot.py [--dev ../shared/dev] [--png bench/report.png]

Chromium is Debian's (``apt-get install chromium``), driven by playwright through its
executable path: playwright's own browser download is not reachable from these machines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.browser import chromium_path, launch  # noqa: E402


def write_archive(dev: Path, raw: Path) -> int:
    """Every dev set's pages under ``raw/<site>/``: an HTML set's as ``<id>.html``, a text
    set's as ``<id>.txt`` (the same story twice per site: the duplicates show), with a
    sidecar naming the site (and the URL, where the gold gives one)."""
    count = 0
    for folder in sorted(p for p in dev.iterdir() if (p / "html").is_dir()):
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        suffix = ".txt" if folder.name.endswith("-text") else ".html"
        for page in sorted((folder / "html").iterdir()):
            gold = truth.get(page.stem, {})
            site = (gold.get("site") or "unknown-site").replace("/", "_")
            target = raw / site / (page.stem + suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read_bytes())
            meta = {"site": site} | ({"url": gold["url"]} if gold.get("url") else {})
            target.with_name(target.name + ".meta.json").write_text(json.dumps(meta))
            count += 1
    return count


def winnow(*args: str) -> str:
    # a temporary Prefect server may take longer than its 20 s to start on a busy machine
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    done = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"winnow {args[0]} failed: {done.stderr[-3000:]}")
    return done.stdout


def shoot(html: Path, png: Path, width: int, colors: int) -> None:
    """A full-page screenshot, its colours reduced to a palette of ``colors`` (text and
    flat charts lose nothing visible; the file shrinks about fourfold, under 500 KB)."""
    from PIL import Image

    with launch() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(html.as_uri())
        page.screenshot(path=str(png), full_page=True)
    with Image.open(png) as shot:
        flat = shot.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)
    flat.save(png, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", default=str(ROOT.parent / "shared" / "dev"))
    parser.add_argument("--png", default=str(ROOT / "bench" / "report.png"))
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--colors", type=int, default=64)
    parser.add_argument("--samples", default="1")
    parser.add_argument("--sample-sites", default="3")
    parser.add_argument("--keep", metavar="DIR", help="build the archive and its output in"
                        " DIR and keep them; a DIR already built is only reported again")
    args = parser.parse_args()
    if chromium_path() is None:
        raise SystemExit("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="winnow-report-shot-") as tmp:
        base = Path(args.keep or tmp)
        raw, out = base / "raw", base / "clean"
        pages, ran = 0, 0.0
        if not out.is_dir():
            pages = write_archive(Path(args.dev), raw)
            started = time.perf_counter()
            print(winnow("run", "--raw", str(raw), "--out", str(out), "--learn-sites"))
            ran = time.perf_counter() - started
        started = time.perf_counter()
        report = Path(winnow("report", "--out", str(out), "--samples", args.samples,
                             "--sample-sites", args.sample_sites).strip())
        print(f"{pages} pages: run {ran:.1f} s, report {time.perf_counter() - started:.1f} s,"
              f" {report.stat().st_size:,} bytes")
        shoot(report, Path(args.png), args.width, args.colors)
    print(f"{args.png}: {Path(args.png).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
