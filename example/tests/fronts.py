"""The fronts the deployment can switch on, and helpers to talk to them."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from typing import Callable

from apig_wsgi.testing import Client
from apig_wsgi.testing import Response

IMAGE = Path(__file__).resolve().parent.parent / "example_site/static/apig-wsgi.png"

# Each front the deployment can switch on, with its settings in site.yml: the
# REST API's stage and BinaryMediaTypes, the ALB target group's multi-value
# headers.
FRONTS: dict[str, dict[str, Any]] = {
    "rest": {"stage": "live", "binary_media_types": ["*/*"]},
    "http-v2": {},
    "function-url": {},
    "alb": {"multi_value_headers": True},
}


def client_for(handler: Callable[[dict[str, Any], Any], Any], front: str) -> Client:
    return Client(handler, format=front, **FRONTS[front])


def set_cookies(response: Response) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.header_list("set-cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def logo_url(response: Response) -> str:
    """The page's logo, a static file served by WhiteNoise under a hashed name."""
    match = re.search(r'<img id="logo" src="([^"]+)"', response.text)
    assert match is not None, response.text
    return match.group(1)


def csrf_form_token(response: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match is not None, response.text
    return match.group(1)
