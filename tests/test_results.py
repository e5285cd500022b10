from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.limits import ALB_RESPONSE_LIMIT
from apig_wsgi.limits import LAMBDA_RESPONSE_LIMIT
from apig_wsgi.results import b64encode
from tests.utils import FRONT_SAMPLES
from tests.utils import front_event
from tests.utils import load_event
from tests.utils import make_app

V2_EVENT = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
ALB_EVENT = load_event("powertools-python/albEvent.json")
EDGE_EVENT = load_event("aws-lambda-java-libs/cloudfront_event.json")


def handler_for(body: bytes, content_type: str = "text/plain") -> Any:
    return make_lambda_handler(
        make_app("200 OK", [("Content-Type", content_type)], body)
    )


TOO_LARGE_BODY = "Internal Server Error: the response is too large for AWS Lambda."
TEXT = "text/plain; charset=utf-8"
V2_TOO_LARGE = {
    "statusCode": 500,
    "headers": {"content-type": TEXT},
    "cookies": [],
    "body": TOO_LARGE_BODY,
    "isBase64Encoded": False,
}
MULTI_VALUE_TOO_LARGE = {
    "statusCode": 500,
    "multiValueHeaders": {"Content-Type": [TEXT]},
    "body": TOO_LARGE_BODY,
    "isBase64Encoded": False,
}
SINGLE_VALUE_TOO_LARGE = {
    "statusCode": 500,
    "statusDescription": "500 Internal Server Error",
    "headers": {"Content-Type": TEXT},
    "body": TOO_LARGE_BODY,
    "isBase64Encoded": False,
}
EDGE_TOO_LARGE = {
    "status": "500",
    "statusDescription": "Internal Server Error",
    "headers": {"content-type": [{"key": "Content-Type", "value": TEXT}]},
    "body": TOO_LARGE_BODY,
    "bodyEncoding": "text",
}


def too_large_message(front: str, size: int, limit: int) -> str:
    return (
        f"The {front} response is {size} bytes of JSON, over the {limit}-byte "
        "limit AWS accepts; sent a 500 Internal Server Error response instead."
    )


def v2_result(body: str, content_type: str, is_base64: bool) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"content-type": content_type},
        "cookies": [],
        "body": body,
        "isBase64Encoded": is_base64,
    }


