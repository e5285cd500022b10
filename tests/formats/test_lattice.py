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


COOKIES_APP = make_app(
    "200 OK",
    [("Content-Type", "image/png"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
    b"\x89PNG",
)


class TestLatticeV2:
    def test_environ_field_by_field(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        assert environ_of(event) == {
            "CONTENT_LENGTH": "33",
            "HTTP_ACCEPT": "*/*",
            "HTTP_HEADER1": "value1",
            "HTTP_HEADER2": "value1,value2",
            "HTTP_HOST": (
                "lattice-svc-027b423199122da5f.7d67968.vpc-lattice-svcs.us-east-1.on.aws"
            ),
            "HTTP_POWERTOOLS": "a,b",
            "HTTP_USER_AGENT": "curl/8.3.0",
            "HTTP_X_FORWARDED_FOR": "172.31.40.143",
            "PATH_INFO": "/newpath",
            "QUERY_STRING": "parameter1=value1&parameter1=value2&parameter2=value",
            "REMOTE_ADDR": "172.31.40.143",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": (
                "lattice-svc-027b423199122da5f.7d67968.vpc-lattice-svcs.us-east-1.on.aws"
            ),
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": '{"message": "Hello from Lambda!"}',
            "wsgi.url_scheme": "https",
        }

    def test_lone_string_header_values_accepted(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2Event.json")
        assert environ_of(event)["HTTP_ACCEPT"] == "*/*"

    def test_apig_keys(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        assert apig_environ(event) == {
            environ_keys.FULL_EVENT: event,
            environ_keys.REQUEST_CONTEXT: event["requestContext"],
            environ_keys.CONTEXT: None,
            environ_keys.EVENT_FORMAT: "lattice-v2",
            environ_keys.MULTI_VALUE_HEADERS: True,
        }

    def test_without_request_context(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        del event["requestContext"]
        assert environ_of(event)["PATH_INFO"] == "/newpath"

    def test_fixed_script_name(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        environ = environ_of(event, script_name="/newpath")
        assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/newpath", "")

    def test_response_keeps_the_last_cookie(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        assert make_lambda_handler(COOKIES_APP)(event, None) == {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "headers": {"Content-Type": "image/png", "Set-Cookie": "b=2"},
            "body": "iVBORw==",
            "isBase64Encoded": True,
        }

    def test_response_warns_about_dropped_cookie(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = load_event("powertools-python/vpcLatticeV2EventWithHeaders.json")
        with caplog.at_level(logging.WARNING, logger="apig_wsgi"):
            make_lambda_handler(COOKIES_APP)(event, None)
        assert [record.getMessage() for record in caplog.records] == [
            "VPC Lattice responses carry one Set-Cookie header only: dropped the "
            "cookies 'a' and kept the last one. Set one cookie per response, or "
            "combine them into one."
        ]


class TestLatticeV1:
    def test_environ_field_by_field(self) -> None:
        event = load_event("powertools-python/vpcLatticeEvent.json")
        event["raw_path"] = "/testpath?order-id=1&x=%20"
        assert environ_of(event) == {
            "CONTENT_LENGTH": "17",
            "HTTP_ACCEPT": "*/*",
            "HTTP_HEADER1": "value1",
            "HTTP_HEADER2": "value1,value2",
            "HTTP_HOST": (
                "test-lambda-service-3908sdf9u3u.dkfjd93.vpc-lattice-svcs.us-east-2.on.aws"
            ),
            # The sample's "user_agent" (as in AWS's documentation) is dropped:
            # a name with an underscore could pose as a dashed header.
            "HTTP_X_FORWARDED_FOR": "10.213.229.10",
            "PATH_INFO": "/testpath",
            "QUERY_STRING": "order-id=1&x=%20",
            "REMOTE_ADDR": "10.213.229.10",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": (
                "test-lambda-service-3908sdf9u3u.dkfjd93.vpc-lattice-svcs.us-east-2.on.aws"
            ),
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "body": '{"test": "event"}',
            "wsgi.url_scheme": "https",
        }

    def test_response(self) -> None:
        app = make_app(
            "503 Service Unavailable",
            [("Content-Type", "text/plain"), ("Retry-After", "5")],
            b"busy",
        )
        event = load_event("powertools-python/vpcLatticeEvent.json")
        assert make_lambda_handler(app)(event, None) == {
            "statusCode": 503,
            "statusDescription": "503 Service Unavailable",
            "headers": {"Content-Type": "text/plain", "Retry-After": "5"},
            "body": "busy",
            "isBase64Encoded": False,
        }
