from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from apig_wsgi import environ_keys
from apig_wsgi import make_lambda_handler
from tests.utils import FakeContext
from tests.utils import apig_environ
from tests.utils import load_event
from tests.utils import make_app
from tests.utils import validated_echo_app


def environ_of(event: dict[str, Any], **options: Any) -> dict[str, Any]:
    handler = make_lambda_handler(validated_echo_app, **options)
    result: dict[str, Any] = json.loads(handler(event, None)["body"])
    return result


def rest_event(**overrides: Any) -> dict[str, Any]:
    """A payload 1.0 sample as a REST API sends it: without a version key."""
    event = load_event("aws-lambda-java-libs/apigw_rest_event.json")
    del event["version"]
    event.update(overrides)
    return event


class TestRestEnviron:
    def test_sample_environ_field_by_field(self) -> None:
        assert environ_of(rest_event()) == {
            "CONTENT_LENGTH": "18",
            "HTTP_HEADER1": "value1",
            "HTTP_HEADER2": "value1,value2",
            "HTTP_HEADER3": "value1,value2",
            "PATH_INFO": "/my/path",
            "QUERY_STRING": "parameter1=value1&parameter2=value1&parameter2=value2",
            "REMOTE_ADDR": "IP",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "id.execute-api.us-east-1.amazonaws.com",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": "Hello from Lambda!",
            "wsgi.url_scheme": "https",
        }

    def test_apig_keys(self) -> None:
        event = rest_event()
        context = FakeContext()
        assert apig_environ(event, context) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["requestContext"],
            environ_keys.CONTEXT: context,
            environ_keys.EVENT_FORMAT: "rest",
            environ_keys.MULTI_VALUE_HEADERS: True,
        }

    def test_content_headers_are_not_http_keys(self) -> None:
        event = rest_event(
            multiValueHeaders={"Content-Type": ["text/plain"], "Content-Length": ["3"]},
            body="abc",
        )
        environ = environ_of(event)
        assert {key: environ[key] for key in environ if "CONTENT" in key} == {
            "CONTENT_LENGTH": "3",
            "CONTENT_TYPE": "text/plain",
        }

    def test_console_event_with_nulls(self) -> None:
        environ = environ_of(load_event("powertools-typescript/console-test-ui.json"))
        assert environ == {
            "CONTENT_LENGTH": "0",
            "PATH_INFO": "/no-auth",
            "QUERY_STRING": "",
            "REMOTE_ADDR": "test-invoke-source-ip",
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testPrefix.testDomainName",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": "",
            "wsgi.url_scheme": "https",
        }

    def test_single_value_headers_when_multi_value_is_null(self) -> None:
        event = rest_event(
            multiValueHeaders=None,
            headers={"Content-Type": "text/plain", "X-Thing": "a"},
        )
        environ = environ_of(event)
        assert environ["CONTENT_TYPE"] == "text/plain"
        assert environ["HTTP_X_THING"] == "a"

    def test_single_value_query_when_multi_value_is_null(self) -> None:
        event = rest_event(
            multiValueQueryStringParameters=None,
            queryStringParameters={"q": "a b&c", "x": "é"},
        )
        assert environ_of(event)["QUERY_STRING"] == "q=a+b%26c&x=%C3%A9"

    def test_remote_addr_ignores_client_forwarded_for(self) -> None:
        event = rest_event(
            multiValueHeaders={"X-Forwarded-For": ["6.6.6.6, 1.2.3.4"]},
        )
        event["requestContext"]["identity"]["sourceIp"] = "1.2.3.4"
        assert environ_of(event)["REMOTE_ADDR"] == "1.2.3.4"

    def test_remote_addr_falls_back_to_last_forwarded_hop(self) -> None:
        event = rest_event(multiValueHeaders={"X-Forwarded-For": ["6.6.6.6, 1.2.3.4"]})
        del event["requestContext"]["identity"]
        assert environ_of(event)["REMOTE_ADDR"] == "1.2.3.4"

    def test_remote_addr_default(self) -> None:
        event = rest_event(multiValueHeaders={})
        del event["requestContext"]["identity"]
        assert environ_of(event)["REMOTE_ADDR"] == "127.0.0.1"

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("/foo%20bar", "/foo bar"),
            ("/foo%2Fbar", "/foo/bar"),
            ("/foo%25bar", "/foo%bar"),
            ("api/values", "/api/values"),
            ("/caf%C3%A9", "/caf\u00c3\u00a9"),
            ("/café", "/caf\u00c3\u00a9"),
        ],
    )
    def test_path_info_is_decoded_to_latin_1(self, path: str, expected: str) -> None:
        assert environ_of(rest_event(path=path))["PATH_INFO"] == expected

    def test_header_value_utf8_carried_as_latin_1(self) -> None:
        event = rest_event(multiValueHeaders={"X-Name": ["Zoë"]})
        assert environ_of(event)["HTTP_X_NAME"] == "Zo\u00c3\u00ab"

    def test_base64_body(self) -> None:
        event = rest_event(
            body=base64.b64encode(b"\x00\xff binary").decode(), isBase64Encoded=True
        )
        environ = environ_of(event)
        assert environ["body"] == "\x00\xff binary"
        assert environ["CONTENT_LENGTH"] == "9"

    def test_host_with_port(self) -> None:
        event = rest_event(multiValueHeaders={"Host": ["example.com:8443"]})
        environ = environ_of(event)
        assert environ["SERVER_NAME"] == "example.com"
        assert environ["SERVER_PORT"] == "8443"

    def test_forwarded_port_wins_over_host_port(self) -> None:
        event = rest_event(
            multiValueHeaders={
                "Host": ["example.com:8443"],
                "X-Forwarded-Port": ["443"],
                "X-Forwarded-Proto": ["https"],
            }
        )
        environ = environ_of(event)
        assert (environ["SERVER_PORT"], environ["wsgi.url_scheme"]) == ("443", "https")

    def test_forwarded_proto_list(self) -> None:
        event = rest_event(
            multiValueHeaders={"X-Forwarded-Proto": ["http", "https"]},
        )
        environ = environ_of(event)
        assert (environ["wsgi.url_scheme"], environ["SERVER_PORT"]) == ("http", "80")

    def test_forwarded_proto_nonsense_keeps_default(self) -> None:
        event = rest_event(multiValueHeaders={"X-Forwarded-Proto": ["gopher"]})
        assert environ_of(event)["wsgi.url_scheme"] == "https"

    def test_forwarded_port_list(self) -> None:
        event = rest_event(multiValueHeaders={"X-Forwarded-Port": ["8080", "443"]})
        assert environ_of(event)["SERVER_PORT"] == "8080"

    def test_forwarded_port_nonsense_uses_scheme(self) -> None:
        event = rest_event(multiValueHeaders={"X-Forwarded-Port": ["x"]})
        assert environ_of(event)["SERVER_PORT"] == "443"

    def test_ipv6_host(self) -> None:
        event = rest_event(multiValueHeaders={"Host": ["[::1]"]})
        environ = environ_of(event)
        assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("[::1]", "443")

    def test_ipv6_host_with_port(self) -> None:
        event = rest_event(multiValueHeaders={"Host": ["[::1]:81"]})
        environ = environ_of(event)
        assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("[::1]", "81")


