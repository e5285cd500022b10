"""The Lambda zip that the playbook's build step makes, run outside this tree.

The zip is unpacked into an empty directory, with the permissions it records,
and the handler the site stack names runs in a fresh interpreter that has
nothing but the standard library, that directory and the runtime's boto3 on
its path, as in the Lambda runtime, with the environment the site stack gives
the function. Its secrets come from SSM and its task queue is SQS (both a moto
server), and its database is a real PostgreSQL server on 127.0.0.1. Requests
of each front's format go in through apig_wsgi's event builders and come back
through its response decoder; the messages the views enqueue come back from
the queue as the SQS event Lambda would send. The zip's exec wrapper starts
apig-wsgi's runtime loop against a Runtime API server, as Lambda does with
``AWS_LAMBDA_EXEC_WRAPPER``, and its Function URL responses stream.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
import yaml
from cfn_templates import load_template
from conftest import DEPLOYMENT_DIR
from conftest import TEST_SECRET_KEY
from conftest import run_playbook
from fronts import FRONTS
from fronts import IMAGE
from fronts import client_for
from fronts import csrf_form_token
from fronts import logo_url
from fronts import set_cookies
from moto_support import moto_server
from multipart import CONTENT_TYPE
from multipart import form_data
from runtime_sdk import runtime_sdk
from sse import ticks

from apig_wsgi.testing import Client
from apig_wsgi.testing import Response
from apig_wsgi.testing import build_event
from apig_wsgi.testing import sqs_event
from apig_wsgi.testing.events import API_ID
from apig_wsgi.testing.events import REGION
from tests.runtime.runtime_api import WAIT
from tests.runtime.runtime_api import FakeLambda

DRIVER = Path(__file__).resolve().parent / "lambda_zip_driver.py"
FUNCTION = load_template("site.yml")["Resources"]["Function"]["Properties"]
HANDLER = FUNCTION["Handler"]
SECRET_KEY_PARAMETER = "/apig-wsgi-example/secret-key"
DATABASE_URL_PARAMETER = "/apig-wsgi-example/database-url"
# What site.yml's DJANGO_ALLOWED_HOSTS holds for these fronts' hosts.
ALLOWED_HOSTS = (
    f".lambda-url.{REGION}.on.aws,{API_ID}.execute-api.{REGION}.amazonaws.com,"
    f"my-alb-1234567890.{REGION}.elb.amazonaws.com"
)


class ZipHandler:
    """Send each event to the driver process and return its result."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def __call__(self, event: Any, context: Any) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())


def playbook_migrate_event() -> Any:
    """The event the playbook invokes the function with after a deploy."""
    playbook = yaml.safe_load((DEPLOYMENT_DIR / "playbook.yml").read_text())
    (deploy,) = (task for task in playbook[0]["tasks"] if task.get("block"))
    (migrate,) = (
        task for task in deploy["block"] if "amazon.aws.lambda_execute" in task
    )
    return migrate["amazon.aws.lambda_execute"]["payload"]


def unpack(archive_path: Path, task_root: Path) -> None:
    """Unpack as Lambda does, with the permissions the zip records."""
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(task_root)
        for info in archive.infolist():
            (task_root / info.filename).chmod((info.external_attr >> 16) & 0o777)


