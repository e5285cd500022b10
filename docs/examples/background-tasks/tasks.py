# myapp/tasks.py
from __future__ import annotations

from typing import Any

from django.tasks import TaskContext
from django.tasks import task


@task
def count_words(text: str) -> int:
    return len(text.split())


@task(takes_context=True)
def notify(context: TaskContext[..., Any], address: str) -> dict[str, Any]:
    # Runs again after a failure: context.attempt says which try this is.
    return {"address": address, "attempt": context.attempt}
