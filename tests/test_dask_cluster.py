"""``--dask-address`` against a real Dask cluster (#21, point 4): a ``dask scheduler`` and
two ``dask worker`` processes started here on 127.0.0.1, as an operator would start them,
and ``winnow backfill --dask-address`` run through them as a user runs it (a subprocess),
with a WARC file as its input. Its records must be those a local run makes of the same
WARC, and both workers must have cleaned batches.

It runs in ``make dask-test`` (marked ``dask_cluster``, which ``make test`` leaves out):
2.3 minutes here at a load average of 8, 4.8 at 19; .ci/run calls it after ``make test``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.accounting import check_exactly_once, current_records, manifest
from helpers.dask_cluster import dask_cluster, executed_per_worker
from helpers.inline import inline_run
from helpers.warc import article_warc

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.dask_cluster


def _records(out: Path) -> dict[str, dict]:
    """The current records, without what differs between any two runs."""
    records = current_records(out)
    for record in records.values():
        record.pop("processed_at", None)
    return records


def test_backfill_of_a_warc_on_a_real_dask_cluster_equals_a_local_run(prefect_server,
                                                                       tmp_path):
    from prefect.settings import PREFECT_API_URL

    warc = tmp_path / "raw" / "crawl.warc.gz"
    names = article_warc(warc, 12)  # 12 pages, each after its request record
    api = PREFECT_API_URL.value()
    assert api, "the session's Prefect server sets PREFECT_API_URL"
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), str(REPO / "tests"),
                                                       os.environ.get("PYTHONPATH")])),
           "PREFECT_API_URL": api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    out = tmp_path / "dask-out"
    with dask_cluster(tmp_path / "dask", workers=2, env=env, cwd=REPO) as address:
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "backfill", "--raw", str(warc), "--out",
             str(out), "--dask-address", address, "--batch-size", "3"],
            cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        executed = executed_per_worker(address)
    # both workers cleaned batches: the work went to the cluster, not to the flow process
    assert sorted(executed) == ["w0", "w1"] and all(n >= 1 for n in executed.values()), executed
    assert "12 records" in done.stdout
    check_exactly_once(out, names)
    [summary] = [json.loads(p.read_text()) for p in (out / "_state" / "runs").glob("*.json")]
    assert summary["batches"] == 4 and summary["warc_records"] == {"request": 12}

    local = tmp_path / "local-out"
    inline_run(warc, local, batch_size=3, learn_sites=True)  # what backfill asks for
    assert _records(out) == _records(local)
    assert [p["path"].split("/")[-1] for p in manifest(out)["parts"]] == [
        p["path"].split("/")[-1] for p in manifest(local)["parts"]]