class TestSizeLimits:
    def test_binary_just_under_lambda_limit_passes(self) -> None:
        # base64 turns 3 bytes into 4; leave room for the rest of the JSON.
        body = b"\0" * ((LAMBDA_RESPONSE_LIMIT - 1000) // 4 * 3)
        result = handler_for(body, "application/octet-stream")(V2_EVENT, None)
        assert result == v2_result(
            base64.b64encode(body).decode(), "application/octet-stream", True
        )

    def test_binary_over_lambda_limit_gives_500(self) -> None:
        body = b"\0" * (LAMBDA_RESPONSE_LIMIT // 4 * 3 + 3)
        result = handler_for(body, "application/octet-stream")(V2_EVENT, None)
        assert result == V2_TOO_LARGE

    def test_binary_over_lambda_limit_is_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        body = b"\0" * (LAMBDA_RESPONSE_LIMIT // 4 * 3 + 3)
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            handler_for(body, "application/octet-stream")(V2_EVENT, None)
        assert [record.getMessage() for record in caplog.records] == [
            too_large_message("http-v2", 6291588, LAMBDA_RESPONSE_LIMIT)
        ]

    def test_text_with_escapes_over_limit_is_caught(self) -> None:
        # 4 MB of quotes double to 8 MB once JSON escapes them.
        result = handler_for(b'"' * (4 * 1024 * 1024))(V2_EVENT, None)
        assert result == V2_TOO_LARGE

    def test_ascii_text_under_limit_is_sent(self) -> None:
        body = b"a" * (3 * 1024 * 1024)
        result = handler_for(body)(V2_EVENT, None)
        assert result == v2_result(body.decode(), "text/plain", False)

    def test_non_ascii_text_is_measured_escaped(self) -> None:
        # Most runtimes send each "é" as the six characters \u00e9.
        body = "é".encode() * (1024 * 1024)
        assert handler_for(body)(V2_EVENT, None) == V2_TOO_LARGE

    def test_non_ascii_text_is_measured_as_utf8_on_python312(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")
        body = "é".encode() * (1024 * 1024)
        result = handler_for(body)(V2_EVENT, None)
        assert result == v2_result(body.decode(), "text/plain", False)

    def test_alb_limit_is_one_megabyte(self) -> None:
        result = handler_for(b"x" * ALB_RESPONSE_LIMIT)(ALB_EVENT, None)
        assert result == SINGLE_VALUE_TOO_LARGE

    def test_alb_limit_is_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            handler_for(b"x" * ALB_RESPONSE_LIMIT)(ALB_EVENT, None)
        assert [record.getMessage() for record in caplog.records] == [
            too_large_message("alb", 1048707, ALB_RESPONSE_LIMIT)
        ]

    def test_edge_viewer_limit(self) -> None:
        assert handler_for(b"x" * 50 * 1024)(EDGE_EVENT, None) == EDGE_TOO_LARGE

    def test_edge_origin_limit_is_larger(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["config"]["eventType"] = "origin-request"
        assert handler_for(b"x" * 50 * 1024)(event, None) == {
            "status": "200",
            "statusDescription": "OK",
            "headers": {
                "content-type": [{"key": "Content-Type", "value": "text/plain"}]
            },
            "body": "x" * 50 * 1024,
            "bodyEncoding": "text",
        }


def result_of(event: dict[str, Any], app: Any) -> dict[str, Any]:
    result: dict[str, Any] = make_lambda_handler(app, binary_support=True)(event, None)
    return result


def text_app(
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Any:
    return make_app(status, [("Content-Type", "text/plain"), *(headers or [])], body)


class TestExactSize:
    """The whole result is measured as the runtime will write it."""

    def test_control_characters_are_counted_escaped(self) -> None:
        # Each \x01 becomes the six bytes \u0001: 1.1 MB of them is 6.6 MB.
        body = b"\x01" * 1_100_000
        assert result_of(V2_EVENT, text_app(body=body))["body"] == TOO_LARGE_BODY

    def test_astral_characters_are_counted_as_surrogate_pairs(self) -> None:
        # Each emoji becomes the twelve bytes \ud83d\ude00: 600k of them is 7.2 MB.
        body = "\U0001f600".encode() * 600_000
        app = text_app(body=body)
        assert result_of(V2_EVENT, app)["body"] == TOO_LARGE_BODY

    def test_astral_characters_are_four_bytes_on_utf8_runtimes(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.13")
        body = "\U0001f600".encode() * 600_000
        app = text_app(body=body)
        assert result_of(V2_EVENT, app)["body"] == body.decode()

    def test_a_large_header_counts(self) -> None:
        app = text_app(headers=[("X-Large", "a" * 7_000_000)], body=b"small")
        assert result_of(V2_EVENT, app)["body"] == TOO_LARGE_BODY

    def test_a_large_header_counts_behind_an_alb(self) -> None:
        app = text_app(headers=[("X-Large", "a" * 1_100_000)], body=b"small")
        assert result_of(ALB_EVENT, app) == SINGLE_VALUE_TOO_LARGE

    def test_a_long_status_line_counts(self) -> None:
        app = text_app(status="200 " + "k" * 1_100_000, body=b"small")
        assert result_of(ALB_EVENT, app) == SINGLE_VALUE_TOO_LARGE

    def test_many_cookies_count(self) -> None:
        cookies = [("Set-Cookie", f"c{index}={'v' * 4000}") for index in range(1600)]
        assert result_of(V2_EVENT, text_app(headers=cookies)) == V2_TOO_LARGE

    @pytest.mark.parametrize(
        "escaping", ["AWS_Lambda_python3.11", "AWS_Lambda_python3.13"]
    )
    def test_a_result_exactly_at_the_limit_is_sent(
        self, monkeypatch: pytest.MonkeyPatch, escaping: str
    ) -> None:
        monkeypatch.setenv("AWS_EXECUTION_ENV", escaping)
        empty = result_of(V2_EVENT, text_app())
        room = LAMBDA_RESPONSE_LIMIT - len(json.dumps(empty))
        # A quote and a control character make the text escape unevenly.
        filler = '"\x01' + "x" * (room - len('\\"\\u0001'))
        fits = result_of(V2_EVENT, text_app(body=filler.encode()))
        assert fits["body"] == filler
        over = result_of(V2_EVENT, text_app(body=filler.encode() + b"x"))
        assert over["body"] == TOO_LARGE_BODY


@pytest.mark.parametrize(
    ("front", "expected", "size", "limit"),
    [
        ("alb", SINGLE_VALUE_TOO_LARGE, 7000151, ALB_RESPONSE_LIMIT),
        (
            "alb-multi",
            {**MULTI_VALUE_TOO_LARGE, "statusDescription": "500 Internal Server Error"},
            7000165,
            ALB_RESPONSE_LIMIT,
        ),
        ("edge", EDGE_TOO_LARGE, 7000210, 40960),
        ("function-url", V2_TOO_LARGE, 7000135, LAMBDA_RESPONSE_LIMIT),
        ("http-v1", MULTI_VALUE_TOO_LARGE, 7000134, LAMBDA_RESPONSE_LIMIT),
        ("http-v2", V2_TOO_LARGE, 7000135, LAMBDA_RESPONSE_LIMIT),
        ("lattice-v1", SINGLE_VALUE_TOO_LARGE, 7000151, LAMBDA_RESPONSE_LIMIT),
        ("lattice-v2", SINGLE_VALUE_TOO_LARGE, 7000151, LAMBDA_RESPONSE_LIMIT),
        ("rest", MULTI_VALUE_TOO_LARGE, 7000134, LAMBDA_RESPONSE_LIMIT),
    ],
)
def test_every_front_answers_an_oversized_result_with_a_logged_500(
    front: str,
    expected: dict[str, Any],
    size: int,
    limit: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = text_app(headers=[("X-Large", "a" * 7_000_000)], body=b"small")
    with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
        result = result_of(front_event(front), app)
    assert (result, [record.getMessage() for record in caplog.records]) == (
        expected,
        [too_large_message(front.replace("alb-multi", "alb"), size, limit)],
    )


def test_the_fronts_above_are_every_front() -> None:
    assert sorted(FRONT_SAMPLES) == [
        "alb",
        "alb-multi",
        "edge",
        "function-url",
        "http-v1",
        "http-v2",
        "lattice-v1",
        "lattice-v2",
        "rest",
    ]


@pytest.mark.parametrize("size", [0, 1, 2, 196_607, 196_608, 196_609, 589_826])
def test_b64encode_in_pieces_matches_the_standard_library(size: int) -> None:
    data = bytes(index % 251 for index in range(size))
    assert b64encode(data) == base64.b64encode(data).decode("ascii")
