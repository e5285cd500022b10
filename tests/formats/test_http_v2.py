from __future__ import annotations

import base64
import json
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
    result: dict[str, Any] = json.loads(handler(event, None)["body"])
    return result


def v2_event() -> dict[str, Any]:
    return load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")


def url_event() -> dict[str, Any]:
    return load_event(
        "aws-lambda-go/function-url-request-with-headers-and-cookies-and-text-body.json"
    )


class TestHttpV2Environ:
    def test_function_url_environ_field_by_field(self) -> None:
        assert environ_of(url_event()) == {
            "CONTENT_LENGTH": "18",
            "CONTENT_TYPE": "application/json",
            "HTTP_ACCEPT": "*/*",
            "HTTP_ACCEPT_ENCODING": "gzip, deflate",
            # The sample has both a cookies list and the same cookie header:
            # the list wins so the application does not see each cookie twice.
            "HTTP_COOKIE": "foo=bar; hello=hello",
            "HTTP_HEADER1": "h1",
            "HTTP_HEADER2": "h1,h2",
            "HTTP_HEADER3": "h3",
            "HTTP_HOST": "lambda-url-id.lambda-url.us-west-2.on.aws",
            "HTTP_USER_AGENT": "python-requests/2.28.2",
            "HTTP_X_AMZN_TLS_CIPHER_SUITE": "ECDHE-RSA-AES128-GCM-SHA256",
            "HTTP_X_AMZN_TLS_VERSION": "TLSv1.2",
            "HTTP_X_AMZN_TRACE_ID": "Root=1-643eccfa-2c6028925c2b249524664087",
            "HTTP_X_AMZ_CONTENT_SHA256": (
                "5f8f04f6a3a892aaabbddb6cf273894493773960d4a325b105fee46eef4304f1"
            ),
            "HTTP_X_AMZ_DATE": "20230418T170146Z",
            "HTTP_X_AMZ_SECURITY_TOKEN": "security-token",
            "HTTP_X_FORWARDED_FOR": "127.0.0.1",
            "HTTP_X_FORWARDED_PORT": "443",
            "HTTP_X_FORWARDED_PROTO": "https",
            "PATH_INFO": "/hello",
            "QUERY_STRING": "hello=world&foo=bar",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "lambda-url-id.lambda-url.us-west-2.on.aws",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": '{"hello": "world"}',
            "wsgi.url_scheme": "https",
        }

    @pytest.mark.parametrize(
        ("event", "name"), [(v2_event(), "http-v2"), (url_event(), "function-url")]
    )
    def test_apig_keys(self, event: dict[str, Any], name: str) -> None:
        assert apig_environ(event) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["requestContext"],
            environ_keys.CONTEXT: None,
            environ_keys.EVENT_FORMAT: name,
            environ_keys.MULTI_VALUE_HEADERS: False,
        }

    def test_remote_addr_is_source_ip_not_forwarded_for(self) -> None:
        event = v2_event()
        event["headers"]["x-forwarded-for"] = "6.6.6.6, 9.9.9.9"
        event["requestContext"]["http"]["sourceIp"] = "9.9.9.9"
        assert environ_of(event)["REMOTE_ADDR"] == "9.9.9.9"

    def test_raw_path_decoded(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/rawtarget-escaped-percent-slash-in-path-httpapi-v2.json"
        )
        assert event["rawPath"] == "/foo%25%2Fbar"
        assert environ_of(event)["PATH_INFO"] == "/foo%/bar"

    def test_raw_query_string_kept(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/rawtarget-escaped-reserved-in-query-httpapi-v2.json"
        )
        assert environ_of(event)["QUERY_STRING"] == event["rawQueryString"]

    def test_unicode_query_carried_as_latin_1(self) -> None:
        event = v2_event()
        event["rawQueryString"] = "q=é"
        assert environ_of(event)["QUERY_STRING"] == "q=\u00c3\u00a9"

    def test_cookie_header_used_without_cookies_list(self) -> None:
        event = v2_event()
        event.pop("cookies", None)
        event["headers"]["cookie"] = "a=1; b=2"
        assert environ_of(event)["HTTP_COOKIE"] == "a=1; b=2"

    def test_no_body_key(self) -> None:
        event = v2_event()
        event.pop("body", None)
        assert environ_of(event)["CONTENT_LENGTH"] == "0"

    def test_base64_body(self) -> None:
        event = load_event(
            "aws-lambda-go/function-url-domain-only-request-with-base64-encoded-body.json"
        )
        expected = base64.b64decode(event["body"]).decode("latin-1")
        assert environ_of(event)["body"] == expected

    def test_auto_script_name_for_named_stage(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/values-get-all-httpapi-v2-with-stage.json"
        )
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
            "/beta",
            "/api/values",
        )

    def test_auto_script_name_for_stage_root(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/values-get-all-httpapi-v2-with-stage.json"
        )
        event["rawPath"] = "/beta"
        environ = environ_of(event, script_name="auto")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/beta", "")

    def test_auto_script_name_default_stage(self) -> None:
        environ = environ_of(v2_event(), script_name="auto")
        assert environ["SCRIPT_NAME"] == ""

    def test_without_option_stage_stays_in_path(self) -> None:
        event = load_event(
            "aws-lambda-dotnet/values-get-all-httpapi-v2-with-stage.json"
        )
        environ = environ_of(event)
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (
            "",
            "/beta/api/values",
        )


