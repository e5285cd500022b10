from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.testing import Client
from apig_wsgi.testing import LambdaContext
from tests.testing.apps import BINARY
from tests.testing.apps import app
from tests.testing.apps import handler
from tests.testing.corpus import CASES
from tests.testing.corpus import front

# Cases whose response holds one value per header name: one Set-Cookie only.
SINGLE_COOKIE = {"alb", "lattice-v1", "lattice-v2"}


def latin1(text: str) -> str:
    return text.encode().decode("latin-1")


@pytest.mark.parametrize("case", CASES)
def test_round_trip_through_the_core(case: str) -> None:
    client = Client(
        handler, **front(case), binary_media_types=["*/*"], source_ip="192.0.2.9"
    )
    response = client.post(
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
    assert response.error is None
    assert (response.status, response.reason) == (201, "Created")
    echo = response.json()
    assert echo["format"] == front(case)["format"]
    assert echo["method"] == "POST"
    assert echo["path_info"] == latin1("/caf\u00e9/x")
    assert echo["script_name"] == ""
    assert base64.b64decode(echo["body"]) == BINARY
    assert echo["headers"]["CONTENT_TYPE"] == "application/octet-stream"
    assert echo["headers"]["HTTP_COOKIE"] == "session=abc"
    assert echo["remote_addr"] == "192.0.2.9"
    if case in ("alb", "lattice-v1"):
        # These keep one value per name (the ALB's last, Lattice v1 joins).
        assert echo["headers"]["HTTP_X_REPEAT"] in ("two", "one,two")
    else:
        assert echo["headers"]["HTTP_X_REPEAT"].replace(" ", "") == "one,two"
    assert response.header("X-Multi") == "a, b"
    cookies = response.header_list("Set-Cookie")
    if case in SINGLE_COOKIE:
        assert cookies == ["c2=2; Path=/"]
    else:
        assert cookies == ["c1=1; Path=/", "c2=2; Path=/"]
    assert response.result is not None
    assert response.event is not None


@pytest.mark.parametrize("case", CASES)
def test_round_trip_query_string(case: str) -> None:
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
def test_binary_download(case: str) -> None:
    client = Client(handler, **front(case), binary_media_types=["*/*"])
    response = client.get("/binary")
    assert response.body == BINARY
    assert response.header("Content-Type") == "application/octet-stream"


def test_rest_base64_without_binary_media_type_reaches_client_as_text() -> None:
    response = Client(handler, format="rest").get("/binary")
    assert response.body == base64.b64encode(BINARY)
    assert response.error is None


def test_rest_base64_decoded_when_accept_matches() -> None:
    client = Client(handler, format="rest", binary_media_types=["application/x-foo"])
    response = client.get("/binary", headers={"Accept": "application/x-foo, */*"})
    assert response.body == BINARY


def test_json_body_sets_content_type() -> None:
    response = Client(handler).post("/", json={"a": 1})
    echo = response.json()
    assert base64.b64decode(echo["body"]) == b'{"a": 1}'
    assert echo["headers"]["CONTENT_TYPE"] == "application/json"


def test_json_and_body_together_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^Pass body or json, not both\.$"):
        Client(handler).post("/", json={}, body=b"x")


@pytest.mark.parametrize(
    "method", ["get", "head", "options", "post", "put", "patch", "delete"]
)
def test_method_helpers(method: str) -> None:
    response = getattr(Client(handler), method)("/")
    assert response.status == 201
    if method == "head":
        assert response.body == b""
    else:
        assert response.json()["method"] == method.upper()


def test_stage_with_script_name_auto() -> None:
    auto = make_lambda_handler(app, script_name="auto")
    response = Client(auto, format="http-v2", stage="beta").get("/items")
    echo = response.json()
    assert (echo["script_name"], echo["path_info"]) == ("/beta", "/items")
    response = Client(auto, format="rest", stage="beta").get("/items")
    echo = response.json()
    assert (echo["script_name"], echo["path_info"]) == ("/beta", "/items")


def test_claims_reach_the_request_context() -> None:
    seen: list[Any] = []

    def spy(event: dict[str, Any], context: Any) -> Any:
        seen.append((event, context))
        return handler(event, context)

    Client(spy, format="http-v2").get("/", claims={"sub": "u1"})
    event, context = seen[0]
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {"sub": "u1"}
    assert isinstance(context, LambdaContext)
    assert context.get_remaining_time_in_millis() == 30_000


def test_handler_exceptions_propagate() -> None:
    with pytest.raises(RuntimeError, match=r"^the app failed$"):
        Client(handler).get("/error")


def must_not_run(event: dict[str, Any], context: Any) -> Any:
    raise AssertionError("called")


@pytest.mark.parametrize(
    ("format", "status", "body"),
    [
        ("rest", 500, b'{"message": "Internal server error"}'),
        ("http-v2", 500, b'{"message":"Internal Server Error"}'),
        ("http-v1", 500, b'{"message":"Internal Server Error"}'),
        ("function-url", 413, b"Request Entity Too Large"),
        ("lattice-v2", 413, b"Request Entity Too Large"),
        ("lattice-v1", 413, b"Request Entity Too Large"),
    ],
)
def test_request_over_6_mb_is_refused_without_calling_handler(
    format: str, status: int, body: bytes
) -> None:
    response = Client(must_not_run, format=format).post(
        "/", headers={"Content-Type": "text/plain"}, body=b"a" * (6 * 1024 * 1024)
    )
    assert (response.status, response.body) == (status, body)
    assert response.header("Content-Length") == str(len(body))
    assert response.error is not None
    assert response.error.startswith("the request is ")
    assert response.error.endswith(" bytes, over the limit of 6291456 bytes")


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
def test_alb_response_over_1_mb_fails(multi_value_headers: bool) -> None:
    client = Client(handler, format="alb", multi_value_headers=multi_value_headers)
    response = client.get("/large?size=1100000")
    assert response.status in (500, 502)
