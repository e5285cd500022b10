from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from typing import Callable
from wsgiref.validate import validator

EVENTS_DIR = Path(__file__).parent / "events"
OTHER_EVENTS_DIR = Path(__file__).parent / "other_events"

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def load_event(relative_path: str) -> dict[str, Any]:
    """Load a corpus sample; many of them start with a UTF-8 byte-order mark."""
    with (EVENTS_DIR / relative_path).open(encoding="utf-8-sig") as file:
        event: dict[str, Any] = json.load(file)
    return event


def load_other_event(relative_path: str) -> dict[str, Any]:
    """Load a sample of a non-HTTP event source from tests/other_events."""
    with (OTHER_EVENTS_DIR / relative_path).open(encoding="utf-8") as file:
        event: dict[str, Any] = json.load(file)
    return event


def echo_app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer with the request's CGI variables as JSON, and the body read fully."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    payload = {key: value for key, value in environ.items() if key.isupper()}
    payload["body"] = body.decode("latin-1")
    payload["wsgi.url_scheme"] = environ["wsgi.url_scheme"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(payload, sort_keys=True).encode()]


validated_echo_app = validator(echo_app)


def make_app(
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    """A validated app that always sends the given response."""

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        start_response(status, list(headers or []))
        return [body]

    return validator(app)


class FakeContext:
    """The attributes of the Lambda context object that apig_wsgi passes on."""

    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    function_name = "test-function"

    def get_remaining_time_in_millis(self) -> int:
        return 3000
