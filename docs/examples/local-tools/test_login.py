# test_login.py
from __future__ import annotations

from apig_wsgi import make_lambda_handler
from apig_wsgi.testing import Client

from myproject.wsgi import application

handler = make_lambda_handler(application, script_name="auto")


def test_login_sets_cookies() -> None:
    client = Client(handler, format="rest", stage="prod")
    response = client.post(
        "/login",
        headers={"Accept": "text/html"},
        cookies={"csrftoken": "abc"},
        body=b"user=ann",
    )
    assert response.status == 302
    assert response.header("Location") == "/prod/welcome"
    assert len(response.header_list("Set-Cookie")) == 2
