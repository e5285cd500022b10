"""``apig-wsgi serve`` and ``invoke`` run a Django project as Lambda does."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest
from django.test import override_settings

from apig_wsgi.cli import main
from tests.contrib.django.project.views import IMAGE_BYTES
from tests.utils import serve_subprocess
from tests.utils import stop
from tests.utils import url_of

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
    process, first = serve_subprocess(
        app,
        "--format",
        "rest",
        "--binary-media-types",
        "*/*",
        env={
            "DJANGO_SETTINGS_MODULE": "tests.contrib.django.project.settings",
            "APIG_WSGI_TEST_BINARY_SUPPORT": "true",
        },
    )
    url = url_of(first)
    try:
        kind = "django" if app == WSGI_APP else "handler"
        assert first == f"Serving {app} ({kind}) as rest events on {url}\n"
        with urllib.request.urlopen(url + "image.png", timeout=30) as response:
            assert response.read() == IMAGE_BYTES
    finally:
        stop(process)
