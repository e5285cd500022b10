from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler
from tests.utils import apig_environ
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
        event = origin_request_event()
        assert apig_environ(event) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["Records"][0]["cf"]["config"],
            environ_keys.CONTEXT: None,
            environ_keys.EVENT_FORMAT: "edge",
            environ_keys.MULTI_VALUE_HEADERS: True,
        }

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
        with pytest.raises(InvalidEventError) as excinfo:
            environ_of(event)
        assert str(excinfo.value) == (
            "Expected exactly one record in a Lambda@Edge event, got 2."
        )

    def test_fixed_script_name(self) -> None:
        environ = environ_of(edge_event(), script_name="/test")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/test", "")


FORBIDDEN_HEADERS_APP = make_app(
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
        assert make_lambda_handler(app)(edge_event(), None) == {
            "status": "200",
            "statusDescription": "OK",
            "headers": {
                "content-type": [{"key": "Content-Type", "value": "image/png"}]
            },
            "body": "iVBORw==",
            "bodyEncoding": "base64",
        }

    def test_forbidden_headers_are_dropped(self) -> None:
        assert make_lambda_handler(FORBIDDEN_HEADERS_APP)(edge_event(), None) == {
            "status": "200",
            "statusDescription": "OK",
            "headers": {
                "content-type": [{"key": "Content-Type", "value": "text/plain"}]
            },
            "body": "ok",
            "bodyEncoding": "text",
        }

    def test_forbidden_headers_dropped_are_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            make_lambda_handler(FORBIDDEN_HEADERS_APP)(edge_event(), None)
        assert [record.getMessage() for record in caplog.records] == [
            "Lambda@Edge responses may not set the headers Connection, "
            "Transfer-Encoding, X-Amz-Cf-Pop, Via; they were left out."
        ]
