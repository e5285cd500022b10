from __future__ import annotations

from django.contrib import admin
from django.urls import path

from example_site import events
from example_site import views
from example_site.guestbook.views import guestbook

# /health/ is answered by example_site.health.HealthCheckMiddleware, and
# /static/ by WhiteNoise, before URL resolution.
urlpatterns = [
    path("", views.index, name="index"),
    path("cookies/", views.cookies, name="cookies"),
    path("compressed/", views.compressed, name="compressed"),
    path("upload/", views.upload, name="upload"),
    path("guestbook/", guestbook, name="guestbook"),
    path("events/", events.page, name="events"),
    path("events/stream/", events.stream, name="event-stream"),
    path("api/request/", views.request_json, name="request-json"),
    path("admin/", admin.site.urls),
]
