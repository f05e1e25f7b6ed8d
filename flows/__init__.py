"""Winnow's orchestration: find pages, clean them in batches under Prefect, write JSONL.

The cleaning itself lives in ``cleaners`` (pure functions, no Prefect); this
package decides which pages to clean, runs them, and writes and records the
results. ``flows.cli`` is the ``winnow`` command.
"""
