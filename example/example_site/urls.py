from __future__ import annotations

from django.urls import path

from example_site import views

urlpatterns = [
    path("", views.index, name="index"),
    path("cookies/", views.cookies, name="cookies"),
    path("image.png", views.image, name="image"),
    path("compressed/", views.compressed, name="compressed"),
    path("upload/", views.upload, name="upload"),
    path("api/request/", views.request_json, name="request-json"),
]
