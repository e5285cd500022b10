from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from apig_wsgi import InvalidEventError
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.contrib.django.manage import manage_event_handler
from tests.utils import load_event

MANAGE_HANDLER = "apig_wsgi.contrib.django.manage:handle_manage_event"


def invoke(event: Any, handler_path: str = MANAGE_HANDLER) -> Any:
    with override_settings(APIG_WSGI_NON_HTTP_HANDLER=handler_path):
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
    result = invoke({"manage": ["check", "--no-such-option"]})
    assert result["exit_status"] == 1
    assert "unrecognized arguments: --no-such-option" in result["stderr"]


def test_command_that_exits() -> None:
    result = invoke({"manage": ["shell", "-c", "import sys; sys.exit(3)"]})
    assert result["exit_status"] == 3


def test_warm_up_ping() -> None:
    assert invoke({"source": "serverless-plugin-warmup"}) == {"warm": True}


def test_http_events_still_served() -> None:
    event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
    event["rawPath"] = "/text/"
    result = invoke(event)
    assert (result["statusCode"], result["headers"]["content-type"]) == (
        200,
        "text/plain; charset=utf-8",
    )


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
    with pytest.raises(InvalidEventError, match="'str'"):
        invoke("migrate")


restricted = manage_event_handler(allowed_commands=["check"])


def test_allowed_commands() -> None:
    path = "tests.contrib.django.test_manage:restricted"
    assert invoke({"manage": ["check"]}, path)["exit_status"] == 0
    with pytest.raises(InvalidEventError) as excinfo:
        invoke({"manage": ["flush", "--noinput"]}, path)
    assert str(excinfo.value) == (
        "The management command 'flush' may not be run by direct invocation; "
        "allowed: check."
    )
