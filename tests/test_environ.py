from __future__ import annotations

import json
from typing import Any

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi import make_lambda_handler
from apig_wsgi.environ import environ_key
from apig_wsgi.environ import last_forwarded_for
from tests.utils import FRONT_SAMPLES
from tests.utils import environ_seen
from tests.utils import front_event
from tests.utils import load_event
from tests.utils import set_headers
from tests.utils import validated_echo_app


def test_environ_key() -> None:
    assert environ_key("X-Custom-Header") == "HTTP_X_CUSTOM_HEADER"
    assert environ_key("Content-Type") == "CONTENT_TYPE"
    assert environ_key("content-length") == "CONTENT_LENGTH"


def test_last_forwarded_for() -> None:
    headers = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2, 3.3.3.3"}
    assert last_forwarded_for(headers) == "3.3.3.3"
    assert last_forwarded_for({"HTTP_X_FORWARDED_FOR": "1.1.1.1,"}) is None
    assert last_forwarded_for({}) is None


class TestHeaderValues:
    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        environ: dict[str, Any] = json.loads(
            make_lambda_handler(validated_echo_app)(event, None)["body"]
        )
        return environ

    def edge_event(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["request"]["headers"]["x-name"] = entries
        return event

    def test_edge_repeated_and_unicode_values(self) -> None:
        event = self.edge_event([{"key": "X-Name", "value": "Zoë"}, {"value": "b"}])
        assert self.run(event)["HTTP_X_NAME"] == "Zo\u00c3\u00ab,b"

    def test_edge_value_of_wrong_type(self) -> None:
        event = self.edge_event([{"key": "X-Name", "value": 7}])
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Header 'X-Name' has a value of type int, expected a string: 7"
        )

    def test_multi_value_empty_list_is_left_out(self) -> None:
        event = {"httpMethod": "GET", "path": "/", "multiValueHeaders": {"X-A": []}}
        assert "HTTP_X_A" not in self.run(event)

    def test_multi_value_list_with_wrong_type(self) -> None:
        event = {
            "httpMethod": "GET",
            "path": "/",
            "multiValueHeaders": {"X-A": ["a", None]},
        }
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Header 'X-A' has a value of type NoneType, expected a string: None"
        )

    def test_query_value_of_wrong_type(self) -> None:
        event = {
            "httpMethod": "GET",
            "path": "/",
            "queryStringParameters": {"a": 1},
        }
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Expected a query string name or value to be a string, got int: 1"
        )

    def test_multi_value_single_item_of_wrong_type(self) -> None:
        event = {"httpMethod": "GET", "path": "/", "multiValueHeaders": {"X-A": [1]}}
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Header 'X-A' has a value of type int, expected a string: 1"
        )

    def test_edge_entries_not_a_list(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["request"]["headers"]["x-name"] = "v"
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Expected the values of 'x-name' to be a list, got str: 'v'"
        )

    def test_multi_value_headers_null(self) -> None:
        event = load_event("powertools-python/albMultiValueHeadersEvent.json")
        event["multiValueHeaders"] = None
        environ = self.run(event)
        assert (environ["SERVER_NAME"], environ["REMOTE_ADDR"]) == (
            "localhost",
            "127.0.0.1",
        )

    def test_multi_value_headers_not_an_object(self) -> None:
        event = load_event("powertools-python/albMultiValueHeadersEvent.json")
        event["multiValueHeaders"] = []
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == (
            "Expected multiValueHeaders to be an object or null, got list: []"
        )

    def test_single_value_names_differing_in_case_are_joined(self) -> None:
        event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
        event["headers"].update({"X-Name": "a", "x-name": "b"})
        assert self.run(event)["HTTP_X_NAME"] == "a,b"

    def test_multi_value_names_differing_in_case_are_joined(self) -> None:
        event = {
            "httpMethod": "GET",
            "path": "/",
            "multiValueHeaders": {"X-Name": ["a", "b"], "x-name": ["c"]},
        }
        assert self.run(event)["HTTP_X_NAME"] == "a,b,c"

    def test_single_value_unicode_header(self) -> None:
        event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
        event["headers"]["x-name"] = "Zoë"
        assert self.run(event)["HTTP_X_NAME"] == "Zo\u00c3\u00ab"

    def test_query_name_needing_quotes(self) -> None:
        event = {
            "httpMethod": "GET",
            "path": "/",
            "queryStringParameters": {"a b": "c", "ü": "d"},
        }
        assert self.run(event)["QUERY_STRING"] == "a+b=c&%C3%BC=d"

    def test_path_of_wrong_type(self) -> None:
        event = {"httpMethod": "GET", "path": None}
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(event)
        assert str(excinfo.value) == "Expected path to be a string, got NoneType: None"


