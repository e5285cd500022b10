"""``make_lambda_handler``: a WSGI application in, a Lambda handler out."""

from __future__ import annotations

import logging
from binascii import Error as BinasciiError
from time import perf_counter
from typing import TYPE_CHECKING

from apig_wsgi.environ import request_path
from apig_wsgi.environ import trusted_client_address
from apig_wsgi.errors import FailureStatusError
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
from apig_wsgi.response import BufferedResponse
from apig_wsgi.response import run_wsgi_app

if TYPE_CHECKING:
    from collections.abc import Collection
    from collections.abc import Iterable
    from typing import Any
    from typing import Callable

    from apig_wsgi.options import NonHttpHandler
    from apig_wsgi.response import WSGIApp

    LambdaHandler = Callable[[dict[str, Any], Any], Any]

logger = logging.getLogger(__name__)

FORMAT_CLASSES: tuple[type[EventFormat], ...] = (
    RestFormat,
    HttpV1Format,
    HttpV2Format,
    AlbFormat,
    LatticeV1Format,
    LatticeV2Format,
    EdgeFormat,
)


def detect_format(event: object) -> str | None:
    """Name the HTTP format of ``event``; None when it is not an HTTP event.

    An event that carries the marks of a front but lacks what every event of
    that front has (``httpMethod``, ``rawPath``, ...) is named all the same,
    so that translating it raises ``InvalidEventError`` naming the missing
    key rather than handing it to ``non_http_handler``. Raises
    ``InvalidEventError`` for events of a known front that cannot be one (a
    wrong version, say).
    """
    if not isinstance(event, dict):
        return None
    if "methodArn" in event or "routeArn" in event:
        # An API Gateway authorizer's request: it has the HTTP keys, but its
        # answer is a policy, not a response.
        return None
    request_context = event.get("requestContext")
    if not isinstance(request_context, dict):
        request_context = {}
    if "elb" in request_context:
        return "alb"
    if "httpMethod" in event:
        return "http-v1" if "version" in event else "rest"
    if "rawPath" in event or "http" in request_context or "routeKey" in event:
        version = event.get("version")
        if version == "2.0":
            return "http-v2"
        raise InvalidEventError(
            f"Unknown version {version!r:.60} for an HTTP API or Function URL "
            "event; expected '2.0' (payload format 2.0)."
        )
    if "Records" in event:
        return edge_or_none(event["Records"])
    if "raw_path" in event or "is_base64_encoded" in event:
        return "lattice-v1"
    if ("method" in event and "path" in event) or "serviceNetworkArn" in (
        request_context
    ):
        version = event.get("version")
        if version == "2.0":
            return "lattice-v2"
        raise InvalidEventError(
            f"Unknown version {version!r:.60} for a VPC Lattice event; expected "
            "'2.0', or raw_path for version 1."
        )
    if "resourcePath" in request_context and "connectionId" not in request_context:
        # A WebSocket API's events have a requestContext too, with connectionId.
        return "http-v1" if "version" in event else "rest"
    return None


def edge_or_none(records: object) -> str | None:
    """ "edge" for a Lambda@Edge request, None for other services' records."""
    first = records[0] if isinstance(records, list) and records else None
    if not (isinstance(first, dict) and "cf" in first):
        return None
    if isinstance(first["cf"], dict) and "request" in first["cf"]:
        return "edge"
    raise InvalidEventError(
        "The event is from CloudFront but is not a Lambda@Edge request "
        "(no Records[0].cf.request): only viewer-request and origin-request "
        "triggers can be handled."
    )


def not_http_message(event: object) -> str:
    if not isinstance(event, dict):
        return (
            f"Expected the event to be a JSON object, got {type(event).__name__}. "
            "Pass non_http_handler to handle direct invocations."
        )
    keys = ", ".join(f"{key!r:.40}" for key in list(event)[:8]) or "no keys"
    return (
        f"Unknown event format with {keys}: not an event from API Gateway, a "
        "Function URL, an ALB, VPC Lattice or Lambda@Edge. Pass non_http_handler "
        "to handle other events."
    )


