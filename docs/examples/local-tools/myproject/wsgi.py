# myproject/wsgi.py: a small WSGI application for the local tools' examples
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from typing import Callable


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if path == "/health":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"ok": True}).encode()]
    if path == "/login" and environ["REQUEST_METHOD"] == "POST":
        start_response(
            "302 Found",
            [
                ("Location", environ["SCRIPT_NAME"] + "/welcome"),
                ("Set-Cookie", "sessionid=s1; HttpOnly; Path=/"),
                ("Set-Cookie", "csrftoken=c2; Path=/"),
            ],
        )
        return []
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not Found"]
