from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.http import StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from apig_wsgi.context import ApigContext
from tests.runtime.apps import wait_for

# A PNG signature followed by bytes that are not valid UTF-8.
IMAGE_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
LONG_TEXT = "apig-wsgi compresses this text. " * 40


def describe(apig_context: ApigContext | None) -> dict[str, Any] | None:
    if apig_context is None:
        return None
    return {
        "event_format": apig_context.event_format,
        "stage": apig_context.stage,
        "request_id": apig_context.request_id,
        "aws_request_id": apig_context.aws_request_id,
        "source_ip": apig_context.source_ip,
        "authorizer": apig_context.authorizer,
        "remaining_time_ms": apig_context.remaining_time_ms(),
        "has_full_event": isinstance(apig_context.full_event, dict),
        "request_context_keys": sorted(apig_context.request_context or {}),
        "has_context": apig_context.context is not None,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A page for the editors group, as in the authentication docs."""
    user: Any = request.user
    if not user.groups.filter(name="editors").exists():
        return HttpResponse(status=403)
    return HttpResponse(f"Hello {user.email}")


def whoami(request: HttpRequest) -> HttpResponse:
    """The user Django sees, for the authentication tests."""
    user: Any = request.user
    if not user.is_authenticated:
        return JsonResponse({"user": None})
    return JsonResponse(
        {
            "user": user.username,
            "email": user.email,
            "groups": sorted(group.name for group in user.groups.all()),
            "usable_password": user.has_usable_password(),
        }
    )


@csrf_exempt
def context(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"apig_context": describe(request.apig_context)})  # type: ignore[attr-defined]


async def async_context(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"apig_context": describe(request.apig_context)})  # type: ignore[attr-defined]


def image(request: HttpRequest) -> HttpResponse:
    return HttpResponse(IMAGE_BYTES, content_type="image/png")


def text(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LONG_TEXT, content_type="text/plain; charset=utf-8")


def links(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "image": reverse("image"),
            "absolute": request.build_absolute_uri(reverse("image")),
            "path": request.path,
            "path_info": request.path_info,
        }
    )


def cookies(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"received": request.COOKIES})
    response.set_cookie("first", "1")
    response.set_cookie("second", "2", httponly=True)
    return response


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES["file"]
    assert isinstance(upload, UploadedFile)
    content = upload.read()
    return JsonResponse(
        {
            "name": upload.name,
            "content_type": upload.content_type,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "title": request.POST["title"],
        }
    )


def form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return JsonResponse({"accepted": request.POST["name"]})
    return JsonResponse({"token": get_token(request)})


def page(request: HttpRequest) -> HttpResponse:
    return render(request, "project/page.html", {"host": request.get_host()})


def status(request: HttpRequest, code: int) -> HttpResponse:
    return HttpResponse(f"Status {code}", status=code)


def feed(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events; the second waits for the test's BARRIER_FILE."""

    def events() -> Iterator[bytes]:
        yield f"data: {request.path}\n\n".encode()
        released = wait_for(Path(os.environ["BARRIER_FILE"]))
        yield b"data: released\n\n" if released else b"data: never released\n\n"

    return StreamingHttpResponse(events(), content_type="text/event-stream")
