from __future__ import annotations

import base64
import io
import json
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from apig_wsgi.cli import main
from apig_wsgi.testing import build_event
from tests.testing.apps import BINARY
from tests.testing.flask_apps import PNG
from tests.utils import VARIES
from tests.utils import serve_subprocess
from tests.utils import stable
from tests.utils import stop
from tests.utils import url_of

ROOT = Path(__file__).resolve().parent.parent
APP = "tests.testing.apps:app"
SAMPLE = ROOT / "tests/events/aws-lambda-go/apigw-v2-request-no-authorizer.json"
# What tests.testing.apps:app echoes of SAMPLE.
SAMPLE_ECHO = {
    "method": "GET",
    "script_name": "",
    "path_info": "/",
    "query_string": "",
    "headers": {
        "HTTP_ACCEPT": "*/*",
        "CONTENT_LENGTH": "0",
        "HTTP_HOST": "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com",
        "HTTP_USER_AGENT": "curl/7.58.0",
        "HTTP_X_AMZN_TRACE_ID": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c",
        "HTTP_X_FORWARDED_FOR": "1.2.3.4",
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
    },
    "body": "",
    "remote_addr": "1.2.3.4",
    "url_scheme": "https",
    "format": "http-v2",
}
SAMPLE_RESULT = {
    "statusCode": 201,
    "headers": {"content-type": "application/json", "x-multi": "a, b"},
    "cookies": ["c1=1; Path=/", "c2=2; Path=/"],
    "body": SAMPLE_ECHO,
    "isBase64Encoded": False,
}
ECHO_HEAD = (
    "HTTP/1.1 201 Created\n"
    "content-type: application/json\n"
    "x-multi: a, b\n"
    "Set-Cookie: c1=1; Path=/\n"
    "Set-Cookie: c2=2; Path=/"
)
PNG_RESULT = {
    "statusCode": 200,
    "multiValueHeaders": {"Content-Type": ["image/png"], "Content-Length": ["10"]},
    "body": base64.b64encode(PNG).decode(),
    "isBase64Encoded": True,
}


@pytest.fixture(autouse=True)
def _in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as excinfo:
        main(list(argv))
    assert excinfo.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err.splitlines()[-1]


def echo_result(out: str) -> Any:
    """The printed result, with its body (the echo app's JSON) parsed."""
    result = json.loads(out)
    result["body"] = json.loads(result["body"])
    return result


def echo_response(out: str) -> tuple[str, Any]:
    """The head of a --decoded response, and its body parsed."""
    head, _, body = out.partition("\n\n")
    return head, json.loads(body)


