"""Optional: deploy to real AWS, call each front, tear everything down.

Each front signs the guestbook and waits for the task the signature enqueued
to run through the SQS queue; the Function URL's events must stream.

Skipped unless ``APIG_WSGI_AWS_SMOKE_TEST=1`` is set, AWS credentials are
available and ``DATABASE_URL`` names a PostgreSQL database that Lambda can
reach: it creates real resources in the account (for a few minutes, costing
cents) under a random name, and deletes them again, also when it fails. The
load balancer stays off (it needs a VPC). CI never sets the variable.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from conftest import run_playbook
from example_site.events import EVENT_COUNT
from example_site.events import EVENT_INTERVAL
from fronts import IMAGE
from sse import ticks

ENABLED = os.environ.get("APIG_WSGI_AWS_SMOKE_TEST") == "1"
pytestmark = pytest.mark.skipif(
    not ENABLED, reason="set APIG_WSGI_AWS_SMOKE_TEST=1 to deploy to real AWS"
)
FRONTS = ("FunctionUrlEndpoint", "HttpApiEndpoint", "RestApiEndpoint")


class Browser:
    """urllib with a cookie jar, that does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect()
        )

    def open(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], list[str], bytes]:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    dict(response.headers),
                    response.headers.get_all("Set-Cookie") or [],
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return (
                error.code,
                dict(error.headers),
                error.headers.get_all("Set-Cookie") or [],
                error.read(),
            )


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    database_url = os.environ.get("DATABASE_URL", "")
    session = boto3.session.Session()
    if session.get_credentials() is None or not database_url:
        pytest.skip("needs AWS credentials and DATABASE_URL")
    name = f"apig-smoke-{secrets.token_hex(3)}"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("AWS_") or key == "DATABASE_URL"
    }
    try:
        result = run_playbook(
            f"-estack_prefix={name}",
            f"-efunction_name={name}",
            f"-ebuild_dir={tmp_path_factory.mktemp('build')}",
            env=environment,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        endpoints = dict(re.findall(r'"msg": "(\w+Endpoint): (\S+)"', result.stdout))
        assert sorted(endpoints) == sorted(FRONTS)
        yield endpoints
    finally:
        tear_down(session, name)


def tear_down(session: Any, name: str) -> None:
    cloudformation = session.client("cloudformation")
    waiter = cloudformation.get_waiter("stack_delete_complete")
    cloudformation.delete_stack(StackName=f"{name}-site")
    waiter.wait(StackName=f"{name}-site")
    # The stack keeps the published versions; deleting the function drops them.
    lambda_client = session.client("lambda")
    with contextlib.suppress(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.delete_function(FunctionName=name)
    try:
        (stack,) = cloudformation.describe_stacks(StackName=f"{name}-base")["Stacks"]
    except ClientError:
        stack = None
    if stack is not None:
        for output in stack.get("Outputs", []):
            if output["OutputKey"] == "CodeBucketName":
                bucket = session.resource("s3").Bucket(output["OutputValue"])
                bucket.object_versions.delete()
        cloudformation.delete_stack(StackName=f"{name}-base")
        waiter.wait(StackName=f"{name}-base")
    session.client("ssm").delete_parameters(
        Names=[f"/{name}/secret-key", f"/{name}/database-url"]
    )


def get_when_ready(browser: Browser, url: str) -> tuple[int, bytes]:
    """API Gateway and Function URLs can take a few seconds to answer."""
    deadline = time.monotonic() + 60
    while True:
        status, _, _, body = browser.open(url)
        if status == 200 or time.monotonic() > deadline:
            return status, body
        time.sleep(3)


@pytest.mark.parametrize("front", FRONTS)
def test_front_serves_page_image_cookies_and_csrf_post(
    deployed: dict[str, str], front: str
) -> None:
    root = deployed[front]
    browser = Browser()

    status, page = get_when_ready(browser, root)
    assert status == 200, page
    logo = re.search(rb'<img id="logo" src="([^"]+)"', page)
    assert logo is not None
    image_url = urllib.parse.urljoin(root, logo.group(1).decode())
    assert browser.open(image_url)[3] == IMAGE.read_bytes()

    _, _, set_cookies, _ = browser.open(root + "cookies/")
    assert sorted(value.split("=")[0] for value in set_cookies) == [
        "flavour",
        "theme",
    ]

    status, _, _, form = browser.open(root + "guestbook/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(root))
    message = f"smoke test through {front}"
    name = front.removesuffix("Endpoint")
    status, headers, _, _ = browser.open(
        root + "guestbook/",
        data=urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "name": name,
                "message": message,
            }
        ).encode(),
        headers={"Origin": origin, "Referer": root + "guestbook/"},
    )
    assert status == 302, headers
    assert message.encode() in browser.open(root + "guestbook/")[3]
    # The signature's task runs through the SQS queue, a moment later.
    note = f"Thank you for signing, {name}!".encode()
    deadline = time.monotonic() + 60
    while note not in browser.open(root + "guestbook/")[3]:
        assert time.monotonic() < deadline, "the thank-you task never ran"
        time.sleep(2)


def test_function_url_streams_the_events(deployed: dict[str, str]) -> None:
    url = deployed["FunctionUrlEndpoint"] + "events/stream/"
    with urllib.request.urlopen(url, timeout=30) as response:
        first = b""
        while not first.endswith(b"\n\n"):
            first += response.readline()
        first_seen = time.monotonic()
        rest = response.read()
        done = time.monotonic()

    assert [event["number"] for event in ticks((first + rest).decode())] == list(
        range(1, EVENT_COUNT + 1)
    )
    # Buffered, everything would arrive at once; streamed, the first event
    # comes while the view still sleeps before the others.
    assert done - first_seen > (EVENT_COUNT - 2) * EVENT_INTERVAL
