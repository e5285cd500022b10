from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from apig_wsgi import InvalidEventError
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.contrib.django.handler import lambda_handler
from apig_wsgi.testing import Client
from tests.contrib.django.project.views import IMAGE_BYTES
from tests.contrib.django.project.views import LONG_TEXT
from tests.contrib.django.utils import http_v2_event
from tests.contrib.django.utils import rest_event
from tests.utils import FakeContext
from tests.utils import load_event

GZIP = "django.middleware.gzip.GZipMiddleware"
SETTINGS = "tests.contrib.django.project.settings"
AWS_REQUEST_ID = FakeContext.aws_request_id


def body_json(response: dict[str, Any]) -> Any:
    """The JSON body of a 200 text response."""
    assert (response["statusCode"], response["isBase64Encoded"]) == (200, False)
    return json.loads(response["body"])


def test_lambda_handler_shows_apig_context_to_views() -> None:
    event = load_event("powertools-typescript/apigw-rest-lambda-authorizer-auth.json")

    response = lambda_handler(event, FakeContext())

    body = json.dumps(
        {
            "apig_context": {
                "event_format": "rest",
                "stage": "prod",
                "request_id": "3c177581-2d03-4af4-9b68-5924083f37fe",
                "aws_request_id": AWS_REQUEST_ID,
                "source_ip": "15.248.3.126",
                "authorizer": {"principalId": "user", "integrationLatency": 422},
                "remaining_time_ms": 3000,
                "has_full_event": True,
                "request_context_keys": sorted(event["requestContext"]),
                "has_context": True,
            }
        }
    )
    assert response == {
        "statusCode": 200,
        "multiValueHeaders": {
            "Content-Type": ["application/json"],
            "Content-Length": [str(len(body))],
        },
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "powertools-python/apiGatewayProxyEvent.json",
            {
                "event_format": "http-v1",
                "stage": "$default",
                "request_id": "id=",
                "source_ip": "192.168.0.1/32",
                "authorizer": None,
            },
            id="http-v1",
        ),
        pytest.param(
            "aws-lambda-go/apigw-v2-request-jwt-authorizer.json",
            {
                "event_format": "http-v2",
                "stage": "$default",
                "request_id": "id",
                "source_ip": "IP",
                "authorizer": {"claim1": "value1", "claim2": "value2"},
            },
            id="http-v2",
        ),
        pytest.param(
            "aws-lambda-go/function-url-domain-only-get-request.json",
            {
                "event_format": "function-url",
                "stage": "$default",
                "request_id": "deeb7e49-a9a8-4a8f-bcd1-5482231e2087",
                "source_ip": "127.0.0.1",
                "authorizer": None,
            },
            id="function-url",
        ),
        pytest.param(
            "powertools-python/albEvent.json",
            {
                "event_format": "alb",
                "stage": None,
                "request_id": None,
                "source_ip": "72.12.164.125",
                "authorizer": None,
            },
            id="alb",
        ),
        pytest.param(
            "powertools-python/albMultiValueHeadersEvent.json",
            {
                "event_format": "alb",
                "stage": None,
                "request_id": None,
                "source_ip": "123.123.123.123",
                "authorizer": None,
            },
            id="alb-multi-value",
        ),
        pytest.param(
            "powertools-python/vpcLatticeEvent.json",
            {
                "event_format": "lattice-v1",
                "stage": None,
                "request_id": None,
                "source_ip": "10.213.229.10",
                "authorizer": None,
            },
            id="lattice-v1",
        ),
        pytest.param(
            "aws-lambda-java-libs/cloudfront_event.json",
            {
                "event_format": "edge",
                "stage": None,
                "request_id": None,
                "source_ip": "2001:cdba::3257:9652",
                "authorizer": None,
            },
            id="edge",
        ),
    ],
)
def test_apig_context_per_format(name: str, expected: dict[str, Any]) -> None:
    event = load_event(name)

    response = lambda_handler(event, FakeContext())

    if "Records" in event:
        request_context = event["Records"][0]["cf"]["config"]
    else:
        request_context = event.get("requestContext", {})
    assert json.loads(response["body"])["apig_context"] == {
        **expected,
        "aws_request_id": AWS_REQUEST_ID,
        "remaining_time_ms": 3000,
        "has_full_event": True,
        "request_context_keys": sorted(request_context),
        "has_context": True,
    }


