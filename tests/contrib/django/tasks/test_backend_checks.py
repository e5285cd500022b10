from __future__ import annotations

import sys

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.tasks.checks import check_tasks
from django.test import override_settings

from tests.contrib.django.project import tasks
from tests.contrib.django.tasks.conftest import TASKS
from tests.contrib.django.tasks.conftest import backend

SQS = "apig_wsgi.contrib.django.tasks.SQSBackend"
LAMBDA = "apig_wsgi.contrib.django.tasks.LambdaBackend"


def test_valid_backends_pass() -> None:
    assert list(check_tasks()) == []


@override_settings(
    TASKS={
        "default": {
            "BACKEND": SQS,
            "OPTIONS": {"QUEUE": "tasks", "CLIENT_OPTIONS": "eu-west-1"},
        },
        "fifo": {
            "BACKEND": SQS,
            "OPTIONS": {"QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/t.fifo"},
        },
    }
)
def test_option_problems_are_e004() -> None:
    hint = (
        "Set it to the queue's URL, e.g. "
        "'https://sqs.eu-west-1.amazonaws.com/123456789012/tasks'."
    )
    assert list(check_tasks()) == [
        checks.Error(
            "The task backend 'default' has an unknown option 'QUEUE'.",
            hint="SQSBackend reads: QUEUE_URL, CLIENT_OPTIONS.",
            id="apig_wsgi.E004",
        ),
        checks.Error(
            "The task backend 'default' needs OPTIONS['QUEUE_URL'].",
            hint=hint,
            id="apig_wsgi.E004",
        ),
        checks.Error(
            "The task backend 'default' has CLIENT_OPTIONS that are not a dict: "
            "'eu-west-1'.",
            hint='Pass boto3.client() arguments, e.g. {"region_name": "eu-west-1"}.',
            id="apig_wsgi.E004",
        ),
        checks.Error(
            "The task backend 'fifo' sends to a FIFO queue, which SQSBackend does "
            "not support.",
            hint="Use a standard queue: tasks are independent, and FIFO queues "
            "refuse per-message delays.",
            id="apig_wsgi.E004",
        ),
    ]


@override_settings(TASKS={"default": {"BACKEND": LAMBDA}})
def test_lambda_backend_needs_no_options() -> None:
    assert list(check_tasks()) == []


def test_missing_boto3_is_e005_and_enqueue_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes "import boto3" raise ImportError.
    monkeypatch.setitem(sys.modules, "boto3", None)

    assert list(check_tasks()) == [
        checks.Error(
            f"The task backend {alias!r} needs boto3, which is not installed.",
            hint="Install apig-wsgi[tasks].",
            id="apig_wsgi.E005",
        )
        for alias in ("default", "lambda")
    ]
    with pytest.raises(ImproperlyConfigured) as excinfo:
        tasks.add.enqueue(1, 2)
    assert str(excinfo.value) == (
        "The task backend 'default' needs boto3: install apig-wsgi[tasks]."
    )


def test_sqs_backend_without_queue_url_refuses_to_send() -> None:
    settings = {**TASKS, "default": {"BACKEND": SQS}}
    with (
        override_settings(TASKS=settings),
        pytest.raises(ImproperlyConfigured) as excinfo,
    ):
        tasks.add.enqueue(1, 2)

    assert str(excinfo.value) == (
        "The task backend 'default' needs OPTIONS['QUEUE_URL']."
    )


def test_client_is_made_once_with_the_client_options() -> None:
    client = backend("default").client

    assert client is backend("default").client
    assert client.meta.region_name == "us-east-1"