def describe_malformation(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return f"{exc!s:.200}"


def event_environ(
    event_format: EventFormat,
    name: str,
    event: dict[str, Any],
    context: Any,
    trusted_proxies: int,
) -> dict[str, Any]:
    """The WSGI environ for an HTTP ``event`` that ``detect_format`` named ``name``.

    The streaming handler (``apig_wsgi.streaming``) builds its environs here
    too, so both paths translate events and reject malformed ones alike.
    """
    try:
        environ = event_format.environ(event, context)
    except InvalidEventError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, BinasciiError) as exc:
        raise InvalidEventError(
            f"Malformed {name} event: {describe_malformation(exc)}"
        ) from exc
    if trusted_proxies and name != "edge":
        environ["REMOTE_ADDR"] = trusted_client_address(environ, trusted_proxies)
    return environ


def internal_server_error() -> BufferedResponse:
    return BufferedResponse.complete(
        "500 Internal Server Error",
        [("Content-Type", "text/plain; charset=utf-8")],
        b"Internal Server Error",
    )


def make_lambda_handler(
    wsgi_app: WSGIApp,
    binary_support: bool | None = None,
    non_binary_content_type_prefixes: Iterable[str] | None = None,
    *,
    script_name: str | None = None,
    non_http_handler: NonHttpHandler | str | None = None,
    catch_exceptions: bool = False,
    failure_status_codes: Collection[int] = (),
    access_log: str | None = None,
    trusted_proxies: int = 0,
) -> LambdaHandler:
    """Wrap ``wsgi_app`` in a Lambda handler for every HTTP event format.

    ``binary_support=None`` sends binary bodies as base64 for every format but
    payload 1.0 (REST and HTTP API 1.0), where the API must list the types in
    its binaryMediaTypes first. ``non_binary_content_type_prefixes`` replaces
    the content types that stay text. The keyword-only options are described
    in the README.
    """
    options = build_options(
        {
            "binary_support": binary_support,
            "non_binary_content_type_prefixes": non_binary_content_type_prefixes,
            "script_name": script_name,
            "non_http_handler": non_http_handler,
            "catch_exceptions": catch_exceptions,
            "failure_status_codes": failure_status_codes,
            "access_log": access_log,
            "trusted_proxies": trusted_proxies,
        }
    )
    formats = {cls.name: cls(options) for cls in FORMAT_CLASSES}
    other_events = options.non_http_handler
    assert not isinstance(other_events, str)  # build_options imported it
    catch = options.catch_exceptions
    failure_codes = options.failure_status_codes
    access_log_style = options.access_log
    if access_log_style:
        # Imported only when asked for: it brings the context object along.
        from apig_wsgi.access_log import log_access
    proxies = options.trusted_proxies

    def handler(event: dict[str, Any], context: Any) -> Any:
        name = detect_format(event)
        if name is None:
            if other_events is not None:
                return other_events(event, context)
            raise InvalidEventError(not_http_message(event))
        event_format = formats[name]
        environ = event_environ(event_format, name, event, context, proxies)

        started = perf_counter() if access_log_style else 0.0
        try:
            response = run_wsgi_app(wsgi_app, environ)
        except Exception:
            if not catch:
                raise
            logger.exception(
                "Exception in the WSGI application for %s %s; sent a 500 response.",
                environ["REQUEST_METHOD"],
                request_path(environ),
            )
            response = internal_server_error()
        result = event_format.respond(response, environ)

        if access_log_style:
            log_access(
                environ,
                response.status_code,
                sum(len(chunk) for chunk in response.chunks),
                (perf_counter() - started) * 1000,
                access_log_style,
            )
        if failure_codes and response.status_code in failure_codes:
            raise FailureStatusError(
                response.status,
                environ["REQUEST_METHOD"],
                request_path(environ),
                result,
            )
        return result

    return handler
