from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
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


# One published sample per front, for tests that cover every front.
FRONT_SAMPLES = {
    "rest": "aws-lambda-go/apigw-request.json",
    "http-v1": "aws-lambda-dotnet/values-get-all-httpapi-request.json",
    "http-v2": "aws-lambda-go/apigw-v2-request-no-authorizer.json",
    "function-url": "aws-lambda-go/lambda-urls-request.json",
    "alb": "powertools-python/albEvent.json",
    "alb-multi": "powertools-python/albMultiValueHeadersEvent.json",
    "lattice-v1": "powertools-python/vpcLatticeEvent.json",
    "lattice-v2": "powertools-python/vpcLatticeV2EventWithHeaders.json",
    "edge": "aws-lambda-java-libs/cloudfront_event.json",
}


def front_event(front: str) -> dict[str, Any]:
    """A fresh copy of the sample event of ``front`` (see FRONT_SAMPLES)."""
    return load_event(FRONT_SAMPLES[front])


def set_headers(
    front: str, event: dict[str, Any], pairs: list[tuple[str, str]]
) -> None:
    """Replace the request headers of ``event`` (from ``front``) with ``pairs``.

    Each front gets its own shape: repeated names are joined where the front
    joins them and listed where it lists them, in the order given.
    """
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if front == "edge":
        request = event["Records"][0]["cf"]["request"]
        request["headers"] = {}
        for name, value in pairs:
            request["headers"].setdefault(name.lower(), []).append(
                {"key": name, "value": value}
            )
    elif front in ("rest", "http-v1", "alb-multi"):
        event["multiValueHeaders"] = multi
        event["headers"] = {name: values[-1] for name, values in multi.items()}
    elif front == "lattice-v2":
        event["headers"] = multi
    else:
        event["headers"] = {name: ",".join(values) for name, values in multi.items()}


def set_path(front: str, event: dict[str, Any], raw_path: str) -> None:
    """Give ``event`` (from ``front``) the percent-encoded path ``raw_path``."""
    if front == "edge":
        event["Records"][0]["cf"]["request"]["uri"] = raw_path
    elif front == "lattice-v1":
        event["raw_path"] = raw_path
    elif front in ("http-v2", "function-url"):
        event["rawPath"] = raw_path
    else:
        event["path"] = raw_path


def environ_seen(
    event: dict[str, Any], context: Any = None, **options: Any
) -> dict[str, Any]:
    """The CGI variables the validated echo app saw for ``event``."""
    from apig_wsgi import make_lambda_handler

    result = make_lambda_handler(validated_echo_app, **options)(event, context)
    body = result["body"]
    if result.get("isBase64Encoded") or result.get("bodyEncoding") == "base64":
        import base64

        body = base64.b64decode(body)
    environ: dict[str, Any] = json.loads(body)
    return environ


# What build_event draws afresh for every event: request ids, times, trace ids.
VARYING_KEYS = frozenset(
    {
        "extendedRequestId",
        "requestId",
        "requestTime",
        "requestTimeEpoch",
        "resourceId",
        "time",
        "timeEpoch",
        "X-Amzn-Trace-Id",
        "x-amzn-trace-id",
        "HTTP_X_AMZN_TRACE_ID",
    }
)
VARIES = "<varies>"


def stable(value: Any, keys: frozenset[str] = VARYING_KEYS) -> Any:
    """``value`` with the value of each of ``keys``, at any depth, as VARIES.

    Built events and what apps echo of them can then be compared whole.
    """
    if isinstance(value, dict):
        return {
            key: VARIES if key in keys else stable(item, keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [stable(item, keys) for item in value]
    return value


def apig_environ(
    event: dict[str, Any], context: Any = None, **options: Any
) -> dict[str, Any]:
    """The ``apig_wsgi.*`` environ keys an app sees for ``event``."""
    from apig_wsgi import make_lambda_handler

    seen: list[dict[str, Any]] = []

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        seen.append({k: v for k, v in environ.items() if k.startswith("apig_wsgi.")})
        start_response("204 No Content", [])
        return []

    make_lambda_handler(app, **options)(event, context)
    [keys] = seen
    return keys


REPO_ROOT = Path(__file__).resolve().parent.parent


def serve_subprocess(
    *argv: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``apig-wsgi serve`` on a free port: the process and its first line.

    That line names what is served and ends with the URL (see ``url_of``).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "apig_wsgi", "serve", *argv, "--port", "0"],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    return process, process.stderr.readline()


def url_of(serving_line: str) -> str:
    return serving_line.rstrip().rpartition(" ")[2]


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server with SIGTERM and return the rest of its stderr."""
    assert process.stderr is not None
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        return process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
