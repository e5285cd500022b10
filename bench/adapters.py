"""How each adapter turns a WSGI app into a Lambda handler; checks of its answers.

Only the adapter being measured is importable in each virtual environment, so
every import here happens inside the factory that needs it.
"""

from __future__ import annotations

import base64
import copy
import importlib.util
import json
import os
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl

from workloads import App
from workloads import Workload
from workloads import make_app

Handler = Callable[[dict[str, Any], Any], Any]


class LambdaContext:
    """Stands in for the context object the Lambda runtime passes."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"
    memory_limit_in_mb = 1024
    aws_request_id = "6f2c2d5a-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "2026/11/25/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _ours(app: App) -> Handler:
    from apig_wsgi import make_lambda_handler

    return make_lambda_handler(app, binary_support=True)


def _serverless(app: App) -> Handler:
    import serverless_wsgi

    def handler(event: dict[str, Any], context: Any) -> Any:
        return serverless_wsgi.handle_request(app, event, context)

    return handler


def _aws_wsgi(app: App) -> Handler:
    import awsgi

    def handler(event: dict[str, Any], context: Any) -> Any:
        return awsgi.response(app, event, context, base64_content_types={"image/png"})

    return handler


def _mangum(app: App) -> Handler:
    from a2wsgi import WSGIMiddleware
    from mangum import Mangum

    return Mangum(WSGIMiddleware(app), lifespan="off")  # type: ignore[no-any-return]


FACTORIES: dict[str, Callable[[App], Handler]] = {
    "apig-wsgi (this branch)": _ours,
    "apig-wsgi 2.20.0": _ours,
    "serverless-wsgi": _serverless,
    "aws-wsgi": _aws_wsgi,
    "mangum + a2wsgi": _mangum,
}


def django_contrib_handler() -> tuple[Handler | None, str]:
    """This project's Django handler, or None and why it is not used."""
    try:
        from apig_wsgi.contrib.django.handler import lambda_handler
    except ImportError as exc:
        return None, f"apig_wsgi.contrib.django.handler is not available ({exc})"
    return lambda_handler, ""


def build_handler(adapter: str, workload: Workload, app: App) -> tuple[Handler, str]:
    """The handler to time for this workload, and a note on how it was built."""
    if adapter == "apig-wsgi (this branch)" and workload.app_kind == "django":
        handler, why = django_contrib_handler()
        if handler is not None:
            return handler, "apig_wsgi.contrib.django.handler.lambda_handler"
        return (
            FACTORIES[adapter](app),
            f"make_lambda_handler(get_wsgi_application()): {why}",
        )
    return FACTORIES[adapter](app), ""


def uses_own_app(note: str) -> bool:
    """True when the handler builds its own app, so no recording app can be slid in."""
    return note.startswith("apig_wsgi.contrib")


def decode_response(result: Any) -> tuple[int, dict[str, list[str]], bytes]:
    """Status, headers (lower-case name -> values) and body bytes, as AWS sends them."""
    if not isinstance(result, dict):
        raise TypeError(f"handler returned {type(result).__name__}, not dict")
    status = int(result["statusCode"])
    headers: dict[str, list[str]] = {}
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.setdefault(name.lower(), []).extend(values)
    # API Gateway merges "headers" into "multiValueHeaders", keeping one copy of a pair.
    for name, value in (result.get("headers") or {}).items():
        values = headers.setdefault(name.lower(), [])
        if value not in values:
            values.append(value)
    for cookie in result.get("cookies") or []:
        headers.setdefault("set-cookie", []).append(cookie)
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        raw = base64.b64decode(body, validate=True)
    else:
        raw = body.encode("utf-8")
    return status, headers, raw


def _split(values: list[str]) -> list[str]:
    """Header values with comma-joined repeats spread out again."""
    return [part.strip() for value in values for part in value.split(",")]


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def check(
    adapter: str,
    workload: Workload,
    expected: tuple[int, str, bytes],
) -> tuple[list[str], str]:
    """What the adapter got wrong on this workload (empty if nothing), and a note."""
    record: dict[str, Any] = {}
    app = make_app(workload.app_kind, record)
    handler, note = build_handler(adapter, workload, app)
    event = workload.event
    pristine = copy.deepcopy(event)
    result = handler(event, LambdaContext())
    problems: list[str] = []
    if event != pristine:
        problems.append("changes the event it was given")
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        problems.append(f"response is not JSON-serialisable: {exc}")

    status, headers, body = decode_response(result)
    want_status, want_type, want_body = expected
    if status != want_status:
        problems.append(f"status {status}, expected {want_status}")
    if body != want_body:
        problems.append(
            f"response body differs ({len(body)} bytes, expected {len(want_body)}; "
            f"starts {body[:24]!r})"
        )
    content_type = headers.get("content-type", [])
    if content_type != [want_type]:
        problems.append(f"Content-Type {content_type!r}, expected {want_type!r}")
    for name, values in workload.repeated_response_headers.items():
        got = headers.get(name, [])
        if (name == "set-cookie" and got != values) or (
            name != "set-cookie" and _split(got) != values
        ):
            problems.append(f"response header {name}: {got!r}, expected {values!r}")

    if not uses_own_app(note):
        problems.extend(_request_problems(workload, record))
    return problems, note


def _request_problems(workload: Workload, record: dict[str, Any]) -> list[str]:
    """What the app saw that differs from what the client sent."""
    if "environ" not in record:
        return ["the app was never called"]
    environ = record["environ"]
    problems = []
    for key in ("REQUEST_METHOD", "PATH_INFO"):
        if environ.get(key) != workload.environ[key]:
            problems.append(
                f"{key} {environ.get(key)!r}, expected {workload.environ[key]!r}"
            )
    if workload.expect_query:
        got = _grouped(
            parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        )
        want = _grouped(workload.expect_query)
        if got != want:
            lost = {k: v for k, v in want.items() if got.get(k) != v}
            first = next(iter(lost.items()))
            problems.append(
                f"query values lost or changed for {len(lost)} of {len(want)} names, "
                f"e.g. {first[0]}: got {got.get(first[0])!r}, expected {first[1]!r}"
            )
    wrong = {}
    for key, values in workload.expect_headers.items():
        value = environ.get(key)
        if value is None or _split([value]) != _split(values):
            wrong[key] = (value, values)
    if wrong:
        key, (value, values) = next(iter(wrong.items()))
        problems.append(
            f"{len(wrong)} request headers lost or changed, "
            f"e.g. {key}: got {value!r}, expected {','.join(values)!r}"
        )
    if workload.request_body and record.get("body") != workload.request_body:
        problems.append(
            f"request body differs ({len(record.get('body') or b'')} bytes read, "
            f"expected {len(workload.request_body)})"
        )
    return problems


def django_settings_for(adapter: str) -> None:
    """Point Django at the bench project; the contrib app only where it exists."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchsite"
    if adapter == "apig-wsgi (this branch)":
        try:
            found = importlib.util.find_spec("apig_wsgi.contrib.django.handler")
        except ImportError:
            found = None
        if found is not None:
            os.environ["BENCH_DJANGO_CONTRIB"] = "1"
