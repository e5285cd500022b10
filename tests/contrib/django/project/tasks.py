"""Tasks for the task backend tests (Django 6.0 and later)."""

from __future__ import annotations

from typing import Any

from django.tasks import TaskContext
from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def fail(message: str) -> None:
    raise ValueError(message)


@task(takes_context=True)
def succeed_on_second_attempt(context: TaskContext[..., Any]) -> dict[str, Any]:
    if context.attempt < 2:
        raise RuntimeError(f"attempt {context.attempt} fails")
    return {"attempt": context.attempt, "id": context.task_result.id}


@task
async def double(value: int) -> int:
    return value * 2


@task
def pair() -> tuple[str, int]:
    return ("a", 1)


def not_a_task() -> None:
    raise AssertionError("only tasks run")


@task
def interrupt() -> None:
    raise KeyboardInterrupt
