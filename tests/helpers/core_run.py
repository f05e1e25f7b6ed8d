"""Run the clean_pages flow's body (``flows.run.execute``) on a plain thread pool.

The crash test kills these runs at random moments: it is the flow's own code
(discovery, batches taken in order, part files, per-batch state commits,
manifest) without Prefect's start-up.

    python tests/helpers/core_run.py RAW OUT [--reprocess] [--wait] [--batch-size N]
    python tests/helpers/core_run.py --fork-server

``--fork-server`` warms the cleaner up once (its first page costs most of a
second in imports and tables), then reads one run's arguments per line on
stdin, forks a child process that does the run, prints ``pid <pid>``, waits for
the child to end (it may be SIGKILLed from outside) and prints ``exit <code>``.
Each run is still a process of its own, killed for real; only the warm-up is
shared, so twenty kills cost seconds.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flows.batch import clean_batch  # noqa: E402
from flows.run import RunRequest, execute  # noqa: E402


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("raw", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--reprocess", action="store_true")
    ap.add_argument("--wait", action="store_true")
    ap.add_argument("--batch-size", type=int, default=10)
    ap.add_argument("--fork-server", action="store_true")
    return ap.parse_args(argv)


def run(args: argparse.Namespace) -> int:
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
          f" rejects={summary.rejects} skipped={summary.skipped}"
          + (f" error={summary.error}" if summary.error else ""), flush=True)
    return 0 if summary.status == "completed" else 1


def warm_up() -> None:
    """Clean one seed page, so the imports and tables a first page pays for are loaded
    before any fork (no thread is running yet: forking is safe)."""
    from cleaners import clean_page

    seed = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seeds").glob("*.txt"))[0]
    clean_page(seed.read_bytes(), source_path=seed.name)


def fork_server() -> int:
    warm_up()
    print("ready", flush=True)
    for line in sys.stdin:
        args = parse(shlex.split(line))
        pid = os.fork()
        if pid == 0:  # the run
            code = 1
            try:
                sys.stdin.close()
                code = run(args)
            except BaseException:  # os._exit below would swallow the traceback
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parse(sys.argv[1:])
    if args.fork_server:
        return fork_server()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
