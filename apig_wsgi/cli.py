"""The ``apig-wsgi`` command: ``serve``, ``invoke`` and ``event``.

Framework commands (Django's ``apig_invoke``, Flask's ``flask apig invoke``)
reuse ``add_request_arguments`` and ``run_invoke`` so every front door takes
the same options and prints the same output.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import math
import selectors
import signal
import socket
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from importlib.metadata import version
from types import FrameType
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.handler import LambdaHandler
from apig_wsgi.loading import LoadError
from apig_wsgi.loading import load_handler
from apig_wsgi.server import DEFAULT_READ_TIMEOUT
from apig_wsgi.server import LocalServer
from apig_wsgi.streaming import STREAMING_FRONTS
from apig_wsgi.streaming import StreamingHandler
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.events import detect_format
from apig_wsgi.testing.hosts import refused_hosts
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result

if TYPE_CHECKING:
    from apig_wsgi.handler import HandlerFunction


class _UsageError(Exception):
    pass


def _header(value: str) -> tuple[str, str]:
    name, colon, header_value = value.partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise argparse.ArgumentTypeError(
            f"invalid header {value!r}: expected 'Name: value'"
        )
    return name, header_value.strip()


def _claim(value: str) -> tuple[str, str]:
    name, equals, claim_value = value.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(
            f"invalid claim {value!r}: expected 'NAME=VALUE'"
        )
    return name, claim_value


def _json_object(value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError(
            f"expected a JSON object, not {type(parsed).__name__}"
        )
    return parsed


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise argparse.ArgumentTypeError(
            f"must be a positive number of seconds, not {value!r}"
        )
    return seconds


STAGE_HELP = "API Gateway stage (rest: default prod; http-v1, http-v2: $default)"
BINARY_MEDIA_TYPES_HELP = (
    "the REST API's binaryMediaTypes setting, e.g. '*/*' or 'image/png "
    "application/pdf': request bodies of these types arrive base64, and "
    "response bodies are decoded for an Accept of these types"
)


def add_build_arguments(
    parser: argparse.ArgumentParser,
    format_help: str = "event format (default: http-v2)",
) -> None:
    """Add the options that describe a request: path, method, headers, body."""
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help="request path, may include ?query (default: /)",
    )
    parser.add_argument(
        "--method",
        "-X",
        default=None,
        help="HTTP method (default: GET, POST with --data)",
    )
    parser.add_argument(
        "--header",
        "-H",
        action="append",
        type=_header,
        default=[],
        metavar="'NAME: VALUE'",
        help="request header, repeatable",
    )
    parser.add_argument(
        "--data",
        "-d",
        default=None,
        help="request body: a string, @FILE for a file's bytes or @- for stdin",
    )
    parser.add_argument("--format", choices=FORMATS, default=None, help=format_help)
    parser.add_argument("--stage", default=None, help=STAGE_HELP)
    _add_multi_value_argument(parser)
    _add_binary_media_types_argument(parser)
    add_caller_arguments(parser)


def add_caller_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--claim``, ``--iam`` and ``--authorizer``: who is calling."""
    caller = parser.add_mutually_exclusive_group()
    caller.add_argument(
        "--claim",
        action="append",
        type=_claim,
        default=None,
        metavar="NAME=VALUE",
        help="a claim of the caller's token, repeatable: a Cognito (rest) or JWT "
        "(http-v1, http-v2) authorizer's, or an ALB listener's that "
        "authenticates (alb)",
    )
    caller.add_argument(
        "--iam",
        default=None,
        metavar="ARN",
        help="the ARN of an IAM caller (rest, http-v1, http-v2, function-url, "
        "lattice-v2)",
    )
    caller.add_argument(
        "--authorizer",
        type=_json_object,
        default=None,
        metavar="JSON",
        help="requestContext.authorizer as given, e.g. a Lambda authorizer's "
        '\'{"principalId": "alice"}\' (rest, http-v1, http-v2, function-url)',
    )


def caller_options(args: argparse.Namespace) -> dict[str, Any]:
    """``build_event``'s authorizer, claims and iam from the caller arguments."""
    return {
        "authorizer": args.authorizer,
        "claims": None if args.claim is None else dict(args.claim),
        "iam": args.iam,
    }


