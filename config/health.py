"""What /healthz reports besides the database: each app that talks to an outside service
registers a function that describes it, in its AppConfig.ready() (marketplace.payments:
Stripe; search: the search engine). config knows no app; the apps know this list."""

from collections.abc import Callable

STATUS_SOURCES: dict[str, Callable[[], object]] = {}


def health_status_register(name: str, status: Callable[[], object]) -> None:
    """Report `status()` under `name` in /healthz's body."""
    STATUS_SOURCES[name] = status
