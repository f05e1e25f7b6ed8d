"""Scheduled runs: the ``clean_pages`` deployment with a cron schedule, and serving it.

``winnow serve`` registers the deployment on the Prefect server in
``PREFECT_API_URL`` and serves it from this process: at each cron tick the
server schedules a flow run, and this process runs it (``flow.serve``'s
runner). It needs a real server, reachable: Prefect refuses to schedule on
the temporary one a plain ``winnow run`` starts ("Cannot schedule flows on an
ephemeral server"). ``make serve`` starts one on loopback for you
(``flows.local_server``).

A tick that finds another run writing to the output folder (a backfill, say)
fails at once with "another winnow run is writing to ..."; the next tick
picks the pages up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEPLOYMENT_NAME = "winnow"
DEFAULT_CRON = "*/15 * * * *"  # every quarter hour


class ScheduleError(RuntimeError):
    """The deployment cannot be registered or served; the message says why."""


def check_cron(cron: str) -> str:
    """A cron expression Prefect accepts, or ``ScheduleError`` saying what is wrong."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:
        raise ScheduleError(
            f"invalid cron expression {cron!r}: five fields, minute hour day month weekday"
            " (e.g. '*/15 * * * *')"
        ) from None
    return cron


def build_deployment(
    cron: str = DEFAULT_CRON,
    raw: str = "raw",
    out: str = "clean",
    *,
    name: str = DEPLOYMENT_NAME,
    batch_size: int | None = None,
    fetch: dict[str, object] | None = None,
    report: bool = False,
    profiles: str | None = None,
) -> Any:
    """The ``clean_pages`` deployment, cleaning ``raw`` into ``out`` on ``cron``; with
    ``fetch`` (the flow parameters of a settings file whose ``[fetch]`` names sources:
    ``fetch_settings``, ``settings_dir``), the ``fetch_pages`` one, which fetches the
    sources and cleans what it saved, each tick one flow run.

    ``report``: each run then rewrites the output folder's HTML report (``winnow
    report``). Either way each flow run attaches its run summary as a markdown artifact.
    ``profiles``: the site profiles folder each run cleans with (``winnow serve
    --profiles``; validated by the CLI before the deployment is made).
    Folders are made absolute: the runs may start in another working directory.
    """
    parameters: dict[str, object] = {
        "raw": str(Path(raw).absolute()),
        "out": str(Path(out).absolute()),
    }
    if batch_size is not None:
        parameters["batch_size"] = batch_size
    if report:
        parameters["report"] = True
    if profiles is not None:
        parameters["profiles"] = str(Path(profiles).absolute())
    if fetch is not None:
        from flows.fetch import fetch_pages

        return fetch_pages.to_deployment(
            name=name, cron=check_cron(cron),
            parameters={**parameters, **fetch, "clean": True},
            description=f"Fetch the settings' sources into {parameters['raw']}, then clean"
                        f" the pages saved into {parameters['out']} ({cron}).",
            tags=["winnow"],
        )
    from flows.pipeline import clean_pages

    return clean_pages.to_deployment(
        name=name,
        cron=check_cron(cron),
        parameters=parameters,
        description=f"Clean new and changed pages of {parameters['raw']} into "
                    f"{parameters['out']} ({cron}).",
        tags=["winnow"],
    )


def require_server() -> str:
    """The API URL of a running Prefect server, or ``ScheduleError``."""
    from prefect.settings import PREFECT_API_URL

    from flows.runners import api_is_up

    url = PREFECT_API_URL.value()
    if not url:
        raise ScheduleError(
            "winnow serve needs a running Prefect server: `make serve` starts one on"
            " loopback, or set PREFECT_API_URL to an existing server's API"
            " (e.g. http://127.0.0.1:4200/api)"
        )
    if not api_is_up(url):
        raise ScheduleError(f"PREFECT_API_URL={url} does not answer: is the server running?")
    return url


def serve_deployment(deployment: Any) -> None:
    """Register the deployment and run its scheduled flow runs until interrupted."""
    from prefect import serve

    serve(deployment, print_starting_message=True)