def v2_result(headers: dict[str, str], body: str, is_base64: bool) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": headers,
        "cookies": [],
        "body": body,
        "isBase64Encoded": is_base64,
    }


class TestHttpV2Response:
    def test_whole_response(self) -> None:
        app = make_app(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Set-Cookie", "a=1; Path=/"),
                ("Vary", "Accept"),
                ("vary", "Cookie"),
                ("Set-Cookie", "b=2"),
            ],
            b"<p>hi</p>",
        )
        assert make_lambda_handler(app)(v2_event(), None) == {
            "statusCode": 200,
            "headers": {
                "content-type": "text/html; charset=utf-8",
                "vary": "Accept, Cookie",
            },
            "cookies": ["a=1; Path=/", "b=2"],
            "body": "<p>hi</p>",
            "isBase64Encoded": False,
        }

    def test_binary_on_by_default(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")], b"\x89PNG")
        assert make_lambda_handler(app)(url_event(), None) == v2_result(
            {"content-type": "image/png"}, "iVBORw==", True
        )

    def test_binary_can_be_turned_off(self) -> None:
        app = make_app("200 OK", [("Content-Type", "image/png")], b"PNG")
        handler = make_lambda_handler(app, binary_support=False)
        assert handler(url_event(), None) == v2_result(
            {"content-type": "image/png"}, "PNG", False
        )

    @pytest.mark.parametrize(
        ("codings", "body", "is_base64"),
        [
            (["identity", "identity"], "hi", False),
            (["identity", "gzip"], "aGk=", True),
        ],
    )
    def test_repeated_content_encoding(
        self, codings: list[str], body: str, is_base64: bool
    ) -> None:
        headers = [("Content-Type", "text/html")]
        headers += [("Content-Encoding", coding) for coding in codings]
        app = make_app("200 OK", headers, b"hi")
        assert make_lambda_handler(app)(v2_event(), None) == v2_result(
            {"content-type": "text/html", "content-encoding": ", ".join(codings)},
            body,
            is_base64,
        )

    def test_invalid_utf8_text_goes_as_base64(self) -> None:
        app = make_app("200 OK", [("Content-Type", "text/plain")], b"\xff")
        assert make_lambda_handler(app)(v2_event(), None) == v2_result(
            {"content-type": "text/plain"}, "/w==", True
        )


class TestHttpV2Malformed:
    def test_http_not_an_object(self) -> None:
        event = v2_event()
        event["requestContext"]["http"] = "GET /"
        with pytest.raises(InvalidEventError) as excinfo:
            environ_of(event)
        assert str(excinfo.value) == (
            "Expected requestContext.http to be an object, got str: 'GET /'"
        )

    def test_raw_path_not_a_string(self) -> None:
        event = v2_event()
        event["rawPath"] = ["/"]
        with pytest.raises(InvalidEventError) as excinfo:
            environ_of(event)
        assert str(excinfo.value) == "Expected rawPath to be a string, got list: ['/']"

    def test_raw_path_without_leading_slash(self) -> None:
        event = v2_event()
        event["rawPath"] = "a/b"
        assert environ_of(event)["PATH_INFO"] == "/a/b"


def test_set_cookie_surrounding_spaces_are_stripped() -> None:
    app = make_app(
        "200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", " a=1; Path=/ ")]
    )
    assert make_lambda_handler(app)(v2_event(), None) == {
        **v2_result({"content-type": "text/plain"}, "", False),
        "cookies": ["a=1; Path=/"],
    }
