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
import signal
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any
from typing import TextIO

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.handler import HandlerFunction
from apig_wsgi.loading import LoadError
from apig_wsgi.loading import load_handler
from apig_wsgi.loading import load_object
from apig_wsgi.server import DEFAULT_READ_TIMEOUT
from apig_wsgi.server import LocalServer
from apig_wsgi.streaming import make_streaming_handler
from apig_wsgi.testing.client import LambdaContext
from apig_wsgi.testing.events import FORMATS
from apig_wsgi.testing.events import build_event
from apig_wsgi.testing.events import detect_format
from apig_wsgi.testing.responses import Response
from apig_wsgi.testing.responses import decode_result


class _UsageError(Exception):
    pass


def _header(value: str) -> tuple[str, str]:
    name, colon, header_value = value.partition(":")
    if not colon or not name.strip() or name != name.strip():
        raise argparse.ArgumentTypeError(
            f"invalid header {value!r}: expected 'Name: value'"
        )
    return name, header_value.strip()


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


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="event format (default: http-v2, or detected from --event)",
    )
    parser.add_argument(
        "--stage",
        default=None,
        help="API Gateway stage (rest: default prod; http-v1, http-v2: $default)",
    )
    _add_multi_value_argument(parser)


def _add_multi_value_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--multi-value-headers",
        action="store_true",
        help="alb: the target group has lambda.multi_value_headers.enabled",
    )


def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the request options of ``invoke`` to ``parser``.

    That is ``path``, ``--method``, ``--header``, ``--data``, ``--format``,
    ``--stage``, plus ``--event FILE`` (``-`` for stdin) to send a saved event
    instead, and ``--decoded`` to print the HTTP response the client would
    receive instead of the Lambda result JSON. Pass the parsed namespace to
    ``run_invoke``.
    """
    add_build_arguments(parser)
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
        result = handler(event, LambdaContext())
    except InvalidEventError as exc:
        stderr.write(f"Error: invalid event: {exc}\n")
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
        result, format, accept=accept, multi_value_headers=multi_value_headers
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
        multi_value_headers=args.multi_value_headers,
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
        "app", metavar="MODULE:APP", help="a WSGI app or Lambda handler"
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


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apig-wsgi",
        description="Run a WSGI app or Lambda handler locally as AWS would.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the app over HTTP, shaped as an AWS integration"
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
    serve.add_argument("--stage", default=None, help="API Gateway stage name")
    serve.add_argument(
        "--stream",
        action="store_true",
        help="stream the WSGI app's responses to function-url and rest events, as a "
        "Function URL in RESPONSE_STREAM mode or a streaming REST API would",
    )
    serve.add_argument(
        "--binary-media-types",
        nargs="+",
        default=[],
        metavar="TYPE",
        help="the REST API binaryMediaTypes setting, e.g. '*/*' or 'image/*'",
    )
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
    invoke = commands.add_parser("invoke", help="call the app with one event")
    _add_app_arguments(invoke)
    add_request_arguments(invoke)
    event = commands.add_parser("event", help="print the event for a request")
    add_build_arguments(event)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``apig-wsgi`` command line and return its exit code."""
    args = make_parser().parse_args(argv)
    if args.command == "event":
        return run_event(args, sys.stdout, sys.stderr)
    options = {} if args.script_name is None else {"script_name": args.script_name}
    try:
        handler, kind = load_handler(args.app, args.kind, **options)
    except (LoadError, TypeError, ValueError) as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    if args.command == "invoke":
        return run_invoke(handler, args, sys.stdout, sys.stderr)
    if args.stream:
        if kind != "wsgi":
            sys.stderr.write(
                f"Error: --stream needs a WSGI application, and {args.app} is a "
                "Lambda handler.\n"
            )
            return 1
        handler = make_streaming_handler(
            load_object(args.app), stream=["function-url", "rest"], **options
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
    with server, _stop_requests() as stop_requests:
        sys.stderr.write(
            f"Serving {args.app} ({kind}) as {args.format} events on {server.url}\n"
            "Press Ctrl-C to stop.\n"
        )
        sys.stderr.flush()
        while not stop_requests:
            server.handle_request()
        sys.stderr.write("Stopped.\n")
    return 0


@contextmanager
def _stop_requests() -> Iterator[list[int]]:
    """Collect Ctrl-C and SIGTERM (as ``kill`` and process managers send it).

    The handlers only record the signal: an exception raised wherever the
    signal lands could interrupt the server half-way through starting a
    request's thread. SIGINT gets its handler back too: a shell ignores it in
    the commands it starts in the background.
    """
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {
        signum: signal.signal(signum, record)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
