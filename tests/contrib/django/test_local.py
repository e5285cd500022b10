"""``apig-wsgi serve`` and ``invoke`` run a Django project as Lambda does."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from apig_wsgi.cli import main
from tests.contrib.django.project.views import IMAGE_BYTES

REPO_ROOT = Path(__file__).parents[3]
WSGI_APP = "tests.contrib.django.project.wsgi:application"


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["invoke", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@override_settings(APIG_WSGI_BINARY_SUPPORT=True)
def test_invoke_wsgi_module_uses_the_settings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = invoke(capsys, WSGI_APP, "/image.png", "--format", "rest")
    result = json.loads(out)
    assert (code, err) == (0, "")
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == IMAGE_BYTES


@override_settings(APIG_WSGI_SCRIPT_NAME="prod")
def test_invalid_setting_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(capsys, WSGI_APP, "/links/") == (
        1,
        "",
        "Error: APIG_WSGI_SCRIPT_NAME is invalid: script_name 'prod' must start "
        "with '/' and not end with '/'. Write the base path as '/api', or use "
        "'auto' for the stage.\n",
    )


def test_options_are_refused_for_a_django_project(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert invoke(capsys, WSGI_APP, "--script-name", "auto") == (
        1,
        "",
        f"Error: {WSGI_APP} is a Django application, whose handler takes its "
        "options from the APIG_WSGI_* settings, as on Lambda: set those instead "
        "of passing --script-name.\n",
    )


@pytest.mark.parametrize(
    "app", [WSGI_APP, "apig_wsgi.contrib.django.handler:lambda_handler"]
)
def test_serve_sends_a_png_through_rest_intact(app: str) -> None:
    # The newcomer's case: binary support on in the settings, the REST API's
    # binaryMediaTypes '*/*', and a PNG that must arrive byte for byte.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apig_wsgi",
            "serve",
            app,
            "--port",
            "0",
            "--format",
            "rest",
            "--binary-media-types",
            "*/*",
        ],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.contrib.django.project.settings",
            "APIG_WSGI_TEST_BINARY_SUPPORT": "true",
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        first = process.stderr.readline()
        url = first.rstrip().rpartition(" ")[2]
        kind = "django" if app == WSGI_APP else "handler"
        assert first == f"Serving {app} ({kind}) as rest events on {url}\n"
        with urllib.request.urlopen(url + "image.png", timeout=30) as response:
            assert response.read() == IMAGE_BYTES
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
