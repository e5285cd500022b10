"""Pages that show what the application sees of each AWS front."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_safe

# Header, cookie and event keys whose values are credentials, matched as
# lower-case substrings of the name.
SECRET_NAME_PARTS = (
    "authorization",
    "cookie",
    "credential",
    "csrf",
    "key",
    "password",
    "secret",
    "session",
    "signature",
    "token",
)
MASK = "********"

COOKIES = {"flavour": "oatmeal-raisin", "theme": "dark"}
# Below DATA_UPLOAD_MAX_MEMORY_SIZE and the ALB's 1 MB event limit (see settings).
MAX_UPLOAD_BYTES = 512 * 1024
LINKED_VIEWS = (
    "index",
    "cookies",
    "compressed",
    "upload",
    "guestbook",
    "events",
    "request-json",
)


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_NAME_PARTS)


def masked(value: Any, name: str = "") -> Any:
    """A copy of ``value`` with the values under secret-looking keys masked."""
    if name and is_secret(name) and value not in (None, "", [], {}):
        return MASK
    if isinstance(value, dict):
        return {key: masked(item, str(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def masked_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if not any(is_secret(name) for name, _ in pairs):
        return query_string
    return urlencode([(name, MASK if is_secret(name) else v) for name, v in pairs])


def event_summary(event: dict[str, Any]) -> dict[str, Any]:
    summary = masked(event)
    if isinstance(event.get("rawQueryString"), str):
        summary["rawQueryString"] = masked_query(event["rawQueryString"])
    body = event.get("body")
    if isinstance(body, str) and body:
        # A body can hold a password or a whole upload: show only its size.
        summary["body"] = f"<{len(body)} characters>"
    return summary  # type: ignore[no-any-return]


def context_summary(context: Any) -> dict[str, Any] | None:
    if context is None:
        return None
    names = (
        "function_name",
        "function_version",
        "memory_limit_in_mb",
        "aws_request_id",
        "log_group_name",
    )
    return {name: getattr(context, name, None) for name in names}


def describe(request: HttpRequest) -> dict[str, Any]:
    """The request as the application saw it, safe to show to anyone."""
    apig = getattr(request, "apig_context", None)
    apig_fields = None
    if apig is not None:
        apig_fields = {
            "event_format": apig.event_format,
            "stage": apig.stage,
            "request_id": apig.request_id,
            "aws_request_id": apig.aws_request_id,
            "source_ip": apig.source_ip,
            "authorizer": masked(apig.authorizer),
            "context": context_summary(apig.context),
            "request_context": masked(apig.request_context),
            "full_event": event_summary(apig.full_event),
        }
    return {
        "method": request.method,
        "scheme": request.scheme,
        "host": request.get_host(),
        "script_name": request.META.get("SCRIPT_NAME", ""),
        "path_info": request.path_info,
        "path": request.path,
        "query_string": masked_query(request.META.get("QUERY_STRING", "")),
        "remote_addr": request.META.get("REMOTE_ADDR"),
        "headers": {
            name: MASK if is_secret(name) else value
            for name, value in request.headers.items()
        },
        "cookies": {
            name: MASK if is_secret(name) else value
            for name, value in request.COOKIES.items()
        },
        "apig_context": apig_fields,
        "links": {name: reverse(name) for name in LINKED_VIEWS},
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "example_site/index.html", {"seen": describe(request)})


@require_safe
def request_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(describe(request))


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "example_site/cookies.html",
        {"cookies": COOKIES, "received": request.COOKIES},
    )
    for name, value in COOKIES.items():
        response.set_cookie(
            name,
            value,
            max_age=3600,
            httponly=True,
            samesite="Lax",
            secure=settings.CSRF_COOKIE_SECURE,
        )
    return response


@require_safe
@gzip_page
def compressed(request: HttpRequest) -> HttpResponse:
    lines = [
        f"Line {number}: compressed by Django's gzip_page." for number in range(200)
    ]
    return render(request, "example_site/compressed.html", {"lines": lines})


class UploadForm(forms.Form):
    name = forms.CharField(max_length=100)
    attachment = forms.FileField()

    def clean_attachment(self) -> Any:
        attachment = self.cleaned_data["attachment"]
        if attachment.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {attachment.size} bytes; the limit is"
                f" {MAX_UPLOAD_BYTES} bytes."
            )
        return attachment


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["attachment"].read()
            result = {
                "name": form.cleaned_data["name"],
                "filename": form.cleaned_data["attachment"].name,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
            form = UploadForm()
    else:
        form = UploadForm()
    return render(
        request,
        "example_site/upload.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and result is None else 200,
    )
