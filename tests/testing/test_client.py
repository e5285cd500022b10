from __future__ import annotations

import base64
import re
from http import HTTPStatus
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.handler import LambdaHandler
from apig_wsgi.testing import Client
from apig_wsgi.testing import LambdaContext
from apig_wsgi.testing import Response
from tests.testing.apps import BINARY
from tests.testing.apps import app
from tests.testing.apps import refusing_app
from tests.testing.apps import validated_app
from tests.testing.corpus import CASES
from tests.testing.corpus import front

# Cases whose response holds one value per header name: one Set-Cookie only.
SINGLE_COOKIE = {"alb", "lattice-v1", "lattice-v2"}
REQUEST_HEADERS = ("CONTENT_TYPE", "HTTP_COOKIE", "HTTP_X_REPEAT")


@pytest.fixture
def handler() -> LambdaHandler:
    return make_lambda_handler(validated_app, binary_support=True)


def latin1(text: str) -> str:
    return text.encode().decode("latin-1")


def post_through_the_core(handler: LambdaHandler, case: str) -> Response:
    client = Client(
        handler, **front(case), binary_media_types=["*/*"], source_ip="192.0.2.9"
    )
    return client.post(
        "/caf\u00e9/x",
        query=[("q", "caf\u00e9"), ("r", "a+b&c"), ("q", "2")],
        headers=[
            ("Content-Type", "application/octet-stream"),
            ("X-Repeat", "one"),
            ("X-Repeat", "two"),
        ],
        cookies={"session": "abc"},
        body=BINARY,
    )


@pytest.mark.parametrize("case", CASES)
def test_round_trip_request_reaches_the_app(handler: LambdaHandler, case: str) -> None:
    echo = post_through_the_core(handler, case).json()
    # The query string has its own test; the other headers are the front's.
    del echo["query_string"]
    headers = echo.pop("headers")
    assert (echo, {name: headers[name] for name in REQUEST_HEADERS}) == (
        {
            "method": "POST",
            "script_name": "",
            "path_info": latin1("/caf\u00e9/x"),
            "body": base64.b64encode(BINARY).decode(),
            "remote_addr": "192.0.2.9",
            "url_scheme": "https",
            "format": front(case)["format"],
        },
        {
            "CONTENT_TYPE": "application/octet-stream",
            "HTTP_COOKIE": "session=abc",
            # A single-value ALB target keeps the last value of each header.
            "HTTP_X_REPEAT": "two" if case == "alb" else "one,two",
        },
    )


@pytest.mark.parametrize("case", CASES)
def test_round_trip_response_reaches_the_client(
    handler: LambdaHandler, case: str
) -> None:
    response = post_through_the_core(handler, case)
    assert (
        response.status,
        response.reason,
        response.error,
        response.header("X-Multi"),
        response.header_list("Set-Cookie"),
    ) == (
        201,
        "Created",
        None,
        "a, b",
        ["c2=2; Path=/"] if case in SINGLE_COOKIE else ["c1=1; Path=/", "c2=2; Path=/"],
    )


@pytest.mark.parametrize("case", CASES)
def test_response_keeps_the_event_and_the_result(
    handler: LambdaHandler, case: str
) -> None:
    response = post_through_the_core(handler, case)
    assert (response.event is None, response.result is None) == (False, False)


@pytest.mark.parametrize("case", CASES)
def test_round_trip_query_string(handler: LambdaHandler, case: str) -> None:
    client = Client(handler, **front(case))
    response = client.get("/", query=[("q", "caf\u00e9"), ("r", "a+b&c/?"), ("q", "2")])
    query = response.json()["query_string"]
    if case == "alb":
        # Single-value ALB targets see the last value of a repeated parameter.
        assert query == "q=2&r=a%2Bb%26c%2F%3F"
    elif case == "lattice-v1":
        assert query == "q=caf%C3%A9&r=a%2Bb%26c%2F%3F&q=2"
    else:
        pairs = sorted(re.split("&", query))
        assert pairs == sorted(["q=caf%C3%A9", "q=2", "r=a%2Bb%26c%2F%3F"])


@pytest.mark.parametrize("case", CASES)
def test_binary_download(handler: LambdaHandler, case: str) -> None:
    client = Client(handler, **front(case), binary_media_types=["*/*"])
    response = client.get("/binary")
    assert response.body == BINARY
    assert response.header("Content-Type") == "application/octet-stream"


def test_rest_base64_without_binary_media_type_reaches_client_as_text(
    handler: LambdaHandler,
) -> None:
    response = Client(handler, format="rest").get("/binary")
    assert response.body == base64.b64encode(BINARY)
    assert response.error is None


def test_rest_base64_decoded_when_accept_matches(handler: LambdaHandler) -> None:
    client = Client(handler, format="rest", binary_media_types=["application/x-foo"])
    response = client.get("/binary", headers={"Accept": "application/x-foo, */*"})
    assert response.body == BINARY


def test_json_body_sets_content_type(handler: LambdaHandler) -> None:
    response = Client(handler).post("/", json={"a": 1})
    echo = response.json()
    assert base64.b64decode(echo["body"]) == b'{"a": 1}'
    assert echo["headers"]["CONTENT_TYPE"] == "application/json"


def test_json_and_body_together_are_refused(handler: LambdaHandler) -> None:
    with pytest.raises(ValueError) as excinfo:
        Client(handler).post("/", json={}, body=b"x")
    assert str(excinfo.value) == "Pass body or json, not both."


