"""The fetch log: one JSON line per discovered URL, and the counts per outcome.

``<out>/_fetch/<run id>.jsonl``: every URL a source found, with its outcome, the reason's
detail, the HTTP status, the final URL and the page saved. Written a line at a time and
flushed, so a killed fetch's log holds every URL it settled. No URL in it carries
credentials (the client strips them before anything else sees a URL).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

LOG_DIR = "_fetch"


class FetchLog:
    """Append-only JSON Lines for one fetch run; thread-safe; counts outcomes."""

    def __init__(self, out_root: str | Path, run_id: str) -> None:
        self.path = Path(out_root) / LOG_DIR / f"{run_id}.jsonl"
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._fh = None

    def __enter__(self) -> FetchLog:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def write(self, url: str, outcome: str, **fields: object) -> None:
        """Log one URL's outcome (``fields``: detail, status, final_url, path, source)."""
        line = {"url": url, "outcome": outcome,
                "at": datetime.now(UTC).isoformat(timespec="seconds")}
        line.update({k: v for k, v in fields.items() if v not in (None, "")})
        text = json.dumps(line, ensure_ascii=False) + "\n"
        with self._lock:
            self.counts[outcome] += 1
            if self._fh is not None:
                self._fh.write(text)
                self._fh.flush()

    def event(self, kind: str, **fields: object) -> None:
        """A line about the run rather than a URL (a source that failed, a paused host)."""
        line = {"event": kind, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        line.update(fields)
        with self._lock:
            if self._fh is not None:
                self._fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                self._fh.flush()
