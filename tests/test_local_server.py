"""``make serve``'s own Prefect server (``flows.local_server``): its UI must ask the API on
the port the server was started on, not Prefect's default one."""

from __future__ import annotations

import httpx

from flows.local_server import free_port, prefect_server


def test_the_ui_asks_the_api_of_the_server_it_came_with():
    port = free_port()
    with prefect_server(port=port) as api:
        assert api == f"http://127.0.0.1:{port}/api"
        settings = httpx.get(f"http://127.0.0.1:{port}/ui-settings", timeout=10).json()
    assert settings["api_url"] == api
