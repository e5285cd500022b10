"""The Lambda zip that the playbook's build step makes, run outside this tree.

The zip is unpacked into an empty directory and its handler runs in a fresh
interpreter (``python -I -S``) that has nothing but the standard library and
that directory on its path, as in the Lambda runtime. Requests of each front's
format go in through apig_wsgi's event builders and come back through its
response decoder.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_SECRET_KEY
from fronts import FRONTS
from fronts import IMAGE
from fronts import client_for
from fronts import csrf_form_token
from fronts import set_cookies
from multipart import CONTENT_TYPE
from multipart import form_data

from apig_wsgi.testing import Client

DRIVER = Path(__file__).resolve().parent / "lambda_zip_driver.py"


class ZipHandler:
    """Send each event to the driver process and return its result."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())


@pytest.fixture(scope="module")
def zip_handler(
    lambda_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ZipHandler]:
    task_root = tmp_path_factory.mktemp("task-root")
    with zipfile.ZipFile(lambda_build / "lambda.zip") as archive:
        archive.extractall(task_root)
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", str(DRIVER), str(task_root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        # Only what site.yml gives the function.
        env={
            "DJANGO_SETTINGS_MODULE": "example_site.settings",
            "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "*",
            "DJANGO_SECURE_COOKIES": "true",
        },
    )
    assert process.stdout is not None
    try:
        assert json.loads(process.stdout.readline()) == {"ready": True}
        yield ZipHandler(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        assert process.wait(timeout=30) == 0
        process.stdout.close()


def zip_client(handler: ZipHandler, front: str) -> Client:
    return client_for(handler, front)


def test_zip_holds_the_project_and_its_dependencies_only(lambda_build: Path) -> None:
    with zipfile.ZipFile(lambda_build / "lambda.zip") as archive:
        names = archive.namelist()

    top_level = {name.split("/")[0] for name in names}
    assert top_level == {
        "apig_wsgi",
        "apig_wsgi-3.0.0.dev0.dist-info",
        "asgiref",
        "asgiref-3.13.0.dist-info",
        "django",
        "django-5.2.19.dist-info",
        "example_site",
        "sqlparse",
        "sqlparse-0.6.1.dist-info",
    }
    assert [
        name
        for name in names
        if "__pycache__" in name or name.endswith(".pyc") or "/tests/" in name
    ] == []
    assert "example_site/templates/example_site/index.html" in names
    assert "example_site/static/apig-wsgi.png" in names


def test_wheel_holds_only_the_package(lambda_build: Path) -> None:
    (wheel,) = (lambda_build / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        outside = [
            name
            for name in archive.namelist()
            if not name.startswith(("apig_wsgi/", "apig_wsgi-3.0.0.dev0.dist-info/"))
        ]

    assert outside == []


@pytest.mark.parametrize("front", FRONTS)
def test_zip_answers_index(zip_handler: ZipHandler, front: str) -> None:
    response = zip_client(zip_handler, front).get("/")

    assert response.status == 200
    assert f'<td id="event-format">{front}</td>' in response.text
    script_name = "/live" if front == "rest" else ""
    assert f'<td id="script-name">{script_name}</td>' in response.text


@pytest.mark.parametrize("front", FRONTS)
def test_zip_sets_cookies(zip_handler: ZipHandler, front: str) -> None:
    response = zip_client(zip_handler, front).get("/cookies/")

    assert response.status == 200
    assert set_cookies(response) == {"flavour": "oatmeal-raisin", "theme": "dark"}
    assert all("Secure" in value for value in response.header_list("set-cookie"))


@pytest.mark.parametrize("front", FRONTS)
def test_zip_serves_binary_image(zip_handler: ZipHandler, front: str) -> None:
    response = zip_client(zip_handler, front).get("/image.png")

    assert response.status == 200
    assert response.header("content-type") == "image/png"
    assert response.body == IMAGE.read_bytes()


@pytest.mark.parametrize("front", FRONTS)
def test_zip_accepts_post_with_csrf_token(zip_handler: ZipHandler, front: str) -> None:
    client = zip_client(zip_handler, front)
    seen = client.get("/api/request/").json()
    form = client.get("/upload/")
    attachment = IMAGE.read_bytes()

    response = client.post(
        "/upload/",
        headers={
            "Content-Type": CONTENT_TYPE,
            "Origin": f"{seen['scheme']}://{seen['host']}",
        },
        cookies={"csrftoken": set_cookies(form)["csrftoken"]},
        body=form_data(
            {"csrfmiddlewaretoken": csrf_form_token(form), "name": "Grace"},
            {"attachment": ("logo.png", attachment)},
        ),
    )

    assert response.status == 200, response.text
    assert '<span id="result-name">Grace</span>' in response.text
    assert hashlib.sha256(attachment).hexdigest() in response.text
