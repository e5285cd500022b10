from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parents[2] / "events"


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of a corpus event, e.g. ``"powertools-python/albEvent.json"``."""
    with (EVENTS_DIR / name).open(encoding="utf-8-sig") as f:
        event: dict[str, Any] = json.load(f)
    return copy.deepcopy(event)


class LambdaContext:
    """Stands in for the context object the Lambda runtime passes."""

    aws_request_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

    def get_remaining_time_in_millis(self) -> int:
        return 29_500
