"""``make_lambda_handler``: a WSGI application in, a Lambda handler out.

The data path of one invocation: the registry names the front of the event,
that front's format turns it into a WSGI environ, the application runs into a
buffered response, and the format turns the response into the Lambda result.
"""

from __future__ import annotations

from binascii import Error as BinasciiError
from time import perf_counter

from apig_wsgi.access_log import log_access
from apig_wsgi.environ import request_path
from apig_wsgi.environ import trusted_client_address
from apig_wsgi.errors import FailureStatusError
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.registry import FORMATS
from apig_wsgi.formats.registry import detect_format
from apig_wsgi.log import logger
from apig_wsgi.options import DEFAULT_REMOTE_USER_CLAIM
from apig_wsgi.options import build_options
from apig_wsgi.response import BufferedResponse
from apig_wsgi.response import run_wsgi_app

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection
    from collections.abc import Iterable
    from typing import Any
    from typing import Callable

    from apig_wsgi.formats.base import EventFormat
    from apig_wsgi.options import NonHttpHandler
    from apig_wsgi.options import Options
    from apig_wsgi.response import WSGIApp

    #: Any Lambda handler: a function of the event and the context.
    HandlerFunction = Callable[[dict[str, Any], Any], Any]


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
    remote_user: bool = False,
    remote_user_claim: str = DEFAULT_REMOTE_USER_CLAIM,
    alb_authenticates: bool = False,
) -> LambdaHandler:
    """Wrap ``wsgi_app`` in a Lambda handler for every HTTP event format.

    ``binary_support=None`` sends binary bodies as base64 for every format but
    payload 1.0 (REST and HTTP API 1.0), where the API must list the types in
    its binaryMediaTypes first. ``non_binary_content_type_prefixes`` replaces
    the content types that stay text. The keyword-only options are described
    in the documentation.
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
            "remote_user": remote_user,
            "remote_user_claim": remote_user_claim,
            "alb_authenticates": alb_authenticates,
        }
    )
    return LambdaHandler(wsgi_app, options)


class LambdaHandler:
    """A Lambda handler that runs a WSGI application for every HTTP event.

    Make one with ``make_lambda_handler``; call it with ``(event, context)``.
    """

    def __init__(self, wsgi_app: WSGIApp, options: Options) -> None:
        self.wsgi_app = wsgi_app
        self.options = options
        # Everything that does not depend on the event is decided here.
        self.formats = {format: format(options) for format in FORMATS}
        # Most functions sit behind one front: its format is asked first.
        self.last_format: type[EventFormat] | None = None

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        event_format = self.event_format(event)
        if event_format is None:
            return self.handle_other(event, context)
        environ = self.environ(event_format, event, context)
        started = perf_counter()
        response = self.run(environ)
        result = event_format.respond(response, environ)
        options = self.options
        if options.access_log:
            log_access(
                environ,
                response.status_code,
                response.body_size,
                (perf_counter() - started) * 1000,
                options.access_log,
            )
        if response.status_code in options.failure_status_codes:
            raise FailureStatusError(
                response.status,
                environ["REQUEST_METHOD"],
                request_path(environ),
                result,
            )
        return result

    def event_format(self, event: Any) -> EventFormat | None:
        """The format of the front ``event`` comes from, None for other events."""
        format = detect_format(event, self.last_format)
        if format is None:
            return None
        self.last_format = format
        return self.formats[format]

    def handle_other(self, event: Any, context: Any) -> Any:
        """Answer an event that is not an HTTP request, with non_http_handler."""
        non_http_handler = self.options.non_http_handler
        if non_http_handler is None:
            raise InvalidEventError(not_http_message(event))
        return non_http_handler(event, context)

    def environ(
        self, event_format: EventFormat, event: dict[str, Any], context: Any
    ) -> dict[str, Any]:
        """The WSGI environ for ``event``; ``InvalidEventError`` if it is malformed."""
        try:
            environ = event_format.environ(event, context)
        except InvalidEventError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError, BinasciiError) as exc:
            raise InvalidEventError(
                f"Malformed {event_format.name} event: {describe_malformation(exc)}"
            ) from exc
        proxies = self.options.trusted_proxies
        # Lambda@Edge's clientIp is the viewer's address already.
        if proxies and event_format.name != "edge":
            environ["REMOTE_ADDR"] = trusted_client_address(environ, proxies)
        claim = event_format.identity_claim
        if claim is not None:
            event_format.set_identity(environ, claim)
        return environ

    def run(self, environ: dict[str, Any]) -> BufferedResponse:
        """Run the application; with catch_exceptions, its errors become a 500."""
        try:
            return run_wsgi_app(self.wsgi_app, environ)
        except Exception:
            if not self.options.catch_exceptions:
                raise
            log_application_error(environ)
            return internal_server_error()


def log_application_error(
    environ: dict[str, Any], error: BaseException | None = None
) -> None:
    logger(__name__).error(
        "Exception in the WSGI application for %s %s; sent a 500 response.",
        environ["REQUEST_METHOD"],
        request_path(environ),
        exc_info=error or True,
    )


def not_http_message(event: object, remedy: str = "Pass non_http_handler") -> str:
    """Why ``event`` is not answered; ``remedy`` says how to handle such events
    (integrations name their own setting)."""
    if not isinstance(event, dict):
        return (
            f"Expected the event to be a JSON object, got {type(event).__name__}. "
            f"{remedy} to handle direct invocations."
        )
    keys = ", ".join(f"{key!r:.40}" for key in list(event)[:8]) or "no keys"
    return (
        f"Unknown event format with {keys}: not an event from API Gateway, a "
        f"Function URL, an ALB, VPC Lattice or Lambda@Edge. {remedy} to handle "
        "other events."
    )


def describe_malformation(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return f"{exc!s:.200}"


def internal_server_error() -> BufferedResponse:
    return BufferedResponse.complete(
        "500 Internal Server Error",
        [("Content-Type", "text/plain; charset=utf-8")],
        b"Internal Server Error",
    )
