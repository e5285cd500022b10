from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.results import ALB_RESPONSE_LIMIT
from apig_wsgi.results import LAMBDA_RESPONSE_LIMIT
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
