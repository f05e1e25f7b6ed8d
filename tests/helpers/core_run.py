"""Run the clean_pages flow's body (``flows.run.execute``) on a plain thread pool.

The crash test kills this process at random moments: it is the flow's own code
(discovery, batches taken in order, part files, per-batch state commits,
manifest) without Prefect's start-up, so twenty kills cost seconds, not minutes.

    python tests/helpers/core_run.py RAW OUT [--reprocess] [--wait] [--batch-size N]
"""

from __future__ import annotations

import argparse
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flows.batch import clean_batch  # noqa: E402
from flows.run import RunRequest, execute  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--reprocess", action="store_true")
    ap.add_argument("--wait", action="store_true")
    ap.add_argument("--batch-size", type=int, default=10)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    request = RunRequest(raw=args.raw, out=args.out, batch_size=args.batch_size,
                         reprocess=args.reprocess, wait=args.wait)
    with ThreadPoolExecutor(max_workers=2) as pool:
        summary = execute(
            request,
            submit=lambda jobs, part: pool.submit(clean_batch, jobs, part),
            logger=logging.getLogger("core_run"),
            in_flight=4,
        )
    print(f"{summary.status} processed={summary.processed} records={summary.records}"
          f" rejects={summary.rejects} skipped={summary.skipped}")
    return 0 if summary.status == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