def _add_binary_media_types_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--binary-media-types",
        nargs="+",
        default=[],
        metavar="TYPE",
        help=BINARY_MEDIA_TYPES_HELP,
    )


def _add_multi_value_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--multi-value-headers",
        action="store_true",
        help="alb: the target group has lambda.multi_value_headers.enabled",
    )


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the request options of ``invoke`` to ``parser``.

    That is ``path``, ``--method``, ``--header``, ``--data``, ``--format``,
    ``--stage``, ``--multi-value-headers``, ``--binary-media-types``, the
    caller (``--claim``, ``--iam`` or ``--authorizer``), plus
    ``--event FILE`` (``-`` for stdin) to send a saved event instead, and
    ``--decoded`` to print the HTTP response the client would receive instead
    of the Lambda result JSON. Pass the parsed namespace to ``run_invoke``.
    """
    add_build_arguments(
        parser, "event format (default: http-v2, or detected from --event)"
    )
    parser.add_argument(
        "--event",
        default=None,
        metavar="FILE",
        help="send this event JSON file (- for stdin) instead of building one",
    )
    parser.add_argument(
        "--decoded",
        action="store_true",
        help="print the HTTP response (status, headers, body), not the Lambda result",
    )


def run_invoke(
    handler: HandlerFunction, args: argparse.Namespace, stdout: TextIO, stderr: TextIO
) -> int:
    """Call ``handler`` with the event ``args`` describe and print its result.

    ``args`` comes from a parser set up by ``add_request_arguments``. Returns
    the exit code: 0 on success, 1 for an unreadable or invalid event or a
    result that is not JSON (the message goes to ``stderr``), 2 for conflicting
    options.
    """
    try:
        event, format, multi_value_headers = _event_from_args(args)
    except _UsageError as exc:
        stderr.write(f"Error: {exc}\n")
        return 2
    except (OSError, ValueError) as exc:
        stderr.write(f"Error: {exc}\n")
        return 1
    try:
        with refused_hosts() as hints:
            result = handler(event, LambdaContext())
    except InvalidEventError as exc:
        stderr.write(f"Error: invalid event: {exc}\n")
        return 1
    if hints:
        stderr.write(f"Error: {hints[0]}\n")
        return 1
    if not args.decoded:
        try:
            text = json.dumps(result, indent=2)
        except (TypeError, ValueError) as exc:
            stderr.write(
                f"Error: the handler's result is not JSON serializable: {exc}\n"
            )
            return 1
        stdout.write(text + "\n")
        return 0
    if format is None:
        stderr.write(
            "Error: cannot tell the event's format to decode the response: "
            "pass --format.\n"
        )
        return 2
    accept = next((v for k, v in args.header if k.lower() == "accept"), None)
    response = decode_result(
        result,
        format,
        accept=accept,
        binary_media_types=args.binary_media_types,
        multi_value_headers=multi_value_headers,
    )
    if response.error is not None:
        stderr.write(f"The {format} integration would reject this: {response.error}.\n")
    stdout.write(format_response(response))
    return 0


def run_event(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print the event that ``args`` (from ``add_build_arguments``) describe."""
    try:
        event = _build_from_args(args)
    except (OSError, ValueError) as exc:
        stderr.write(f"Error: {exc}\n")
        return 1
    stdout.write(json.dumps(event, indent=2) + "\n")
    return 0


def format_response(response: Response) -> str:
    """Show ``response`` as an HTTP/1.1 message; binary bodies are summarised."""
    lines = [f"HTTP/1.1 {response.status} {response.reason}".rstrip()]
    lines += [f"{name}: {value}" for name, value in response.headers]
    try:
        body = response.body.decode("utf-8")
    except UnicodeDecodeError:
        body = f"[{len(response.body)} bytes of binary data]"
    return "\n".join(lines) + "\n\n" + body + ("\n" if body else "")


