from __future__ import annotations

from apig_wsgi import environ
from apig_wsgi.environ import environ_key
from apig_wsgi.environ import last_forwarded_for


def test_environ_key() -> None:
    assert environ_key("X-Custom-Header") == "HTTP_X_CUSTOM_HEADER"
    assert environ_key("Content-Type") == "CONTENT_TYPE"
    assert environ_key("content-length") == "CONTENT_LENGTH"


def test_environ_key_cache_is_bounded() -> None:
    for index in range(environ._KEY_CACHE_LIMIT + 10):
        assert environ_key(f"x-bounded-{index}") == f"HTTP_X_BOUNDED_{index}"
    assert len(environ._KEY_CACHE) == environ._KEY_CACHE_LIMIT


def test_last_forwarded_for() -> None:
    headers = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2, 3.3.3.3"}
    assert last_forwarded_for(headers) == "3.3.3.3"
    assert last_forwarded_for({"HTTP_X_FORWARDED_FOR": "1.1.1.1,"}) is None
    assert last_forwarded_for({}) is None
