"""One structured line per request on the ``apig_wsgi`` logger."""

from __future__ import annotations

import json
import logging
from typing import Any

from apig_wsgi.context import ApigContext

logger = logging.getLogger("apig_wsgi")


def request_path(environ: dict[str, Any]) -> str:
    """The URL path as the client sent it, decoded for people to read."""
    path: str = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return path.encode("latin-1").decode("utf-8", "replace")


def log_access(
    environ: dict[str, Any],
    status_code: int,
    response_bytes: int,
    duration_ms: float,
    style: str,
) -> None:
    context = ApigContext(environ)
    fields = {
        "method": environ["REQUEST_METHOD"],
        "path": request_path(environ),
        "status": status_code,
        "bytes": response_bytes,
        "duration_ms": round(duration_ms, 3),
        "request_id": context.request_id,
        "aws_request_id": context.aws_request_id,
        "event_format": context.event_format,
        "source_ip": context.source_ip,
    }
    if style == "json":
        message = json.dumps(fields)
    else:
        message = (
            f"{fields['method']} {fields['path']} {status_code} {response_bytes}B "
            f"{fields['duration_ms']}ms request_id={fields['request_id']} "
            f"aws_request_id={fields['aws_request_id']}"
        )
    logger.info(message, extra={"apig_wsgi_access": fields})