class TestEvent:
    def test_prints_the_event(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "event", "--format", "rest", "/x?a=1", "-H", "X-A: 1", "-d", "hi"
        )
        host = "abcdef1234.execute-api.us-east-1.amazonaws.com"
        assert (code, stable(json.loads(out)), err) == (
            0,
            {
                "resource": "/{proxy+}",
                "path": "/x",
                "httpMethod": "POST",
                "headers": {
                    "Host": host,
                    "X-A": "1",
                    "Content-Length": "2",
                    "X-Amzn-Trace-Id": VARIES,
                    "X-Forwarded-For": "203.0.113.10",
                    "X-Forwarded-Port": "443",
                    "X-Forwarded-Proto": "https",
                },
                "multiValueHeaders": {
                    "Host": [host],
                    "X-A": ["1"],
                    "Content-Length": ["2"],
                    "X-Amzn-Trace-Id": VARIES,
                    "X-Forwarded-For": ["203.0.113.10"],
                    "X-Forwarded-Port": ["443"],
                    "X-Forwarded-Proto": ["https"],
                },
                "queryStringParameters": {"a": "1"},
                "multiValueQueryStringParameters": {"a": ["1"]},
                "pathParameters": {"proxy": "x"},
                "stageVariables": None,
                "requestContext": {
                    "accountId": "123456789012",
                    "apiId": "abcdef1234",
                    "domainName": host,
                    "domainPrefix": "abcdef1234",
                    "extendedRequestId": VARIES,
                    "httpMethod": "POST",
                    "identity": {
                        "accessKey": None,
                        "accountId": None,
                        "caller": None,
                        "cognitoAuthenticationProvider": None,
                        "cognitoAuthenticationType": None,
                        "cognitoIdentityId": None,
                        "cognitoIdentityPoolId": None,
                        "principalOrgId": None,
                        "sourceIp": "203.0.113.10",
                        "user": None,
                        "userAgent": "",
                        "userArn": None,
                    },
                    "path": "/prod/x",
                    "protocol": "HTTP/1.1",
                    "requestId": VARIES,
                    "requestTime": VARIES,
                    "requestTimeEpoch": VARIES,
                    "resourceId": VARIES,
                    "resourcePath": "/{proxy+}",
                    "stage": "prod",
                },
                "body": "hi",
                "isBase64Encoded": False,
            },
            "",
        )

    def test_defaults_to_http_get(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "event")
        host = "abcdef1234.execute-api.us-east-1.amazonaws.com"
        assert (code, stable(json.loads(out)), err) == (
            0,
            {
                "version": "2.0",
                "routeKey": "$default",
                "rawPath": "/",
                "rawQueryString": "",
                "headers": {
                    "host": host,
                    "x-amzn-trace-id": VARIES,
                    "x-forwarded-for": "203.0.113.10",
                    "x-forwarded-port": "443",
                    "x-forwarded-proto": "https",
                },
                "requestContext": {
                    "accountId": "123456789012",
                    "apiId": "abcdef1234",
                    "domainName": host,
                    "domainPrefix": "abcdef1234",
                    "http": {
                        "method": "GET",
                        "path": "/",
                        "protocol": "HTTP/1.1",
                        "sourceIp": "203.0.113.10",
                        "userAgent": "",
                    },
                    "requestId": VARIES,
                    "routeKey": "$default",
                    "stage": "$default",
                    "time": VARIES,
                    "timeEpoch": VARIES,
                },
                "isBase64Encoded": False,
            },
            "",
        )

    def test_data_from_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        (tmp_path / "body.bin").write_bytes(BINARY)
        code, out, err = run(capsys, "event", "-d", f"@{tmp_path / 'body.bin'}")
        assert (code, stable(json.loads(out)), err) == (
            0,
            stable(build_event("http-v2", "POST", body=BINARY)),
            "",
        )

    def test_data_from_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin")))
        code, out, err = run(
            capsys, "event", "-X", "PUT", "-H", "Content-Type: text/plain", "-d", "@-"
        )
        expected = build_event(
            "http-v2", "PUT", headers={"Content-Type": "text/plain"}, body=b"from stdin"
        )
        assert (code, stable(json.loads(out)), err) == (0, stable(expected), "")

    def test_missing_data_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "event", "-d", "@missing.bin") == (
            1,
            "",
            (
                "Error: cannot read --data file 'missing.bin': No such file or "
                "directory.\n"
            ),
        )

    def test_stage_for_alb(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "event", "--format", "alb", "--stage", "v1") == (
            1,
            "",
            "Error: Format 'alb' has no stages, got stage 'v1'.\n",
        )

    def test_unknown_format(self, capsys: pytest.CaptureFixture[str]) -> None:
        # The list of choices is quoted differently across Python versions.
        assert usage_error(capsys, "event", "--format", "soap").startswith(
            "apig-wsgi event: error: argument --format: invalid choice: 'soap' "
            "(choose from "
        )

    @pytest.mark.parametrize("header", ["NoColon", ": value", " X: y"])
    def test_bad_header(self, capsys: pytest.CaptureFixture[str], header: str) -> None:
        assert usage_error(capsys, "event", "-H", header) == (
            f"apig-wsgi event: error: argument --header/-H: invalid header "
            f"{header!r}: expected 'Name: value'"
        )


