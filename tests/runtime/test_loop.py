"""The runtime loop as a real subprocess against a Runtime API server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.testing import FORMATS
from apig_wsgi.testing import LambdaContext
from apig_wsgi.testing import build_event
from tests.runtime.runtime_api import ROOT
from tests.runtime.runtime_api import WAIT
from tests.runtime.runtime_api import FakeLambda
from tests.runtime.runtime_api import Invocation
from tests.testing.apps import app as echo_app

ECHO = "tests.testing.apps.app"
SSE_PRELUDE = {
    "statusCode": 200,
    "headers": {"content-type": "text/event-stream", "cache-control": "no-cache"},
    "cookies": ["seen=1; Path=/", "theme=dark; Path=/"],
}


def start(fake_lambda: FakeLambda, handler: str, **env: str | None) -> None:
    env.setdefault("BARRIER_FILE", str(fake_lambda.tmp_path / "release"))
    env.setdefault("CLOSE_MARKER", str(fake_lambda.tmp_path / "closed"))
    fake_lambda.start_runtime(handler, env)
    fake_lambda.wait_until_idle()


def request(format: str, path: str = "/caf%C3%A9", **kwargs: Any) -> dict[str, Any]:
    return build_event(
        format,
        "POST",
        path + "?q=1&q=2",
        headers=[("Content-Type", "text/plain"), ("X-Token", "abc")],
        cookies={"session": "s1"},
        body=b"hello",
        **kwargs,
    )


def wait_for_chunk(invocation: Invocation, text: bytes) -> float:
    """When a chunk containing ``text`` reached the Runtime API."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for arrived, chunk in list(invocation.chunks):
            if text in chunk:
                return arrived
        time.sleep(0.002)
    raise AssertionError(f"{text!r} never arrived: {invocation.chunks!r}")


def release(fake_lambda: FakeLambda) -> float:
    """Let the app send its next chunk; the time just before it may."""
    released = time.monotonic()
    (fake_lambda.tmp_path / "release").write_text("go")
    return released


def error_body(invocation: Invocation) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        base64.b64decode(invocation.trailers["Lambda-Runtime-Function-Error-Body"])
    )
    return document


