"""The streaming core in-process, with a sink that records what it is given."""

from __future__ import annotations

import json
import logging
import runpy
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.validate import validator

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.errors import FailureStatusError
from apig_wsgi.errors import InvalidEventError
from apig_wsgi.streaming import PRELUDE_LIMIT
from apig_wsgi.streaming import STREAM_LIMIT
from apig_wsgi.streaming import STREAMED
from apig_wsgi.streaming import StreamLimitError
from apig_wsgi.streaming import make_streaming_handler
from apig_wsgi.testing import LambdaContext
from apig_wsgi.testing import build_event
from tests.testing.apps import app as echo_app

StartResponse = Any


class RecordingSink:
    def __init__(self, fail_on_send: bool = False) -> None:
        self.prelude: dict[str, Any] | None = None
        self.chunks: list[bytes] = []
        self.finished = False
        self.error: BaseException | None = None
        self.fail_on_send = fail_on_send

    def start(self, prelude: bytes) -> None:
        assert self.prelude is None
        self.prelude = json.loads(prelude)

    def send(self, chunk: bytes) -> None:
        if self.fail_on_send:
            raise BrokenPipeError("the client went away")
        self.chunks.append(chunk)

    def finish(self, error: BaseException | None) -> None:
        self.finished = True
        self.error = error

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


class Closing:
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed = True


def stream(app: Any, format: str = "function-url", **options: Any) -> RecordingSink:
    handler = make_streaming_handler(app, stream=["function-url", "rest"], **options)
    sink = RecordingSink()
    assert handler.invoke(build_event(format), LambdaContext(), sink) is STREAMED
    return sink


def test_called_as_a_handler_answers_buffered() -> None:
    handler = make_streaming_handler(echo_app)
    event = build_event("function-url", "POST", "/x", body=b"hi")
    assert handler(event, LambdaContext()) == make_lambda_handler(echo_app)(
        event, LambdaContext()
    )


def test_streamed_is_named_in_its_repr() -> None:
    assert repr(STREAMED) == "STREAMED"


def test_function_url_prelude_and_body() -> None:
    sink = stream(echo_app)
    assert sink.prelude == {
        "statusCode": 201,
        "headers": {"content-type": "application/json", "x-multi": "a, b"},
        "cookies": ["c1=1; Path=/", "c2=2; Path=/"],
    }
    assert json.loads(sink.body)["format"] == "function-url"
    assert (sink.finished, sink.error) == (True, None)


def test_empty_body_still_sends_the_prelude() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        start_response("204 No Content", [])
        return [b""]

    sink = stream(validator(app))
    assert sink.prelude == {"statusCode": 204, "headers": {}, "cookies": []}
    assert sink.chunks == []
    assert sink.finished


def test_write_callable_streams_too() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    sink = stream(app)
    assert sink.chunks == [b"written ", b"returned"]


def test_http_api_event_is_buffered_while_function_urls_stream() -> None:
    handler = make_streaming_handler(echo_app, stream=["function-url"])
    sink = RecordingSink()
    result = handler.invoke(build_event("http-v2"), LambdaContext(), sink)
    assert (result["statusCode"], sink.prelude, sink.chunks) == (201, None, [])


def test_events_that_are_not_http_are_answered_by_the_buffered_handler() -> None:
    handler = make_streaming_handler(echo_app, non_http_handler=lambda e, c: "other")
    sink = RecordingSink()
    result = handler.invoke({"Records": "odd"}, LambdaContext(), sink)
    assert (result, sink.prelude) == ("other", None)


def test_malformed_http_events_raise_without_streaming() -> None:
    handler = make_streaming_handler(echo_app, non_http_handler=lambda e, c: "other")
    sink = RecordingSink()
    with pytest.raises(InvalidEventError) as excinfo:
        handler.invoke({"rawPath": "/", "version": 1}, LambdaContext(), sink)
    assert (str(excinfo.value), sink.prelude) == (
        "Unknown version 1 for an HTTP API or Function URL event; expected '2.0' "
        "(payload format 2.0).",
        None,
    )