class TestInvoke:
    def test_wsgi_app_prints_lambda_result(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "invoke", APP, "/hello?x=1", "--format", "rest")
        assert (code, stable(echo_result(out)), err) == (
            0,
            {
                "statusCode": 201,
                "multiValueHeaders": {
                    "Content-Type": ["application/json"],
                    "X-Multi": ["a", "b"],
                    "Set-Cookie": ["c1=1; Path=/", "c2=2; Path=/"],
                },
                "body": {
                    "method": "GET",
                    "script_name": "",
                    "path_info": "/hello",
                    "query_string": "x=1",
                    "headers": {
                        "HTTP_HOST": "abcdef1234.execute-api.us-east-1.amazonaws.com",
                        "HTTP_X_AMZN_TRACE_ID": VARIES,
                        "HTTP_X_FORWARDED_FOR": "203.0.113.10",
                        "HTTP_X_FORWARDED_PORT": "443",
                        "HTTP_X_FORWARDED_PROTO": "https",
                        "CONTENT_LENGTH": "0",
                    },
                    "body": "",
                    "remote_addr": "203.0.113.10",
                    "url_scheme": "https",
                    "format": "rest",
                },
                "isBase64Encoded": False,
            },
            "",
        )

    def test_decoded_response(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "invoke", "tests.testing.apps:lambda_handler", "/", "--decoded"
        )
        head, echo = echo_response(out)
        assert (code, head, stable(echo), err) == (
            0,
            ECHO_HEAD,
            {
                "method": "GET",
                "script_name": "",
                "path_info": "/",
                "query_string": "",
                "headers": {
                    "HTTP_HOST": "abcdef1234.execute-api.us-east-1.amazonaws.com",
                    "HTTP_X_AMZN_TRACE_ID": VARIES,
                    "HTTP_X_FORWARDED_FOR": "203.0.113.10",
                    "HTTP_X_FORWARDED_PORT": "443",
                    "HTTP_X_FORWARDED_PROTO": "https",
                    "CONTENT_LENGTH": "0",
                },
                "body": "",
                "remote_addr": "203.0.113.10",
                "url_scheme": "https",
                "format": "http-v2",
            },
            "",
        )

    def test_decoded_binary_body_is_summarised(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "invoke", APP, "/binary", "--decoded") == (
            0,
            "HTTP/1.1 200 OK\ncontent-type: application/octet-stream\n\n"
            "[256 bytes of binary data]\n",
            "",
        )

    def test_decoded_empty_body(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.apps:lambda_handler",
            "-X",
            "HEAD",
            "--decoded",
            "--format",
            "edge",
        )
        assert (code, out, err) == (
            0,
            "HTTP/1.1 201 Created\n"
            "Content-Type: application/json\n"
            "X-Multi: a\n"
            "X-Multi: b\n"
            "Set-Cookie: c1=1; Path=/\n"
            "Set-Cookie: c2=2; Path=/\n"
            "\n"
            '{"method": "HEAD", "script_name": "", "path_info": "/", '
            '"query_string": "", "headers": {"HTTP_HOST": '
            '"d111111abcdef8.cloudfront.net", "CONTENT_LENGTH": "0"}, "body": "", '
            '"remote_addr": "203.0.113.10", "url_scheme": "https", "format": '
            '"edge"}\n',
            "",
        )

    def test_decoded_malformed_result(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(
            capsys,
            "invoke",
            "tests.testing.apps:malformed_handler",
            "--format",
            "rest",
            "--decoded",
        ) == (
            0,
            "HTTP/1.1 502 Bad Gateway\nContent-Type: application/json\n"
            'Content-Length: 36\n\n{"message": "Internal server error"}\n',
            "The rest integration would reject this: statusCode must be an HTTP "
            "status code, not 'twelve'.\n",
        )

    def test_result_not_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "invoke", "tests.testing.apps:set_handler") == (
            1,
            "",
            "Error: the handler's result is not JSON serializable: Object of type "
            "set is not JSON serializable\n",
        )

    def test_event_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "invoke", APP, "--event", str(SAMPLE), "--decoded")
        assert (code, echo_response(out), err) == (0, (ECHO_HEAD, SAMPLE_ECHO), "")

    def test_event_file_is_decoded_as_the_format_given(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # Detected, the sample is http-v2, whose failures are a 500.
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.apps:malformed_handler",
            "--event",
            str(SAMPLE),
            "--format",
            "function-url",
            "--decoded",
        )
        assert (code, out, err) == (
            0,
            "HTTP/1.1 502 Bad Gateway\nContent-Type: application/json\n"
            'Content-Length: 35\n\n{"message":"Internal Server Error"}\n',
            "The function-url integration would reject this: statusCode must be an "
            "HTTP status code, not 'twelve'.\n",
        )

    def test_event_from_stdin(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(SAMPLE.read_text()))
        code, out, err = run(capsys, "invoke", APP, "--event", "-")
        assert (code, echo_result(out), err) == (0, SAMPLE_RESULT, "")

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                None,
                (
                    "Error: cannot read event file 'event.json': No such file or "
                    "directory.\n"
                ),
            ),
            (
                "{nope",
                (
                    "Error: event file 'event.json' is not valid JSON: Expecting "
                    "property name enclosed in double quotes: line 1 column 2 "
                    "(char 1).\n"
                ),
            ),
            (
                "[1, 2]",
                "Error: event file 'event.json' must hold a JSON object, not list.\n",
            ),
            (
                '{"foo": 1}',
                "Error: invalid event: Unknown event format with 'foo': not an event "
                "from API Gateway, a Function URL, an ALB, VPC Lattice or "
                "Lambda@Edge. Pass non_http_handler to handle other events.\n",
            ),
        ],
    )
    def test_bad_event_file(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        content: str | None,
        message: str,
    ) -> None:
        monkeypatch.chdir(tmp_path)
        monkeypatch.syspath_prepend(str(ROOT))
        if content is not None:
            Path("event.json").write_text(content)
        assert run(capsys, "invoke", APP, "--event", "event.json") == (1, "", message)

    def test_event_with_request_options(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys, "invoke", APP, "/x", "-H", "A: b", "--event", str(SAMPLE)
        ) == (2, "", "Error: --event cannot be combined with path, --header.\n")

    def test_decoded_unknown_event_format(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        (tmp_path / "event.json").write_text('{"custom": true}')
        assert run(
            capsys,
            "invoke",
            "tests.testing.apps:malformed_handler",
            "--event",
            str(tmp_path / "event.json"),
            "--decoded",
        ) == (
            2,
            "",
            "Error: cannot tell the event's format to decode the response: "
            "pass --format.\n",
        )

    def test_script_name(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys, "invoke", APP, "/api/x", "--script-name", "/api", "--format", "alb"
        )
        echo = echo_result(out)["body"]
        assert (code, echo["script_name"], echo["path_info"]) == (0, "/api", "/x")

    def test_bad_script_name(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "invoke", APP, "--script-name", "api") == (
            1,
            "",
            (
                "Error: script_name 'api' must start with '/' and not end with '/'. "
                "Write the base path as '/api', or use 'auto' for the stage.\n"
            ),
        )

    def test_handler_flag_for_unclear_parameters(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys, "invoke", "--handler", "tests.testing.apps:unclear_parameters"
        ) == (0, "null\n", "")

    def test_wsgi_flag_for_unclear_parameters(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            "--wsgi",
            "tests.testing.apps:validated_app",
            "--event",
            str(SAMPLE),
        )
        assert (code, echo_result(out), err) == (0, SAMPLE_RESULT, "")

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (
                "tests.testing.apps",
                (
                    "Expected MODULE:APP, such as 'myproject.wsgi:application', not "
                    "'tests.testing.apps'."
                ),
            ),
            (
                "no_such_module:app",
                (
                    "Cannot import module 'no_such_module': No module named "
                    "'no_such_module'."
                ),
            ),
            (
                "tests.testing.apps:missing.attr",
                "Module 'tests.testing.apps' has no attribute 'missing.attr'.",
            ),
            (
                "tests.testing.apps:NOT_CALLABLE",
                (
                    "tests.testing.apps:NOT_CALLABLE is 42, which is not callable: "
                    "expected a WSGI application, a Lambda handler or a Flask app "
                    "factory."
                ),
            ),
            (
                "tests.testing.apps:three_parameters",
                (
                    "tests.testing.apps:three_parameters is not a WSGI application: it "
                    "takes 3 parameters ('a', 'b', 'c'), a WSGI app takes (environ, "
                    "start_response)."
                ),
            ),
            (
                "tests.testing.apps:unclear_parameters",
                (
                    "Cannot tell whether tests.testing.apps:unclear_parameters is a "
                    "WSGI application or a Lambda handler from its parameters ('a', "
                    "'b'): pass --wsgi or --handler."
                ),
            ),
            (
                "tests.testing.apps:validated_app",
                (
                    "Cannot tell whether tests.testing.apps:validated_app is a WSGI "
                    "application or a Lambda handler from its parameters ('args', "
                    "'kw'): pass --wsgi or --handler."
                ),
            ),
            (
                "tests.testing.apps:NO_SIGNATURE",
                (
                    "Cannot tell whether tests.testing.apps:NO_SIGNATURE is a WSGI "
                    "application or a Lambda handler: its parameters cannot be "
                    "inspected. Pass --wsgi or --handler."
                ),
            ),
        ],
    )
    def test_load_errors(
        self, capsys: pytest.CaptureFixture[str], spec: str, message: str
    ) -> None:
        assert run(capsys, "invoke", spec) == (1, "", f"Error: {message}\n")


