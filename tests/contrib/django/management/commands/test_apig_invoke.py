from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.test import override_settings

from tests.contrib.django.project.views import IMAGE_BYTES
from tests.utils import EVENTS_DIR

REPO_ROOT = Path(__file__).parents[5]
SETTINGS = "tests.contrib.django.project.settings"
HOST = "abcdef1234.execute-api.us-east-1.amazonaws.com"


def links_body(script_name: str = "") -> str:
    return json.dumps(
        {
            "image": f"{script_name}/image.png",
            "absolute": f"https://{HOST}{script_name}/image.png",
            "path": f"{script_name}/links/",
            "path_info": "/links/",
        }
    )


def invoke(*args: str) -> tuple[str, str]:
    out = StringIO()
    err = StringIO()
    call_command("apig_invoke", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_manage(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "apig_invoke", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, **(env or {})},
        check=False,
    )


class TestCallCommand:
    def test_prints_lambda_result(self) -> None:
        out, err = invoke("/links/", "--format", "rest")

        body = links_body()
        assert json.loads(out) == {
            "statusCode": 200,
            "multiValueHeaders": {
                "Content-Type": ["application/json"],
                "Content-Length": [str(len(body))],
            },
            "body": body,
            "isBase64Encoded": False,
        }
        assert err == ""

    @override_settings(APIG_WSGI_SCRIPT_NAME="auto")
    def test_uses_handler_options_from_settings(self) -> None:
        out, err = invoke("/links/", "--format", "rest")

        body = links_body("/prod")
        assert (json.loads(out), err) == (
            {
                "statusCode": 200,
                "multiValueHeaders": {
                    "Content-Type": ["application/json"],
                    "Content-Length": [str(len(body))],
                },
                "body": body,
                "isBase64Encoded": False,
            },
            "",
        )

    def test_decoded_prints_http_response(self) -> None:
        out, err = invoke("/cookies/", "--decoded", "--header", "Cookie: a=1")

        # Django 5.2 writes Set-Cookie values with a leading space; 6.0 does not.
        assert out.replace("Set-Cookie:  ", "Set-Cookie: ") == (
            "HTTP/1.1 200 OK\n"
            "content-type: application/json\n"
            "content-length: 24\n"
            "Set-Cookie: first=1; Path=/\n"
            "Set-Cookie: second=2; HttpOnly; Path=/\n"
            "\n"
            '{"received": {"a": "1"}}\n'
        )
        assert err == ""

    @override_settings(APIG_WSGI_SCRIPT_NAME="prod")
    def test_invalid_setting_raises(self) -> None:
        with pytest.raises(CommandError) as excinfo:
            invoke("/links/")

        assert str(excinfo.value) == (
            "APIG_WSGI_SCRIPT_NAME is invalid: script_name 'prod' must start with "
            "'/' and not end with '/'. Write the base path as '/api', or use 'auto' "
            "for the stage."
        )

    def test_event_file_from_corpus(self) -> None:
        out, err = invoke(
            "--event", str(EVENTS_DIR / "powertools-python/vpcLatticeEvent.json")
        )

        result = json.loads(out)
        assert result["statusCode"] == 200
        assert json.loads(result["body"])["apig_context"]["event_format"] == (
            "lattice-v1"
        )
        assert err == ""

    def test_event_file_that_is_not_json_raises(self, tmp_path: Path) -> None:
        event_file = tmp_path / "event.json"
        event_file.write_text("{not json")

        with pytest.raises(CommandError) as excinfo:
            invoke("--event", str(event_file))

        assert str(excinfo.value) == (
            f"event file {str(event_file)!r} is not valid JSON: Expecting property "
            "name enclosed in double quotes: line 1 column 2 (char 1)."
        )
        assert excinfo.value.returncode == 1

    def test_missing_event_file_raises(self, tmp_path: Path) -> None:
        event_file = tmp_path / "missing.json"

        with pytest.raises(CommandError) as excinfo:
            invoke("--event", str(event_file))

        assert str(excinfo.value) == (
            f"cannot read event file {str(event_file)!r}: No such file or directory."
        )
        assert excinfo.value.returncode == 1

    def test_event_that_is_not_http_raises(self, tmp_path: Path) -> None:
        event_file = tmp_path / "event.json"
        event_file.write_text('{"source": "aws.events"}')

        with pytest.raises(CommandError) as excinfo:
            invoke("--event", str(event_file))

        assert str(excinfo.value) == (
            "invalid event: Unknown event format with 'source': not an event from "
            "API Gateway, a Function URL, an ALB, VPC Lattice or Lambda@Edge. Set "
            "APIG_WSGI_NON_HTTP_HANDLER, or register a handler on "
            "apig_wsgi.contrib.django.events.router, to handle other events."
        )
        assert excinfo.value.returncode == 1

    def test_event_with_request_options_raises(self) -> None:
        with pytest.raises(CommandError) as excinfo:
            invoke("--event", "event.json", "/links/")

        assert str(excinfo.value) == "--event cannot be combined with path."
        assert excinfo.value.returncode == 2


