from __future__ import annotations

from apig_wsgi.context import ApigContext
from django.http import HttpRequest


class ApigHttpRequest(HttpRequest):
    apig_context: ApigContext | None
