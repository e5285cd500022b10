"""Read the sample event corpus in tests/events by the kind MANIFEST.md gives."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parent.parent / "events"

# Our format names for the MANIFEST.md kinds; "other" holds the Lambda@Edge
# viewer-style requests.
KINDS = {
    "rest": "rest-v1",
    "http": "http-v2",
    "http-v1": "http-v1",
    "url": "function-url",
    "alb": "alb",
    "alb-multi": "alb-multi",
    "lattice": "lattice-v2",
    "lattice-v1": "lattice-v1",
    "edge": "other",
}


@cache
def samples(format: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The valid corpus samples of ``format`` as (path, event) pairs."""
    found = []
    for line in (EVENTS / "MANIFEST.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 8 or cells[6] != KINDS[format] or "invalid" in cells[1]:
            continue
        event = json.loads((EVENTS / cells[1]).read_text(encoding="utf-8-sig"))
        if format == "edge" and "Records" not in event:
            continue
        found.append((cells[1], event))
    return tuple(found)