@pytest.mark.parametrize(
    "method", ["get", "head", "options", "post", "put", "patch", "delete"]
)
def test_method_helpers(handler: LambdaHandler, method: str) -> None:
    response = getattr(Client(handler), method)("/")
    assert response.status == 201
    if method == "head":
        assert response.body == b""
    else:
        assert response.json()["method"] == method.upper()


@pytest.mark.parametrize("format", ["http-v2", "rest"])
def test_stage_with_script_name_auto(format: str) -> None:
    auto = make_lambda_handler(app, script_name="auto")
    echo = Client(auto, format=format, stage="beta").get("/items").json()
    assert (echo["script_name"], echo["path_info"]) == ("/beta", "/items")


def spied_call(handler: LambdaHandler, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    """The event and context the client passes to ``handler`` for a GET."""
    seen: list[tuple[dict[str, Any], Any]] = []

    def spy(event: dict[str, Any], context: Any) -> Any:
        seen.append((event, context))
        return handler(event, context)

    Client(spy, format="http-v2").get("/", **kwargs)
    [call] = seen
    return call


def test_claims_reach_the_request_context(handler: LambdaHandler) -> None:
    event, _ = spied_call(handler, claims={"sub": "u1"})
    assert event["requestContext"]["authorizer"] == {
        "jwt": {"claims": {"sub": "u1"}, "scopes": None}
    }


def test_context_is_a_lambda_context_with_30_seconds(handler: LambdaHandler) -> None:
    _, context = spied_call(handler)
    assert (type(context), context.get_remaining_time_in_millis()) == (
        LambdaContext,
        30_000,
    )


def test_handler_exceptions_propagate(handler: LambdaHandler) -> None:
    with pytest.raises(RuntimeError) as excinfo:
        Client(handler).get("/error")
    assert str(excinfo.value) == "the app failed"


def must_not_run(event: dict[str, Any], context: Any) -> Any:
    raise AssertionError("called")


API_ERROR = b'{"message":"Internal Server Error"}'
TOO_LARGE = b"Request Entity Too Large"


@pytest.mark.parametrize(
    ("format", "status", "content_type", "body", "size"),
    [
        (
            "rest",
            500,
            "application/json",
            b'{"message": "Internal server error"}',
            6293042,
        ),
        ("http-v2", 500, "application/json", API_ERROR, 6292299),
        ("http-v1", 500, "application/json", API_ERROR, 6293059),
        ("function-url", 413, "text/plain", TOO_LARGE, 6292283),
        ("lattice-v2", 413, "text/plain", TOO_LARGE, 6292244),
        ("lattice-v1", 413, "text/plain", TOO_LARGE, 6291750),
    ],
)
def test_request_over_6_mb_is_refused_without_calling_handler(
    format: str, status: int, content_type: str, body: bytes, size: int
) -> None:
    response = Client(must_not_run, format=format).post(
        "/", headers={"Content-Type": "text/plain"}, body=b"a" * (6 * 1024 * 1024)
    )
    assert response == Response(
        status,
        # Python 3.13 renamed 413 "Content Too Large".
        HTTPStatus(status).phrase,
        (("Content-Type", content_type), ("Content-Length", str(len(body)))),
        body,
        f"the request is {size} bytes, over the limit of 6291456 bytes",
    )


@pytest.mark.parametrize("multi_value_headers", [False, True])
@pytest.mark.parametrize(
    ("content_type", "size", "refused"),
    [
        ("text/plain", 1024 * 1024, False),
        ("text/plain", 1024 * 1024 + 1, True),
        ("application/octet-stream", 1024 * 1024, False),
        ("application/octet-stream", 1024 * 1024 + 1, True),
    ],
)
def test_alb_request_body_limit_is_1_mb_of_body(
    multi_value_headers: bool, content_type: str, size: int, refused: bool
) -> None:
    def no_content(event: dict[str, Any], context: Any) -> Any:
        return {"statusCode": 204, "statusDescription": "204 No Content"}

    client = Client(no_content, format="alb", multi_value_headers=multi_value_headers)
    response = client.post(
        "/", headers={"Content-Type": content_type}, body=b"a" * size
    )
    if refused:
        assert response.status == 413
        assert response.error == (
            f"the request is {size} bytes, over the limit of 1048576 bytes"
        )
    else:
        assert response.status == 204


@pytest.mark.parametrize("multi_value_headers", [False, True])
def test_alb_response_over_1_mb_fails(
    handler: LambdaHandler, multi_value_headers: bool
) -> None:
    client = Client(handler, format="alb", multi_value_headers=multi_value_headers)
    # The handler itself sends a 500 rather than a result the ALB refuses.
    assert client.get("/large?size=1100000") == Response(
        500,
        "Internal Server Error",
        (("Content-Type", "text/plain; charset=utf-8"),),
        b"Internal Server Error: the response is too large for AWS Lambda.",
    )


class TestRefusedHost:
    def test_django_refusal_is_logged_with_the_host(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        client = Client(make_lambda_handler(refusing_app), format="alb")
        response = client.get("/")
        host = "my-alb-1234567890.us-east-1.elb.amazonaws.com"
        assert response.status == 400
        assert [
            (record.name, record.levelname, record.getMessage())
            for record in caplog.records
            if record.name.startswith("apig_wsgi")
        ] == [
            (
                "apig_wsgi.testing",
                "WARNING",
                f"Django refused the request's Host, {host!r}: add {host!r} (or "
                "'.amazonaws.com') to ALLOWED_HOSTS.",
            )
        ]

    def test_other_400_responses_are_not_explained(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        def bad_request(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"no"]

        assert Client(make_lambda_handler(bad_request)).get("/").status == 400
        assert [r for r in caplog.records if r.name.startswith("apig_wsgi")] == []