class TestSubprocess:
    def test_prints_lambda_result(self) -> None:
        process = run_manage("/links/", "--format", "function-url", "--decoded")

        assert (process.returncode, process.stderr) == (0, "")
        body = json.dumps(
            {
                "image": "/image.png",
                "absolute": (
                    "https://abcdef1234.lambda-url.us-east-1.on.aws/image.png"
                ),
                "path": "/links/",
                "path_info": "/links/",
            }
        )
        assert process.stdout == (
            "HTTP/1.1 200 OK\n"
            "content-type: application/json\n"
            f"content-length: {len(body)}\n"
            "\n"
            f"{body}\n"
        )

    def test_invalid_setting_fails_system_checks(self) -> None:
        process = run_manage("/links/", env={"APIG_WSGI_TEST_SCRIPT_NAME": "prod"})

        assert (process.returncode, process.stdout) == (1, "")
        assert process.stderr == (
            "SystemCheckError: System check identified some issues:\n"
            "\n"
            "ERRORS:\n"
            "?: (apig_wsgi.E002) APIG_WSGI_SCRIPT_NAME is invalid: script_name "
            "'prod' must start with '/' and not end with '/'.\n"
            "\tHINT: Write the base path as '/api', or use 'auto' for the stage.\n"
        )

    def test_bad_event_on_stdin_fails(self) -> None:
        process = run_manage("--event", "-", stdin="nope")

        message = (
            "CommandError: event file stdin is not valid JSON: Expecting value: "
            "line 1 column 1 (char 0).\n"
        )
        assert (process.returncode, process.stdout, process.stderr) == (1, "", message)


class TestAllowedHostsHint:
    @override_settings(ALLOWED_HOSTS=["example.com"])
    def test_refused_host_is_named_in_one_line(self) -> None:
        with pytest.raises(CommandError) as excinfo:
            invoke("/links/", "--format", "function-url")

        host = "abcdef1234.lambda-url.us-east-1.on.aws"
        assert str(excinfo.value) == (
            f"Django refused the request's Host, {host!r}: add {host!r} (or "
            "'.on.aws') to ALLOWED_HOSTS."
        )
        assert excinfo.value.returncode == 1


@override_settings(APIG_WSGI_BINARY_SUPPORT=True)
def test_binary_media_types_let_a_rest_api_decode_an_image() -> None:
    argv = ("/image.png", "--format", "rest", "--decoded", "-H", "Accept: image/png")
    out, err = invoke(*argv, "--binary-media-types", "*/*")
    assert (out.splitlines()[-1], err) == (
        f"[{len(IMAGE_BYTES)} bytes of binary data]",
        "",
    )
    # Without them API Gateway passes the base64 text on.
    out, err = invoke(*argv)
    assert (out.splitlines()[-1], err) == (base64.b64encode(IMAGE_BYTES).decode(), "")
