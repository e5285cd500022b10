"""LambdaBackend: the invoke call checked by botocore's Stubber, which
validates parameters against the Lambda API model, then the payload sent
through the Django handler as Lambda would deliver it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import ANY
from botocore.stub import Stubber
from django.core.exceptions import ImproperlyConfigured
from django.tasks import TaskResultStatus
from django.test import override_settings

from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.contrib.django.task_messages import InvalidTaskMessageError
from apig_wsgi.contrib.django.task_runner import TaskFailedError
from apig_wsgi.testing import LambdaContext
from tests.contrib.django.project import tasks
from tests.contrib.django.tasks.conftest import FUNCTION_NAME
from tests.contrib.django.tasks.conftest import TASKS
from tests.contrib.django.tasks.conftest import backend


class Invocations:
    """Stubbed invoke calls: the parameters botocore accepted, in order."""

    def __init__(self, client: Any) -> None:
        self.stubber = Stubber(client)
        self.params: list[dict[str, Any]] = []
        client.meta.events.register("before-parameter-build.lambda.Invoke", self.record)

    def record(self, params: dict[str, Any], **kwargs: Any) -> None:
        self.params.append(dict(params))

    def expect(self, **expected: Any) -> None:
        self.stubber.add_response("invoke", {"StatusCode": 202}, expected)

    def payload(self) -> Any:
        return json.loads(self.params[-1]["Payload"])


@pytest.fixture
def invocations() -> Iterator[Invocations]:
    stubbed = Invocations(backend("lambda").client)
    with stubbed.stubber:
        yield stubbed
        stubbed.stubber.assert_no_pending_responses()


def test_enqueue_invokes_the_function_asynchronously(
    invocations: Invocations, signals: list[Any]
) -> None:
    invocations.expect(FunctionName=FUNCTION_NAME, InvocationType="Event", Payload=ANY)

    result = tasks.add.using(backend="lambda").enqueue(2, 3)

    assert invocations.payload() == {
        "apig_wsgi_task": 1,
        "id": result.id,
        "task": "tests.contrib.django.project.tasks.add",
        "args": [2, 3],
        "kwargs": {},
        "backend": "lambda",
        "queue_name": "default",
        "priority": 0,
        "run_after": None,
        "enqueued_at": result.enqueued_at.isoformat(),  # type: ignore[union-attr]
    }
    assert [name for name, _ in signals] == ["enqueued:LambdaBackend:READY"]


def test_invoked_payload_runs_through_the_handler(
    invocations: Invocations, signals: list[Any]
) -> None:
    invocations.expect(FunctionName=FUNCTION_NAME, InvocationType="Event", Payload=ANY)
    enqueued = tasks.double.using(backend="lambda").enqueue(21)

    result = build_lambda_handler()(invocations.payload(), LambdaContext())

    assert result == {
        "task_result_id": enqueued.id,
        "status": "SUCCESSFUL",
        "return_value": 42,
    }
    assert [name for name, _ in signals] == [
        "enqueued:LambdaBackend:READY",
        "started:LambdaBackend:RUNNING",
        "finished:LambdaBackend:SUCCESSFUL",
    ]


def test_failed_task_fails_the_invocation_so_lambda_retries(
    invocations: Invocations, signals: list[Any]
) -> None:
    invocations.expect(FunctionName=FUNCTION_NAME, InvocationType="Event", Payload=ANY)
    enqueued = tasks.fail.using(backend="lambda").enqueue("nope")

    with pytest.raises(TaskFailedError) as excinfo:
        build_lambda_handler()(invocations.payload(), LambdaContext())

    assert str(excinfo.value) == (
        f"Task id={enqueued.id} path=tests.contrib.django.project.tasks.fail "
        "failed with builtins.ValueError (traceback logged by django.tasks); it "
        "will be retried."
    )
    assert signals[-1][1].status == TaskResultStatus.FAILED


def test_malformed_invocation_is_refused_without_running(signals: list[Any]) -> None:
    with pytest.raises(InvalidTaskMessageError) as excinfo:
        build_lambda_handler()({"apig_wsgi_task": 1, "task": "os.system"}, None)

    assert str(excinfo.value) == "Malformed task message: no 'id'."
    assert signals == []


def test_function_name_defaults_to_this_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "this-function")
    settings = {
        **TASKS,
        "lambda": {**TASKS["lambda"], "OPTIONS": {"QUALIFIER": "live"}},
    }
    with override_settings(TASKS=settings):
        stubbed = Invocations(backend("lambda").client)
        stubbed.expect(
            FunctionName="this-function",
            InvocationType="Event",
            Payload=ANY,
            Qualifier="live",
        )
        with stubbed.stubber:
            tasks.add.using(backend="lambda").enqueue(1, 2)
        stubbed.stubber.assert_no_pending_responses()


def test_no_function_name_outside_lambda_is_improperly_configured() -> None:
    settings = {**TASKS, "lambda": {**TASKS["lambda"], "OPTIONS": {}}}
    with (
        override_settings(TASKS=settings),
        pytest.raises(ImproperlyConfigured) as excinfo,
    ):
        tasks.add.using(backend="lambda").enqueue(1, 2)

    assert str(excinfo.value) == (
        "The task backend 'lambda' does not know which function to invoke: "
        "AWS_LAMBDA_FUNCTION_NAME is set only inside Lambda. Set "
        "OPTIONS['FUNCTION_NAME'] to enqueue tasks from elsewhere."
    )


def test_botocore_validates_the_invoke_parameters() -> None:
    # The Stubber checks the same model the backend's calls are checked against.
    client = backend("lambda").client
    stubber = Stubber(client)
    stubber.add_response("invoke", {"StatusCode": 202})
    with stubber, pytest.raises(ParamValidationError) as excinfo:
        client.invoke(FunctionName=FUNCTION_NAME, InvocationType="Event", Payload=1)

    assert "Invalid type for parameter Payload, value: 1" in str(excinfo.value)