class TestBufferedFronts:
    @pytest.mark.parametrize("stream", ["", "function-url", "function-url,rest"])
    def test_every_front_answered_as_make_lambda_handler(
        self, fake_lambda: FakeLambda, stream: str
    ) -> None:
        start(fake_lambda, ECHO, APIG_WSGI_STREAM=stream)
        streamed = set(filter(None, stream.split(",")))
        buffered_handler = make_lambda_handler(echo_app)
        for format in FORMATS:
            event = request(format)
            invocation = fake_lambda.invoke(event)
            expected = buffered_handler(event, LambdaContext())
            if format in streamed:
                assert invocation.kind == "stream", format
                prelude, body = invocation.prelude_and_body()
                assert prelude["statusCode"] == expected["statusCode"]
                assert json.loads(body) == json.loads(expected["body"])
            else:
                assert invocation.kind == "response", (format, fake_lambda.log())
                assert invocation.result == expected
                assert invocation.request_headers["Content-Type"] == (
                    "application/json"
                )
        assert fake_lambda.starts == 1

    def test_lambda_handler_is_called_as_is(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, "tests.testing.apps.handler")
        event = request("http-v2")
        invocation = fake_lambda.invoke(event)
        assert invocation.result == make_lambda_handler(echo_app)(
            event, LambdaContext()
        )

    def test_handler_named_on_the_command_line(self, fake_lambda: FakeLambda) -> None:
        # A container image's ENTRYPOINT with the handler as CMD.
        fake_lambda.start_runtime("ignored.by_the_runtime", {}, argv=[ECHO])
        fake_lambda.wait_until_idle()
        event = request("alb")
        assert fake_lambda.invoke(event).result == make_lambda_handler(echo_app)(
            event, LambdaContext()
        )

    def test_unhandled_exception_posts_an_error(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, ECHO)
        invocation = fake_lambda.invoke(build_event("http-v2", "GET", "/error"))
        assert invocation.kind == "error"
        assert invocation.request_headers["Lambda-Runtime-Function-Error-Type"] == (
            "Unhandled"
        )
        error = invocation.error
        assert error["errorType"] == "RuntimeError"
        assert error["errorMessage"] == "the app failed"
        assert error["requestId"] == invocation.request_id
        assert any("tests/testing/apps.py" in line for line in error["stackTrace"])
        assert "[ERROR]" in fake_lambda.log()
        assert f"\t{invocation.request_id}\tInvocation failed: RuntimeError" in (
            fake_lambda.log()
        )
        # The API closed the connection after the error; the runtime reconnects.
        assert fake_lambda.invoke(request("http-v2")).kind == "response"

    def test_invalid_event_is_an_error(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, ECHO, APIG_WSGI_STREAM="function-url")
        invocation = fake_lambda.invoke({"hello": "world"})
        # The stack trace holds the paths of this checkout.
        error = {key: invocation.error[key] for key in ("errorType", "errorMessage")}
        assert error == {
            "errorType": "InvalidEventError",
            "errorMessage": "Unknown event format with 'hello': not an event from "
            "API Gateway, a Function URL, an ALB, VPC Lattice or Lambda@Edge. Pass "
            "non_http_handler to handle other events.",
        }

    def test_result_that_is_not_json(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, "tests.runtime.apps.unserialisable_handler")
        invocation = fake_lambda.invoke({})
        assert invocation.request_headers["Lambda-Runtime-Function-Error-Type"] == (
            "Runtime.MarshalError"
        )
        assert invocation.error["errorMessage"] == (
            "Object of type set is not JSON serializable"
        )

    def test_event_that_is_not_json(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, ECHO)
        invocation = fake_lambda.invoke(b"{not json")
        error = {key: invocation.error[key] for key in ("errorType", "errorMessage")}
        assert error == {
            "errorType": "Runtime.UnmarshalError",
            "errorMessage": "Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        }


class TestContext:
    def test_context_has_the_managed_runtimes_attributes(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(fake_lambda, "tests.runtime.apps.context_handler")
        client_context = {
            "client": {"installation_id": "i-1", "app_title": "App"},
            "custom": {"k": "v"},
            "env": {"platform": "ios"},
        }
        invocation = fake_lambda.invoke(
            {},
            timeout_ms=20_000,
            headers={
                "Lambda-Runtime-Client-Context": json.dumps(client_context),
                "Lambda-Runtime-Cognito-Identity": json.dumps(
                    {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
                ),
                "Lambda-Runtime-Aws-Tenant-Id": "tenant-1",
            },
        )
        result = invocation.result
        assert "context.log works" in fake_lambda.log()
        assert 0 < result.pop("remaining_ms") <= 20_000
        assert result == {
            "aws_request_id": invocation.request_id,
            "function_name": "streaming",
            "function_version": "$LATEST",
            "memory_limit_in_mb": "512",
            "invoked_function_arn": (
                "arn:aws:lambda:us-east-1:123456789012:function:streaming"
            ),
            "log_group_name": "/aws/lambda/streaming",
            "log_stream_name": "2026/11/29/[$LATEST]abc",
            "tenant_id": "tenant-1",
            "cognito_identity_id": "id-1",
            "cognito_identity_pool_id": "pool-1",
            "installation_id": "i-1",
            "app_title": "App",
            "custom": {"k": "v"},
            "env": {"platform": "ios"},
            "trace_id": (
                "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;"
                "Parent=9a9197af755a6419;Sampled=1"
            ),
            "repr": (
                f"<LambdaContext aws_request_id={invocation.request_id!r} "
                "function_name='streaming'>"
            ),
        }

    def test_context_without_mobile_sdk_headers(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, "tests.runtime.apps.context_handler")
        past = str(int(time.time() * 1000) - 5000)
        result = fake_lambda.invoke(
            {},
            headers={"Lambda-Runtime-Trace-Id": "", "Lambda-Runtime-Deadline-Ms": past},
        ).result
        assert result["remaining_ms"] == 0
        assert result["trace_id"] is None
        assert result["installation_id"] is None
        assert result["custom"] is None
        assert result["cognito_identity_id"] is None
        assert result["tenant_id"] is None

    def test_trace_id_belongs_to_its_own_invocation(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(fake_lambda, "tests.runtime.apps.context_handler")
        traced = fake_lambda.invoke({})
        untraced = fake_lambda.invoke({}, headers={"Lambda-Runtime-Trace-Id": ""})
        assert (traced.result["trace_id"], untraced.result["trace_id"]) == (
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;"
            "Sampled=1",
            None,
        )

    @pytest.mark.parametrize(
        ("header", "value", "message"),
        [
            (
                "Lambda-Runtime-Client-Context",
                "{oops",
                "The lambda-runtime-client-context header is not JSON: "
                "Expecting property name enclosed in double quotes: "
                "line 1 column 2 (char 1)",
            ),
            (
                "Lambda-Runtime-Cognito-Identity",
                "[1]",
                "The lambda-runtime-cognito-identity header is JSON but not an "
                "object: '[1]'",
            ),
        ],
    )
    def test_context_header_that_is_not_json(
        self, fake_lambda: FakeLambda, header: str, value: str, message: str
    ) -> None:
        start(fake_lambda, "tests.runtime.apps.context_handler")
        invocation = fake_lambda.invoke({}, headers={header: value})
        assert invocation.error["errorType"] == "Runtime.UnmarshalError"
        assert invocation.error["errorMessage"] == message


class TestStreaming:
    def test_chunks_arrive_while_the_app_is_still_producing(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.barrier_app",
            APIG_WSGI_STREAM="function-url",
        )
        invocation = fake_lambda.submit(request("function-url"))
        # The app sends its second event only after the first reached the API.
        first = wait_for_chunk(invocation, b"data: one")
        released = release(fake_lambda)
        fake_lambda.wait(invocation)
        last = wait_for_chunk(invocation, b"data: released")
        assert first < released < last
        assert invocation.prelude_and_body() == (
            SSE_PRELUDE,
            b"data: one\n\ndata: released\n\n",
        )
        headers = invocation.request_headers
        assert headers["Lambda-Runtime-Function-Response-Mode"] == "streaming"
        assert headers["Transfer-Encoding"] == "chunked"
        assert headers["Content-Type"] == (
            "application/vnd.awslambda.http-integration-response"
        )
        assert headers["Trailer"] == (
            "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"
        )
        assert invocation.trailers == {}
        assert (fake_lambda.tmp_path / "closed").read_text() == "closed"

    def test_rest_api_prelude_has_multi_value_headers(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(fake_lambda, "tests.runtime.apps.barrier_app", APIG_WSGI_STREAM="rest")
        release(fake_lambda)
        invocation = fake_lambda.invoke(request("rest"))
        assert invocation.prelude_and_body() == (
            {
                "statusCode": 200,
                "multiValueHeaders": {
                    "Content-Type": ["text/event-stream"],
                    "Cache-Control": ["no-cache"],
                    "Set-Cookie": ["seen=1; Path=/", "theme=dark; Path=/"],
                },
            },
            b"data: one\n\ndata: released\n\n",
        )

    def test_error_mid_stream_goes_in_the_trailers(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.failing_app",
            APIG_WSGI_STREAM="function-url",
        )
        invocation = fake_lambda.invoke(build_event("function-url", "GET", "/feed"))
        assert invocation.prelude_and_body() == (SSE_PRELUDE, b"data: one\n\n")
        assert invocation.trailers["Lambda-Runtime-Function-Error-Type"] == (
            "RuntimeError"
        )
        error = error_body(invocation)
        assert error["errorType"] == "RuntimeError"
        assert error["errorMessage"] == "the feed broke"
        assert error["requestId"] == invocation.request_id
        assert any("tests/runtime/apps.py" in line for line in error["stackTrace"])
        assert (fake_lambda.tmp_path / "closed").read_text() == "closed"
        assert (
            "Exception in the WSGI application for GET /feed after 11 bytes of the "
            "body were streamed; ended the stream with an error." in fake_lambda.log()
        )
        # The runtime goes on serving.
        assert (
            fake_lambda.invoke(build_event("function-url", "GET", "/feed")).kind
            == "stream"
        )

    def test_streaming_handler_named_by_handler(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, "tests.runtime.apps.streaming_handler")
        assert fake_lambda.invoke(request("function-url")).kind == "stream"
        assert fake_lambda.invoke(request("rest")).kind == "stream"
        assert fake_lambda.invoke(request("http-v2")).kind == "response"

    def test_django_streaming_http_response(self, fake_lambda: FakeLambda) -> None:
        pytest.importorskip("django")
        start(
            fake_lambda, "tests.runtime.django_app.application", APIG_WSGI_STREAM="rest"
        )
        invocation = fake_lambda.submit(build_event("rest", "GET", "/feed"))
        first = wait_for_chunk(invocation, b"data: one")
        released = release(fake_lambda)
        fake_lambda.wait(invocation)
        assert first < released < wait_for_chunk(invocation, b"data: released")
        prelude, body = invocation.prelude_and_body()
        assert prelude["statusCode"] == 200
        assert prelude["multiValueHeaders"]["Content-Type"] == ["text/event-stream"]
        # Django 5.2 writes a leading space, which HTTP ignores as OWS.
        cookies = prelude["multiValueHeaders"]["Set-Cookie"]
        assert [cookie.lstrip() for cookie in cookies] == ["seen=1; Path=/"]
        assert body == b"data: one\n\ndata: released\n\n"
        page = fake_lambda.invoke(build_event("http-v2", "GET", "/page")).result
        assert (page["statusCode"], page["body"]) == (200, "Hello from /page")

    def test_flask_stream_with_context(self, fake_lambda: FakeLambda) -> None:
        start(
            fake_lambda, "tests.runtime.flask_app.app", APIG_WSGI_STREAM="function-url"
        )
        invocation = fake_lambda.submit(
            build_event("function-url", "GET", "/feed?name=flask")
        )
        first = wait_for_chunk(invocation, b"data: flask")
        released = release(fake_lambda)
        fake_lambda.wait(invocation)
        assert first < released < wait_for_chunk(invocation, b"data: released")
        prelude, body = invocation.prelude_and_body()
        assert prelude["headers"]["content-type"] == "text/event-stream; charset=utf-8"
        assert body == b"data: flask\n\ndata: released\n\n"


class TestLifecycle:
    def test_many_invocations_in_a_row(self, fake_lambda: FakeLambda) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.barrier_app",
            APIG_WSGI_STREAM="function-url",
        )
        release(fake_lambda)
        for number in range(40):
            format = "function-url" if number % 2 else "alb"
            invocation = fake_lambda.invoke(build_event(format, "GET", f"/{number}"))
            if format == "function-url":
                assert invocation.prelude_and_body()[1] == (
                    b"data: one\n\ndata: released\n\n"
                )
            else:
                assert invocation.result["body"] == "data: one\n\ndata: released\n\n"
        fake_lambda.wait_until_idle()
        assert fake_lambda.starts == 1
        assert fake_lambda.next_requests == 41

    def test_timeout_stops_the_runtime_and_lambda_starts_it_again(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(
            fake_lambda, "tests.runtime.apps.slow_app", APIG_WSGI_STREAM="function-url"
        )
        invocation = fake_lambda.invoke(
            build_event("function-url", "GET", "/slow"), timeout_ms=1500
        )
        assert invocation.kind == "timeout"
        # What was streamed before the deadline reached the client.
        assert b"data: one\n\n" in b"".join(chunk for _, chunk in invocation.chunks)
        fake_lambda.wait_until_idle()
        assert fake_lambda.starts == 2
        quick = fake_lambda.invoke(build_event("function-url", "GET", "/quick"))
        assert quick.prelude_and_body()[1] == b"quick"

    @pytest.mark.parametrize(
        ("level", "levels"),
        [
            (None, ["WARNING", "ERROR"]),
            ("TRACE", ["DEBUG", "INFO", "WARNING", "ERROR"]),
            ("debug", ["DEBUG", "INFO", "WARNING", "ERROR"]),
            ("INFO", ["INFO", "WARNING", "ERROR"]),
            ("warn", ["WARNING", "ERROR"]),
            ("error", ["ERROR"]),
            ("fatal", []),
            ("verbose", ["WARNING", "ERROR"]),
        ],
    )
    def test_log_level_from_the_environment(
        self, fake_lambda: FakeLambda, level: str | None, levels: list[str]
    ) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.logging_handler",
            AWS_LAMBDA_LOG_LEVEL=level,
        )
        request_id = fake_lambda.invoke({}).request_id
        lines = re.findall(
            rf"^\[(\w+)\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t"
            rf"{request_id}\tlogged at (\w+)$",
            fake_lambda.log(),
            re.MULTILINE,
        )
        assert lines == [(name, name) for name in levels]

    def test_sigterm_while_waiting_stops_cleanly(self, fake_lambda: FakeLambda) -> None:
        start(fake_lambda, ECHO, AWS_LAMBDA_LOG_LEVEL="info")
        process = fake_lambda.process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT) == 0
        assert "SIGTERM received: the runtime stops." in fake_lambda.log()

    def test_sigterm_mid_invocation_finishes_it_first(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.barrier_app",
            APIG_WSGI_STREAM="function-url",
        )
        process = fake_lambda.process
        assert process is not None
        invocation = fake_lambda.submit(request("function-url"))
        wait_for_chunk(invocation, b"data: one")
        process.send_signal(signal.SIGTERM)
        release(fake_lambda)
        fake_lambda.wait(invocation)
        assert invocation.prelude_and_body()[1] == b"data: one\n\ndata: released\n\n"
        assert process.wait(WAIT) == 0
        assert fake_lambda.next_requests == 1


class TestRuntimeAPIFailures:
    def test_answer_that_is_not_accepted_is_logged(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(fake_lambda, ECHO)
        invocation = fake_lambda.submit(request("http-v2"))
        invocation.reply_status = 413
        fake_lambda.wait(invocation)
        assert fake_lambda.invoke(request("http-v2")).kind == "response"
        assert (
            f"The Runtime API answered 413 to the response of invocation "
            f'{invocation.request_id}: {{"status":"OK"}}' in fake_lambda.log()
        )

    def test_answer_that_is_not_http_stops_the_runtime(
        self, fake_lambda: FakeLambda
    ) -> None:
        start(fake_lambda, ECHO)
        invocation = fake_lambda.submit(request("http-v2"))
        invocation.garbage_reply = True
        assert fake_lambda.process is not None
        assert fake_lambda.process.wait(WAIT) == 1
        assert (
            "The Runtime API sent b'NOT HTTP\\r\\n', not an HTTP status line. The "
            "runtime stops." in fake_lambda.log()
        )

    @pytest.mark.parametrize("status", [403, 500])
    def test_error_for_the_next_invocation_stops_the_runtime(
        self, fake_lambda: FakeLambda, status: int
    ) -> None:
        fake_lambda.next_status = status
        process = fake_lambda.start_runtime(ECHO)
        assert process.wait(WAIT) == 1
        assert (
            f"The Runtime API answered {status} to the request for the next "
            'invocation: b\'{"errorMessage":"container error"}\'. The runtime stops.'
            in fake_lambda.log()
        )

    def test_connection_lost_mid_stream(self, fake_lambda: FakeLambda) -> None:
        start(
            fake_lambda,
            "tests.runtime.apps.barrier_app",
            APIG_WSGI_STREAM="function-url",
        )
        invocation = fake_lambda.submit(request("function-url"))
        invocation.drop_mid_stream = True
        fake_lambda.wait(invocation)
        assert invocation.kind == "dropped"
        release(fake_lambda)
        fake_lambda.wait_until_idle()
        assert f"Lost the streamed response of {invocation.request_id}." in (
            fake_lambda.log()
        )
        assert fake_lambda.invoke(request("function-url")).kind == "stream"


class TestExecWrapper:
    def test_wrapper_starts_the_loop_with_the_managed_runtimes_python(
        self, fake_lambda: FakeLambda
    ) -> None:
        wrapper = ROOT / "docs" / "examples" / "streaming" / "run-wsgi"
        # Lambda runs the wrapper with the interpreter and the managed
        # runtime's own arguments; the function's code is in LAMBDA_TASK_ROOT.
        fake_lambda.start_runtime(
            ECHO,
            {"PYTHONPATH": None, "APIG_WSGI_STREAM": "function-url"},
            argv=[sys.executable, "/var/runtime/bootstrap.py"],
            command=[str(wrapper)],
        )
        fake_lambda.wait_until_idle()
        assert fake_lambda.invoke(request("function-url")).kind == "stream"
        assert fake_lambda.invoke(request("rest")).kind == "response"


class TestInitErrors:
    @pytest.mark.parametrize(
        ("handler", "env", "error_type", "message"),
        [
            (
                "lambda_function",
                {},
                "Runtime.MalformedHandlerName",
                "Bad handler 'lambda_function': expected module.attribute, such "
                "as 'myproject.wsgi.application'.",
            ),
            (
                "tests.runtime.apps:",
                {},
                "Runtime.MalformedHandlerName",
                "Bad handler 'tests.runtime.apps:': expected module.attribute, such "
                "as 'myproject.wsgi.application'.",
            ),
            (
                "tests.runtime.no_such_module.app",
                {},
                "Runtime.ImportModuleError",
                "Unable to import module 'tests.runtime.no_such_module': No module "
                "named 'tests.runtime.no_such_module'",
            ),
            (
                "tests/runtime/apps.missing",
                {},
                "Runtime.HandlerNotFound",
                "Handler 'missing' missing on module 'tests.runtime.apps'.",
            ),
            (
                ECHO,
                {"APIG_WSGI_STREAM": "function-url,alb"},
                "Runtime.ConfigInvalid",
                "APIG_WSGI_STREAM='function-url,alb': Cannot stream to 'alb': only "
                "Function URLs ('function-url', invoke mode RESPONSE_STREAM) and "
                "REST APIs ('rest', response transfer mode STREAM) stream Lambda "
                "responses.",
            ),
            (
                "tests.testing.apps.handler",
                {"APIG_WSGI_STREAM": "function-url"},
                "Runtime.ConfigInvalid",
                "APIG_WSGI_STREAM is set, but tests.testing.apps.handler is a Lambda "
                "handler, not a WSGI application: only a WSGI application's "
                "responses can stream. Point the handler at the application (such "
                "as myproject.wsgi.application).",
            ),
            (
                "tests.runtime.apps:streaming_handler",
                {"APIG_WSGI_STREAM": "rest"},
                "Runtime.ConfigInvalid",
                "tests.runtime.apps:streaming_handler is a streaming handler, which "
                "names its own fronts; remove APIG_WSGI_STREAM or point the handler "
                "at the WSGI application.",
            ),
            (
                "tests.runtime.apps:streaming_handler",
                {"APIG_WSGI_STREAM": ""},
                "Runtime.ConfigInvalid",
                "tests.runtime.apps:streaming_handler is a streaming handler, which "
                "names its own fronts; remove APIG_WSGI_STREAM or point the handler "
                "at the WSGI application.",
            ),
            (
                "tests.runtime.apps.not_callable",
                {},
                "Runtime.HandlerNotFound",
                "tests.runtime.apps.not_callable is 42, which is not callable: "
                "expected a WSGI application or a Lambda handler.",
            ),
        ],
    )
    def test_init_error(
        self,
        fake_lambda: FakeLambda,
        handler: str,
        env: dict[str, str],
        error_type: str,
        message: str,
    ) -> None:
        process = fake_lambda.start_runtime(handler, env)
        assert process.wait(WAIT) == 1
        [(headers, document)] = fake_lambda.init_errors
        assert headers["Lambda-Runtime-Function-Error-Type"] == error_type
        assert document["errorType"] == error_type
        assert document["errorMessage"] == message
        assert f"Init failed: {error_type}: {message}" in fake_lambda.log()
        assert fake_lambda.next_requests == 0

    def test_syntax_error(self, fake_lambda: FakeLambda) -> None:
        (fake_lambda.tmp_path / "broken.py").write_text("def app(:\n")
        process = fake_lambda.start_runtime("broken.app", {})
        assert process.wait(WAIT) == 1
        [(_, document)] = fake_lambda.init_errors
        assert document["errorType"] == "Runtime.UserCodeSyntaxError"
        assert document["errorMessage"].startswith(
            "Syntax error in module 'broken': invalid syntax"
        )

    def test_exception_while_importing(self, fake_lambda: FakeLambda) -> None:
        (fake_lambda.tmp_path / "failing.py").write_text("RATIO = 1 / 0\n")
        process = fake_lambda.start_runtime("failing.app", {})
        assert process.wait(WAIT) == 1
        [(headers, document)] = fake_lambda.init_errors
        assert headers["Lambda-Runtime-Function-Error-Type"] == "Unhandled"
        assert document["errorType"] == "ZeroDivisionError"
        assert document["errorMessage"] == (
            "Importing 'failing' raised ZeroDivisionError('division by zero')"
        )
        assert any("failing.py" in line for line in document["stackTrace"])


class TestOutsideLambda:
    def run(self, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("AWS_LAMBDA")
        }
        environ["PYTHONPATH"] = str(ROOT)
        return subprocess.run(
            [sys.executable, "-m", "apig_wsgi.runtime", ECHO],
            env={**environ, **env},
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )

    def test_without_the_runtime_api(self) -> None:
        completed = self.run({})
        assert (completed.returncode, completed.stderr) == (
            2,
            "apig_wsgi.runtime runs inside AWS Lambda: AWS_LAMBDA_RUNTIME_API is "
            "not set.\n",
        )

    def test_malformed_runtime_api_address(self) -> None:
        completed = self.run({"AWS_LAMBDA_RUNTIME_API": "localhost"})
        assert (completed.returncode, completed.stderr) == (
            2,
            "AWS_LAMBDA_RUNTIME_API is 'localhost', expected HOST:PORT.\n",
        )
