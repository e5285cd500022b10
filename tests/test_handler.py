from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from apig_wsgi.errors import FailureStatusError
from apig_wsgi.handler import LambdaHandler
from tests.utils import front_event
from tests.utils import load_event
from tests.utils import make_app
from tests.utils import validated_echo_app

NOT_HTTP = (
    "not an event from API Gateway, a Function URL, an ALB, VPC Lattice or "
    "Lambda@Edge. Pass non_http_handler to handle other events."
)
HTTP_V2_EVENT = "aws-lambda-go/apigw-v2-request-no-authorizer.json"


@pytest.fixture
def handler() -> LambdaHandler:
    return make_lambda_handler(validated_echo_app)


def non_http(event: Any, context: Any) -> dict[str, Any]:
    return {"handled": event, "context": context}


@pytest.fixture
def routing_handler() -> LambdaHandler:
    return make_lambda_handler(validated_echo_app, non_http_handler=non_http)


def failing_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise ZeroDivisionError("division by zero in the view")


def test_invalid_event_error_is_a_value_error() -> None:
    assert issubclass(InvalidEventError, ValueError)


class TestUnknownEvents:
    def test_not_a_dict(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler(["GET", "/"], None)  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "Expected the event to be a JSON object, got list. Pass "
            "non_http_handler to handle direct invocations."
        )

    def test_scheduled_event(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None)
        assert str(excinfo.value) == (
            f"Unknown event format with 'source', 'detail-type': {NOT_HTTP}"
        )

    def test_empty_event(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({}, None)
        assert str(excinfo.value) == f"Unknown event format with no keys: {NOT_HTTP}"

    def test_raw_path_with_wrong_version(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"rawPath": "/", "version": "3.0"}, None)
        assert str(excinfo.value) == (
            "Unknown version '3.0' for an HTTP API or Function URL event; "
            "expected '2.0' (payload format 2.0)."
        )

    def test_a_huge_version_is_quoted_short(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"rawPath": "/", "version": "9" * 5_000_000}, None)
        assert str(excinfo.value) == (
            f"Unknown version '{'9' * 59} for an HTTP API or Function URL event; "
            "expected '2.0' (payload format 2.0)."
        )

    @pytest.mark.parametrize("records", [[{"eventSource": "aws:sqs"}], [], None, ["x"]])
    def test_records_of_other_services(
        self, handler: LambdaHandler, records: Any
    ) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"Records": records}, None)
        assert str(excinfo.value) == f"Unknown event format with 'Records': {NOT_HTTP}"

    @pytest.mark.parametrize("cf", [None, {"config": {}}])
    def test_cloudfront_records_without_request(
        self, handler: LambdaHandler, cf: Any
    ) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"Records": [{"cf": cf}]}, None)
        assert str(excinfo.value) == (
            "The event is from CloudFront but is not a Lambda@Edge request "
            "(no Records[0].cf.request): only viewer-request and origin-request "
            "triggers can be handled."
        )

    def test_lattice_with_wrong_version(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"method": "GET", "path": "/"}, None)
        assert str(excinfo.value) == (
            "Unknown version None for a VPC Lattice event; expected '2.0', or "
            "raw_path for version 1."
        )

    def test_method_alone(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"method": "GET"}, None)
        assert str(excinfo.value) == f"Unknown event format with 'method': {NOT_HTTP}"


