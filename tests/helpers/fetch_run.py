"""One fetch in a process of its own, for the kill test: ``fetch_run.py RAW OUT URLS``.

The body of ``winnow fetch`` (``fetching.run.fetch``) without Prefect, so a kill costs no
server start. ``revisit`` keeps saved pages from being asked for again within the test,
so any request for a page saved before a kill shows it was fetched twice."""

from __future__ import annotations

import json
import logging
import sys

from fetching.run import FetchRequest, fetch
from fetching.settings import FetchSettings
from fetching.sources import Source


def main() -> None:
    raw, out, urls = sys.argv[1:4]
    settings = FetchSettings(allow_private=True, delay=0.0, concurrency=8, retries=1,
                             backoff=0.01, revisit=3600.0, timeout=10.0)
    request = FetchRequest(raw=raw, out=out, settings=settings,
                           sources=(Source("urls", urls, name="site"),))
    summary = fetch(request, logger=logging.getLogger("fetch-run"))
    print(json.dumps(summary.counts), flush=True)


if __name__ == "__main__":
    main()
