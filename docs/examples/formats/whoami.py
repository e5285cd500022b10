# whoami.py: a plain WSGI application that reads the AWS request
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from typing import Callable

from apig_wsgi.context import ApigContext


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    apig = ApigContext.from_environ(environ)  # None outside Lambda
    body = {
        "front": apig.event_format if apig else None,
        "ip": apig.source_ip if apig else environ.get("REMOTE_ADDR"),
        "stage": apig.stage if apig else None,
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
