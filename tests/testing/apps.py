"""WSGI apps and Lambda handlers used by the testing, server and CLI tests."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any
from typing import Callable
from urllib.parse import parse_qsl
from urllib.parse import unquote
from wsgiref.validate import validator

from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler

StartResponse = Callable[..., Any]

BINARY = bytes(range(256))


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Echo the request as JSON, or serve the special paths below."""
    path = environ["PATH_INFO"]
    query = dict(parse_qsl(environ["QUERY_STRING"]))
    if path == "/binary":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [BINARY]
    if path == "/large":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"a" * int(query["size"])]
    if path == "/error":
        raise RuntimeError("the app failed")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    echo = {
        "method": environ["REQUEST_METHOD"],
        "script_name": environ["SCRIPT_NAME"],
        "path_info": environ["PATH_INFO"],
        "query_string": environ["QUERY_STRING"],
        "headers": {
            key: value
            for key, value in environ.items()
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        },
        "body": base64.b64encode(body).decode(),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "url_scheme": environ["wsgi.url_scheme"],
        "format": environ[environ_keys.EVENT_FORMAT],
    }
    start_response(
        "201 Created",
        [
            ("Content-Type", "application/json"),
            ("X-Multi", "a"),
            ("X-Multi", "b"),
            ("Set-Cookie", "c1=1; Path=/"),
            ("Set-Cookie", "c2=2; Path=/"),
        ],
    )
    return [json.dumps(echo).encode()]


validated_app = validator(app)
# Made at import, as in the handler module of a user's project, which the
# command line and the local server load by MODULE:APP.
handler = make_lambda_handler(validated_app, binary_support=True)


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    """An existing Lambda handler, as MODULE:APP may name one."""
    return handler(event, context)


def malformed_handler(event: dict[str, Any], context: Any) -> Any:
    return {"statusCode": "twelve", "body": "x"}


def huge_handler(event: dict[str, Any], context: Any) -> Any:
    """A handler that ignores the size limits, unlike make_lambda_handler's."""
    size = int(event["queryStringParameters"]["size"])
    return {"statusCode": 200, "body": "a" * size, "isBase64Encoded": False}


def reflecting_handler(event: dict[str, Any], context: Any) -> Any:
    """An ALB handler that copies query parameters into its response headers,
    as a careless handler might; ``status`` sets the status description."""
    query = {
        unquote(name): unquote(value)
        for name, value in event["queryStringParameters"].items()
    }
    return {
        "statusCode": 200,
        "statusDescription": query.pop("status", "200 OK"),
        "headers": query,
        "body": "reflected",
        "isBase64Encoded": False,
    }


def set_handler(event: dict[str, Any], context: Any) -> Any:
    return {"statusCode": 200, "body": {"not", "json"}}


def raw_base64_handler(event: dict[str, Any], context: Any) -> Any:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": base64.b64encode(b"\x89PNG").decode(),
        "isBase64Encoded": True,
    }


def not_callable() -> None:
    pass


NOT_CALLABLE = 42
# A builtin without an introspectable signature.
NO_SIGNATURE = min


def three_parameters(a: Any, b: Any, c: Any) -> None:
    pass


def unclear_parameters(a: Any, b: Any) -> None:
    pass


def refusing_app(
    environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """Refuse the request's Host as Django does: a security log and a 400."""
    host = environ["HTTP_HOST"]
    logging.getLogger("django.security.DisallowedHost").error(
        "Invalid HTTP_HOST header: %r. You may need to add %r to ALLOWED_HOSTS.",
        host,
        host,
        extra={"status_code": 400, "request": SimpleNamespace(META=environ)},
    )
    start_response("400 Bad Request", [("Content-Type", "text/html")])
    return [b"<h1>Bad Request (400)</h1>"]


def whoami(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answer with REMOTE_USER, which the remote_user option sets."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [repr(environ.get("REMOTE_USER")).encode()]