@pytest.fixture(scope="module")
def task_root(lambda_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("task-root")
    unpack(lambda_build / "lambda.zip", root)
    return root


@pytest.fixture(scope="module")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return runtime_sdk(tmp_path_factory.mktemp("runtime") / "site-packages")


@dataclass(frozen=True)
class Services:
    """The AWS services of the function, in a moto server."""

    url: str
    queue_url: str
    queue_arn: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def function_environment(self) -> dict[str, str]:
        """What site.yml gives the function, and what Lambda adds for its role."""
        return {
            "DJANGO_SETTINGS_MODULE": "example_site.settings",
            "DJANGO_SECRET_KEY_PARAMETER": SECRET_KEY_PARAMETER,
            "DJANGO_DATABASE_URL_PARAMETER": DATABASE_URL_PARAMETER,
            "DJANGO_ALLOWED_HOSTS": ALLOWED_HOSTS + ",,",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "",
            "DJANGO_SECURE_COOKIES": "true",
            "TASKS_QUEUE_URL": self.queue_url,
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "session-token",
            "AWS_ENDPOINT_URL_SSM": self.url,
            "AWS_ENDPOINT_URL_SQS": self.url,
        }


@pytest.fixture(scope="module")
def services(postgres_url: str) -> Iterator[Services]:
    with moto_server() as moto_url:
        ssm = boto3.client(
            "ssm",
            endpoint_url=moto_url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for name, value in (
            (SECRET_KEY_PARAMETER, TEST_SECRET_KEY),
            (DATABASE_URL_PARAMETER, postgres_url),
        ):
            ssm.put_parameter(Name=name, Value=value, Type="SecureString")
        sqs = boto3.client(
            "sqs",
            endpoint_url=moto_url,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        queue_url = sqs.create_queue(QueueName="apig-wsgi-example-tasks")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        yield Services(moto_url, queue_url, queue_arn)


@pytest.fixture(scope="module")
def zip_handler(
    task_root: Path, sdk_dir: Path, services: Services
) -> Iterator[ZipHandler]:
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", DRIVER, task_root, HANDLER, sdk_dir],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=services.function_environment(),
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


@pytest.fixture(scope="module")
def migrated(zip_handler: ZipHandler) -> dict[str, Any]:
    """Run the playbook's migrate event once, as the playbook does."""
    result: dict[str, Any] = zip_handler(playbook_migrate_event(), None)
    return result


def zip_client(handler: ZipHandler, front: str) -> Client:
    return client_for(handler, front)


def test_zip_holds_the_project_and_its_dependencies_only(lambda_build: Path) -> None:
    with zipfile.ZipFile(lambda_build / "lambda.zip") as archive:
        names = archive.namelist()
        infos = archive.infolist()

    top_level = {name.split("/")[0] for name in names}
    assert top_level == {
        # typing_extensions.py's bytecode.
        "__pycache__",
        "apig_wsgi",
        "apig_wsgi-3.0.0.dev0.dist-info",
        "asgiref",
        "asgiref-3.13.0.dist-info",
        "dj_database_url",
        "dj_database_url-3.1.2.dist-info",
        "django",
        "django-6.1.3.dist-info",
        "example_site",
        "psycopg",
        "psycopg-3.3.9.dist-info",
        "psycopg_binary",
        "psycopg_binary-3.3.9.dist-info",
        "psycopg_binary.libs",
        "run-wsgi",
        "sqlparse",
        "sqlparse-0.6.1.dist-info",
        "typing_extensions-4.16.0.dist-info",
        "typing_extensions.py",
        "whitenoise",
        "whitenoise-6.12.0.dist-info",
    }
    assert [name for name in names if "/tests/" in name] == []
    assert [name for name in names if name.endswith("direct_url.json")] == []
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {info.filename: info.external_attr >> 16 for info in infos}
    # Lambda runs the exec wrapper, so it must be executable in the zip.
    assert modes.pop("run-wsgi") == 0o100755
    assert set(modes.values()) == {0o100644}
    assert "example_site/templates/example_site/index.html" in names
    assert "example_site/staticfiles/staticfiles.json" in names


def test_zip_ships_unchecked_hash_bytecode_for_every_module(
    lambda_build: Path,
) -> None:
    tag = f"cpython-{sys.version_info[0]}{sys.version_info[1]}"
    with zipfile.ZipFile(lambda_build / "lambda.zip") as archive:
        names = set(archive.namelist())
        sources = sorted(name for name in names if name.endswith(".py"))
        missing = []
        for source in sources:
            folder, _, file = source.rpartition("/")
            compiled = f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")
            if compiled not in names:
                missing.append(source)
        header = archive.read(f"django/__pycache__/__init__.{tag}.pyc")[:8]

    assert len(sources) > 1000
    assert missing == []
    # PEP 552: flags 0b01 is a hash-based pyc whose source is never checked.
    assert int.from_bytes(header[4:8], "little") == 0b01


def test_zip_has_no_build_paths(lambda_build: Path) -> None:
    build_path = str(lambda_build).encode()
    with zipfile.ZipFile(lambda_build / "lambda.zip") as archive:
        carrying = [
            name for name in archive.namelist() if build_path in archive.read(name)
        ]

    assert carrying == []


def test_wheel_holds_only_the_package(lambda_build: Path) -> None:
    (wheel,) = (lambda_build / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        outside = [
            name
            for name in archive.namelist()
            if not name.startswith(("apig_wsgi/", "apig_wsgi-3.0.0.dev0.dist-info/"))
        ]

    assert outside == []


def test_playbook_migrate_event_migrates_postgresql(migrated: dict[str, Any]) -> None:
    assert migrated["manage"] == ["migrate", "--no-input"]
    assert (migrated["exit_status"], migrated["stderr"]) == (0, "")
    assert "Applying guestbook.0001_initial... OK" in migrated["stdout"]
    assert "Applying admin.0001_initial... OK" in migrated["stdout"]


def test_other_management_commands_are_refused(zip_handler: ZipHandler) -> None:
    result = zip_handler({"manage": ["flush", "--no-input"]}, None)

    assert result == {
        "errorType": "InvalidEventError",
        "errorMessage": "The management command ['flush', '--no-input'] may not be"
        " run by direct invocation. Allowed: check [--option ...], migrate"
        " [--option ...], showmigrations [--option ...].",
    }


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
def test_zip_serves_the_logo_as_a_static_file(
    zip_handler: ZipHandler, front: str
) -> None:
    client = zip_client(zip_handler, front)
    url = logo_url(client.get("/"))
    prefix = "/live/static/" if front == "rest" else "/static/"

    response = client.get(url.removeprefix("/live"))
    admin_css = client.get("/admin/login/").text

    assert url.startswith(prefix + "apig-wsgi.")
    assert url.endswith(".png")
    assert response.status == 200
    assert response.header("content-type") == "image/png"
    assert response.header("cache-control") == "max-age=315360000, public, immutable"
    assert response.body == IMAGE.read_bytes()
    assert f'href="{prefix}admin/css/base.' in admin_css


@pytest.mark.parametrize("front", FRONTS)
def test_zip_signs_the_guestbook_in_postgresql(
    zip_handler: ZipHandler, migrated: dict[str, Any], front: str
) -> None:
    client = zip_client(zip_handler, front)

    response = sign_guestbook(client, f"Grace+{front}", f"Signed+through+{front}")
    after = client.get("/guestbook/")

    assert response.status == 302
    assert response.header("location") == (
        "/live/guestbook/" if front == "rest" else "/guestbook/"
    )
    assert f'<strong class="entry-name">Grace {front}</strong>' in after.text


@pytest.mark.parametrize("front", FRONTS)
def test_zip_accepts_upload_with_csrf_token(
    zip_handler: ZipHandler, front: str
) -> None:
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


def test_zip_answers_alb_health_check_without_host(zip_handler: ZipHandler) -> None:
    # What an ALB health check sends: no Host, no X-Forwarded-*.
    event = {
        "requestContext": {
            "elb": {
                "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:"
                "123456789012:targetgroup/apig-wsgi-example-tg/0123456789abcdef"
            }
        },
        "httpMethod": "GET",
        "path": "/health/",
        "multiValueQueryStringParameters": {},
        "multiValueHeaders": {"user-agent": ["ELB-HealthChecker/2.0"]},
        "body": "",
        "isBase64Encoded": False,
    }

    result = zip_handler(event, None)

    assert result["statusCode"] == 200
    assert result["body"] == "ok\n"


def test_zip_refuses_hosts_that_are_not_allowed(zip_handler: ZipHandler) -> None:
    client = zip_client(zip_handler, "http-v2")

    response = client.get("/", headers={"Host": "attacker.example.com"})
    health = client.get("/health/", headers={"Host": "attacker.example.com"})

    assert response.status == 400
    assert health.status == 200


def test_arm64_python_312_build_ships_matching_binaries(tmp_path: Path) -> None:
    result = run_playbook(
        "--tags",
        "build",
        "-e",
        f"build_dir={tmp_path}",
        "-e",
        "lambda_architecture=arm64",
        "-e",
        "lambda_python_version=3.12",
    )
    assert result.returncode == 0, result.stdout + result.stderr

    with zipfile.ZipFile(tmp_path / "lambda.zip") as archive:
        names = archive.namelist()
        (extension,) = (
            name
            for name in names
            if name.startswith("psycopg_binary/_psycopg.") and name.endswith(".so")
        )
        elf_header = archive.read(extension)[:20]

    assert "django/__pycache__/__init__.cpython-312.pyc" in names
    assert not any(".cpython-313.pyc" in name for name in names)
    assert extension.startswith("psycopg_binary/_psycopg.cpython-312-aarch64-")
    # ELF e_machine 183 is AArch64.
    assert int.from_bytes(elf_header[18:20], "little") == 183
    # typing_extensions is only needed before Python 3.13, and is there.
    assert "typing_extensions.py" in names


def test_two_builds_are_byte_identical(lambda_build: Path, tmp_path: Path) -> None:
    result = run_playbook("--tags", "build", "-e", f"build_dir={tmp_path}")

    assert result.returncode == 0, result.stdout + result.stderr
    first = (lambda_build / "lambda.zip").read_bytes()
    assert (tmp_path / "lambda.zip").read_bytes() == first
    assert f"lambda.zip: {hashlib.sha256(first).hexdigest()}" in result.stdout


def sign_guestbook(client: Client, name: str, message: str) -> Response:
    """Sign as a browser does: the form's CSRF token and cookie, the page's origin."""
    page = client.get("/guestbook/")
    seen = client.get("/api/request/").json()
    return client.post(
        "/guestbook/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"{seen['scheme']}://{seen['host']}",
        },
        cookies={"csrftoken": set_cookies(page)["csrftoken"]},
        body=(
            f"csrfmiddlewaretoken={csrf_form_token(page)}&name={name}&message={message}"
        ).encode(),
    )


def receive_all(services: Services) -> list[dict[str, Any]]:
    """Every message on the task queue, as the event source mapping reads them."""
    response = services.client("sqs").receive_message(
        QueueUrl=services.queue_url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages: list[dict[str, Any]] = response.get("Messages", [])
    return messages


def test_signing_enqueues_a_task_that_the_queue_runs(
    zip_handler: ZipHandler, migrated: dict[str, Any], services: Services
) -> None:
    sqs = services.client("sqs")
    # The other tests' signatures enqueued tasks too.
    sqs.purge_queue(QueueUrl=services.queue_url)
    client = zip_client(zip_handler, "function-url")

    assert sign_guestbook(client, "Lin", "Queued").status == 302
    pending = client.get("/guestbook/").text
    sqs.send_message(
        QueueUrl=services.queue_url, MessageBody='{"apig_wsgi_task": "broken"}'
    )
    messages = receive_all(services)
    (task,) = (m for m in messages if "thank_signer" in m["Body"])
    (broken,) = (m for m in messages if m is not task)
    result = zip_handler(sqs_event(messages, services.queue_arn), None)
    thanked = client.get("/guestbook/").text
    # SQS delivers at least once: the same message again adds no second note.
    again = zip_handler(sqs_event([task], services.queue_arn), None)

    assert (
        '<strong class="entry-name">Lin</strong>: <span class="entry-message">'
        'Queued</span> <em class="thank-you">(a thank-you note is on its way)</em>'
    ) in pending
    body = json.loads(task["Body"])
    assert (body["task"], body["args"], body["backend"]) == (
        "example_site.guestbook.tasks.thank_signer",
        [body["args"][0]],
        "default",
    )
    # Only the broken message goes back to the queue, and later to the DLQ.
    assert result == {"batchItemFailures": [{"itemIdentifier": broken["MessageId"]}]}
    assert (
        '<strong class="entry-name">Lin</strong>: <span class="entry-message">'
        'Queued</span> <em class="thank-you">Thank you for signing, Lin!</em>'
    ) in thanked
    assert again == {"batchItemFailures": []}
    assert client.get("/guestbook/").text.count("Thank you for signing, Lin!") == 1


@pytest.fixture
def fake_lambda(tmp_path: Path) -> Iterator[FakeLambda]:
    server = FakeLambda(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def start_runtime_loop(
    fake: FakeLambda, task_root: Path, sdk_dir: Path, services: Services
) -> None:
    """Start the function as Lambda does with AWS_LAMBDA_EXEC_WRAPPER set.

    Lambda runs the wrapper with its Python and the arguments that would
    start its own runtime client; that Python has the standard library and
    boto3 (here: ``python -S`` and the SDK directory on PYTHONPATH).
    """
    wrapper = FUNCTION["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"]
    assert wrapper["Fn::If"][1] == "/var/task/run-wsgi"
    python = fake.tmp_path / "python3"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    python.chmod(0o755)
    fake.start_runtime(
        HANDLER,
        {
            **services.function_environment(),
            "LAMBDA_TASK_ROOT": str(task_root),
            "PYTHONPATH": str(sdk_dir),
            # The tests' own settings, which the function does not have.
            "DJANGO_SECRET_KEY": None,
            "DATABASE_URL": None,
            "DJANGO_STATIC_ROOT": None,
        },
        command=[str(task_root / "run-wsgi"), str(python), "/var/runtime/bootstrap.py"],
        cwd=task_root,
    )
    fake.wait_until_idle()


def seen_at(invocation: Any, text: bytes) -> float:
    """The wall-clock time at which this test saw ``text`` arrive."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if any(text in chunk for _, chunk in list(invocation.chunks)):
            return time.time()
        time.sleep(0.002)
    raise AssertionError(f"{text!r} never arrived: {invocation.chunks!r}")


def test_runtime_loop_streams_the_function_url_and_buffers_the_rest(
    fake_lambda: FakeLambda,
    task_root: Path,
    sdk_dir: Path,
    services: Services,
    migrated: dict[str, Any],
) -> None:
    start_runtime_loop(fake_lambda, task_root, sdk_dir, services)

    stream = fake_lambda.submit(build_event("function-url", "GET", "/events/stream/"))
    first_seen = seen_at(stream, b'"number": 1,')
    fake_lambda.wait(stream)
    page = fake_lambda.invoke(build_event("function-url", "GET", "/guestbook/"))
    buffered = fake_lambda.invoke(build_event("http-v2", "GET", "/api/request/"))

    prelude, body = stream.prelude_and_body()
    assert prelude["statusCode"] == 200, fake_lambda.log()
    assert prelude["headers"]["content-type"] == "text/event-stream"
    assert prelude["headers"]["cache-control"] == "no-cache"
    events = ticks(body.decode())
    assert [event["number"] for event in events] == [1, 2, 3, 4, 5]
    # The first event reached the Runtime API, and this test, before the view
    # had produced the last: the response left as the view produced it.
    assert first_seen < events[-1]["sent_at"]
    assert stream.trailers == {}
    # Every Function URL response is a stream, database pages too.
    page_prelude, page_body = page.prelude_and_body()
    assert page_prelude["statusCode"] == 200
    assert b'<span id="entry-count">' in page_body
    # The other fronts get the buffered answer from the same function.
    assert buffered.kind == "response"
    seen = json.loads(buffered.result["body"])
    assert seen["apig_context"]["event_format"] == "http-v2"
    assert fake_lambda.starts == 1
