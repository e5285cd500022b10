"""Every field AWS defines as a string or a boolean is checked, on every front."""

from __future__ import annotations

import contextlib
import io
from typing import Any
from typing import Callable

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from tests.utils import FRONT_SAMPLES
from tests.utils import environ_seen
from tests.utils import front_event
from tests.utils import set_headers
from tests.utils import set_path

Mutation = Callable[[dict[str, Any]], None]


def set_key(*path: str, value: Any) -> Mutation:
    def mutate(event: dict[str, Any]) -> None:
        target: Any = event
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[path[-1]] = value

    return mutate


EDGE_REQUEST = ("Records", "0", "cf", "request")
EDGE_CONFIG = ("Records", "0", "cf", "config")

WRONG_TYPES: list[tuple[str, Mutation, str]] = [
    (
        "http-v2",
        set_key("requestContext", "http", "sourceIp", value=["x"]),
        "Expected requestContext.http.sourceIp to be a string, got list: ['x']",
    ),
    (
        "rest",
        set_key("requestContext", "identity", "sourceIp", value=5),
        "Expected requestContext.identity.sourceIp to be a string, got int: 5",
    ),
    (
        "rest",
        set_key("requestContext", "identity", value="me"),
        "Expected requestContext.identity to be an object or null, got str: 'me'",
    ),
    (
        "rest",
        set_key("requestContext", "domainName", value={"a": 1}),
        "Expected requestContext.domainName to be a string, got dict: {'a': 1}",
    ),
    (
        "rest",
        set_key("requestContext", value=None),
        "Expected requestContext to be an object, got NoneType: None",
    ),
    (
        "http-v1",
        set_key("httpMethod", value=["GET"]),
        "Expected httpMethod to be an HTTP method, got list: ['GET']",
    ),
    (
        "alb",
        set_key("queryStringParameters", value={"c": {"x": 1}}),
        "Expected a query string value to be a string, got dict: {'x': 1}",
    ),
    (
        "alb-multi",
        set_key("multiValueQueryStringParameters", value={"c": [1]}),
        "Expected a query string value to be a string, got int: 1",
    ),
    (
        "function-url",
        set_key("rawQueryString", value=7),
        "Expected rawQueryString to be a string, got int: 7",
    ),
    (
        "function-url",
        set_key("requestContext", "http", value=None),
        "Expected requestContext.http to be an object, got NoneType: None",
    ),
    (
        "lattice-v1",
        set_key("method", value=1),
        "Expected method to be an HTTP method, got int: 1",
    ),
    (
        "lattice-v2",
        set_key("requestContext", value="x"),
        "Expected requestContext to be an object, got str: 'x'",
    ),
    (
        "edge",
        set_key(*EDGE_REQUEST, "clientIp", value=1),
        "Expected clientIp to be a string, got int: 1",
    ),
    (
        "edge",
        set_key(*EDGE_REQUEST, "querystring", value=["a"]),
        "Expected querystring to be a string, got list: ['a']",
    ),
    (
        "edge",
        set_key(*EDGE_REQUEST, "headers", "host", "0", "key", value=1),
        "Expected the key of 'host' to be a string, got int: 1",
    ),
    (
        "edge",
        set_key(*EDGE_REQUEST, "body", value={"data": "", "encoding": "gzip"}),
        "Expected body.encoding to be 'base64' or 'text', got 'gzip'",
    ),
    (
        "edge",
        set_key(*EDGE_REQUEST, "body", value={"data": "", "inputTruncated": "no"}),
        "Expected body.inputTruncated to be true, false or null, got str: 'no'",
    ),
    (
        "edge",
        set_key(*EDGE_CONFIG, "eventType", value=1),
        "Expected config.eventType to be a string, got int: 1",
    ),
    (
        "edge",
        set_key(*EDGE_CONFIG, "distributionDomainName", value=1),
        "Expected config.distributionDomainName to be a string, got int: 1",
    ),
]


