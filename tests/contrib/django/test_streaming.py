"""The Django handler that streams, and its setting ``APIG_WSGI_STREAM``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apig_wsgi.contrib.django.checks import check_settings
from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.handler import build_streaming_handler
from apig_wsgi.contrib.django.handler import lambda_handler
from apig_wsgi.contrib.django.handler import streaming_handler
from apig_wsgi.streaming import STREAMED
from apig_wsgi.testing import LambdaContext
from apig_wsgi.testing import build_event
from tests.contrib.django.utils import rest_event
from tests.runtime.runtime_api import WAIT
from tests.runtime.runtime_api import FakeLambda
from tests.runtime.test_loop import release
from tests.runtime.test_loop import wait_for_chunk
from tests.test_streaming import RecordingSink

SETTINGS = "tests.contrib.django.project.settings"
HANDLER = "apig_wsgi.contrib.django.handler.streaming_handler"


def test_streaming_handler_streams_function_urls_by_default() -> None:
    assert streaming_handler.fronts == frozenset({"function-url"})
    assert streaming_handler.wsgi_app is lambda_handler.wsgi_app
    assert streaming_handler.options is lambda_handler.options


@override_settings(APIG_WSGI_STREAM=["rest"], APIG_WSGI_SCRIPT_NAME="auto")
def test_built_handler_streams_the_fronts_of_the_setting_with_its_options() -> None:
    handler = build_streaming_handler()
    sink = RecordingSink()

    streamed = handler.invoke(rest_event("GET", "/links/"), LambdaContext(), sink)
    buffered = handler.invoke(
        build_event("function-url", "GET", "/links/"), LambdaContext(), sink
    )

    assert handler.fronts == frozenset({"rest"})
    assert streamed is STREAMED
    assert sink.prelude is not None
    assert sink.prelude["statusCode"] == 200
    # The stage is in SCRIPT_NAME, as APIG_WSGI_SCRIPT_NAME = "auto" says.
    assert json.loads(b"".join(sink.chunks))["image"] == "/prod/image.png"
    assert (sink.finished, sink.error) == (True, None)
    assert buffered["statusCode"] == 200
    assert json.loads(buffered["body"])["image"] == "/image.png"


@override_settings(APIG_WSGI_STREAM=[])
def test_empty_setting_streams_nothing() -> None:
    handler = build_streaming_handler()
    sink = RecordingSink()

    result = handler.invoke(
        build_event("function-url", "GET", "/links/"), LambdaContext(), sink
    )

    assert result["statusCode"] == 200
    assert sink.prelude is None


class TestSetting:
    @pytest.mark.parametrize(
        ("value", "message", "hint", "check_id"),
        [
            (
                "function-url",
                "APIG_WSGI_STREAM must be a list of front names, not 'function-url'.",
                'Write a single front as ["function-url"].',
                "apig_wsgi.E001",
            ),
            (
                ["rest", 1],
                "APIG_WSGI_STREAM must hold front names, found 1.",
                "Use 'function-url' or 'rest'.",
                "apig_wsgi.E001",
            ),
            (
                ["function-url", "http-v2"],
                "APIG_WSGI_STREAM names 'http-v2', which cannot stream.",
                "Only Function URLs ('function-url', invoke mode RESPONSE_STREAM) "
                "and REST APIs ('rest', response transfer mode STREAM) stream "
                "Lambda responses.",
                "apig_wsgi.E002",
            ),
        ],
    )
    def test_invalid_values_are_reported(
        self, value: object, message: str, hint: str, check_id: str
    ) -> None:
        with override_settings(APIG_WSGI_STREAM=value):
            assert check_settings() == [checks.Error(message, hint=hint, id=check_id)]
            with pytest.raises(ImproperlyConfigured) as excinfo:
                build_streaming_handler()
        assert str(excinfo.value) == f"{message} {hint}"

    @pytest.mark.parametrize("value", [None, [], ("rest",), ["function-url", "rest"]])
    def test_valid_values_pass(self, value: object) -> None:
        with override_settings(APIG_WSGI_STREAM=value):
            assert check_settings() == []
            get_options()


def test_runtime_loop_streams_django_responses_with_the_settings(
    fake_lambda: FakeLambda,
) -> None:
    fake_lambda.start_runtime(
        HANDLER,
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "APIG_WSGI_TEST_STREAM": "rest",
            "APIG_WSGI_TEST_SCRIPT_NAME": "auto",
            "APIG_WSGI_TEST_EVENTS_APP": "1",
            "BARRIER_FILE": str(fake_lambda.tmp_path / "release"),
        },
    )
    fake_lambda.wait_until_idle()

    invocation = fake_lambda.submit(rest_event("GET", "/feed/"))
    # The view sends its second event only after the first reached the API.
    first = wait_for_chunk(invocation, b"data: /prod/feed/")
    released = release(fake_lambda)
    fake_lambda.wait(invocation)
    last = wait_for_chunk(invocation, b"data: released")
    links = fake_lambda.invoke(build_event("function-url", "GET", "/links/"))
    greeting = fake_lambda.invoke({"greet": "Ada"})

    assert first < released < last, fake_lambda.log()
    prelude, body = invocation.prelude_and_body()
    assert prelude["statusCode"] == 200
    assert prelude["multiValueHeaders"]["Content-Type"] == ["text/event-stream"]
    assert body == b"data: /prod/feed/\n\ndata: released\n\n"
    # APIG_WSGI_STREAM names only REST APIs: the same function buffers the rest.
    assert links.result["statusCode"] == 200
    assert json.loads(links.result["body"])["image"] == "/image.png"
    assert greeting.result == {"greeting": "Hello Ada"}
    assert fake_lambda.starts == 1


def test_runtime_refuses_the_environment_variable_for_the_django_handler(
    fake_lambda: FakeLambda,
) -> None:
    fake_lambda.start_runtime(
        HANDLER, {"DJANGO_SETTINGS_MODULE": SETTINGS, "APIG_WSGI_STREAM": "rest"}
    )

    assert fake_lambda.init_error_posted.wait(WAIT), fake_lambda.log()
    ((headers, document),) = fake_lambda.init_errors
    assert headers["Lambda-Runtime-Function-Error-Type"] == "Runtime.ConfigInvalid"
    assert document["errorMessage"] == (
        f"{HANDLER} is a streaming handler, which names its own fronts; remove "
        "APIG_WSGI_STREAM or point the handler at the WSGI application."
    )


def test_docs_example_settings_name_the_fronts() -> None:
    path = Path(__file__).parents[3] / "docs/examples/streaming/django_settings.py"
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)

    with override_settings(APIG_WSGI_STREAM=namespace["APIG_WSGI_STREAM"]):
        assert check_settings() == []
        assert build_streaming_handler().fronts == frozenset({"function-url", "rest"})


def test_runtime_posts_an_invalid_setting_as_an_init_error(
    fake_lambda: FakeLambda,
) -> None:
    fake_lambda.start_runtime(
        HANDLER, {"DJANGO_SETTINGS_MODULE": SETTINGS, "APIG_WSGI_TEST_STREAM": "alb"}
    )

    assert fake_lambda.init_error_posted.wait(WAIT), fake_lambda.log()
    ((_, document),) = fake_lambda.init_errors
    assert document["errorType"] == "ImproperlyConfigured"
    assert document["errorMessage"] == (
        "Importing 'apig_wsgi.contrib.django.handler' raised "
        "ImproperlyConfigured(\"APIG_WSGI_STREAM names 'alb', which cannot stream. "
        "Only Function URLs ('function-url', invoke mode RESPONSE_STREAM) and REST "
        "APIs ('rest', response transfer mode STREAM) stream Lambda responses.\")"
    )
