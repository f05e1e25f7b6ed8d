"""Fetching: fill ``raw/`` from feeds, sitemaps, sites and URL lists, politely and safely.

Pure Python, no Prefect (``flows/fetch.py`` orchestrates it): ``client`` is the safe HTTP
client (address checks after DNS, caps on bytes and time, manual redirects), ``polite``
the per-host scheduler (robots.txt, delays, retries, circuit breaker), ``store`` writes
pages and sidecars atomically, ``state`` remembers what was fetched (SQLite under
``<out>/_state/``), ``log`` the fetch log, ``run`` one fetch from sources to saved pages.
"""
