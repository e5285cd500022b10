from __future__ import annotations

import logging

import pytest

from apig_wsgi.testing.hosts import allowed_hosts_hint
from apig_wsgi.testing.hosts import refused_hosts


@pytest.mark.parametrize(
    ("host", "entries"),
    [
        (
            "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "'abcdef1234.execute-api.us-east-1.amazonaws.com' (or '.amazonaws.com')",
        ),
        (
            "d111111abcdef8.cloudfront.net:443",
            "'d111111abcdef8.cloudfront.net' (or '.cloudfront.net')",
        ),
        ("example.com", "'example.com'"),
        ("127.0.0.1:8000", "'127.0.0.1'"),
        ("[::1]", "'[::1]'"),
    ],
)
def test_hint_names_the_host_without_its_port(host: str, entries: str) -> None:
    bare = entries.split("'")[1]
    assert allowed_hosts_hint(host) == (
        f"Django refused the request's Host, {bare!r}: add {entries} to ALLOWED_HOSTS."
    )


def test_record_without_a_request_gives_an_empty_host() -> None:
    with refused_hosts() as hints:
        logging.getLogger("django.security.DisallowedHost").error("refused")
    assert hints == ["Django refused the request's Host, '': add '' to ALLOWED_HOSTS."]


def test_collects_only_while_open() -> None:
    with refused_hosts() as hints:
        pass
    logging.getLogger("django.security.DisallowedHost").error("refused")
    assert hints == []
