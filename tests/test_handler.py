from __future__ import annotations

import json
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from apig_wsgi.handler import detect_format
from tests.utils import FakeContext
from tests.utils import load_event
from tests.utils import validated_echo_app

handler = make_lambda_handler(validated_echo_app)


def run(event: Any) -> dict[str, Any]:
    result = handler(event, FakeContext())
    payload: dict[str, Any] = json.loads(result["body"])
    return payload


class TestDetectFormat:
    @pytest.mark.parametrize(
        ("sample", "expected"),
        [
            ("aws-lambda-go/apigw-request.json", "rest"),
            ("powertools-python/apiGatewayProxyEventAnotherPath.json", "http-v1"),
            ("aws-lambda-go/apigw-v2-request-no-authorizer.json", "http-v2"),
            ("aws-lambda-go/lambda-urls-request.json", "http-v2"),
            ("powertools-python/albEvent.json", "alb"),
            ("powertools-python/albMultiValueHeadersEvent.json", "alb"),
            ("powertools-python/vpcLatticeEvent.json", "lattice-v1"),
            ("powertools-python/vpcLatticeV2EventWithHeaders.json", "lattice-v2"),
            ("aws-lambda-java-libs/cloudfront_event.json", "edge"),
            ("aws-lambda-dotnet/missing-resource-request.json", "rest"),
        ],
    )
    def test_detect_format_of_sample(self, sample: str, expected: str) -> None:
        assert detect_format(load_event(sample)) == expected

    def test_detect_format_integer_version_is_payload_1(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-httpapi-request.json")
        assert event["version"] == 2
        assert detect_format(event) == "http-v1"


class TestUnknownEvents:
    def test_not_a_dict(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler(["GET", "/"], None)  # type: ignore[arg-type]
        assert str(excinfo.value) == "Expected the event to be a JSON object, got list."

    def test_is_a_value_error(self) -> None:
        assert issubclass(InvalidEventError, ValueError)

    def test_scheduled_event(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None)
        assert str(excinfo.value) == (
            "Unknown event format with 'source', 'detail-type': not an event from "
            "API Gateway, a Function URL, an ALB, VPC Lattice or Lambda@Edge."
        )

    def test_empty_event(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({}, None)
        assert "with no keys" in str(excinfo.value)

    def test_raw_path_with_wrong_version(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"rawPath": "/", "version": "3.0"}, None)
        assert str(excinfo.value) == (
            "Unknown version '3.0' for an event with rawPath; expected '2.0' "
            "(HTTP API payload 2.0 or a Function URL)."
        )

    def test_sqs_records(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"Records": [{"eventSource": "aws:sqs"}]}, None)
        assert str(excinfo.value) == (
            "The event has Records but is not a CloudFront Lambda@Edge request "
            "(no Records[0].cf.request); only HTTP events can be handled."
        )

    @pytest.mark.parametrize(
        "records", [[], None, ["x"], [{"cf": None}], [{"cf": {"config": {}}}]]
    )
    def test_records_without_cloudfront_request(self, records: Any) -> None:
        with pytest.raises(InvalidEventError, match="not a CloudFront"):
            handler({"Records": records}, None)

    def test_lattice_with_wrong_version(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"method": "GET", "path": "/"}, None)
        assert str(excinfo.value) == (
            "Unknown version None for a VPC Lattice event; expected '2.0'."
        )

    def test_method_alone(self) -> None:
        with pytest.raises(InvalidEventError, match="Unknown event format"):
            handler({"method": "GET"}, None)


class TestMalformedEvents:
    def test_missing_path(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET"}, None)
        assert str(excinfo.value) == "Malformed rest event: missing key 'path'"

    def test_missing_request_context_http(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"version": "2.0", "rawPath": "/", "requestContext": {}}, None)
        assert str(excinfo.value) == "Malformed http-v2 event: missing key 'http'"

    def test_null_request_context(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"version": "2.0", "rawPath": "/", "requestContext": None}, None)
        assert str(excinfo.value) == "Malformed http-v2 event: missing key 'http'"

    def test_method_of_wrong_type(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": 1, "path": "/"}, None)
        assert str(excinfo.value) == "Expected httpMethod to be a string, got int: 1"

    def test_headers_of_wrong_type(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET", "path": "/", "headers": ["a"]}, None)
        assert str(excinfo.value) == (
            "Expected headers to be an object or null, got list: ['a']"
        )

    def test_header_value_of_wrong_type(self) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            handler({"httpMethod": "GET", "path": "/", "headers": {"A": 1}}, None)
        assert str(excinfo.value) == (
            "Header 'A' has a value of type int, expected a string: 1"
        )

    def test_multi_value_header_not_a_list(self) -> None:
        event = {"httpMethod": "GET", "path": "/", "multiValueHeaders": {"A": 1}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected the values of 'A' to be a list, got int: 1"
        )

    def test_query_value_of_wrong_type(self) -> None:
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

    def test_bad_base64_body(self) -> None:
        event = load_event("aws-lambda-dotnet/alb-request-single-value.json")
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "The body is marked as base64 but does not decode: Only base64 data "
            "is allowed"
        )

    def test_body_of_wrong_type(self) -> None:
        event = {"httpMethod": "POST", "path": "/", "body": {"a": 1}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Expected body to be a string or null, got dict: {'a': 1}"
        )

    def test_type_error_is_wrapped(self) -> None:
        event = {"httpMethod": "GET", "path": "/", "requestContext": {"path": 3}}
        # A wrong-typed value deep inside is still reported as this one error.
        assert run(event)["PATH_INFO"] == "/"
        bad = {"version": "2.0", "rawPath": "/", "requestContext": {"http": {}}}
        with pytest.raises(InvalidEventError) as excinfo:
            handler(bad, None)
        assert str(excinfo.value) == "Malformed http-v2 event: missing key 'method'"

    def test_non_key_error_is_described(self) -> None:
        event = {
            "version": "2.0",
            "rawPath": "/",
            "requestContext": {"http": {"method": "GET"}, "domainName": 5},
        }
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == (
            "Malformed http-v2 event: argument of type 'int' is not iterable"
        ) or str(excinfo.value).startswith("Malformed http-v2 event: ")
        assert isinstance(excinfo.value.__cause__, TypeError)


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
        handler = make_lambda_handler(
            validated_echo_app,
            binary_support=True,
            non_binary_content_type_prefixes=(p for p in ["application/json"]),
        )
        event = load_event("aws-lambda-go/apigw-request.json")
        assert handler(event, None)["isBase64Encoded"] is False

    def test_script_name_relative(self) -> None:
        with pytest.raises(ValueError, match=r"script_name 'api' must start with '/'"):
            make_lambda_handler(validated_echo_app, script_name="api")