class TestBase64Bodies:
    def run(self, body: str) -> str:
        event = front_event("http-v2")
        event.update(body=body, isBase64Encoded=True)
        environ: dict[str, Any] = json.loads(
            make_lambda_handler(validated_echo_app)(event, None)["body"]
        )
        return str(environ["body"])

    @pytest.mark.parametrize(
        ("text", "data"),
        [
            ("aGk=", "hi"),
            ("aGVsbG8gd29ybGQ=", "hello world"),
            ("", ""),
            ("AAAA", "\0" * 3),
        ],
    )
    def test_valid_base64_is_decoded(self, text: str, data: str) -> None:
        assert self.run(text) == data

    @pytest.mark.parametrize(
        "text", ["aGk=\n", "a Gk=", "aG-k", "aGk=\u00e9", "aG=k=", "aGk", "aGk==="]
    )
    def test_anything_else_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidEventError) as excinfo:
            self.run(text)
        # The rest of the message is binascii's, which varies by Python version.
        assert str(excinfo.value).startswith(
            "The body is marked as base64 but does not decode: "
        )


class TestUnderscoreHeaders:
    """Header names with underscores never reach the app, on any front."""

    def run(self, front: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        event = front_event(front)
        set_headers(front, event, pairs)
        environ: dict[str, Any] = json.loads(
            make_lambda_handler(validated_echo_app)(event, None)["body"]
        )
        return environ

    @pytest.mark.parametrize("front", sorted(FRONT_SAMPLES))
    @pytest.mark.parametrize("spoof_first", [True, False])
    def test_underscore_names_cannot_pose_as_proxy_headers(
        self, front: str, spoof_first: bool, caplog: pytest.LogCaptureFixture
    ) -> None:
        genuine = [
            ("Host", "example.com"),
            ("X-Forwarded-For", "203.0.113.9"),
            ("X-Forwarded-Proto", "https"),
            ("X-Auth-User", "alice"),
        ]
        spoofed = [
            ("x_forwarded_for", "6.6.6.6"),
            ("x_forwarded_proto", "http"),
            ("X-Auth_User", "mallory"),
            ("content_type", "text/evil"),
        ]
        pairs = spoofed + genuine if spoof_first else genuine + spoofed
        environ = self.run(front, pairs)
        headers = {key: value for key, value in environ.items() if "FORWARD" in key}
        assert headers == {
            "HTTP_X_FORWARDED_FOR": "203.0.113.9",
            "HTTP_X_FORWARDED_PROTO": "https",
        }
        assert environ["HTTP_X_AUTH_USER"] == "alice"
        assert "CONTENT_TYPE" not in environ
        assert environ["wsgi.url_scheme"] == "https"
        if front != "edge":  # CloudFront's clientIp, not a header
            assert environ["REMOTE_ADDR"] != "6.6.6.6"
        assert caplog.messages == [
            "Dropped the request headers 'x_forwarded_for', 'x_forwarded_proto', "
            "'X-Auth_User', 'content_type': header names may only hold letters, "
            "digits and !#$%&'*+-.^`|~ (no underscores), so that they cannot pose "
            "as the headers the front sets."
        ]

    @pytest.mark.parametrize(
        "name", ["X Space", "X:Colon", "Ho\u017ft", "x-forwarded-\u0131p", ""]
    )
    def test_names_that_are_not_tokens_are_dropped(
        self, name: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        # "\u017f".upper() is "S": without the check, "Ho\u017ft" would be HTTP_HOST.
        environ = self.run("http-v2", [("Host", "example.com"), (name, "evil")])
        assert environ["HTTP_HOST"] == "example.com"
        assert [key for key in environ if key.startswith("HTTP_")] == ["HTTP_HOST"]
        assert len(caplog.records) == 1

    def test_environ_key_of_a_dropped_name_is_none(self) -> None:
        assert environ_key("X_Forwarded_For") is None


def test_many_distinct_header_names_all_arrive() -> None:
    # More names than are remembered between requests.
    event = front_event("http-v2")
    names = [f"x-name-{index}" for index in range(600)]
    event["headers"] = dict.fromkeys(names, "v")
    environ = environ_seen(event)
    assert sum(key.startswith("HTTP_X_NAME_") for key in environ) == 600
