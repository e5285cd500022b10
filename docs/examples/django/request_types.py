from __future__ import annotations

from django.http import HttpRequest

from apig_wsgi.context import ApigContext


class ApigHttpRequest(HttpRequest):
    apig_context: ApigContext | None
