from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from typing import Callable

import pytest
from django.test import override_settings

from apig_wsgi import InvalidEventError
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.contrib.django.manage import manage_event_handler
from tests.contrib.django.project.views import LONG_TEXT
from tests.utils import load_event

NonHttpHandler = Callable[[Any, Any], Any]
MANAGE_HANDLER = "apig_wsgi.contrib.django.manage:handle_manage_event"


def invoke(event: Any, non_http_handler: Any = MANAGE_HANDLER) -> Any:
    with override_settings(APIG_WSGI_NON_HTTP_HANDLER=non_http_handler):
        handler = build_lambda_handler()
    return handler(event, None)


def test_runs_command_and_returns_output() -> None:
    result = invoke({"manage": ["check"]})
    assert result == {
        "manage": ["check"],
        "exit_status": 0,
        "stdout": "System check identified no issues (0 silenced).\n",
        "stderr": "",
    }


def test_command_error_gives_exit_status_1() -> None:
    result = invoke({"manage": ["no_such_command"]})
    assert result == {
        "manage": ["no_such_command"],
        "exit_status": 1,
        "stdout": "",
        "stderr": "CommandError: Unknown command: 'no_such_command'\n",
    }


def test_bad_arguments_give_exit_status_1() -> None:
    assert invoke({"manage": ["check", "--no-such-option"]}) == {
        "manage": ["check", "--no-such-option"],
        "exit_status": 1,
        "stdout": "",
        "stderr": "CommandError: Error: unrecognized arguments: --no-such-option\n",
    }


def test_command_that_exits() -> None:
    result = invoke({"manage": ["shell", "-c", "import sys; sys.exit(3)"]})
    # What the shell prints on start varies with the Django version.
    assert (result["manage"], result["exit_status"], result["stderr"]) == (
        ["shell", "-c", "import sys; sys.exit(3)"],
        3,
        "",
    )


def test_warm_up_ping() -> None:
    assert invoke({"source": "serverless-plugin-warmup"}) == {"warm": True}


def test_http_events_still_served() -> None:
    event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
    event["rawPath"] = "/text/"
    assert invoke(event) == {
        "statusCode": 200,
        "headers": {
            "content-type": "text/plain; charset=utf-8",
            "content-length": str(len(LONG_TEXT)),
        },
        "cookies": [],
        "body": LONG_TEXT,
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize("argv", [[], "check", [1], None])
def test_malformed_manage_value(argv: Any) -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"manage": argv})
    assert str(excinfo.value) == (
        f'"manage" must be a non-empty list of strings, got {argv!r}.'
    )


def test_other_event_is_refused() -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"detail-type": "Object Created"})
    assert str(excinfo.value) == (
        "Not an HTTP event, a warm-up ping or a management command: "
        '[\'detail-type\']. Invoke with {"manage": ["command", "arg", ...]} '
        "to run a command."
    )


def test_non_dict_event_is_refused() -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke("migrate")
    assert str(excinfo.value) == (
        "Not an HTTP event, a warm-up ping or a management command: 'str'. "
        'Invoke with {"manage": ["command", "arg", ...]} to run a command.'
    )


@pytest.fixture
def restricted() -> NonHttpHandler:
    return manage_event_handler(allowed_commands=["check"])


@pytest.fixture
def exact() -> NonHttpHandler:
    return manage_event_handler(
        allowed_commands=[("check", "--deploy"), ["diffsettings"]]
    )


