# myproject/views.py
from __future__ import annotations

from typing import Any

from apig_wsgi.contrib.flask import apig_context
from flask import Blueprint
from flask import abort

blueprint = Blueprint("views", __name__)


@blueprint.get("/whoami")
def whoami() -> dict[str, Any]:
    if not apig_context:
        abort(404)
    return {
        "ip": apig_context.source_ip,
        "stage": apig_context.stage,
        "claims": apig_context.authorizer,
        "ms_left": apig_context.remaining_time_ms(),
    }