def _event_from_args(
    args: argparse.Namespace,
) -> tuple[dict[str, Any], str | None, bool]:
    """The event, its format (None if unknown) and the ALB header mode."""
    if args.event is None:
        return (
            _build_from_args(args),
            args.format or "http-v2",
            args.multi_value_headers,
        )
    given = [
        option
        for option, value in (
            ("path", args.path),
            ("--method", args.method),
            ("--header", args.header),
            ("--data", args.data),
            ("--stage", args.stage),
            ("--multi-value-headers", args.multi_value_headers),
            ("--claim", args.claim),
            ("--iam", args.iam),
            ("--authorizer", args.authorizer),
        )
        if value
    ]
    if given:
        raise _UsageError(f"--event cannot be combined with {', '.join(given)}.")
    name = "stdin" if args.event == "-" else repr(args.event)
    if args.event == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(args.event, encoding="utf-8-sig") as file:
                text = file.read()
        except OSError as exc:
            raise OSError(f"cannot read event file {name}: {exc.strerror}.") from exc
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"event file {name} is not valid JSON: {exc}.") from exc
    if not isinstance(event, dict):
        raise ValueError(
            f"event file {name} must hold a JSON object, not {type(event).__name__}."
        )
    format = args.format
    if format is None:
        try:
            format = detect_format(event)
        except ValueError:
            format = None
    # A saved ALB event shows the target group's header mode.
    return event, format, "multiValueHeaders" in event


def _build_from_args(args: argparse.Namespace) -> dict[str, Any]:
    body = _read_data(args.data)
    method = args.method or ("POST" if args.data is not None else "GET")
    return build_event(
        args.format or "http-v2",
        method,
        args.path or "/",
        headers=args.header,
        body=body,
        stage=args.stage,
        binary_media_types=args.binary_media_types,
        multi_value_headers=args.multi_value_headers,
        **caller_options(args),
    )


def _read_data(data: str | None) -> bytes:
    if data is None:
        return b""
    if data == "@-":
        return sys.stdin.buffer.read()
    if data.startswith("@"):
        try:
            with open(data[1:], "rb") as file:
                return file.read()
        except OSError as exc:
            raise OSError(
                f"cannot read --data file {data[1:]!r}: {exc.strerror}."
            ) from exc
    return data.encode()


