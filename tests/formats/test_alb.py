from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler
from tests.utils import apig_environ
from tests.utils import load_event
from tests.utils import make_app
from tests.utils import validated_echo_app


def environ_of(event: dict[str, Any], **options: Any) -> dict[str, Any]:
    handler = make_lambda_handler(validated_echo_app, **options)
    result: dict[str, Any] = json.loads(handler(event, None)["body"])
    return result


COOKIE_APP = make_app(
    "200 OK",
    [
        ("Content-Type", "text/plain"),
        ("Set-Cookie", "a=1"),
        ("Cache-Control", "no-cache"),
        ("Set-Cookie", "b=2"),
        ("cache-control", "private"),
    ],
    b"ok",
)


class TestAlbEnviron:
    def test_multi_value_environ_field_by_field(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/values-get-querystring-alb-mv-encoding-request.json"
        )
        assert environ_of(event) == {
            "CONTENT_LENGTH": "0",
            "CONTENT_TYPE": "application/json",
            "HTTP_ACCEPT": "text/html,application/xhtml+xml",
            "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.8",
            "HTTP_COOKIE": "cookies",
            "HTTP_HOST": "lambda-846800462-us-east-2.elb.amazonaws.com",
            "HTTP_USER_AGENT": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6)",
            "HTTP_X_AMZN_TRACE_ID": "Root=1-5bdb40ca-556d8b0c50dc66f0511bf520",
            "HTTP_X_FORWARDED_FOR": "72.21.198.66",
            "HTTP_X_FORWARDED_PORT": "443",
            "HTTP_X_FORWARDED_PROTO": "https",
            "PATH_INFO": "/api/rawquerystring/json",
            # ALB passes the query on still encoded: it is not encoded again.
            "QUERY_STRING": (
                "url=http://www.gooogle.com&testDateTimeOffset="
                "2019-03-12T16%3A06%3A06.5498170%2B00%3A00"
            ),
            "REMOTE_ADDR": "72.21.198.66",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "lambda-846800462-us-east-2.elb.amazonaws.com",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": "",
            "wsgi.url_scheme": "https",
        }

    def test_single_value_query_not_encoded_again(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/values-get-querystring-alb-encoding-request.json"
        )
        query = "&".join(f"{k}={v}" for k, v in event["queryStringParameters"].items())
        assert environ_of(event)["QUERY_STRING"] == query

    def test_health_check_has_server_name_and_port(self) -> None:
        environ = environ_of(load_event("aws-lambda-dotnet/alb-healthcheck.json"))
        assert environ == {
            "CONTENT_LENGTH": "0",
            "HTTP_USER_AGENT": "ELB-HealthChecker/2.0",
            "PATH_INFO": "/api/values",
            "QUERY_STRING": "",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": "",
            "wsgi.url_scheme": "http",
        }

    def test_remote_addr_is_last_forwarded_hop(self) -> None:
        event = load_event("powertools-python/albEvent.json")
        event["headers"]["x-forwarded-for"] = "6.6.6.6, 203.0.113.9"
        assert environ_of(event)["REMOTE_ADDR"] == "203.0.113.9"

    def test_empty_last_hop_is_ignored(self) -> None:
        event = load_event("powertools-python/albEvent.json")
        event["headers"]["x-forwarded-for"] = "6.6.6.6, "
        assert environ_of(event)["REMOTE_ADDR"] == "127.0.0.1"

    def test_fixed_script_name(self) -> None:
        event = load_event("powertools-python/albEvent.json")
        event["path"] = "/app/lambda"
        environ = environ_of(event, script_name="/app")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/app", "/lambda")

    def test_auto_script_name_is_empty(self) -> None:
        environ = environ_of(
            load_event("powertools-python/albEvent.json"), script_name="auto"
        )
        assert environ["SCRIPT_NAME"] == ""

    @pytest.mark.parametrize(
        ("sample", "multi_value_headers"),
        [
            ("powertools-python/albEvent.json", False),
            ("powertools-python/albMultiValueHeadersEvent.json", True),
        ],
    )
    def test_apig_keys(self, sample: str, multi_value_headers: bool) -> None:
        event = load_event(sample)
        assert apig_environ(event) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["requestContext"],
            environ_keys.CONTEXT: None,
            environ_keys.EVENT_FORMAT: "alb",
            environ_keys.MULTI_VALUE_HEADERS: multi_value_headers,
        }


class TestAlbResponse:
    def test_multi_value_response(self) -> None:
        event = load_event("powertools-python/albMultiValueHeadersEvent.json")
        assert make_lambda_handler(COOKIE_APP)(event, None) == {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "multiValueHeaders": {
                "Content-Type": ["text/plain"],
                "Set-Cookie": ["a=1", "b=2"],
                "Cache-Control": ["no-cache"],
                "cache-control": ["private"],
            },
            "body": "ok",
            "isBase64Encoded": False,
        }

    def test_single_value_response_keeps_the_last_cookie(self) -> None:
        event = load_event("powertools-python/albEvent.json")
        assert make_lambda_handler(COOKIE_APP)(event, None) == {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "headers": {
                "Content-Type": "text/plain",
                "Set-Cookie": "b=2",
                "Cache-Control": "no-cache, private",
            },
            "body": "ok",
            "isBase64Encoded": False,
        }

    def test_single_value_response_warns_about_dropped_cookie(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = load_event("powertools-python/albEvent.json")
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            make_lambda_handler(COOKIE_APP)(event, None)
        assert [record.getMessage() for record in caplog.records] == [
            "ALB responses carry one Set-Cookie header only: dropped the cookies "
            "'a' and kept the last one. Turn on the target group attribute "
            "lambda.multi_value_headers.enabled to send them all."
        ]

    def test_binary_on_by_default(self) -> None:
        app = make_app("404 Not Found", [("Content-Type", "image/gif")], b"GIF89a")
        event = load_event("powertools-python/albEvent.json")
        assert make_lambda_handler(app)(event, None) == {
            "statusCode": 404,
            "statusDescription": "404 Not Found",
            "headers": {"Content-Type": "image/gif"},
            "body": "R0lGODlh",
            "isBase64Encoded": True,
        }