def test_allowed_command_runs_with_options(restricted: NonHttpHandler) -> None:
    argv = ["check", "--fail-level=ERROR", "-v2"]
    assert invoke({"manage": argv}, restricted) == {
        "manage": argv,
        "exit_status": 0,
        "stdout": "System check identified no issues (0 silenced).\n",
        "stderr": "",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["flush", "--noinput"],
            "The management command ['flush', '--noinput'] may not be run by "
            "direct invocation. Allowed: check [--option ...].",
        ),
        # check takes app labels; an allowed name never admits positionals.
        (
            ["check", "auth"],
            "The management command ['check', 'auth'] may not be run by direct "
            "invocation: 'check' is allowed with options only (such as --noinput "
            "or --database=other), not 'auth'. Allowed: check [--option ...].",
        ),
        # A value given apart from its option looks like a positional argument.
        (
            ["check", "--fail-level", "ERROR"],
            "The management command ['check', '--fail-level', 'ERROR'] may not be "
            "run by direct invocation: 'check' is allowed with options only (such "
            "as --noinput or --database=other), not 'ERROR'. Allowed: check "
            "[--option ...].",
        ),
        # argparse takes everything after "--", and "-" or "-1", as positionals.
        (
            ["check", "--", "--deploy"],
            "The management command ['check', '--', '--deploy'] may not be run by "
            "direct invocation: 'check' is allowed with options only (such as "
            "--noinput or --database=other), not '--'. Allowed: check "
            "[--option ...].",
        ),
        (
            ["check", "-"],
            "The management command ['check', '-'] may not be run by direct "
            "invocation: 'check' is allowed with options only (such as --noinput "
            "or --database=other), not '-'. Allowed: check [--option ...].",
        ),
        (
            ["check", "-1"],
            "The management command ['check', '-1'] may not be run by direct "
            "invocation: 'check' is allowed with options only (such as --noinput "
            "or --database=other), not '-1'. Allowed: check [--option ...].",
        ),
    ],
)
def test_refused_by_command_name(
    restricted: NonHttpHandler, argv: list[str], message: str
) -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"manage": argv}, restricted)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("argv", [["check", "--deploy"], ["diffsettings"]])
def test_argument_list_entries_run(exact: NonHttpHandler, argv: list[str]) -> None:
    result = invoke({"manage": argv}, exact)
    # Their output is Django's and varies with its version.
    assert (result["manage"], result["exit_status"]) == (argv, 0)


@pytest.mark.parametrize(
    "argv", [["check"], ["check", "--deploy", "--fail-level=ERROR"]]
)
def test_argument_list_entries_must_match_exactly(
    exact: NonHttpHandler, argv: list[str]
) -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"manage": argv}, exact)
    assert str(excinfo.value) == (
        f"The management command {argv!r} may not be run by direct "
        "invocation. Allowed: check --deploy, diffsettings."
    )


def test_empty_allowlist_refuses_everything() -> None:
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"manage": ["check"]}, manage_event_handler(allowed_commands=[]))
    assert str(excinfo.value) == (
        "The management command ['check'] may not be run by direct invocation. "
        "Allowed: nothing."
    )


def test_plain_string_allowlist_is_refused() -> None:
    with pytest.raises(TypeError) as excinfo:
        manage_event_handler(allowed_commands="check")
    assert str(excinfo.value) == (
        "allowed_commands must be a list of command names and argument lists, "
        "not the string 'check': write ['check'] to allow that command."
    )


def test_allowlist_that_is_not_a_collection_is_refused() -> None:
    commands = (name for name in ["check"])
    with pytest.raises(TypeError) as excinfo:
        manage_event_handler(allowed_commands=commands)  # type: ignore[arg-type]
    assert str(excinfo.value) == (
        "allowed_commands must be a list of command names and argument lists, "
        f"not {commands!r}."
    )


@pytest.mark.parametrize("entry", [[], ["check", 1], 5, None, b"check"])
def test_malformed_allowlist_entry_is_refused(entry: Any) -> None:
    with pytest.raises(TypeError) as excinfo:
        manage_event_handler(allowed_commands=[entry])
    assert str(excinfo.value) == (
        "Each allowed_commands entry must be a command name or a non-empty list "
        f"of strings, not {entry!r}."
    )