def test_apig_context_lattice_v2_iam_identity() -> None:
    event = load_event("powertools-python/getting_started_vpclatticev2_resolver.json")

    response = lambda_handler(event, None)

    assert body_json(response)["apig_context"] == {
        "event_format": "lattice-v2",
        "stage": None,
        "request_id": None,
        "aws_request_id": None,
        "source_ip": "10.213.229.10",
        "authorizer": event["requestContext"]["identity"],
        "remaining_time_ms": None,
        "has_full_event": True,
        "request_context_keys": sorted(event["requestContext"]),
        "has_context": False,
    }


NOT_UTF_8_WARNING = (
    "Response body is not valid UTF-8 ('utf-8' codec can't decode byte 0x89 in "
    "position 0: invalid start byte) and binary support is off, so invalid bytes "
    "were replaced with U+FFFD. Turn on binary_support and add the content type "
    "to the API's binaryMediaTypes to send it unchanged."
)
IMAGE_AS_TEXT = {
    "statusCode": 200,
    "multiValueHeaders": {
        "Content-Type": ["image/png"],
        "Content-Length": [str(len(IMAGE_BYTES))],
    },
    "body": IMAGE_BYTES.decode("utf-8", "replace"),
    "isBase64Encoded": False,
}


class TestBinary:
    def test_rest_default_sends_image_as_text(self) -> None:
        response = lambda_handler(rest_event("GET", "/image.png"), FakeContext())

        assert response == IMAGE_AS_TEXT

    def test_rest_default_warns_that_the_image_was_changed(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        lambda_handler(rest_event("GET", "/image.png"), FakeContext())

        assert [record.getMessage() for record in caplog.records] == [NOT_UTF_8_WARNING]

    @override_settings(APIG_WSGI_BINARY_SUPPORT=True)
    def test_binary_support_setting_sends_image_as_base64(self) -> None:
        handler = build_lambda_handler()

        response = handler(rest_event("GET", "/image.png"), FakeContext())

        assert response == {
            "statusCode": 200,
            "multiValueHeaders": {
                "Content-Type": ["image/png"],
                "Content-Length": [str(len(IMAGE_BYTES))],
            },
            "body": base64.b64encode(IMAGE_BYTES).decode("ascii"),
            "isBase64Encoded": True,
        }

    @override_settings(
        APIG_WSGI_BINARY_SUPPORT=True,
        APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", "image/png"],
    )
    def test_non_binary_prefixes_setting_sends_type_as_text(self) -> None:
        handler = build_lambda_handler()

        response = handler(rest_event("GET", "/image.png"), FakeContext())

        assert response == IMAGE_AS_TEXT

    @override_settings(
        APIG_WSGI_NON_BINARY_CONTENT_TYPE_PREFIXES=["text/", "application/json"],
        APIG_WSGI_BINARY_SUPPORT=True,
    )
    def test_text_stays_text_with_binary_support(self) -> None:
        handler = build_lambda_handler()

        response = handler(rest_event("GET", "/text/"), FakeContext())

        assert response == {
            "statusCode": 200,
            "multiValueHeaders": {
                "Content-Type": ["text/plain; charset=utf-8"],
                "Content-Length": [str(len(LONG_TEXT))],
            },
            "body": LONG_TEXT,
            "isBase64Encoded": False,
        }

    @override_settings(APIG_WSGI_BINARY_SUPPORT=True)
    def test_gzip_middleware_response_is_base64(self) -> None:
        with override_settings(MIDDLEWARE=[GZIP, *settings.MIDDLEWARE]):
            handler = build_lambda_handler()
        event = rest_event("GET", "/text/", headers={"Accept-Encoding": "gzip"})

        response = handler(event, FakeContext())

        # Django pads gzip output with random bytes against BREACH, so the
        # compressed body and its length vary.
        compressed = base64.b64decode(response["body"])
        assert {**response, "body": gzip.decompress(compressed).decode()} == {
            "statusCode": 200,
            "multiValueHeaders": {
                "Content-Type": ["text/plain; charset=utf-8"],
                "Content-Length": [str(len(compressed))],
                "Vary": ["Accept-Encoding"],
                "Content-Encoding": ["gzip"],
            },
            "body": LONG_TEXT,
            "isBase64Encoded": True,
        }


class TestScriptName:
    def test_default_reverse_omits_stage(self) -> None:
        response = lambda_handler(rest_event("GET", "/links/"), FakeContext())

        assert body_json(response) == {
            "image": "/image.png",
            "absolute": "https://puhdx84jy9.execute-api.eu-west-1.amazonaws.com/image.png",
            "path": "/links/",
            "path_info": "/links/",
        }

    @override_settings(APIG_WSGI_SCRIPT_NAME="auto")
    def test_auto_puts_rest_stage_in_reverse(self) -> None:
        handler = build_lambda_handler()

        response = handler(rest_event("GET", "/links/"), FakeContext())

        assert body_json(response) == {
            "image": "/prod/image.png",
            "absolute": (
                "https://puhdx84jy9.execute-api.eu-west-1.amazonaws.com/prod/image.png"
            ),
            "path": "/prod/links/",
            "path_info": "/links/",
        }

    @override_settings(APIG_WSGI_SCRIPT_NAME="/api")
    def test_base_path_is_stripped_and_reversed(self) -> None:
        handler = build_lambda_handler()

        response = handler(http_v2_event("GET", "/api/links/"), FakeContext())

        assert body_json(response) == {
            "image": "/api/image.png",
            "absolute": "https://aaaaaaaaaa.execute-api.us-west-2.amazonaws.com/api/image.png",
            "path": "/api/links/",
            "path_info": "/links/",
        }


def test_cookies_in_and_out() -> None:
    event = http_v2_event("GET", "/cookies/", cookies=["a=1", "b=two words"])

    response = lambda_handler(event, FakeContext())

    # Django 5.2 writes Set-Cookie values with a leading space, which the
    # handler strips from the cookies list.
    assert response == {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "content-length": "42"},
        "cookies": ["first=1; Path=/", "second=2; HttpOnly; Path=/"],
        "body": '{"received": {"a": "1", "b": "two words"}}',
        "isBase64Encoded": False,
    }