class TestBinary:
    def test_binary_support_flag(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(
            capsys, "invoke", APP, "/binary", "--format", "rest", "--binary-support"
        ) == (
            0,
            json.dumps(
                {
                    "statusCode": 200,
                    "multiValueHeaders": {"Content-Type": ["application/octet-stream"]},
                    "body": base64.b64encode(BINARY).decode(),
                    "isBase64Encoded": True,
                },
                indent=2,
            )
            + "\n",
            "",
        )

    def test_no_binary_support_flag(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(
            capsys, "invoke", APP, "/binary", "--format", "rest", "--no-binary-support"
        ) == (
            0,
            json.dumps(
                {
                    "statusCode": 200,
                    "multiValueHeaders": {"Content-Type": ["application/octet-stream"]},
                    "body": BINARY.decode("utf-8", "replace"),
                    "isBase64Encoded": False,
                },
                indent=2,
            )
            + "\n",
            "",
        )

    def test_binary_media_types_decode_a_rest_response(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys,
            "invoke",
            APP,
            "/binary",
            "--format",
            "rest",
            "--binary-support",
            "--decoded",
            "--binary-media-types",
            "*/*",
        ) == (
            0,
            "HTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\n"
            "[256 bytes of binary data]\n",
            "",
        )

    def test_without_binary_media_types_a_rest_response_stays_base64(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # As API Gateway sends the base64 text on to the client.
        assert run(
            capsys,
            "invoke",
            APP,
            "/binary",
            "--format",
            "rest",
            "--binary-support",
            "--decoded",
        ) == (
            0,
            "HTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\n"
            + base64.b64encode(BINARY).decode()
            + "\n",
            "",
        )

    def test_binary_media_types_make_a_rest_request_body_base64(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            capsys,
            "event",
            "--format",
            "rest",
            "-H",
            "Content-Type: image/png",
            "-d",
            "x",
            "--binary-media-types",
            "image/*",
        )
        event = json.loads(out)
        assert (code, event["body"], event["isBase64Encoded"], err) == (
            0,
            "eA==",
            True,
            "",
        )

    def test_without_binary_media_types_a_rest_request_body_is_text(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            capsys,
            "event",
            "--format",
            "rest",
            "-H",
            "Content-Type: image/png",
            "-d",
            "x",
        )
        event = json.loads(out)
        assert (code, event["body"], event["isBase64Encoded"], err) == (
            0,
            "x",
            False,
            "",
        )

    def test_handler_options_are_refused_for_a_lambda_handler(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys,
            "invoke",
            "tests.testing.apps:lambda_handler",
            "--binary-support",
            "--script-name",
            "auto",
        ) == (
            1,
            "",
            "Error: tests.testing.apps:lambda_handler is a Lambda handler, made "
            "with its options already: pass --script-name, --binary-support to "
            "make_lambda_handler in your code instead.\n",
        )


def test_invoke_names_a_host_that_django_refuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = "abcdef1234.execute-api.us-east-1.amazonaws.com"
    assert run(capsys, "invoke", "tests.testing.apps:refusing_app", "/") == (
        1,
        "",
        f"Error: Django refused the request's Host, {host!r}: add {host!r} (or "
        "'.amazonaws.com') to ALLOWED_HOSTS.\n",
    )


class TestFlaskApps:
    def test_factory_app_runs_with_its_config(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.flask_apps:create_app",
            "/image.png",
            "--format",
            "rest",
        )
        assert (code, json.loads(out), err) == (0, PNG_RESULT, "")

    def test_configured_app_runs_its_own_handler(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.flask_apps:configured_app",
            "/image.png",
            "--format",
            "rest",
        )
        assert (code, json.loads(out), err) == (0, PNG_RESULT, "")

    def test_app_without_the_extension_is_a_wsgi_app(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # A configured app would refuse --binary-support.
        code, out, err = run(
            capsys,
            "invoke",
            "tests.testing.flask_apps:plain_app",
            "/image.png",
            "--format",
            "rest",
            "--binary-support",
        )
        assert (code, json.loads(out), err) == (0, PNG_RESULT, "")

    def test_options_are_refused_for_a_configured_app(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys, "invoke", "tests.testing.flask_apps:create_app", "--binary-support"
        ) == (
            1,
            "",
            "Error: tests.testing.flask_apps:create_app is a Flask application, "
            "whose handler takes its options from the APIG_WSGI_* config keys, as "
            "on Lambda: set those instead of passing --binary-support.\n",
        )

    def test_factory_that_returns_no_app(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "invoke", "tests.testing.flask_apps:create_nothing") == (
            1,
            "",
            "Error: tests.testing.flask_apps:create_nothing is an application "
            "factory, but it returned None, which is not a WSGI application.\n",
        )


class TestHelp:
    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as excinfo:
            main(["--version"])
        assert excinfo.value.code == 0
        assert capsys.readouterr().out == f"apig-wsgi {version('apig-wsgi')}\n"

    @pytest.mark.parametrize(
        ("command", "description"),
        [
            (
                "serve",
                "Serve the app over HTTP, shaped as an AWS integration: each request "
                "becomes the event of --format, and the handler's result the "
                "response that front would send.",
            ),
            (
                "invoke",
                "Call the app's Lambda handler with one event, built from the "
                "request options or read from --event, and print the Lambda result "
                "(with --decoded, the HTTP response the client would receive).",
            ),
            (
                "event",
                "Print the event that --format's front would send for a request, "
                "as JSON.",
            ),
        ],
    )
    def test_commands_describe_themselves(
        self, capsys: pytest.CaptureFixture[str], command: str, description: str
    ) -> None:
        assert help_text(capsys, command).split("\n\n")[1] == description

    def test_event_help_offers_only_its_own_options(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert "--event" not in help_text(capsys, "event")
        assert "detected from --event" in help_text(capsys, "invoke")

    @pytest.mark.parametrize("command", ["serve", "invoke", "event"])
    def test_stage_help_gives_the_defaults(
        self, capsys: pytest.CaptureFixture[str], command: str
    ) -> None:
        assert "rest: default prod; http-v1, http-v2: $default" in help_text(
            capsys, command
        )


def help_text(capsys: pytest.CaptureFixture[str], command: str) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    # Unwrapped, so that the tests do not depend on the terminal's width.
    return re.sub(r"\s+", " ", capsys.readouterr().out.replace("\n\n", "\0")).replace(
        "\0", "\n\n"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class TestServe:
    def test_port_in_use(self, capsys: pytest.CaptureFixture[str]) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            port = sock.getsockname()[1]
            assert run(capsys, "serve", APP, "--port", str(port)) == (
                1,
                "",
                (
                    f"Error: port {port} on 127.0.0.1 is already in use: stop the "
                    "other server or pass another --port.\n"
                ),
            )

    def test_bad_host(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "serve", APP, "--host", "no-such-host.invalid")
        assert (code, out) == (1, "")
        # The rest is the resolver's message, which varies by system.
        assert err.startswith("Error: cannot listen on no-such-host.invalid:8000: ")

    def test_stage_for_alb(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "serve", APP, "--format", "alb", "--stage", "v") == (
            1,
            "",
            "Error: Format 'alb' has no stages, got stage 'v'.\n",
        )

    @pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
    def test_bad_read_timeout(
        self, capsys: pytest.CaptureFixture[str], value: str
    ) -> None:
        assert usage_error(capsys, "serve", APP, "--read-timeout", value) == (
            "apig-wsgi serve: error: argument --read-timeout: must be a positive "
            f"number of seconds, not {value!r}"
        )

    def test_ctrl_c_stops_the_server_in_process(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        port = free_port()
        answers: list[bytes] = []
        returned = threading.Event()

        def client() -> None:
            url = f"http://127.0.0.1:{port}/v1/binary"
            deadline = time.monotonic() + 60
            try:
                while not returned.is_set() and time.monotonic() < deadline:
                    try:
                        with urllib.request.urlopen(url, timeout=30) as response:
                            answers.append(response.read())
                    except OSError:
                        time.sleep(0.01)
                    else:
                        break
            finally:
                # Ctrl-C, as the terminal would send it to the serving process;
                # also on a failure, so that the test cannot hang the run.
                if not returned.is_set():
                    os.kill(os.getpid(), signal.SIGINT)

        thread = threading.Thread(target=client)
        thread.start()
        try:
            code = main(
                [
                    "serve",
                    "--handler",
                    "tests.testing.apps:lambda_handler",
                    "--port",
                    str(port),
                    "--format",
                    "rest",
                    "--stage",
                    "v1",
                    "--binary-media-types",
                    "image/*",
                    "*/*",
                    "--read-timeout",
                    "5",
                ]
            )
        finally:
            returned.set()
            thread.join()
        _, err = capsys.readouterr()
        assert code == 0
        assert answers == [BINARY]
        assert err == (
            "Serving tests.testing.apps:lambda_handler (handler) as rest events on "
            f"http://127.0.0.1:{port}/v1/\n"
            "Press Ctrl-C to stop.\nStopped.\n"
        )


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_server_subprocess(stop_signal: signal.Signals) -> None:
    # Start it as a shell starts a background job, with SIGINT ignored, which
    # the server must undo for Ctrl-C to work.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "apig_wsgi", "serve", APP, "--port", "0"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        url = first.rstrip().rpartition(" ")[2]
        assert first == f"Serving {APP} (wsgi) as http-v2 events on {url}\n"
        with urllib.request.urlopen(url + "sub?x=1", timeout=30) as response:
            assert json.loads(response.read())["query_string"] == "x=1"
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0
        rest = process.stderr.read()
    finally:
        # A server that did not stop must not outlive the test.
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    lines = rest.splitlines()
    assert lines[0] == "Press Ctrl-C to stop."
    assert re.fullmatch(r'.* 127\.0\.0\.1 "GET /sub\?x=1 HTTP/1\.1" 201 \d+', lines[1])
    assert lines[2:] == ["Stopped."]


def test_read_timeout_closes_idle_connections_subprocess() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apig_wsgi",
            "serve",
            APP,
            "--port",
            "0",
            "--read-timeout",
            "0.2",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        url = process.stderr.readline().rstrip().rpartition(" ")[2]
        port = int(url.rpartition(":")[2].rstrip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            # The server closes the connection; the client's timeout is longer.
            assert sock.recv(1) == b""
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        rest = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert re.search(r" 127\.0\.0\.1 Request timed out: ", rest)


def test_console_script() -> None:
    script = Path(sys.executable).parent / "apig-wsgi"
    result = subprocess.run(
        [str(script), "event", "--format", "alb"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (result.returncode, stable(json.loads(result.stdout)), result.stderr) == (
        0,
        stable(build_event("alb")),
        "",
    )


def test_python_m(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setattr(sys, "argv", ["apig_wsgi", "event", "--format", "edge"])
    with pytest.raises(SystemExit) as excinfo:
        runpy.run_module("apig_wsgi", run_name="__main__")
    assert (excinfo.value.code, stable(json.loads(capsys.readouterr().out))) == (
        0,
        stable(build_event("edge")),
    )


def test_main_module_exposes_main() -> None:
    import apig_wsgi.__main__

    assert apig_wsgi.__main__.main is main


def test_stream_needs_a_wsgi_app(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--stream", "tests.testing.apps:lambda_handler"])
    assert (code, capsys.readouterr().err) == (
        1,
        "Error: --stream needs a WSGI application, and "
        "tests.testing.apps:lambda_handler is a Lambda handler.\n",
    )


def test_serve_stream_subprocess(tmp_path: Path) -> None:
    app = "tests.runtime.apps:barrier_app"
    release = tmp_path / "release"
    process, first = serve_subprocess(
        app,
        "--format",
        "function-url",
        "--stream",
        env={"BARRIER_FILE": str(release), "CLOSE_MARKER": str(tmp_path / "closed")},
    )
    url = url_of(first)
    try:
        with urllib.request.urlopen(url + "feed", timeout=30) as response:
            assert response.headers["Transfer-Encoding"] == "chunked"
            # The app sends the second event only once this one was read.
            assert response.read1() == b"data: one\n\n"
            release.write_text("go")
            assert response.read() == b"data: released\n\n"
    finally:
        rest = stop(process)
    assert first == f"Serving {app} (wsgi) as function-url events on {url}\n"
    assert re.search(r'"GET /feed HTTP/1\.1" 200 27 \(streamed\)', rest)


def test_serve_stream_keeps_a_configured_apps_options() -> None:
    # http-v1 does not stream; binary support is the app's config, off by
    # default for payload 1.0, so a lost option would mangle the PNG.
    process, line = serve_subprocess(
        "tests.testing.flask_apps:create_app", "--stream", "--format", "http-v1"
    )
    url = url_of(line)
    try:
        with urllib.request.urlopen(url + "image.png", timeout=30) as response:
            assert response.read() == PNG
    finally:
        stop(process)


def test_ctrl_c_stops_the_server_before_its_next_poll(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the poll interval an hour long, only the signal itself can wake
    # the server; a server that waits for a request is sent one after a while.
    monkeypatch.setattr("apig_wsgi.server.LocalServer.timeout", 3600)
    port = free_port()
    returned = threading.Event()
    late_answers: list[bytes] = []

    def client() -> None:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
            except OSError:
                time.sleep(0.01)
            else:
                break
        os.kill(os.getpid(), signal.SIGINT)
        if not returned.wait(10):
            with urllib.request.urlopen(url, timeout=30) as response:
                late_answers.append(response.read())

    thread = threading.Thread(target=client)
    thread.start()
    try:
        code = main(["serve", APP, "--port", str(port)])
    finally:
        returned.set()
        thread.join()
    assert (code, late_answers, capsys.readouterr().err) == (
        0,
        [],
        f"Serving {APP} (wsgi) as http-v2 events on http://127.0.0.1:{port}/\n"
        "Press Ctrl-C to stop.\nStopped.\n",
    )


WHOAMI = "tests.testing.apps:whoami"


class TestCaller:
    @pytest.mark.parametrize(
        ("arguments", "name"),
        [
            (["--claim", "sub=alice", "--claim", "email=a@example.com"], "'alice'"),
            (["--format", "rest", "--claim", "sub=bob"], "'bob'"),
            (
                ["--format", "rest", "--authorizer", '{"principalId": "carol"}'],
                "'carol'",
            ),
            (
                ["--format", "lattice-v2", "--iam", "arn:aws:iam::1:user/dan"],
                "'arn:aws:iam::1:user/dan'",
            ),
            (["--remote-user-claim", "email", "--claim", "email=e@x.org"], "'e@x.org'"),
            (["--format", "alb", "--claim", "sub=eve"], "None"),
            (["--format", "alb", "--claim", "sub=eve", "--alb-authenticates"], "'eve'"),
            ([], "None"),
        ],
    )
    def test_invoke_sends_the_caller(
        self, capsys: pytest.CaptureFixture[str], arguments: list[str], name: str
    ) -> None:
        code, out, err = run(
            capsys, "invoke", WHOAMI, "--remote-user", "--decoded", *arguments
        )

        assert (code, err) == (0, "")
        assert out.endswith(f"\n\n{name}\n")

    def test_without_remote_user_the_app_sees_nobody(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "invoke", WHOAMI, "--claim", "sub=a", "--decoded")

        assert (code, out.endswith("\n\nNone\n")) == (0, True)

    def test_event_prints_the_oidc_headers_of_alb(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "event", "--format", "alb", "--claim", "sub=a")

        headers = json.loads(out)["headers"]
        assert code == 0
        assert headers["x-amzn-oidc-identity"] == "a"
        assert headers["x-amzn-oidc-accesstoken"] == "local-access-token"

    def test_format_without_that_caller(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(
            capsys, "event", "--format", "edge", "--iam", "arn:aws:iam::1:user/a"
        ) == (
            1,
            "",
            "Error: Format 'edge' cannot carry iam; the formats that do: rest, "
            "http-v1, http-v2, function-url, lattice-v2.\n",
        )

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (
                ["--claim", "sub"],
                "argument --claim: invalid claim 'sub': expected 'NAME=VALUE'",
            ),
            (
                ["--claim", "=a"],
                "argument --claim: invalid claim '=a': expected 'NAME=VALUE'",
            ),
            (
                ["--authorizer", "{"],
                "argument --authorizer: not JSON: Expecting property name enclosed "
                "in double quotes: line 1 column 2 (char 1)",
            ),
            (
                ["--authorizer", "[]"],
                "argument --authorizer: expected a JSON object, not list",
            ),
            (
                ["--iam", "arn:aws:iam::1:user/a", "--claim", "sub=a"],
                "argument --claim: not allowed with argument --iam",
            ),
        ],
    )
    def test_bad_caller_arguments(
        self, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
    ) -> None:
        assert usage_error(capsys, "event", *arguments) == (
            f"apig-wsgi event: error: {message}"
        )

    def test_event_file_with_a_caller(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(
            capsys, "invoke", APP, "--claim", "sub=a", "--event", str(SAMPLE)
        ) == (2, "", "Error: --event cannot be combined with --claim.\n")

    def test_serve_refuses_a_caller_its_format_lacks(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "serve", WHOAMI, "--format", "edge", "--claim", "sub=a") == (
            1,
            "",
            "Error: Format 'edge' cannot carry claims; the formats that do: rest, "
            "http-v1, http-v2, alb.\n",
        )

    def test_remote_user_options_are_refused_for_a_lambda_handler(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(
            capsys,
            "invoke",
            "tests.testing.apps:lambda_handler",
            "--remote-user",
            "--remote-user-claim",
            "email",
            "--alb-authenticates",
        )

        assert code == 1
        assert "pass --remote-user, --remote-user-claim, --alb-authenticates to" in err