@pytest.mark.parametrize(
    ("front", "mutate", "message"),
    WRONG_TYPES,
    ids=[f"{front}-{message[9:40]}" for front, _, message in WRONG_TYPES],
)
def test_wrong_types_raise_naming_the_field(
    front: str, mutate: Mutation, message: str
) -> None:
    event = front_event(front)
    mutate(event)
    with pytest.raises(InvalidEventError) as excinfo:
        environ_seen(event)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("front", sorted(set(FRONT_SAMPLES) - {"edge"}))
@pytest.mark.parametrize("value", ["false", 0, 1, "true", []])
def test_is_base64_encoded_must_be_a_boolean(front: str, value: Any) -> None:
    event = front_event(front)
    key = "is_base64_encoded" if front == "lattice-v1" else "isBase64Encoded"
    event[key] = value
    event["body"] = "aGk="
    with pytest.raises(InvalidEventError) as excinfo:
        environ_seen(event)
    assert str(excinfo.value) == (
        f"Expected {key} to be true, false or null, got "
        f"{type(value).__name__}: {value!r}"
    )


@pytest.mark.parametrize(
    ("value", "body"), [(None, "aGk="), (False, "aGk="), (True, "hi")]
)
def test_is_base64_encoded_null_false_and_true(value: Any, body: str) -> None:
    event = front_event("http-v2")
    event.update(isBase64Encoded=value, body="aGk=")
    assert environ_seen(event)["body"] == body


@pytest.mark.parametrize("method", ["", "G\u00c9T", "GET /", "{{{method}}}"])
def test_a_method_must_be_a_token(method: str) -> None:
    event = front_event("http-v2")
    event["requestContext"]["http"]["method"] = method
    with pytest.raises(InvalidEventError) as excinfo:
        environ_seen(event)
    assert str(excinfo.value) == (
        f"Expected requestContext.http.method to be an HTTP method, got str: {method!r}"
    )


def test_source_address_is_a_native_string() -> None:
    event = front_event("http-v2")
    event["requestContext"]["http"]["sourceIp"] = "\u00fc"
    assert environ_seen(event)["REMOTE_ADDR"] == "\u00c3\u00bc"


@pytest.mark.parametrize(
    ("front", "server_name"),
    [
        ("alb", "localhost"),
        ("lattice-v2", "localhost"),
        ("rest", "gy415nuibc.execute-api.us-east-2.amazonaws.com"),
        ("http-v2", "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com"),
    ],
)
def test_server_name_of_a_host_without_a_name(front: str, server_name: str) -> None:
    # The domain name AWS gives, where the front has one, else localhost.
    event = front_event(front)
    set_headers(front, event, [("Host", ":8080")])
    environ = environ_seen(event)
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == (server_name, "8080")


class TestScriptName:
    """A non-ASCII script_name is a decoded URL path, matched on every front."""

    @pytest.mark.parametrize("front", sorted(FRONT_SAMPLES))
    @pytest.mark.parametrize(
        ("script_name", "raw_path"),
        [
            ("/caf\u00e9", "/caf%C3%A9/items"),
            ("/\u4eca\u65e5\u306f", "/%E4%BB%8A%E6%97%A5%E3%81%AF/items"),
        ],
    )
    def test_stripped_from_the_path(
        self, front: str, script_name: str, raw_path: str
    ) -> None:
        event = front_event(front)
        set_path(front, event, raw_path)
        environ = environ_seen(event, script_name=script_name)
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
            script_name.encode().decode("latin-1"),
            "/items",
        )

    def test_unencoded_non_ascii_path_matches_too(self) -> None:
        event = front_event("alb")
        set_path("alb", event, "/caf\u00e9/items")
        environ = environ_seen(event, script_name="/caf\u00e9")
        assert environ["PATH_INFO"] == "/items"


def test_wsgi_errors_is_the_current_stderr() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["wsgi.errors"].write("problem\n")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        make_lambda_handler(app)(front_event("http-v2"), None)
    assert captured.getvalue() == "problem\n"
