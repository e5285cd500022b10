"""One structured line per request on the ``apig_wsgi`` logger."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from apig_wsgi.context import ApigContext
from apig_wsgi.environ import request_path

if TYPE_CHECKING:
    from typing import Any

logger = logging.getLogger(__name__)

# Control characters and line separators in a text line would let a client
# write a forged second log line (a path of /x%0D%0AINFO ...): escape them,
# and the backslash, so that the escapes are unambiguous.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update(
    {
        ord("\\"): "\\\\",
        ord("\t"): "\\t",
        ord("\n"): "\\n",
        ord("\r"): "\\r",
        0x2028: "\\u2028",
        0x2029: "\\u2029",
    }
)


def escape(value: object) -> str:
    """``value`` as text that fits on one log line."""
    return str(value).translate(_ESCAPES)


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
            f"{escape(fields['method'])} {escape(fields['path'])} {status_code} "
            f"{response_bytes}B {fields['duration_ms']}ms "
            f"request_id={escape(fields['request_id'])} "
            f"aws_request_id={escape(fields['aws_request_id'])}"
        )
    logger.info(message, extra={"apig_wsgi_access": fields})
