"""Read the sample event corpus in tests/events by the kind MANIFEST.md gives."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent.parent / "events"

# The MANIFEST.md kinds of each front; "alb-multi" is an ALB whose target
# group sends multi-value headers, and "other" holds the Lambda@Edge
# viewer-style requests.
KINDS = {
    "rest": "rest-v1",
    "http-v1": "http-v1",
    "http-v2": "http-v2",
    "function-url": "function-url",
    "alb": "alb",
    "alb-multi": "alb-multi",
    "lattice-v1": "lattice-v1",
    "lattice-v2": "lattice-v2",
    "edge": "other",
}
# Every front, and ALB in both header modes.
CASES = tuple(KINDS)


def front(case: str) -> dict[str, Any]:
    """The ``format`` and ``multi_value_headers`` arguments of a case."""
    if case == "alb-multi":
        return {"format": "alb", "multi_value_headers": True}
    return {"format": case}


@cache
def samples(case: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The valid corpus samples of a case of ``CASES`` as (path, event) pairs."""
    found = []
    for line in (EVENTS / "MANIFEST.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 8 or cells[6] != KINDS[case] or "invalid" in cells[1]:
            continue
        event = json.loads((EVENTS / cells[1]).read_text(encoding="utf-8-sig"))
        if case == "edge" and "Records" not in event:
            continue
        found.append((cells[1], event))
    return tuple(found)
