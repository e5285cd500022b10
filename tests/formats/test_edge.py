from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler
from tests.utils import load_event
from tests.utils import make_app
from tests.utils import validated_echo_app


def environ_of(event: dict[str, Any], **options: Any) -> dict[str, Any]:
    handler = make_lambda_handler(validated_echo_app, **options)
    result = handler(event, None)
    body = result["body"]
    if result["bodyEncoding"] == "base64":
        body = base64.b64decode(body).decode()
    payload: dict[str, Any] = json.loads(body)
    return payload


def edge_event() -> dict[str, Any]:
    return load_event("aws-lambda-java-libs/cloudfront_event.json")


def origin_request_event() -> dict[str, Any]:
    event = edge_event()
    cf = event["Records"][0]["cf"]
    cf["config"].update(
        distributionDomainName="d111111abcdef8.cloudfront.net",
        eventType="origin-request",
        requestId="4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
    )
    cf["request"].update(
        method="POST",
        querystring="a=1&b=%20",
        body={
            "inputTruncated": False,
            "action": "read-only",
            "encoding": "base64",
            "data": base64.b64encode(b"name=Zo%C3%AB").decode(),
        },
    )
    return event


class TestEdgeEnviron:
    def test_environ_field_by_field(self) -> None:
        assert environ_of(origin_request_event()) == {
            "CONTENT_LENGTH": "13",
            "HTTP_HOST": "d123.cf.net",
            "HTTP_USER_AGENT": "Test Agent",
            "HTTP_USER_NAME": "aws-cloudfront",
            "PATH_INFO": "/test",
            "QUERY_STRING": "a=1&b=%20",
            "REMOTE_ADDR": "2001:cdba::3257:9652",
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "d123.cf.net",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": "name=Zo%C3%AB",
            "wsgi.url_scheme": "https",
        }

    def test_request_context_is_config(self) -> None:
        seen = {}

        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            seen.update(environ)
            start_response("200 OK", [])
            return []

        event = origin_request_event()
        make_lambda_handler(app)(event, None)
        assert seen[environ_keys.EVENT_FORMAT] == "edge"
        assert seen[environ_keys.REQUEST_CONTEXT] is event["Records"][0]["cf"]["config"]

    def test_text_body(self) -> None:
        event = origin_request_event()
        event["Records"][0]["cf"]["request"]["body"].update(encoding="text", data="hi")
        assert environ_of(event)["body"] == "hi"

    def test_truncated_body_is_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        event = origin_request_event()
        event["Records"][0]["cf"]["request"]["body"]["inputTruncated"] = True
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            environ_of(event)
        assert [record.getMessage() for record in caplog.records] == [
            "CloudFront truncated the request body before it reached Lambda@Edge "
            "(inputTruncated is true); the application sees only the first 20 "
            "characters of it."
        ]

    def test_host_missing_uses_distribution_domain(self) -> None:
        event = origin_request_event()
        del event["Records"][0]["cf"]["request"]["headers"]["host"]
        assert environ_of(event)["SERVER_NAME"] == "d111111abcdef8.cloudfront.net"

    def test_header_entry_without_key_uses_lower_name(self) -> None:
        event = edge_event()
        event["Records"][0]["cf"]["request"]["headers"]["x-thing"] = [{"value": "v"}]
        assert environ_of(event)["HTTP_X_THING"] == "v"

    def test_more_than_one_record(self) -> None:
        event = edge_event()
        event["Records"].append(event["Records"][0])
        with pytest.raises(ValueError, match="Expected exactly one record"):
            environ_of(event)

    def test_fixed_script_name(self) -> None:
        environ = environ_of(edge_event(), script_name="/test")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/test", "")


class TestEdgeResponse:
    def test_whole_response(self) -> None:
        app = make_app(
            "302 Found",
            [
                ("Location", "https://example.com/"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("Content-Type", "text/plain"),
            ],
            b"moved",
        )
        assert make_lambda_handler(app)(edge_event(), None) == {
            "status": "302",
            "statusDescription": "Found",
            "headers": {
                "location": [{"key": "Location", "value": "https://example.com/"}],
                "set-cookie": [
                    {"key": "Set-Cookie", "value": "a=1"},
                    {"key": "Set-Cookie", "value": "b=2"},
                ],
                "content-type": [{"key": "Content-Type", "value": "text/plain"}],
            },
            "body": "moved",
            "bodyEncoding": "text",
        }

    def test_binary_body(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")], b"\x89PNG")
        result = make_lambda_handler(app)(edge_event(), None)
        assert (result["body"], result["bodyEncoding"]) == ("iVBORw==", "base64")

    def test_forbidden_headers_are_dropped_with_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = make_app(
            "200 OK",
            [
                ("Content-Type", "text/plain"),
                ("Connection", "keep-alive"),
                ("Transfer-Encoding", "chunked"),
                ("X-Amz-Cf-Pop", "x"),
                ("Via", "1.1 proxy"),
            ],
            b"ok",
        )
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            result = make_lambda_handler(app)(edge_event(), None)
        assert result["headers"] == {
            "content-type": [{"key": "Content-Type", "value": "text/plain"}]
        }
        assert [record.getMessage() for record in caplog.records] == [
            "Lambda@Edge responses may not set the headers Connection, "
            "Transfer-Encoding, X-Amz-Cf-Pop, Via; they were left out."
        ]