class TestMalformedEvents:
    def test_missing_path(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET"}, None)
        assert str(excinfo.value) == "Malformed rest event: missing key 'path'"

    def test_missing_request_context_http(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"version": "2.0", "rawPath": "/", "requestContext": {}}, None)
        assert str(excinfo.value) == "Malformed http-v2 event: missing key 'http'"

    def test_null_request_context(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"version": "2.0", "rawPath": "/", "requestContext": None}, None)
        assert str(excinfo.value) == (
            "Expected requestContext to be an object, got NoneType: None"
        )

    def test_method_of_wrong_type(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": 1, "path": "/"}, None)
        assert str(excinfo.value) == (
            "Expected httpMethod to be an HTTP method, got int: 1"
        )

    def test_headers_of_wrong_type(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET", "path": "/", "headers": ["a"]}, None)
        assert str(excinfo.value) == (
            "Expected headers to be an object or null, got list: ['a']"
        )

    def test_header_value_of_wrong_type(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET", "path": "/", "headers": {"A": 1}}, None)
        assert str(excinfo.value) == (
            "Header 'A' has a value of type int, expected a string: 1"
        )

    def test_multi_value_header_not_a_list(self, handler: LambdaHandler) -> None:
        event = {"httpMethod": "GET", "path": "/", "multiValueHeaders": {"A": 1}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected the values of 'A' to be a list, got int: 1"
        )

    def test_query_value_of_wrong_type(self, handler: LambdaHandler) -> None:
        event = {
            "httpMethod": "GET",
            "path": "/",
            "multiValueQueryStringParameters": "None",
        }
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected multiValueQueryStringParameters to be an object or null, "
            "got str: 'None'"
        )

    def test_bad_base64_body(self, handler: LambdaHandler) -> None:
        event = load_event("aws-lambda-dotnet/alb-request-single-value.json")
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        # The rest of the message is binascii's, which varies by Python version.
        assert str(excinfo.value).startswith(
            "The body is marked as base64 but does not decode: "
        )

    def test_body_of_wrong_type(self, handler: LambdaHandler) -> None:
        event = {"httpMethod": "POST", "path": "/", "body": {"a": 1}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected body to be a string or null, got dict: {'a': 1}"
        )

    def test_missing_nested_key_is_named(self, handler: LambdaHandler) -> None:
        bad = {"version": "2.0", "rawPath": "/", "requestContext": {"http": {}}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(bad, None)
        assert str(excinfo.value) == "Malformed http-v2 event: missing key 'method'"

    def test_domain_name_of_wrong_type(self, handler: LambdaHandler) -> None:
        event = {
            "version": "2.0",
            "rawPath": "/",
            "requestContext": {"http": {"method": "GET"}, "domainName": {"a": 1}},
        }
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected requestContext.domainName to be a string, got dict: {'a': 1}"
        )


class TestOptions:
    def test_binary_support_wrong_type(self) -> None:
        with pytest.raises(TypeError) as excinfo:
            make_lambda_handler(validated_echo_app, binary_support="yes")  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "binary_support must be True, False or None, not 'yes'. Use None to "
            "keep the default for each event format."
        )

    def test_prefixes_as_string(self) -> None:
        with pytest.raises(TypeError) as excinfo:
            make_lambda_handler(
                validated_echo_app, non_binary_content_type_prefixes="text/"
            )
        assert str(excinfo.value) == (
            "non_binary_content_type_prefixes must be a list or tuple of strings, "
            "not 'text/'. Wrap a single prefix in a list, e.g. [\"text/\"]."
        )

    def test_prefixes_generator_is_accepted(self) -> None:
        # With binary support on, only the generator's prefix keeps JSON text.
        handler = make_lambda_handler(
            validated_echo_app,
            binary_support=True,
            non_binary_content_type_prefixes=(p for p in ["application/json"]),
        )
        event = load_event("aws-lambda-go/apigw-request.json")
        assert handler(event, None)["isBase64Encoded"] is False

    def test_script_name_relative(self) -> None:
        with pytest.raises(ValueError) as excinfo:
            make_lambda_handler(validated_echo_app, script_name="api")
        assert str(excinfo.value) == (
            "script_name 'api' must start with '/' and not end with '/'. Write the "
            "base path as '/api', or use 'auto' for the stage."
        )


WARMUP_EVENT = {"source": "serverless-plugin-warmup"}
SCHEDULED_EVENT = {
    "version": "0",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "detail": {},
}


class TestNonHttpHandler:
    @pytest.mark.parametrize(
        "event",
        [
            WARMUP_EVENT,
            SCHEDULED_EVENT,
            {"Records": [{"eventSource": "aws:sqs"}]},
            "ping",
        ],
    )
    def test_non_http_events_are_routed(
        self, routing_handler: LambdaHandler, event: Any
    ) -> None:
        assert routing_handler(event, "ctx") == {"handled": event, "context": "ctx"}

    def test_http_events_still_reach_the_app(
        self, routing_handler: LambdaHandler, handler: LambdaHandler
    ) -> None:
        event = load_event("aws-lambda-go/apigw-request.json")
        assert routing_handler(event, None) == handler(event, None)

    def test_malformed_http_events_are_not_routed(
        self, routing_handler: LambdaHandler
    ) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            routing_handler({"rawPath": "/", "version": "3.0"}, None)
        assert str(excinfo.value) == (
            "Unknown version '3.0' for an HTTP API or Function URL event; "
            "expected '2.0' (payload format 2.0)."
        )

    @pytest.mark.parametrize(
        ("front", "missing", "name"),
        [
            ("rest", "httpMethod", "rest"),
            ("rest", "path", "rest"),
            ("http-v1", "httpMethod", "http-v1"),
            ("alb", "httpMethod", "alb"),
            ("alb-multi", "path", "alb"),
            ("http-v2", "rawPath", "http-v2"),
            ("function-url", "rawPath", "function-url"),
            ("lattice-v1", "method", "lattice-v1"),
            ("lattice-v1", "raw_path", "lattice-v1"),
            ("lattice-v2", "method", "lattice-v2"),
            ("lattice-v2", "path", "lattice-v2"),
        ],
    )
    def test_an_event_of_a_front_missing_a_key_is_malformed(
        self, routing_handler: LambdaHandler, front: str, missing: str, name: str
    ) -> None:
        event = front_event(front)
        del event[missing]
        with pytest.raises(InvalidEventError) as excinfo:
            routing_handler(event, None)
        assert str(excinfo.value) == f"Malformed {name} event: missing key {missing!r}"

    @pytest.mark.parametrize(
        "event",
        [
            # API Gateway authorizers: REST TOKEN and REQUEST, HTTP API REQUEST.
            {"type": "TOKEN", "methodArn": "arn:x", "authorizationToken": "t"},
            {
                "type": "REQUEST",
                "methodArn": "arn:x",
                "httpMethod": "GET",
                "path": "/",
                "requestContext": {"resourcePath": "/"},
            },
            {"version": "2.0", "type": "REQUEST", "routeArn": "arn:x", "rawPath": "/"},
            # A WebSocket API's message.
            {
                "requestContext": {
                    "routeKey": "$default",
                    "eventType": "MESSAGE",
                    "connectionId": "abc=",
                    "resourcePath": "/",
                },
                "body": "hi",
            },
            # A direct invocation that happens to name a method.
            {"method": "add", "params": [1, 2]},
        ],
    )
    def test_other_events_with_http_like_keys_are_routed(
        self, routing_handler: LambdaHandler, event: Any
    ) -> None:
        assert routing_handler(event, "ctx") == {"handled": event, "context": "ctx"}

    def test_import_path(self) -> None:
        handler = make_lambda_handler(
            validated_echo_app, non_http_handler="tests.test_handler:non_http"
        )
        assert handler(WARMUP_EVENT, "ctx") == {
            "handled": WARMUP_EVENT,
            "context": "ctx",
        }

    def test_off_by_default(self, handler: LambdaHandler) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler(WARMUP_EVENT, None)
        assert str(excinfo.value) == f"Unknown event format with 'source': {NOT_HTTP}"


class TestCatchExceptions:
    def test_off_propagates(self) -> None:
        handler = make_lambda_handler(failing_app)
        with pytest.raises(ZeroDivisionError):
            handler(load_event("aws-lambda-go/apigw-request.json"), None)

    def test_on_gives_500(self) -> None:
        handler = make_lambda_handler(failing_app, catch_exceptions=True)
        assert handler(load_event(HTTP_V2_EVENT), None) == {
            "statusCode": 500,
            "headers": {"content-type": "text/plain; charset=utf-8"},
            "cookies": [],
            "body": "Internal Server Error",
            "isBase64Encoded": False,
        }

    def test_on_logs_the_traceback(self, caplog: pytest.LogCaptureFixture) -> None:
        handler = make_lambda_handler(failing_app, catch_exceptions=True)
        with caplog.at_level(logging.ERROR, logger="apig_wsgi"):
            handler(load_event(HTTP_V2_EVENT), None)
        [record] = caplog.records
        assert record.getMessage() == (
            "Exception in the WSGI application for GET /; sent a 500 response."
        )
        assert record.exc_info is not None
        assert record.exc_info[0] is ZeroDivisionError


class TestFailureStatusCodes:
    def test_listed_status_fails_the_invocation(self) -> None:
        app = make_app(
            "503 Service Unavailable", [("Content-Type", "text/plain")], b"down"
        )
        handler = make_lambda_handler(app, failure_status_codes=range(500, 600))
        with pytest.raises(FailureStatusError) as excinfo:
            handler(load_event(HTTP_V2_EVENT), None)
        assert str(excinfo.value) == (
            "The application answered 503 Service Unavailable to GET /; that "
            "status is in failure_status_codes, so the invocation fails."
        )

    def test_failure_carries_the_status_and_the_result(self) -> None:
        app = make_app(
            "503 Service Unavailable", [("Content-Type", "text/plain")], b"down"
        )
        handler = make_lambda_handler(app, failure_status_codes=[503])
        with pytest.raises(FailureStatusError) as excinfo:
            handler(load_event(HTTP_V2_EVENT), None)
        assert (excinfo.value.status_code, excinfo.value.result) == (
            503,
            {
                "statusCode": 503,
                "headers": {"content-type": "text/plain"},
                "cookies": [],
                "body": "down",
                "isBase64Encoded": False,
            },
        )

    def test_other_status_is_returned(self) -> None:
        app = make_app("404 Not Found", [("Content-Type", "text/plain")], b"nope")
        handler = make_lambda_handler(app, failure_status_codes=[500])
        assert handler(load_event(HTTP_V2_EVENT), None) == {
            "statusCode": 404,
            "headers": {"content-type": "text/plain"},
            "cookies": [],
            "body": "nope",
            "isBase64Encoded": False,
        }

    def test_caught_exception_500_fails_the_invocation(self) -> None:
        handler = make_lambda_handler(
            failing_app, catch_exceptions=True, failure_status_codes=[500]
        )
        with pytest.raises(FailureStatusError) as excinfo:
            handler(load_event(HTTP_V2_EVENT), None)
        assert str(excinfo.value) == (
            "The application answered 500 Internal Server Error to GET /; that "
            "status is in failure_status_codes, so the invocation fails."
        )


def alb_event(forwarded_for: str) -> dict[str, Any]:
    event = load_event("powertools-python/albEvent.json")
    event["headers"]["x-forwarded-for"] = forwarded_for
    return event


def remote_addr(event: dict[str, Any], trusted_proxies: int) -> str:
    handler = make_lambda_handler(validated_echo_app, trusted_proxies=trusted_proxies)
    address: str = json.loads(handler(event, None)["body"])["REMOTE_ADDR"]
    return address


class TestTrustedProxies:
    def test_default_is_aws_observed_address(self) -> None:
        event = alb_event("6.6.6.6, 198.51.100.7, 203.0.113.1")
        assert remote_addr(event, 0) == "203.0.113.1"

    def test_alb_behind_cloudfront(self) -> None:
        event = alb_event("6.6.6.6, 198.51.100.7, 203.0.113.1")
        assert remote_addr(event, 1) == "198.51.100.7"

    def test_two_proxies(self) -> None:
        event = alb_event("6.6.6.6, 198.51.100.7, 203.0.113.1")
        assert remote_addr(event, 2) == "6.6.6.6"

    def test_rest_observed_address_not_last(self) -> None:
        # Edge-optimised REST APIs: AWS's own CloudFront hop comes after sourceIp.
        event = load_event("aws-lambda-dotnet/rawtarget-escaped-reserved-in-query.json")
        event["headers"]["X-Forwarded-For"] = "192.0.2.5, 50.35.77.7, 52.46.17.45"
        event["multiValueHeaders"] = None
        assert remote_addr(event, 1) == "192.0.2.5"

    def test_http_v2_observed_address_not_in_header(self) -> None:
        event = load_event(HTTP_V2_EVENT)
        event["headers"]["x-forwarded-for"] = "192.0.2.5"
        event["requestContext"]["http"]["sourceIp"] = "198.51.100.7"
        assert remote_addr(event, 1) == "192.0.2.5"

    def test_too_few_entries_keeps_observed(self) -> None:
        assert remote_addr(alb_event("203.0.113.1"), 1) == "203.0.113.1"

    def test_too_few_entries_warns(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            remote_addr(alb_event("203.0.113.1"), 1)
        assert [record.getMessage() for record in caplog.records] == [
            "trusted_proxies is 1 but X-Forwarded-For '203.0.113.1' has no entry "
            "that far left of the address AWS observed; using 203.0.113.1. Check "
            "the number of proxies in front of AWS."
        ]

    def test_empty_entry_is_not_trusted(self) -> None:
        assert remote_addr(alb_event(", 203.0.113.1"), 1) == "203.0.113.1"

    def test_edge_client_ip_is_kept(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        assert remote_addr(event, 1) == "2001:cdba::3257:9652"
