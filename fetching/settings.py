"""The ``[fetch]`` table of the settings file, checked: every bad value is named.

The user agent is honest by default: it names Winnow and, when ``contact`` is set, how
to reach whoever runs it, as robots.txt etiquette and many sites' terms ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

DEFAULT_AGENT = "Winnow/0.1 (news article fetcher)"


class SettingsError(ValueError):
    """A ``[fetch]`` setting that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How a fetch behaves. Times are seconds, sizes bytes."""

    user_agent: str = DEFAULT_AGENT
    contact: str | None = None  # an e-mail or URL appended to the user agent
    delay: float = 1.0  # least time between two request starts to one host
    concurrency: int = 8  # requests in flight over all hosts
    per_host_concurrency: int = 1
    allow_private: bool = False  # loopback/private addresses (tests, intranets)
    max_bytes: int = 10 * 1024 * 1024  # bytes read and bytes decompressed, each
    timeout: float = 30.0  # one request, redirects included
    retries: int = 3  # further attempts after a transient failure
    backoff: float = 1.0  # first backoff; doubled each retry, with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After gives up on the URL
    max_host_failures: int = 5  # failed URLs in a row that pause a host for the run
    revisit: float = 0.0  # a saved page is not asked for again before this (0: every run)

    @property
    def agent(self) -> str:
        """The User-Agent header sent: the agent, with the contact when given."""
        if self.contact and self.contact not in self.user_agent:
            return f"{self.user_agent} (+{self.contact})"
        return self.user_agent

    @property
    def robots_agent(self) -> str:
        """The product token robots.txt groups are matched against (``Winnow``)."""
        return self.user_agent.split("/", 1)[0].split()[0] or "Winnow"

    @classmethod
    def from_table(cls, table: Mapping[str, object]) -> FetchSettings:
        """Settings from a parsed ``[fetch]`` table (``sources`` is read elsewhere)."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, object] = {}
        for key, value in table.items():
            if key == "sources":
                continue
            if key not in known:
                raise SettingsError(f"[fetch] {key}: unknown setting (known: "
                                    f"{', '.join(sorted(known))}, sources)")
            values[key] = _checked(key, value, cls.__dataclass_fields__[key].default)
        return cls(**values)  # type: ignore[arg-type]


_POSITIVE = frozenset({"concurrency", "per_host_concurrency", "max_bytes", "timeout",
                       "max_host_failures"})


def _checked(key: str, value: object, default: object) -> object:
    """``value`` if it has the default's type and range; else ``SettingsError``."""
    if key == "contact":
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise SettingsError(f"[fetch] contact: must be a non-empty string, not {value!r}")
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"[fetch] {key}: must be true or false, not {value!r}")
        return value
    if isinstance(default, str):
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise SettingsError(f"[fetch] {key}: must be a one-line string, not {value!r}")
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"[fetch] {key}: must be a number, not {value!r}")
    if isinstance(default, int) and not isinstance(value, int):
        raise SettingsError(f"[fetch] {key}: must be a whole number, not {value!r}")
    if value < 0 or (key in _POSITIVE and value <= 0):
        raise SettingsError(f"[fetch] {key}: must be {'above' if key in _POSITIVE else 'at least'}"
                            f" 0, not {value!r}")
    return float(value) if isinstance(default, float) else value