class TestFronts:
    def test_a_string_instead_of_a_list(self) -> None:
        with pytest.raises(TypeError) as excinfo:
            make_streaming_handler(echo_app, stream="rest")
        assert str(excinfo.value) == (
            "stream must be a list of front names, not the string 'rest': "
            "write stream=['rest']."
        )

    def test_a_front_that_cannot_stream(self) -> None:
        with pytest.raises(ValueError) as excinfo:
            make_streaming_handler(echo_app, stream=["http-v2"])
        assert str(excinfo.value) == (
            "Cannot stream to 'http-v2': only Function URLs ('function-url', invoke "
            "mode RESPONSE_STREAM) and REST APIs ('rest', response transfer mode "
            "STREAM) stream Lambda responses."
        )


class TestApplicationErrors:
    def test_exception_before_the_body_propagates(self) -> None:
        iterable = Closing([])

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            def chunks() -> Iterator[bytes]:
                yield from ()
                raise ValueError("no data")

            iterable.chunks = chunks()
            start_response("200 OK", [])
            return iterable

        sink = RecordingSink()
        handler = make_streaming_handler(app)
        with pytest.raises(ValueError) as excinfo:
            handler.invoke(build_event("function-url"), LambdaContext(), sink)
        assert (str(excinfo.value), sink.prelude, iterable.closed) == (
            "no data",
            None,
            True,
        )

    def test_exception_before_the_body_with_catch_exceptions(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            raise ValueError("no data")

        sink = stream(app, catch_exceptions=True)
        assert (sink.prelude, sink.body, sink.finished, sink.error) == (
            {
                "statusCode": 500,
                "headers": {"content-type": "text/plain; charset=utf-8"},
                "cookies": [],
            },
            b"Internal Server Error",
            True,
            None,
        )
        assert caplog.messages == [
            "Exception in the WSGI application for GET /; sent a 500 response."
        ]

    def test_exception_before_the_body_with_500_a_failure_status(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        # make_lambda_handler fails such an invocation: so does the stream.
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            raise ValueError("no data")

        options: dict[str, Any] = {
            "catch_exceptions": True,
            "failure_status_codes": [500],
        }
        event = build_event("function-url", "GET", "/feed")
        with pytest.raises(FailureStatusError) as buffered:
            make_lambda_handler(app, **options)(event, LambdaContext())
        sink = RecordingSink()
        handler = make_streaming_handler(app, **options)
        with pytest.raises(FailureStatusError) as streamed:
            handler.invoke(event, LambdaContext(), sink)
        assert (str(streamed.value), streamed.value.result, sink.prelude) == (
            str(buffered.value),
            {
                "statusCode": 500,
                "headers": {"content-type": "text/plain; charset=utf-8"},
                "cookies": [],
            },
            None,
        )
        assert str(streamed.value) == (
            "The application answered 500 Internal Server Error to GET /feed; that "
            "status is in failure_status_codes, so the invocation fails."
        )
        assert caplog.messages == 2 * [
            "Exception in the WSGI application for GET /feed; sent a 500 response."
        ]

    def test_app_that_never_calls_start_response(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            return []

        with pytest.raises(RuntimeError) as excinfo:
            stream(app)
        assert str(excinfo.value) == (
            "The WSGI application returned without calling start_response()."
        )

    def test_body_before_start_response(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            yield b"early"

        with pytest.raises(RuntimeError) as excinfo:
            stream(app)
        assert str(excinfo.value) == (
            "The WSGI application sent body data before calling start_response()."
        )

    def test_body_that_is_not_bytes(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            return ["text"]

        with pytest.raises(TypeError) as excinfo:
            stream(app)
        assert str(excinfo.value) == (
            "The WSGI application sent body data of type str, not bytes: 'text'"
        )

    def test_close_error_after_the_body_ends_the_stream_with_it(self) -> None:
        class FailingClose(Closing):
            def close(self) -> None:
                raise OSError("close failed")

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            return FailingClose([b"all of it"])

        sink = stream(app)
        assert sink.body == b"all of it"
        assert isinstance(sink.error, OSError)

    def test_start_response_with_exc_info_after_the_prelude_reraises(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            yield b"part"
            try:
                raise KeyError("late")
            except KeyError:
                start_response("500 Oops", [], sys.exc_info())
            yield b"never"

        sink = stream(app)
        assert sink.body == b"part"
        assert isinstance(sink.error, KeyError)

    def test_failure_status_fails_the_invocation_before_streaming(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("503 Service Unavailable", [("Retry-After", "5")])
            return [b"busy"]

        handler = make_streaming_handler(app, failure_status_codes=[503])
        sink = RecordingSink()
        with pytest.raises(FailureStatusError) as excinfo:
            handler.invoke(build_event("function-url"), LambdaContext(), sink)
        assert excinfo.value.result == {
            "statusCode": 503,
            "headers": {"retry-after": "5"},
            "cookies": [],
        }
        assert sink.prelude is None

    def test_failure_status_fails_the_invocation_with_catch_exceptions_too(
        self,
    ) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("503 Service Unavailable", [("Retry-After", "5")])
            return [b"busy"]

        handler = make_streaming_handler(
            app, catch_exceptions=True, failure_status_codes=[503]
        )
        sink = RecordingSink()
        with pytest.raises(FailureStatusError) as excinfo:
            handler.invoke(build_event("function-url"), LambdaContext(), sink)
        assert (str(excinfo.value), excinfo.value.result, sink.prelude) == (
            "The application answered 503 Service Unavailable to GET /; that status "
            "is in failure_status_codes, so the invocation fails.",
            {"statusCode": 503, "headers": {"retry-after": "5"}, "cookies": []},
            None,
        )

    def test_sink_failure_closes_the_app_and_propagates(self) -> None:
        iterable = Closing([b"one", b"two"])

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            return iterable

        handler = make_streaming_handler(app)
        with pytest.raises(BrokenPipeError):
            handler.invoke(
                build_event("function-url"),
                LambdaContext(),
                RecordingSink(fail_on_send=True),
            )
        assert iterable.closed

    def test_sink_failure_while_sending_a_500(self) -> None:
        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            raise ValueError("no data")

        handler = make_streaming_handler(app, catch_exceptions=True)
        with pytest.raises(BrokenPipeError):
            handler.invoke(
                build_event("function-url"),
                LambdaContext(),
                RecordingSink(fail_on_send=True),
            )


class TestLimits:
    def test_prelude_too_large_sends_a_500(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        iterable = Closing([b"body"])

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [("X-Big", "x" * PRELUDE_LIMIT)])
            return iterable

        sink = stream(app)
        assert (sink.prelude, sink.body, sink.finished, sink.error) == (
            {
                "statusCode": 500,
                "headers": {"content-type": "text/plain; charset=utf-8"},
                "cookies": [],
            },
            b"Internal Server Error: the response headers are too large to stream.",
            True,
            None,
        )
        assert iterable.closed
        assert caplog.messages == [
            "The streamed response's prelude (status, headers and cookies) is "
            "16438 bytes of JSON, over the 16384 bytes API Gateway reads. Sent a "
            "500 response instead."
        ]

    def test_prelude_of_exactly_the_limit_is_streamed(self) -> None:
        empty = len(b'{"statusCode":200,"headers":{"x-big":""},"cookies":[]}')
        value = "x" * (PRELUDE_LIMIT - empty)

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [("X-Big", value)])
            return [b"body"]

        sink = stream(app)
        assert (sink.prelude, sink.body, sink.error) == (
            {"statusCode": 200, "headers": {"x-big": value}, "cookies": []},
            b"body",
            None,
        )

    def test_stream_of_exactly_the_limit_ends_cleanly(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        megabyte = b"x" * (1024 * 1024)
        prelude_bytes = len(b'{"statusCode":200,"multiValueHeaders":{}}') + 8
        last = megabyte[prelude_bytes:]

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            for _ in range(199):
                yield megabyte
            yield last

        sink = stream(app, format="rest")
        streamed = prelude_bytes + sum(len(chunk) for chunk in sink.chunks)
        assert (len(sink.chunks), streamed, sink.error) == (200, STREAM_LIMIT, None)
        assert caplog.messages == []

    def test_stream_limit_ends_the_stream_with_an_error(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        megabyte = b"x" * (1024 * 1024)
        produced = []

        def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
            start_response("200 OK", [])
            for number in range(250):
                produced.append(number)
                yield megabyte

        sink = stream(app, format="rest")
        assert sink.prelude == {"statusCode": 200, "multiValueHeaders": {}}
        # The prelude and 199 MiB fit; the 200th MiB would not.
        assert len(sink.chunks) == 199
        assert len(produced) == 200
        assert isinstance(sink.error, StreamLimitError)
        prelude_bytes = len(b'{"statusCode":200,"multiValueHeaders":{}}') + 8
        sent = prelude_bytes + 199 * len(megabyte)
        message = (
            f"The streamed response reached {sent} bytes, and the next 1048576 "
            f"bytes would pass the {STREAM_LIMIT}-byte limit of Lambda response "
            "streaming."
        )
        assert str(sink.error) == message
        assert caplog.messages == [f"{message} Ended the stream with an error."]


def test_access_log_has_the_status_and_counts_the_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="apig_wsgi")

    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        start_response("201 Created", [])
        return [b"12345", b"678"]

    handler = make_streaming_handler(app, access_log="json")
    event = build_event("function-url", "POST", "/items")
    context = LambdaContext()
    assert handler.invoke(event, context, RecordingSink()) is STREAMED
    [record] = [r for r in caplog.records if hasattr(r, "apig_wsgi_access")]
    fields = json.loads(record.getMessage())
    assert fields.pop("duration_ms") >= 0
    assert fields == {
        "method": "POST",
        "path": "/items",
        "status": 201,
        "bytes": 8,
        "request_id": event["requestContext"]["requestId"],
        "aws_request_id": context.aws_request_id,
        "event_format": "function-url",
        "source_ip": "203.0.113.10",
    }


def test_docs_example_streams_its_events() -> None:
    path = Path(__file__).parent.parent / "docs/examples/streaming/lambda_function.py"
    example = runpy.run_path(str(path))
    sink = RecordingSink()
    handler = example["handler"]
    assert (
        handler.invoke(build_event("function-url"), LambdaContext(), sink) is STREAMED
    )
    assert sink.prelude == {
        "statusCode": 200,
        "headers": {"content-type": "text/event-stream", "cache-control": "no-cache"},
        "cookies": [],
    }
    assert sink.chunks == [
        b"data: tick 0\n\n",
        b"data: tick 1\n\n",
        b"data: tick 2\n\n",
    ]
    buffered = handler(build_event("alb"), LambdaContext())
    assert buffered["body"] == "data: tick 0\n\ndata: tick 1\n\ndata: tick 2\n\n"


def test_access_log_of_an_invocation_failed_by_its_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="apig_wsgi")

    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        start_response("503 Service Unavailable", [])
        return [b"busy"]

    handler = make_streaming_handler(app, access_log="json", failure_status_codes=[503])
    with pytest.raises(FailureStatusError):
        handler.invoke(
            build_event("function-url", "GET", "/busy"),
            LambdaContext(),
            RecordingSink(),
        )
    [record] = [r for r in caplog.records if hasattr(r, "apig_wsgi_access")]
    fields = json.loads(record.getMessage())
    # Nothing was streamed: the body the application produced was not sent.
    assert [fields[key] for key in ("method", "path", "status", "bytes")] == [
        "GET",
        "/busy",
        503,
        0,
    ]
