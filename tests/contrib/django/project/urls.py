from __future__ import annotations

from django.urls import path
from django.urls import re_path

from tests.contrib.django.project import views

urlpatterns = [
    path("image.png", views.image, name="image"),
    path("text/", views.text, name="text"),
    path("links/", views.links, name="links"),
    path("cookies/", views.cookies, name="cookies"),
    path("upload/", views.upload, name="upload"),
    path("form/", views.form, name="form"),
    path("async/", views.async_context, name="async_context"),
    path("whoami/", views.whoami, name="whoami"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("page/", views.page, name="page"),
    path("status/<int:code>/", views.status, name="status"),
    path("feed/", views.feed, name="feed"),
    # Every other path shows request.apig_context, so corpus events need no editing.
    re_path(r"", views.context, name="context"),
]
