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


class TestSizeLimits:
    def test_binary_just_under_lambda_limit_passes(self) -> None:
        # base64 turns 3 bytes into 4; leave room for the rest of the JSON.
        body = b"\0" * ((LAMBDA_RESPONSE_LIMIT - 1000) // 4 * 3)
        result = handler_for(body, "application/octet-stream")(V2_EVENT, None)
        assert result["statusCode"] == 200
        assert base64.b64decode(result["body"]) == body

    def test_binary_over_lambda_limit_gives_500(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        body = b"\0" * (LAMBDA_RESPONSE_LIMIT // 4 * 3 + 3)
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            result = handler_for(body, "application/octet-stream")(V2_EVENT, None)
        assert result == {
            "statusCode": 500,
            "headers": {"content-type": "text/plain; charset=utf-8"},
            "cookies": [],
            "body": "Internal Server Error: the response is too large for AWS Lambda.",
            "isBase64Encoded": False,
        }
        [record] = caplog.records
        assert record.getMessage().startswith("The http-v2 response is ")
        assert record.getMessage().endswith(
            f"bytes of JSON, over the {LAMBDA_RESPONSE_LIMIT}-byte limit AWS "
            "accepts; sent a 500 Internal Server Error response instead."
        )

    def test_text_with_escapes_over_limit_is_caught(self) -> None:
        # 4 MB of quotes double to 8 MB once JSON escapes them.
        result = handler_for(b'"' * (4 * 1024 * 1024))(V2_EVENT, None)
        assert result["statusCode"] == 500

    def test_ascii_text_under_limit_is_sent(self) -> None:
        body = b"a" * (3 * 1024 * 1024)
        result = handler_for(body)(V2_EVENT, None)
        assert (result["statusCode"], len(result["body"])) == (200, len(body))

    def test_non_ascii_text_is_measured_escaped(self) -> None:
        # Most runtimes send each "é" as the six characters \u00e9.
        body = "é".encode() * (1024 * 1024)
        result = handler_for(body)(V2_EVENT, None)
        assert result["statusCode"] == 500

    def test_non_ascii_text_is_measured_as_utf8_on_python312(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")
        body = "é".encode() * (1024 * 1024)
        result = handler_for(body)(V2_EVENT, None)
        assert result["statusCode"] == 200

    def test_alb_limit_is_one_megabyte(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            result = handler_for(b"x" * ALB_RESPONSE_LIMIT)(ALB_EVENT, None)
        assert result["statusCode"] == 500
        assert result["statusDescription"] == "500 Internal Server Error"
        assert f"over the {ALB_RESPONSE_LIMIT}-byte limit" in caplog.text

    def test_edge_viewer_limit(self) -> None:
        result = handler_for(b"x" * 50 * 1024)(EDGE_EVENT, None)
        assert result["status"] == "500"

    def test_edge_origin_limit_is_larger(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["config"]["eventType"] = "origin-request"
        result = handler_for(b"x" * 50 * 1024)(event, None)
        assert result["status"] == "200"


def result_of(event: dict[str, Any], app: Any) -> dict[str, Any]:
    result: dict[str, Any] = make_lambda_handler(app, binary_support=True)(event, None)
    return result


def text_app(
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Any:
    return make_app(status, [("Content-Type", "text/plain"), *(headers or [])], body)


TOO_LARGE_BODY = "Internal Server Error: the response is too large for AWS Lambda."


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
        assert result_of(ALB_EVENT, app) == {
            "statusCode": 500,
            "statusDescription": "500 Internal Server Error",
            "headers": {"Content-Type": "text/plain; charset=utf-8"},
            "body": TOO_LARGE_BODY,
            "isBase64Encoded": False,
        }

    def test_a_long_status_line_counts(self) -> None:
        app = text_app(status="200 " + "k" * 1_100_000, body=b"small")
        assert result_of(ALB_EVENT, app)["statusCode"] == 500

    def test_many_cookies_count(self) -> None:
        cookies = [("Set-Cookie", f"c{index}={'v' * 4000}") for index in range(1600)]
        assert result_of(V2_EVENT, text_app(headers=cookies))["statusCode"] == 500

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


@pytest.mark.parametrize("front", sorted(FRONT_SAMPLES))
def test_every_front_answers_an_oversized_result_with_a_logged_500(
    front: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = text_app(headers=[("X-Large", "a" * 7_000_000)], body=b"small")
    with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
        result = result_of(front_event(front), app)
    body = result["body"]
    if result.get("bodyEncoding") == "base64" or result.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    assert body == TOO_LARGE_BODY
    assert result.get("statusCode", result.get("status")) in (500, "500")
    [record] = caplog.records
    assert record.getMessage().endswith(
        "-byte limit AWS accepts; sent a 500 Internal Server Error response instead."
    )


@pytest.mark.parametrize("size", [0, 1, 2, 196_607, 196_608, 196_609, 589_826])
def test_b64encode_in_pieces_matches_the_standard_library(size: int) -> None:
    data = bytes(index % 251 for index in range(size))
    assert b64encode(data) == base64.b64encode(data).decode("ascii")
