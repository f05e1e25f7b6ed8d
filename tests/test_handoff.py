"""Batch results handed to the flow beside Prefect (flows.handoff): in the flow's process a
task returns a small parcel and the flow takes the result out of the box, so Prefect's
bookkeeping never holds a batch's records; elsewhere (a Dask worker) the result itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from flows.handoff import Collect, Parcel, open_box, receive, send


def test_without_an_open_box_a_result_travels_as_itself():
    result = ["a record"]
    assert send(result) is result  # a Dask worker: Dask carries it
    assert receive(result) is result


def test_in_a_run_the_task_returns_a_parcel_and_the_flow_takes_the_result_once():
    result = ["a record"]
    with open_box(), ThreadPoolExecutor(2) as threads:
        future = threads.submit(send, result)  # the task, on the task runner's thread
        assert isinstance(future.result(), Parcel)
        assert Collect(future).result() is result
        with pytest.raises(LookupError, match="collected twice"):
            Collect(future).result()


def test_a_run_that_fails_part_way_leaves_nothing_in_the_box():
    with open_box():
        parcel = send(["never collected"])
    with open_box(), pytest.raises(LookupError):
        receive(parcel)
    with pytest.raises(LookupError):
        receive(parcel)  # no box open at all


def test_a_run_inside_a_run_keeps_the_outer_box():
    """``fetch_pages`` runs ``clean_pages`` as a subflow: the inner run's box closes and
    the outer one's parcels are still there."""
    with open_box():
        outer = send("outer")
        with open_box():
            assert receive(send("inner")) == "inner"
        assert receive(outer) == "outer"