ROOT = Path(__file__).parents[3]
AUTH_TABLES = [
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
    "auth_user",
    "auth_user_groups",
    "auth_user_user_permissions",
]
DOCS_ALLOWLIST = 'manage_event_handler(allowed_commands=["migrate", "collectstatic"])'
NOT_AN_OPTION = (
    "is allowed with options only (such as --noinput or --database=other), not"
)
ALLOWED = "Allowed: collectstatic [--option ...], migrate [--option ...]."
DESTRUCTIVE = [
    (
        ["migrate", "auth", "zero"],
        f"The management command ['migrate', 'auth', 'zero'] may not be run by "
        f"direct invocation: 'migrate' {NOT_AN_OPTION} 'auth'. {ALLOWED}",
    ),
    (
        ["migrate", "--noinput", "contenttypes", "zero"],
        "The management command ['migrate', '--noinput', 'contenttypes', 'zero'] "
        f"may not be run by direct invocation: 'migrate' {NOT_AN_OPTION} "
        f"'contenttypes'. {ALLOWED}",
    ),
    (
        ["migrate", "--database", "default", "auth", "zero"],
        "The management command ['migrate', '--database', 'default', 'auth', "
        "'zero'] may not be run by direct invocation: 'migrate' "
        f"{NOT_AN_OPTION} 'default'. {ALLOWED}",
    ),
    (
        ["migrate", "--", "auth", "zero"],
        "The management command ['migrate', '--', 'auth', 'zero'] may not be run "
        f"by direct invocation: 'migrate' {NOT_AN_OPTION} '--'. {ALLOWED}",
    ),
    (
        ["flush", "--noinput"],
        "The management command ['flush', '--noinput'] may not be run by direct "
        f"invocation. {ALLOWED}",
    ),
    (
        ["sqlflush"],
        "The management command ['sqlflush'] may not be run by direct "
        f"invocation. {ALLOWED}",
    ),
    (
        ["createsuperuser", "--noinput", "--username=intruder", "--email=i@x.test"],
        "The management command ['createsuperuser', '--noinput', "
        "'--username=intruder', '--email=i@x.test'] may not be run by direct "
        f"invocation. {ALLOWED}",
    ),
    (
        ["shell", "--command=from django.contrib.auth.models import User"],
        "The management command ['shell', '--command=from django.contrib.auth."
        "models import User'] may not be run by direct invocation. "
        f"{ALLOWED}",
    ),
]


def test_docs_allowlist_is_this_projects() -> None:
    example = ROOT / "docs/examples/production/lambda_events.py"
    events_module = ROOT / "tests/contrib/django/project/lambda_events.py"
    assert f"handle = {DOCS_ALLOWLIST}" in example.read_text(encoding="utf-8")
    assert f"handle = {DOCS_ALLOWLIST}" in events_module.read_text(encoding="utf-8")


def test_docs_allowlist_against_destructive_argument_lists(tmp_path: Path) -> None:
    calls = [
        ("project", ["migrate", "--noinput"]),
        *[("project", argv) for argv, _ in DESTRUCTIVE],
        ("project", ["collectstatic", "--noinput"]),
        # Without the allowlist the first of them does what the test fears.
        ("unrestricted", ["migrate", "auth", "zero"]),
    ]
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.contrib.django.project.database_settings",
        "APIG_WSGI_TEST_STATE_DIR": str(tmp_path),
    }
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.contrib.django.project.invoke_manage_events",
            json.dumps(calls),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    results = json.loads(process.stdout)
    assert results == [
        {"argv": ["migrate", "--noinput"], "outcome": 0, "auth_tables": AUTH_TABLES},
        *[
            {"argv": argv, "outcome": message, "auth_tables": AUTH_TABLES}
            for argv, message in DESTRUCTIVE
        ],
        {
            "argv": ["collectstatic", "--noinput"],
            "outcome": 0,
            "auth_tables": AUTH_TABLES,
        },
        {"argv": ["migrate", "auth", "zero"], "outcome": 0, "auth_tables": []},
    ]