def test_multipart_upload_with_binary_file() -> None:
    content = bytes(range(256)) * 64
    boundary = "apig-wsgi-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="title"\r\n\r\n'
            "Café\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="blob.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    event = http_v2_event(
        "POST",
        "/upload/",
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        body=body,
    )

    response = lambda_handler(event, FakeContext())

    assert body_json(response) == {
        "name": "blob.bin",
        "content_type": "application/octet-stream",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "title": "Café",
    }


class TestCsrf:
    host = "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com"

    def post_form(self, origin: str) -> dict[str, Any]:
        first = lambda_handler(http_v2_event("GET", "/form/"), FakeContext())
        token = body_json(first)["token"]
        [set_cookie] = first["cookies"]
        cookie = set_cookie.split(";")[0].strip()
        event = http_v2_event(
            "POST",
            "/form/",
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "origin": origin,
            },
            cookies=[cookie],
            body=f"csrfmiddlewaretoken={token}&name=Ada".encode(),
        )
        result: dict[str, Any] = lambda_handler(event, FakeContext())
        return result

    def test_post_from_the_event_host_is_accepted(self) -> None:
        response = self.post_form(f"https://{self.host}")

        assert body_json(response) == {"accepted": "Ada"}

    def test_post_from_another_origin_is_forbidden(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = self.post_form("https://evil.example")

        # The page is Django's; the log names the refusal.
        assert response["statusCode"] == 403
        message = (
            "Forbidden (Origin checking failed - https://evil.example does not "
            "match any trusted origins.): /form/"
        )
        assert [record.getMessage() for record in caplog.records] == [message]


def test_disallowed_host_gives_400_response(caplog: pytest.LogCaptureFixture) -> None:
    event = http_v2_event("GET", "/links/", headers={"host": "evil.example"})

    response = lambda_handler(event, FakeContext())

    # The page is Django's; the log names the refusal.
    assert response["statusCode"] == 400
    assert [record.name for record in caplog.records] == [
        "django.security.DisallowedHost"
    ]


class TestImport:
    """Lambda imports the handler module in a fresh process on each cold start."""

    def import_handler(self, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        environ = {
            key: value
            for key, value in os.environ.items()
            if key != "DJANGO_SETTINGS_MODULE"
        }
        return subprocess.run(
            [sys.executable, "-c", "import apig_wsgi.contrib.django.handler"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parents[3],
            env={**environ, **env},
            check=False,
        )

    def test_import_with_settings_module_succeeds(self) -> None:
        process = self.import_handler({"DJANGO_SETTINGS_MODULE": SETTINGS})

        assert (process.returncode, process.stdout, process.stderr) == (0, "", "")

    def test_import_without_settings_module_fails(self) -> None:
        process = self.import_handler({})

        assert process.returncode == 1
        assert process.stderr.splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: Requested setting "
            "LOGGING_CONFIG, but settings are not configured. You must either "
            "define the environment variable DJANGO_SETTINGS_MODULE or call "
            "settings.configure() before accessing settings."
        )

    def test_import_with_invalid_setting_fails(self) -> None:
        process = self.import_handler(
            {"DJANGO_SETTINGS_MODULE": SETTINGS, "APIG_WSGI_TEST_SCRIPT_NAME": "/"}
        )

        assert process.returncode == 1
        assert process.stderr.splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: APIG_WSGI_SCRIPT_NAME is "
            "invalid: script_name '/' must start with '/' and not end with '/'. "
            "Write the base path as '/api', or use 'auto' for the stage."
        )


class TestNonHttpEvents:
    @pytest.mark.parametrize(
        ("event", "message"),
        [
            (
                ["GET", "/"],
                "Expected the event to be a JSON object, got list. Set "
                "APIG_WSGI_NON_HTTP_HANDLER, or register a handler on "
                "apig_wsgi.contrib.django.events.router, to handle direct "
                "invocations.",
            ),
            (
                {"ping": True},
                "Unknown event format with 'ping': not an event from API Gateway, "
                "a Function URL, an ALB, VPC Lattice or Lambda@Edge. Set "
                "APIG_WSGI_NON_HTTP_HANDLER, or register a handler on "
                "apig_wsgi.contrib.django.events.router, to handle other events.",
            ),
        ],
    )
    def test_hint_names_the_django_setting(self, event: Any, message: str) -> None:
        handler = build_lambda_handler()
        with pytest.raises(InvalidEventError) as excinfo:
            handler(event, None)
        assert str(excinfo.value) == message


@override_settings(ALLOWED_HOSTS=["example.com"])
def test_test_client_names_the_refused_host(caplog: pytest.LogCaptureFixture) -> None:
    response = Client(build_lambda_handler(), format="edge").get("/links/")
    host = "d111111abcdef8.cloudfront.net"
    assert response.status == 400
    assert [
        r.getMessage() for r in caplog.records if r.name == "apig_wsgi.testing"
    ] == [
        f"Django refused the request's Host, {host!r}: add {host!r} (or "
        "'.cloudfront.net') to ALLOWED_HOSTS."
    ]
