"""Django Tasks backends that run tasks on AWS Lambda (Django 6.0 and later).

``SQSBackend`` sends each task to an SQS queue whose event source mapping
invokes the function; ``LambdaBackend`` invokes a function asynchronously.
The Django handler runs the tasks it receives (see ``task_runner``).
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import django

try:
    from django.tasks import TaskResult
    from django.tasks import TaskResultStatus
    from django.tasks.backends.base import BaseTaskBackend
except ImportError:
    raise ImportError(
        "apig_wsgi.contrib.django.tasks needs the tasks framework of Django 6.0 "
        f"or later (django.tasks); this project runs Django {django.get_version()}."
    ) from None
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.tasks.exceptions import InvalidTask
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.crypto import get_random_string

from apig_wsgi.contrib.django import task_messages

if TYPE_CHECKING:
    from typing import ParamSpec
    from typing import TypeVar

    from django.tasks import Task

    P = ParamSpec("P")
    R = TypeVar("R")

#: SQS delays a message by at most 15 minutes.
MAX_DELAY_SECONDS = 900


class LambdaTaskBackend(BaseTaskBackend):
    """What the two backends share: the message, the boto3 client, the checks."""

    supports_async_task = True
    #: The boto3 service name.
    service = ""
    #: OPTIONS keys this backend reads, with a hint for each required one.
    option_names: ClassVar[dict[str, str | None]] = {"CLIENT_OPTIONS": None}

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.client_options: Any = self.options.get("CLIENT_OPTIONS", {})
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The boto3 client, made on first use with ``OPTIONS["CLIENT_OPTIONS"]``."""
        if self._client is None:
            try:
                import boto3
            except ImportError:
                raise ImproperlyConfigured(
                    f"The task backend {self.alias!r} needs boto3: install "
                    "apig-wsgi[tasks]."
                ) from None
            # boto3's stubs overload client() per literal service name.
            make_client: Any = boto3.client
            self._client = make_client(self.service, **self.client_options)
        return self._client

    def enqueue(
        self, task: Task[P, R], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[P, R]:
        self.validate_task(task)
        result: TaskResult[P, R] = TaskResult(
            task=task,
            id=get_random_string(32),
            # django-stubs 6.1 types the members of TaskResultStatus as "...".
            status=TaskResultStatus.READY,  # type: ignore[arg-type]
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self.send(task, json.dumps(task_messages.encode(result)))
        task_enqueued.send(type(self), task_result=result)
        return result

    def send(self, task: Task[..., Any], body: str) -> None:
        raise NotImplementedError

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        messages: list[checks.CheckMessage] = []
        for name in self.options:
            if name not in self.option_names:
                messages.append(
                    self._error(
                        f"has an unknown option {name!r}.",
                        f"{type(self).__name__} reads: {', '.join(self.option_names)}.",
                    )
                )
        for name, hint in self.option_names.items():
            if hint is not None and not self.options.get(name):
                messages.append(self._error(f"needs OPTIONS[{name!r}].", hint))
        if not isinstance(self.client_options, dict):
            messages.append(
                self._error(
                    f"has CLIENT_OPTIONS that are not a dict: {self.client_options!r}.",
                    'Pass boto3.client() arguments, e.g. {"region_name": "eu-west-1"}.',
                )
            )
        try:
            import boto3  # noqa: F401
        except ImportError:
            messages.append(
                checks.Error(
                    f"The task backend {self.alias!r} needs boto3, which is not "
                    "installed.",
                    hint="Install apig-wsgi[tasks].",
                    id="apig_wsgi.E005",
                )
            )
        return messages

    def _error(self, message: str, hint: str) -> checks.Error:
        return checks.Error(
            f"The task backend {self.alias!r} {message}",
            hint=hint,
            id="apig_wsgi.E004",
        )


def delay_seconds(run_after: datetime) -> int:
    """Whole seconds from now until ``run_after``, rounded up; 0 if past."""
    remaining = (run_after - datetime.now(run_after.tzinfo)).total_seconds()
    return max(0, math.ceil(remaining))


class SQSBackend(LambdaTaskBackend):
    """Send tasks to the SQS queue ``OPTIONS["QUEUE_URL"]``.

    ``run_after`` up to 15 minutes ahead becomes the message's delay.
    """

    supports_defer = True
    service = "sqs"
    option_names: ClassVar[dict[str, str | None]] = {
        "QUEUE_URL": "Set it to the queue's URL, e.g. "
        "'https://sqs.eu-west-1.amazonaws.com/123456789012/tasks'.",
        "CLIENT_OPTIONS": None,
    }

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.queue_url: str = self.options.get("QUEUE_URL", "")

    def validate_task(self, task: Task[..., Any]) -> None:
        super().validate_task(task)
        if task.run_after is not None:
            delay = delay_seconds(task.run_after)
            if delay > MAX_DELAY_SECONDS:
                raise InvalidTask(
                    f"run_after is {delay} seconds away, but SQS can delay a "
                    f"message by at most {MAX_DELAY_SECONDS} seconds (15 "
                    "minutes). Enqueue it later, e.g. from a scheduled task."
                )

    def send(self, task: Task[..., Any], body: str) -> None:
        if not self.queue_url:
            raise ImproperlyConfigured(
                f"The task backend {self.alias!r} needs OPTIONS['QUEUE_URL']."
            )
        arguments: dict[str, Any] = {"QueueUrl": self.queue_url, "MessageBody": body}
        if task.run_after is not None:
            arguments["DelaySeconds"] = delay_seconds(task.run_after)
        self.client.send_message(**arguments)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        messages = super().check(**kwargs)
        if str(self.queue_url).endswith(".fifo"):
            messages.append(
                self._error(
                    "sends to a FIFO queue, which SQSBackend does not support.",
                    "Use a standard queue: tasks are independent, and FIFO "
                    "queues refuse per-message delays.",
                )
            )
        return messages


class LambdaBackend(LambdaTaskBackend):
    """Invoke a function asynchronously with each task: ``OPTIONS["FUNCTION_NAME"]``,
    or by default the function this code runs in."""

    service = "lambda"
    option_names: ClassVar[dict[str, str | None]] = {
        "FUNCTION_NAME": None,
        "QUALIFIER": None,
        "CLIENT_OPTIONS": None,
    }

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.function_name: str | None = self.options.get("FUNCTION_NAME")
        self.qualifier: str | None = self.options.get("QUALIFIER")

    def send(self, task: Task[..., Any], body: str) -> None:
        # Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment.
        function_name = self.function_name or os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        if not function_name:
            raise ImproperlyConfigured(
                f"The task backend {self.alias!r} does not know which function to "
                "invoke: AWS_LAMBDA_FUNCTION_NAME is set only inside Lambda. Set "
                "OPTIONS['FUNCTION_NAME'] to enqueue tasks from elsewhere."
            )
        arguments: dict[str, Any] = {
            "FunctionName": function_name,
            "InvocationType": "Event",
            "Payload": body.encode(),
        }
        if self.qualifier:
            arguments["Qualifier"] = self.qualifier
        self.client.invoke(**arguments)
