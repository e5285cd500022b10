"""One structured line per request on the ``apig_wsgi`` logger."""

from __future__ import annotations

import json

from apig_wsgi.context import ApigContext
from apig_wsgi.environ import request_path
from apig_wsgi.log import get_logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    get_logger().info(message, extra={"apig_wsgi_access": fields})
