"""Read a body of server-sent events, as the events page's stream sends them."""

from __future__ import annotations

import json
from typing import Any


def server_sent_events(text: str) -> list[dict[str, str]]:
    """Each event's fields, e.g. ``{"id": "1", "event": "tick", "data": ...}``."""
    return [
        dict(line.split(": ", 1) for line in block.splitlines())
        for block in text.split("\n\n")
        if block
    ]


def ticks(text: str) -> list[dict[str, Any]]:
    """The data of the stream's ``tick`` events."""
    return [
        json.loads(event["data"])
        for event in server_sent_events(text)
        if event["event"] == "tick"
    ]
