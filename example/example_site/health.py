"""The load balancer's health check, answered before Django looks at the host.

An ALB health check carries no Host header, so Django would answer it 400
(DisallowedHost) whenever ALLOWED_HOSTS is restricted, as it should be, and the
target would turn unhealthy. This middleware comes first in MIDDLEWARE and
answers HEALTH_CHECK_PATH itself; every other request goes on to the host check.
"""

from __future__ import annotations

from typing import Callable

from django.http import HttpRequest
from django.http import HttpResponse
from django.http.response import HttpResponseBase

HEALTH_CHECK_PATH = "/health/"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == HEALTH_CHECK_PATH and request.method in ("GET", "HEAD"):
            response = HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