class TestRestScriptName:
    def test_auto_puts_stage_in_script_name(self) -> None:
        event = load_event("aws-lambda-dotnet/authtest-access-request.json")
        assert event["requestContext"]["path"] == "/Prod/api/authtest"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
            "/Prod",
            "/api/authtest",
        )

    def test_auto_at_root(self) -> None:
        event = rest_event(path="/")
        event["requestContext"]["path"] = "/Prod"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/Prod", "/")

    def test_auto_with_app_path_repeating_stage(self) -> None:
        event = rest_event(path="/Prod/x")
        event["requestContext"]["path"] = "/Prod/Prod/x"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/Prod", "/Prod/x")

    def test_auto_on_custom_domain_without_stage(self) -> None:
        event = rest_event(path="/pets")
        event["requestContext"]["path"] = "/pets"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("", "/pets")

    def test_default_leaves_script_name_empty(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-apigateway-request.json")
        assert environ_of(event)["SCRIPT_NAME"] == ""

    def test_fixed_base_path_is_stripped(self) -> None:
        environ = environ_of(rest_event(path="/api/pets/1"), script_name="/api")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/api", "/pets/1")

    def test_fixed_base_path_alone(self) -> None:
        environ = environ_of(rest_event(path="/api"), script_name="/api")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/api", "")

    def test_fixed_base_path_not_a_segment_prefix(self) -> None:
        environ = environ_of(rest_event(path="/apis"), script_name="/api")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/api", "/apis")


def rest_result(
    content_type: str, body: str, is_base64: bool, **headers: list[str]
) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "multiValueHeaders": {"Content-Type": [content_type], **headers},
        "body": body,
        "isBase64Encoded": is_base64,
    }


