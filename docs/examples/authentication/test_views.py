# tests/test_views.py
from __future__ import annotations

from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.testing import Client
from django.contrib.auth.models import Group


def test_editors_see_the_dashboard() -> None:
    Group.objects.create(name="editors")
    client = Client(build_lambda_handler(), format="rest")

    response = client.get(
        "/dashboard/",
        claims={"email": "ada@example.com", "cognito:groups": "editors"},
    )

    assert response.status == 200
    assert client.get("/dashboard/").status == 302
