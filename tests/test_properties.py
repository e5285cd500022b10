"""Property-based tests: generated events in, documented behaviour out."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from apig_wsgi.handler import LambdaHandler
from tests.utils import FRONT_SAMPLES
from tests.utils import front_event
from tests.utils import load_event
from tests.utils import validated_echo_app

SAMPLES = {
    "rest": "aws-lambda-go/apigw-request.json",
    "http-v2": "aws-lambda-go/apigw-v2-request-no-authorizer.json",
    "function-url": "aws-lambda-go/lambda-urls-request.json",
    "alb": "powertools-python/albEvent.json",
    "alb-multi": "powertools-python/albMultiValueHeadersEvent.json",
    "lattice-v1": "powertools-python/vpcLatticeEvent.json",
    "lattice-v2": "powertools-python/vpcLatticeV2EventWithHeaders.json",
    "edge": "aws-lambda-java-libs/cloudfront_event.json",
}
EVENTS = {name: load_event(path) for name, path in SAMPLES.items()}
formats = st.sampled_from(sorted(EVENTS))


def with_body(name: str, body: bytes) -> dict[str, Any]:
    event = copy.deepcopy(EVENTS[name])
    encoded = base64.b64encode(body).decode()
    if name == "edge":
        event["Records"][0]["cf"]["request"]["body"] = {
            "inputTruncated": False,
            "action": "read-only",
            "encoding": "base64",
            "data": encoded,
        }
    elif name == "lattice-v1":
        event.update(body=encoded, is_base64_encoded=True)
    else:
        event.update(body=encoded, isBase64Encoded=True)
    return event


def body_echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body: bytes = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


# Module-scoped: Hypothesis refuses function-scoped fixtures, which are not
# made again for each example it tries.
@pytest.fixture(scope="module")
def binary_handler() -> LambdaHandler:
    return make_lambda_handler(body_echo_app, binary_support=True)


@pytest.fixture(scope="module")
def echo_handler() -> LambdaHandler:
    return make_lambda_handler(validated_echo_app)


def decoded_body(result: dict[str, Any]) -> bytes:
    if result.get("isBase64Encoded") or result.get("bodyEncoding") == "base64":
        return base64.b64decode(result["body"])
    body: str = result["body"]
    return body.encode()


@given(name=formats, body=st.binary(max_size=4096))
def test_binary_body_round_trips(
    binary_handler: LambdaHandler, name: str, body: bytes
) -> None:
    assert decoded_body(binary_handler(with_body(name, body), None)) == body


header_names = st.from_regex(r"\AX-[A-Za-z0-9]{1,20}\Z")
header_values = st.text(
    st.characters(min_codepoint=0x20, blacklist_categories=("Cc", "Cs")),
    max_size=50,
).map(str.strip)


@given(name=header_names, value=header_values)
def test_header_arrives_as_latin_1_of_utf_8(
    echo_handler: LambdaHandler, name: str, value: str
) -> None:
    event = copy.deepcopy(EVENTS["http-v2"])
    event["headers"] = {name.lower(): value}
    environ = json.loads(echo_handler(event, None)["body"])
    key = "HTTP_" + name.upper().replace("-", "_")
    assert environ[key] == value.encode("utf-8").decode("latin-1")


@given(path=st.text(max_size=40))
def test_percent_encoded_path_is_decoded(
    echo_handler: LambdaHandler, path: str
) -> None:
    raw_path = "/" + quote(path, safe="/")
    event = copy.deepcopy(EVENTS["http-v2"])
    event["rawPath"] = raw_path
    environ = json.loads(echo_handler(event, None)["body"])
    assert environ["PATH_INFO"] == unquote_to_bytes(raw_path).decode("latin-1")


@given(
    params=st.dictionaries(
        st.text(min_size=1, max_size=10), st.lists(st.text(max_size=10), max_size=3)
    )
)
def test_rest_query_is_encoded_once(
    echo_handler: LambdaHandler, params: dict[str, list[str]]
) -> None:
    from urllib.parse import parse_qs

    event = copy.deepcopy(EVENTS["rest"])
    event["multiValueQueryStringParameters"] = params
    environ = json.loads(echo_handler(event, None)["body"])
    parsed = parse_qs(
        environ["QUERY_STRING"].encode("latin-1").decode(), keep_blank_values=True
    )
    assert parsed == {key: values for key, values in params.items() if values}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(name=formats, data=st.data())
def test_corrupted_events_raise_only_the_documented_error(
    name: str, data: st.DataObject
) -> None:
    event = copy.deepcopy(EVENTS[name])
    target = event
    if name == "edge":
        target = event["Records"][0]["cf"]["request"]
    elif "requestContext" in event and data.draw(st.booleans()):
        target = event["requestContext"]
        if "http" in target and data.draw(st.booleans()):
            target = target["http"]
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(target)), min_size=1, max_size=3, unique=True)
    )
    for key in chosen:
        if data.draw(st.booleans()):
            del target[key]
        else:
            target[key] = data.draw(json_values)
    with contextlib.suppress(InvalidEventError):
        make_lambda_handler(body_echo_app)(event, None)


any_value = st.one_of(
    st.text(max_size=20),
    st.binary(max_size=10),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)
header_lines = st.lists(
    st.one_of(
        st.tuples(st.text(max_size=12), st.text(max_size=30)),
        st.tuples(any_value, any_value),
        st.tuples(st.just("Set-Cookie"), st.text(max_size=30)),
    ),
    max_size=6,
)
status_lines = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A[0-9]{3} [ -~]{0,10}\Z"),
    st.builds(lambda code, reason: f"{code} {reason}", st.integers(0, 999), st.text()),
    any_value,
)
large_text = st.builds(
    lambda piece, count: piece * count,
    st.sampled_from([b"a", b'"', b"\x01", "\u00e9".encode(), "\U0001f600".encode()]),
    st.integers(0, 1_700_000),
)
bodies = st.one_of(st.binary(max_size=300), large_text)
LIMITS = {"alb": 1024 * 1024, "alb-multi": 1024 * 1024, "edge": 40 * 1024}


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *strings_in(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150, deadline=None)
@given(
    front=st.sampled_from(sorted(FRONT_SAMPLES)),
    status=status_lines,
    headers=header_lines,
    body=bodies,
    large_header=st.one_of(st.none(), large_text),
    content_type=st.sampled_from(["text/plain", "image/png"]),
)
def test_app_responses_always_give_a_result_aws_accepts(
    front: str,
    status: Any,
    headers: list[tuple[Any, Any]],
    body: bytes,
    large_header: bytes | None,
    content_type: str,
) -> None:
    header_list = [("Content-Type", content_type), *headers]
    if large_header is not None:
        header_list.append(("X-Large", large_header.decode()))

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, header_list)
        return [body]

    handler = make_lambda_handler(app, binary_support=True, catch_exceptions=True)
    result = handler(front_event(front), None)
    escaped = json.dumps(result)
    as_utf8 = json.dumps(result, ensure_ascii=False).encode("utf-8")
    limit = LIMITS.get(front, 6 * 1024 * 1024)
    if front == "edge":
        limit = 40 * 1024  # the sample is a viewer-request trigger
    if len(escaped) > limit:
        raise AssertionError(f"{len(escaped)} bytes for {front}, over {limit}")
    assert len(as_utf8) <= len(escaped)
    for text in strings_in({k: v for k, v in result.items() if k != "body"}):
        assert "\r" not in text
        assert "\n" not in text