def _add_app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "app",
        metavar="MODULE:APP",
        help="a WSGI app, a Lambda handler or a Flask app factory; a Django "
        "project's WSGI app and a Flask app set up with ApigWsgi run with "
        "their APIG_WSGI_* settings, as on Lambda",
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--wsgi",
        dest="kind",
        action="store_const",
        const="wsgi",
        default="auto",
        help="APP is a WSGI application (default: decided from its parameters)",
    )
    kind.add_argument(
        "--handler",
        dest="kind",
        action="store_const",
        const="handler",
        help="APP is a Lambda handler taking (event, context)",
    )
    parser.add_argument(
        "--script-name",
        default=None,
        help="make_lambda_handler's script_name for a WSGI app: 'auto' or a base path",
    )
    parser.add_argument(
        "--binary-support",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="make_lambda_handler's binary_support for a WSGI app (default: on for "
        "every format but rest and http-v1)",
    )
    parser.add_argument(
        "--remote-user",
        action="store_const",
        const=True,
        default=None,
        help="make_lambda_handler's remote_user for a WSGI app: set REMOTE_USER "
        "from the identity AWS verified",
    )
    parser.add_argument(
        "--remote-user-claim",
        default=None,
        metavar="CLAIM",
        help="make_lambda_handler's remote_user_claim for a WSGI app (default: sub)",
    )
    parser.add_argument(
        "--alb-authenticates",
        action="store_const",
        const=True,
        default=None,
        help="make_lambda_handler's alb_authenticates for a WSGI app: every ALB "
        "listener rule that forwards to it authenticates users",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apig-wsgi",
        description="Run a WSGI app or Lambda handler locally as AWS would.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {version('apig-wsgi')}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_help = "serve the app over HTTP, shaped as an AWS integration"
    serve = commands.add_parser(
        "serve",
        help=serve_help,
        description=f"{serve_help[0].upper()}{serve_help[1:]}: each request "
        "becomes the event of --format, and the handler's result the response "
        "that front would send.",
    )
    _add_app_arguments(serve)
    serve.add_argument(
        "--format", choices=FORMATS, default="http-v2", help="default: http-v2"
    )
    _add_multi_value_argument(serve)
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument(
        "--port", type=int, default=8000, help="default: 8000, 0 picks a free port"
    )
    serve.add_argument("--stage", default=None, help=STAGE_HELP)
    serve.add_argument(
        "--stream",
        action="store_true",
        help="stream the WSGI app's responses to function-url and rest events, as a "
        "Function URL in RESPONSE_STREAM mode or a streaming REST API would",
    )
    _add_binary_media_types_argument(serve)
    add_caller_arguments(serve)
    serve.add_argument(
        "--read-timeout",
        type=_seconds,
        default=DEFAULT_READ_TIMEOUT,
        metavar="SECONDS",
        help=(
            "close a connection whose client sends nothing more for this long "
            f"(default: {DEFAULT_READ_TIMEOUT:g})"
        ),
    )
    invoke = commands.add_parser(
        "invoke",
        help="call the app with one event",
        description="Call the app's Lambda handler with one event, built from the "
        "request options or read from --event, and print the Lambda result (with "
        "--decoded, the HTTP response the client would receive).",
    )
    _add_app_arguments(invoke)
    add_request_arguments(invoke)
    event = commands.add_parser(
        "event",
        help="print the event for a request",
        description="Print the event that --format's front would send for a "
        "request, as JSON.",
    )
    add_build_arguments(event)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``apig-wsgi`` command line and return its exit code."""
    args = make_parser().parse_args(argv)
    if args.command == "event":
        return run_event(args, sys.stdout, sys.stderr)
    options = {
        name: value
        for name, value in (
            ("script_name", args.script_name),
            ("binary_support", args.binary_support),
            ("remote_user", args.remote_user),
            ("remote_user_claim", args.remote_user_claim),
            ("alb_authenticates", args.alb_authenticates),
        )
        if value is not None
    }
    try:
        handler, kind = load_handler(args.app, args.kind, **options)
    except (LoadError, TypeError, ValueError) as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    if args.command == "invoke":
        return run_invoke(handler, args, sys.stdout, sys.stderr)
    if args.stream:
        if not isinstance(handler, LambdaHandler):
            sys.stderr.write(
                f"Error: --stream needs a WSGI application, and {args.app} is a "
                "Lambda handler.\n"
            )
            return 1
        # The loaded handler's options, validated already.
        handler = StreamingHandler(
            handler.wsgi_app, handler.options, frozenset(STREAMING_FRONTS)
        )
    return _serve(handler, kind, args)


def _serve(handler: HandlerFunction, kind: str, args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        server = LocalServer(
            (args.host, args.port),
            handler,
            format=args.format,
            stage=args.stage,
            binary_media_types=args.binary_media_types,
            multi_value_headers=args.multi_value_headers,
            read_timeout=args.read_timeout,
            **caller_options(args),
        )
    except ValueError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            sys.stderr.write(
                f"Error: port {args.port} on {args.host} is already in use: "
                "stop the other server or pass another --port.\n"
            )
        else:
            sys.stderr.write(
                f"Error: cannot listen on {args.host}:{args.port}: {exc}\n"
            )
        return 1
    with server, _stop_requests() as (stop_requests, wakeup):
        sys.stderr.write(
            f"Serving {args.app} ({kind}) as {args.format} events on {server.url}\n"
            "Press Ctrl-C to stop.\n"
        )
        sys.stderr.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)
            selector.register(wakeup, selectors.EVENT_READ)
            while not stop_requests:
                # A signal makes the wakeup socket readable, so Ctrl-C stops
                # the server at once instead of after the next poll.
                for key, _ in selector.select():
                    if key.fileobj is server:
                        server.handle_request()
        sys.stderr.write("Stopped.\n")
    return 0


@contextmanager
def _stop_requests() -> Iterator[tuple[list[int], socket.socket]]:
    """Collect Ctrl-C and SIGTERM (as ``kill`` and process managers send it).

    Yields the signals received and a socket that becomes readable when one
    arrives. The handlers only record the signal: an exception raised
    wherever the signal lands could interrupt the server half-way through
    starting a request's thread. SIGINT gets its handler back too: a shell
    ignores it in the commands it starts in the background.
    """
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    wakeup, notify = socket.socketpair()
    notify.setblocking(False)
    previous_fd = signal.set_wakeup_fd(notify.fileno(), warn_on_full_buffer=False)
    previous = {
        signum: signal.signal(signum, record)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield received, wakeup
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(previous_fd)
        wakeup.close()
        notify.close()
