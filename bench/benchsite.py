"""Settings and URLs of the one-view Django project the benchmark serves."""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.http import JsonResponse
from django.urls import path

SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
if os.environ.get("BENCH_DJANGO_CONTRIB") == "1":
    INSTALLED_APPS.append("apig_wsgi.contrib.django")
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES: dict[str, object] = {}
USE_TZ = True


def item(request: HttpRequest, item_id: int) -> JsonResponse:
    return JsonResponse(
        {
            "id": item_id,
            "name": "widget",
            "verbose": request.GET.get("verbose") == "1",
            "tags": ["blue", "small"],
        }
    )


urlpatterns = [path("api/items/<int:item_id>", item)]
