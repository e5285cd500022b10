"""Handlers that apig-wsgi's app discovers when Django starts."""

from __future__ import annotations

from typing import Any

from apig_wsgi.contrib.django.events import router


@router.invoke(key="greet")
def greet(event: dict[str, Any], context: Any) -> dict[str, str]:
    return {"greeting": f"Hello {event['greet']}"}