class TestRestResponse:
    def test_whole_response(self) -> None:
        app = make_app(
            "201 Created",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
            ],
            b"hello \xe2\x9c\x93",
        )
        assert make_lambda_handler(app)(rest_event(), None) == {
            "statusCode": 201,
            "multiValueHeaders": {
                "Content-Type": ["text/plain; charset=utf-8"],
                "Set-Cookie": ["a=1", "b=2"],
            },
            "body": "hello \u2713",
            "isBase64Encoded": False,
        }

    def test_binary_off_by_default(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")], b"PNGDATA")
        assert make_lambda_handler(app)(rest_event(), None) == rest_result(
            "image/png", "PNGDATA", False
        )

    def test_binary_on(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")], b"\x89PNG")
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result("image/png", "iVBORw==", True)

    @pytest.mark.parametrize(
        "content_type",
        [
            "text/html",
            "application/json",
            "application/problem+json",
            "application/vnd.api+json",
            "Text/HTML; charset=utf-8",
        ],
    )
    def test_binary_on_keeps_text_types(self, content_type: str) -> None:
        app = make_app("200 OK", [("Content-Type", content_type)], b"{}")
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result(content_type, "{}", False)

    def test_binary_on_text_with_content_encoding(self) -> None:
        app = make_app(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            b"\x1f\x8b",
        )
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result(
            "text/html", "H4s=", True, **{"Content-Encoding": ["gzip"]}
        )

    def test_binary_on_identity_content_encoding_is_text(self) -> None:
        app = make_app(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Encoding", "identity")],
            b"hi",
        )
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result(
            "text/html", "hi", False, **{"Content-Encoding": ["identity"]}
        )

    @pytest.mark.parametrize(
        ("codings", "body", "is_base64"),
        [
            (["identity", "identity"], "hi", False),
            (["identity", "gzip"], "aGk=", True),
        ],
    )
    def test_binary_on_repeated_content_encoding(
        self, codings: list[str], body: str, is_base64: bool
    ) -> None:
        headers = [("Content-Type", "text/html")]
        headers += [("Content-Encoding", coding) for coding in codings]
        app = make_app("200 OK", headers, b"hi")
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result(
            "text/html", body, is_base64, **{"Content-Encoding": codings}
        )

    def test_custom_prefixes_replace_defaults(self) -> None:
        app = make_app("200 OK", [("Content-Type", "text/html")], b"hi")
        handler = make_lambda_handler(
            app, binary_support=True, non_binary_content_type_prefixes=["image/svg"]
        )
        assert handler(rest_event(), None) == rest_result("text/html", "aGk=", True)

    def test_empty_body_is_never_base64(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")])
        handler = make_lambda_handler(app, binary_support=True)
        assert handler(rest_event(), None) == rest_result("image/png", "", False)

    def test_invalid_utf8_is_replaced(self) -> None:
        app = make_app("200 OK", [("Content-Type", "text/plain")], b"ok \xff")
        assert make_lambda_handler(app)(rest_event(), None) == rest_result(
            "text/plain", "ok \ufffd", False
        )

    def test_invalid_utf8_replaced_is_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        app = make_app("200 OK", [("Content-Type", "text/plain")], b"ok \xff")
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            make_lambda_handler(app)(rest_event(), None)
        assert [record.getMessage() for record in caplog.records] == [
            "Response body is not valid UTF-8 ('utf-8' codec can't decode byte "
            "0xff in position 3: invalid start byte) and binary support is off, "
            "so invalid bytes were replaced with U+FFFD. Turn on binary_support "
            "and add the content type to the API's binaryMediaTypes to send it "
            "unchanged."
        ]


class TestHttpV1:
    def test_apig_keys(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-httpapi-request.json")
        assert apig_environ(event) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["requestContext"],
            environ_keys.CONTEXT: None,
            environ_keys.EVENT_FORMAT: "http-v1",
            environ_keys.MULTI_VALUE_HEADERS: True,
        }

    def test_binary_is_base64_by_default(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-httpapi-request.json")
        app = make_app(
            "200 OK", [("Content-Type", "application/octet-stream")], b"\xff"
        )
        result = make_lambda_handler(app)(event, None)
        # HTTP APIs decode base64 for any type, so invalid UTF-8 goes as base64.
        assert result == {
            "statusCode": 200,
            "multiValueHeaders": {"Content-Type": ["application/octet-stream"]},
            "body": "/w==",
            "isBase64Encoded": True,
        }

    def test_auto_script_name_for_named_stage(self) -> None:
        event = load_event("powertools-python/apiGatewayProxyEventAnotherPath.json")
        event.update(path="/dev/my/path", body=None, isBase64Encoded=False)
        event["requestContext"]["stage"] = "dev"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/dev", "/my/path")

    def test_auto_script_name_for_default_stage(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-httpapi-request.json")
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
            "",
            "/api/resourcepath",
        )

    def test_auto_script_name_named_stage_not_in_path(self) -> None:
        event = load_event("powertools-python/apiGatewayProxyEventAnotherPath.json")
        event.update(path="/my/path", body=None, isBase64Encoded=False)
        event["requestContext"]["stage"] = "dev"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("", "/my/path")
