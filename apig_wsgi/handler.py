"""``make_lambda_handler``: a WSGI application in, a Lambda handler out."""

from __future__ import annotations

from binascii import Error as BinasciiError
from collections.abc import Iterable
from typing import Any
from typing import Callable

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.alb import AlbFormat
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.edge import EdgeFormat
from apig_wsgi.formats.http_v2 import HttpV2Format
from apig_wsgi.formats.lattice import LatticeV1Format
from apig_wsgi.formats.lattice import LatticeV2Format
from apig_wsgi.formats.rest import HttpV1Format
from apig_wsgi.formats.rest import RestFormat
from apig_wsgi.options import build_options
from apig_wsgi.response import WSGIApp
from apig_wsgi.response import run_wsgi_app

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

FORMAT_CLASSES: tuple[type[EventFormat], ...] = (
    RestFormat,
    HttpV1Format,
    HttpV2Format,
    AlbFormat,
    LatticeV1Format,
    LatticeV2Format,
    EdgeFormat,
)


def detect_format(event: object) -> str:
    """Name the format of ``event``, or raise ``InvalidEventError``."""
    if not isinstance(event, dict):
        raise InvalidEventError(
            f"Expected the event to be a JSON object, got {type(event).__name__}."
        )
    if "httpMethod" in event:
        request_context = event.get("requestContext")
        if isinstance(request_context, dict) and "elb" in request_context:
            return "alb"
        return "http-v1" if "version" in event else "rest"
    if "rawPath" in event:
        version = event.get("version")
        if version == "2.0":
            return "http-v2"
        raise InvalidEventError(
            f"Unknown version {version!r} for an event with rawPath; "
            "expected '2.0' (HTTP API payload 2.0 or a Function URL)."
        )
    if "Records" in event:
        records = event["Records"]
        if (
            isinstance(records, list)
            and records
            and isinstance(records[0], dict)
            and isinstance(records[0].get("cf"), dict)
            and "request" in records[0]["cf"]
        ):
            return "edge"
        raise InvalidEventError(
            "The event has Records but is not a CloudFront Lambda@Edge request "
            "(no Records[0].cf.request); only HTTP events can be handled."
        )
    if "method" in event:
        if "raw_path" in event:
            return "lattice-v1"
        if "path" in event:
            version = event.get("version")
            if version == "2.0":
                return "lattice-v2"
            raise InvalidEventError(
                f"Unknown version {version!r} for a VPC Lattice event; expected '2.0'."
            )
    keys = ", ".join(repr(key) for key in list(event)[:8]) or "no keys"
    raise InvalidEventError(
        f"Unknown event format with {keys}: not an event from API Gateway, a "
        "Function URL, an ALB, VPC Lattice or Lambda@Edge."
    )


def describe_malformation(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return str(exc)


def make_lambda_handler(
    wsgi_app: WSGIApp,
    binary_support: bool | None = None,
    non_binary_content_type_prefixes: Iterable[str] | None = None,
    *,
    script_name: str | None = None,
) -> LambdaHandler:
    """Wrap ``wsgi_app`` in a Lambda handler for every HTTP event format.

    ``binary_support=None`` sends binary bodies as base64 for every format but
    payload 1.0 (REST and HTTP API 1.0), where the API must list the types in
    its binaryMediaTypes first. ``non_binary_content_type_prefixes`` replaces
    the content types that stay text. ``script_name`` is None, ``"auto"`` (the
    API Gateway stage) or a base path such as ``"/api"``.
    """
    options = build_options(
        {
            "binary_support": binary_support,
            "non_binary_content_type_prefixes": non_binary_content_type_prefixes,
            "script_name": script_name,
        }
    )
    formats = {cls.name: cls(options) for cls in FORMAT_CLASSES}

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event_format = formats[detect_format(event)]
        try:
            environ = event_format.environ(event, context)
        except InvalidEventError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError, BinasciiError) as exc:
            raise InvalidEventError(
                f"Malformed {event_format.name} event: {describe_malformation(exc)}"
            ) from exc
        response = run_wsgi_app(wsgi_app, environ)
        return event_format.respond(response, environ)

    return handler
