"""Explain Django's 400 for a Host that ``ALLOWED_HOSTS`` does not list.

The made-up hosts of the testing tools (``*.execute-api.*.amazonaws.com``,
``*.lambda-url.*.on.aws``, ...) are what a fresh Django project refuses
first. Django logs each refusal on its security logger, which is read here by
name, so that the core never imports Django.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

DISALLOWED_HOST_LOGGER = "django.security.DisallowedHost"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.hints: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Django passes the request along with the record.
        meta = getattr(getattr(record, "request", None), "META", {})
        self.hints.append(allowed_hosts_hint(meta.get("HTTP_HOST", "")))


@contextmanager
def refused_hosts() -> Iterator[list[str]]:
    """Collect a one-line hint for each Host that Django refuses meanwhile."""
    logger = logging.getLogger(DISALLOWED_HOST_LOGGER)
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector.hints
    finally:
        logger.removeHandler(collector)


def allowed_hosts_hint(host: str) -> str:
    if not host.endswith("]"):
        host = host.partition(":")[0]
    labels = host.split(".")
    entries = repr(host)
    if len(labels) > 2 and not host.replace(".", "").isdigit():
        entries += f" (or {'.' + '.'.join(labels[-2:])!r})"
    return (
        f"Django refused the request's Host, {host!r}: add {entries} to ALLOWED_HOSTS."
    )
