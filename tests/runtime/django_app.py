"""A Django project in one module, for the runtime subprocess (_HANDLER)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="runtime-tests",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.http import StreamingHttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from tests.runtime.apps import wait_for  # noqa: E402


def feed(request: HttpRequest) -> StreamingHttpResponse:
    def events() -> Iterator[bytes]:
        yield b"data: one\n\n"
        released = wait_for(Path(os.environ["BARRIER_FILE"]))
        yield b"data: released\n\n" if released else b"data: never released\n\n"

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response.set_cookie("seen", "1")
    return response


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"Hello from {request.path}", content_type="text/plain")


urlpatterns = [path("feed", feed), path("page", page)]

application = get_wsgi_application()
