"""The post-clean hook: records of one batch, seen together before they are written.

The flow opens one ``Linker`` per run (``Linker.open(out_root)``), hands it each
batch's articles in part order, writes what it returns, and closes it at the
end of the run. It runs in the flow's process only, never in a worker, so it
may keep state across batches and read what earlier runs wrote under
``out_root``. Today it passes records through unchanged; linking duplicates
and translations of one story fills it in.
"""

from __future__ import annotations

from pathlib import Path

from schemas.models import ArticleRecord


class Linker:
    """Sees every article of a run, batch by batch in part order, before it is written."""

    def __init__(self, out_root: Path) -> None:
        self.out_root = out_root

    @classmethod
    def open(cls, out_root: str | Path) -> Linker:
        return cls(Path(out_root))

    def link(self, records: list[ArticleRecord]) -> list[ArticleRecord]:
        """The batch's records as they should be written (today: unchanged)."""
        return records

    def close(self) -> None:
        """End of the run: release whatever ``open`` took."""
