"""The benchmark workloads: one Lambda event, one WSGI app and one floor each.

The floor of a workload is the least work any adapter must do: call the same
WSGI app with a prebuilt environ, join the body, and do the base64 or UTF-8
work that the Lambda payload format makes unavoidable.
"""

from __future__ import annotations

import base64
import io
import os
import random
import sys
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Callable
from urllib.parse import quote

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Any]

MIB = 1024 * 1024
HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
SOURCE_IP = "203.0.113.7"
TINY_BODY = b"Hello from the benchmark!\n"

# Deterministic payloads, so every adapter process gets the same bytes.
_rng = random.Random(20261125)
BINARY_BODY = _rng.randbytes(MIB)
_TEXT_LINE = "Grüße aus dem Benchmark, ünïcödé text 🙂 0123456789\n"
TEXT_BODY = (_TEXT_LINE * (MIB // len(_TEXT_LINE.encode()) + 1)).encode()[:MIB]
# Cut on a character boundary so the body stays valid UTF-8.
TEXT_BODY = TEXT_BODY.decode("utf-8", "ignore").encode("utf-8")
UPLOAD_BODY = bytes(reversed(BINARY_BODY))
# The memory rows: responses whose JSON comes close to Lambda's 6 MB limit.
LARGE_TEXT_BODY = (b"<p>Plain ASCII text, as HTML pages mostly are.</p>\n" * 120_000)[
    :5_900_000
]
LARGE_BINARY_BODY = _rng.randbytes(4_400_000)


@dataclass
class Workload:
    """One row of the results table."""

    name: str
    label: str
    event: dict[str, Any]
    # The environ a correct adapter builds; the floor calls the app with it.
    environ: Environ
    # "wsgi": plain app below; "flask"/"django": the framework app.
    app_kind: str
    # Unavoidable codec work for the floor: "", "b64-out", "utf8-out", "b64-in".
    codec: str = ""
    request_body: bytes = b""
    # Request-side facts the app must see: header (environ key) -> values.
    expect_headers: dict[str, list[str]] = field(default_factory=dict)
    expect_query: list[tuple[str, str]] = field(default_factory=list)
    # Response headers that the app sets more than once (lower-case name).
    repeated_response_headers: dict[str, list[str]] = field(default_factory=dict)


def _path_of(environ: Environ) -> str:
    return str(environ["PATH_INFO"])


def plain_app(record: dict[str, Any] | None = None) -> App:
    """The WSGI app of the non-framework rows; the path picks the response."""

    def app(environ: Environ, start_response: StartResponse) -> list[bytes]:
        path = _path_of(environ)
        body_in = b""
        length = environ.get("CONTENT_LENGTH")
        if length:
            body_in = environ["wsgi.input"].read(int(length))
        if record is not None:
            record["environ"] = dict(environ)
            record["body"] = body_in
        headers: list[tuple[str, str]]
        if path == "/image":
            headers = [("Content-Type", "image/png")]
            body = BINARY_BODY
        elif path == "/text":
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            body = TEXT_BODY
        elif path == "/large-text":
            headers = [("Content-Type", "text/html; charset=utf-8")]
            body = LARGE_TEXT_BODY
        elif path == "/large-image":
            headers = [("Content-Type", "image/png")]
            body = LARGE_BINARY_BODY
        elif path == "/upload":
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            body = b"received %d bytes\n" % len(body_in)
        elif path == "/headers":
            headers = [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Set-Cookie", "session=abc; Path=/; HttpOnly"),
                ("Set-Cookie", "theme=dark; Path=/"),
                ("X-Repeat", "first"),
                ("X-Repeat", "second"),
            ]
            body = TINY_BODY
        else:
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            body = TINY_BODY
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body]

    return app


def flask_app() -> App:
    """A small Flask app with one JSON route."""
    from flask import Flask
    from flask import jsonify
    from flask import request

    app = Flask("bench_flask")

    @app.get("/api/items/<int:item_id>")
    def item(item_id: int) -> Any:
        return jsonify(
            id=item_id,
            name="widget",
            verbose=request.args.get("verbose") == "1",
            tags=["blue", "small"],
        )

    return app  # type: ignore[return-value]


def django_app() -> App:
    """The WSGI app of the Django project in benchsite.py."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()  # type: ignore[no-any-return]


def make_app(kind: str, record: dict[str, Any] | None = None) -> App:
    """The timed app (record is None) or the same app recording what it saw."""
    if kind == "wsgi":
        return plain_app(record)
    app = flask_app() if kind == "flask" else django_app()
    if record is None:
        return app

    def recording(environ: Environ, start_response: StartResponse) -> Any:
        record["environ"] = dict(environ)
        record["body"] = b""
        return app(environ, start_response)

    return recording


def _environ(
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes = b"",
) -> Environ:
    environ: Environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": SOURCE_IP,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    # PEP 3333 lets a server leave CONTENT_LENGTH out for an empty body, but
    # Django then pays for a failed int() on every request: the floor gives
    # the frameworks the same value the adapters do.
    environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = "HTTP_" + key
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def _expected_headers(headers: list[tuple[str, str]]) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {}
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        expected.setdefault(key, []).append(value)
    return expected


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _rest_event(
    method: str,
    path: str,
    headers: list[tuple[str, str]],
    query: list[tuple[str, str]],
    body: str | None = None,
    is_base64: bool = False,
) -> dict[str, Any]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    qs_single: dict[str, str] = {}
    qs_multi: dict[str, list[str]] = {}
    for name, value in query:
        qs_single[name] = value
        qs_multi.setdefault(name, []).append(value)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": qs_single or None,
        "multiValueQueryStringParameters": qs_multi or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "extendedRequestId": "Xyz0ABCDEFGHIJK=",
            "requestTime": "25/Nov/2026:22:00:00 +0000",
            "path": "/prod" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1795644000000,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": SOURCE_IP, "userAgent": "bench/1.0"},
            "domainName": HOST,
            "apiId": "abc123",
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


def _v2_event(
    method: str, path: str, headers: list[tuple[str, str]], query: str
) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {name.lower(): value for name, value in headers},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": HOST,
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": "bench/1.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:22:00:00 +0000",
            "timeEpoch": 1795644000000,
        },
        "isBase64Encoded": False,
    }


def _alb_event(
    method: str, path: str, headers: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "requestContext": {
            "elb": {
                "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:"
                "123456789012:targetgroup/bench/0123456789abcdef"
            }
        },
        "httpMethod": method,
        "path": path,
        "queryStringParameters": {},
        "headers": {name.lower(): value for name, value in headers},
        "body": "",
        "isBase64Encoded": False,
    }


def _tiny_headers(lower: bool) -> list[tuple[str, str]]:
    headers = [
        ("Host", HOST),
        ("User-Agent", "bench/1.0"),
        ("Accept", "text/plain"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Port", "443"),
    ]
    if lower:
        return [(name.lower(), value) for name, value in headers]
    return headers


def _many_headers() -> list[tuple[str, str]]:
    headers = _tiny_headers(lower=False)
    n = 0
    while len({name for name, _ in headers}) < 60:
        n += 1
        name = f"X-Bench-Header-{n:02d}"
        headers.append((name, f"value-{n}"))
        if n % 5 == 0:
            headers.append((name, f"again-{n}"))
    return headers


def _many_query() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for n in range(1, 21):
        name = f"p{n:02d}"
        # Mostly plain values, as in real traffic; every fifth needs encoding.
        pairs.append((name, f"v{n} & ü/=" if n % 5 == 0 else f"value{n}"))
        if n % 4 == 0:
            pairs.append((name, f"second {n}"))
            pairs.append((name, f"third+{n}"))
    return pairs


def build_workloads() -> list[Workload]:
    """All workloads, in table order."""
    workloads = []

    headers = _tiny_headers(lower=False)
    workloads.append(
        Workload(
            "tiny-rest",
            "tiny GET, REST API (v1)",
            _rest_event("GET", "/hello", headers, []),
            _environ("GET", "/hello", "", headers),
            "wsgi",
            expect_headers=_expected_headers(headers),
        )
    )
    lower = _tiny_headers(lower=True)
    workloads.append(
        Workload(
            "tiny-v2",
            "tiny GET, HTTP API (v2)",
            _v2_event("GET", "/hello", lower, ""),
            _environ("GET", "/hello", "", lower),
            "wsgi",
            expect_headers=_expected_headers(lower),
        )
    )
    workloads.append(
        Workload(
            "tiny-alb",
            "tiny GET, ALB",
            _alb_event("GET", "/hello", lower),
            _environ("GET", "/hello", "", lower),
            "wsgi",
            expect_headers=_expected_headers(lower),
        )
    )

    many = _many_headers()
    query = _many_query()
    workloads.append(
        Workload(
            "headers",
            "60 headers + 20 query params, repeated values (v1 multi-value)",
            _rest_event("GET", "/headers", many, query),
            _environ("GET", "/headers", _query_string(query), many),
            "wsgi",
            expect_headers=_expected_headers(many),
            expect_query=query,
            repeated_response_headers={
                "set-cookie": [
                    "session=abc; Path=/; HttpOnly",
                    "theme=dark; Path=/",
                ],
                "x-repeat": ["first", "second"],
            },
        )
    )

    workloads.append(
        Workload(
            "binary-out",
            "1 MiB binary response (image/png, REST v1)",
            _rest_event("GET", "/image", headers, []),
            _environ("GET", "/image", "", headers),
            "wsgi",
            codec="b64-out",
        )
    )
    workloads.append(
        Workload(
            "text-out",
            "1 MiB UTF-8 text response (REST v1)",
            _rest_event("GET", "/text", headers, []),
            _environ("GET", "/text", "", headers),
            "wsgi",
            codec="utf8-out",
        )
    )
    upload_headers = [
        *headers,
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", str(len(UPLOAD_BODY))),
    ]
    encoded = base64.b64encode(UPLOAD_BODY).decode("ascii")
    workloads.append(
        Workload(
            "body-in",
            "1 MiB base64 request body, read fully (REST v1)",
            _rest_event("POST", "/upload", upload_headers, [], encoded, True),
            _environ("POST", "/upload", "", upload_headers, UPLOAD_BODY),
            "wsgi",
            codec="b64-in",
            request_body=UPLOAD_BODY,
        )
    )

    api_headers = [*lower[:2], ("accept", "application/json"), *lower[3:]]
    workloads.append(
        Workload(
            "flask",
            "Flask JSON route (HTTP API v2)",
            _v2_event("GET", "/api/items/42", api_headers, "verbose=1"),
            _environ("GET", "/api/items/42", "verbose=1", api_headers),
            "flask",
            expect_headers=_expected_headers(api_headers),
            expect_query=[("verbose", "1")],
        )
    )
    workloads.append(
        Workload(
            "django",
            "Django JSON view (HTTP API v2)",
            _v2_event("GET", "/api/items/42", api_headers, "verbose=1"),
            _environ("GET", "/api/items/42", "verbose=1", api_headers),
            "django",
            expect_headers=_expected_headers(api_headers),
            expect_query=[("verbose", "1")],
        )
    )
    return workloads


def build_memory_workloads() -> list[Workload]:
    """The large responses whose peak memory is measured (not timed)."""
    headers = _tiny_headers(lower=False)
    return [
        Workload(
            name,
            label,
            _rest_event("GET", path, headers, []),
            _environ("GET", path, "", headers),
            "wsgi",
            codec=codec,
        )
        for name, label, path, codec, body in (
            (
                "large-text",
                "5.9 MB text response",
                "/large-text",
                "utf8-out",
                LARGE_TEXT_BODY,
            ),
            (
                "large-binary",
                "4.4 MB binary response",
                "/large-image",
                "b64-out",
                LARGE_BINARY_BODY,
            ),
        )
    ]


MEMORY_BODIES = {"large-text": LARGE_TEXT_BODY, "large-binary": LARGE_BINARY_BODY}


def make_floor(workload: Workload, app: App) -> Callable[[], Any]:
    """The direct call: the app with a prebuilt environ, plus unavoidable codec work."""
    template = workload.environ
    codec = workload.codec
    event_body = workload.event.get("body") or ""

    def floor() -> Any:
        environ = dict(template)
        body = base64.b64decode(event_body) if codec == "b64-in" else b""
        environ["wsgi.input"] = io.BytesIO(body)
        # Per-request response state, as any server keeps it.
        chunks: list[bytes] = []
        response: list[Any] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            response[:] = [status, headers]
            return chunks.append

        result = app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        out = b"".join(chunks)
        if codec == "b64-out":
            return base64.b64encode(out).decode("ascii")
        if codec == "utf8-out":
            return out.decode("utf-8")
        return out

    return floor
