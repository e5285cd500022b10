"""Django users from the identity AWS verified, in a database with groups."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any
from typing import ClassVar

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.test import override_settings

from apig_wsgi.contrib.django.auth import ApigRemoteUserBackend
from apig_wsgi.contrib.django.handler import build_lambda_handler
from apig_wsgi.environ_keys import IDENTITY
from apig_wsgi.identity import Identity
from apig_wsgi.testing import Client
from apig_wsgi.testing import Response
from tests.utils import load_event

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apig_wsgi.contrib.django.auth.ApigRemoteUserMiddleware",
]
BACKEND = "tests.contrib.django.test_auth.CognitoBackend"


class CognitoBackend(ApigRemoteUserBackend):
    user_fields: ClassVar[dict[str, str]] = {"email": "email"}
    group_names: ClassVar[dict[str, str]] = {"admins": "Administrators"}


pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def remote_user() -> Iterator[None]:
    with override_settings(
        MIDDLEWARE=MIDDLEWARE,
        AUTHENTICATION_BACKENDS=[BACKEND],
        APIG_WSGI_REMOTE_USER=True,
    ):
        yield


def handler() -> Any:
    """The project's Lambda handler, built with the settings of the test."""
    return build_lambda_handler(WSGIHandler())


def session_cookie(response: Response) -> dict[str, str]:
    """The session cookie ``response`` sets, to send it back."""
    set_cookie = response.header("Set-Cookie")
    assert set_cookie is not None
    name, _, value = set_cookie.split(";")[0].partition("=")
    return {name: value}


def whoami(response: Response) -> Any:
    assert response.status == 200, response.text
    return response.json()


def invoke(event: dict[str, Any]) -> Any:
    """Send a corpus event to /whoami/ and return the user Django saw."""
    if "rawPath" in event:
        event["rawPath"] = event["requestContext"]["http"]["path"] = "/whoami/"
    else:
        event["path"] = "/whoami/"
    event["requestContext"].pop("path", None)
    result = handler()(event, None)
    assert result["statusCode"] == 200, result
    return json.loads(result["body"])


@pytest.mark.usefixtures("remote_user")
class TestLogin:
    def test_rest_cognito_caller_becomes_a_new_user(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")

        assert invoke(event) == {
            "user": "d2f50444-0041-7036-aea2-a955fca33d37",
            "email": "",
            "groups": [],
            "usable_password": False,
        }
        assert User.objects.count() == 1

    @override_settings(APIG_WSGI_REMOTE_USER_CLAIM="cognito:username")
    def test_http_api_jwt_claim_names_the_user_and_groups_apply(self) -> None:
        Group.objects.create(name="Admin")
        event = load_event("aws-lambda-dotnet/authtest-access-request-httpapi-v2.json")

        assert invoke(event)["user"] == "normj"
        assert invoke(event)["groups"] == ["Admin"]

    def test_rest_lambda_authorizer_principal(self) -> None:
        event = load_event(
            "powertools-typescript/apigw-rest-lambda-authorizer-auth.json"
        )

        assert invoke(event)["user"] == "user"

    def test_iam_caller_keeps_the_groups_set_in_django(self) -> None:
        arn = "arn:aws:iam::111122223333:user/example-user"
        user = User.objects.create(username=arn)
        user.groups.add(Group.objects.create(name="auditors"))
        event = load_event("powertools-python/lambdaFunctionUrlIAMEvent.json")

        assert invoke(event) == {
            "user": arn,
            "email": "",
            "groups": ["auditors"],
            "usable_password": True,
        }

    def test_claims_fill_fields_and_name_existing_groups(self) -> None:
        Group.objects.create(name="editors")
        Group.objects.create(name="Administrators")
        client = Client(handler(), format="rest")
        claims = {
            "sub": "u-1",
            "email": "ada@example.com",
            "cognito:groups": "editors,admins,ghosts",
        }

        assert whoami(client.get("/whoami/", claims=claims)) == {
            "user": "u-1",
            "email": "ada@example.com",
            "groups": ["Administrators", "editors"],
            "usable_password": False,
        }
        assert not Group.objects.filter(name="ghosts").exists()

    def test_a_new_login_updates_fields_and_groups(self) -> None:
        Group.objects.create(name="editors")
        client = Client(handler(), format="http-v2")
        client.get("/whoami/", claims={"sub": "u-1", "cognito:groups": "[editors]"})

        second = client.get("/whoami/", claims={"sub": "u-1", "email": "new@x.org"})

        assert whoami(second)["groups"] == []
        assert whoami(second)["email"] == "new@x.org"
        # Unchanged claims change nothing.
        assert (
            whoami(client.get("/whoami/", claims={"sub": "u-1", "email": "new@x.org"}))[
                "email"
            ]
            == "new@x.org"
        )

    def test_session_user_is_logged_out_when_the_identity_disappears(self) -> None:
        client = Client(handler(), format="http-v2")
        cookies = session_cookie(client.get("/whoami/", claims={"sub": "u-1"}))

        assert whoami(client.get("/whoami/", cookies=cookies))["user"] is None
        assert Session.objects.count() == 0

    def test_session_user_is_replaced_by_another_caller(self) -> None:
        client = Client(handler(), format="http-v2")
        cookies = session_cookie(client.get("/whoami/", claims={"sub": "u-1"}))

        assert (
            whoami(client.get("/whoami/", cookies=cookies, claims={"sub": "u-2"}))[
                "user"
            ]
            == "u-2"
        )

    def test_apig_invoke_sends_the_caller(self) -> None:
        out = StringIO()
        call_command(
            "apig_invoke",
            "/whoami/",
            "--format",
            "rest",
            "--claim",
            "sub=u-9",
            "--claim",
            "email=u9@example.com",
            "--decoded",
            stdout=out,
        )

        assert out.getvalue().splitlines()[-1] == (
            '{"user": "u-9", "email": "u9@example.com", "groups": [], '
            '"usable_password": false}'
        )

    def test_alb_declared_authenticating_logs_the_caller_in(self) -> None:
        with override_settings(APIG_WSGI_ALB_AUTHENTICATES=True):
            client = Client(handler(), format="alb")

            assert (
                whoami(client.get("/whoami/", claims={"sub": "u-3"}))["user"] == "u-3"
            )

    def test_name_too_long_for_the_user_model_stays_anonymous(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        arn = "arn:aws:sts::111122223333:assumed-role/" + "r" * 64 + "/" + "s" * 64
        client = Client(handler(), format="rest")

        with caplog.at_level(logging.WARNING, "apig_wsgi"):
            assert whoami(client.get("/whoami/", iam=arn))["user"] is None
        assert caplog.messages == [
            f"The iam caller's name is {len(arn)} characters long, more than the "
            "150 that User.username holds, so the request stays anonymous."
        ]
        assert User.objects.count() == 0


@pytest.mark.usefixtures("remote_user")
class TestNobodyIsLoggedIn:
    def test_without_an_authorizer(self) -> None:
        event = load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")

        assert invoke(event)["user"] is None

    def test_from_headers_the_client_sends(self) -> None:
        client = Client(handler(), format="alb")
        headers = {
            "Remote-User": "admin",
            "X-Amzn-Oidc-Identity": "admin",
            "Apig-Wsgi.Remote-User": "admin",
        }

        assert whoami(client.get("/whoami/", headers=headers))["user"] is None
        assert User.objects.count() == 0

    def test_from_an_alb_not_declared_authenticating(self) -> None:
        client = Client(handler(), format="alb")

        assert whoami(client.get("/whoami/", claims={"sub": "admin"}))["user"] is None

    @override_settings(APIG_WSGI_REMOTE_USER=False)
    def test_with_the_setting_off(self) -> None:
        client = Client(handler(), format="rest")

        assert whoami(client.get("/whoami/", claims={"sub": "u-1"}))["user"] is None

    def test_from_a_remote_user_another_server_set(self) -> None:
        # Outside Lambda: gunicorn, say, sets REMOTE_USER from Basic auth.
        environ: dict[str, Any] = {
            "REMOTE_USER": "admin",
            "apig_wsgi.remote_user": "admin",
        }
        client = DjangoClient(**environ)

        assert json.loads(client.get("/whoami/").content) == {"user": None}

    @override_settings(
        AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.RemoteUserBackend"]
    )
    def test_by_the_middleware_even_with_djangos_backend(self) -> None:
        environ: dict[str, Any] = {"apig_wsgi.remote_user": "admin"}
        client = DjangoClient(**environ)

        assert json.loads(client.get("/whoami/").content) == {"user": None}

    @override_settings(
        MIDDLEWARE=[
            *MIDDLEWARE[:2],
            "django.contrib.auth.middleware.RemoteUserMiddleware",
        ]
    )
    def test_by_django_middleware_reading_remote_user(self) -> None:
        client = DjangoClient(REMOTE_USER="admin")

        assert json.loads(client.get("/whoami/").content) == {"user": None}


class TestBackend:
    def request_for(self, name: str | None) -> Any:
        request = RequestFactory().get("/")
        if name is not None:
            request.META[IDENTITY] = Identity(name, "jwt", {"sub": name})
        return request

    def test_accepts_only_the_verified_name(self) -> None:
        backend = ApigRemoteUserBackend()

        assert backend.authenticate(self.request_for("alice"), "mallory") is None
        assert backend.authenticate(self.request_for(None), "mallory") is None
        assert backend.authenticate(None, "mallory") is None
        user = backend.authenticate(self.request_for("alice"), "alice")
        assert user is not None
        assert user.get_username() == "alice"

    def test_async_accepts_only_the_verified_name(self) -> None:
        backend = ApigRemoteUserBackend()

        assert (
            asyncio.run(backend.aauthenticate(self.request_for("alice"), "mallory"))
            is None
        )
        user = asyncio.run(backend.aauthenticate(self.request_for("bob"), "bob"))
        assert user is not None
        assert user.get_username() == "bob"

    def test_configure_user_without_identity_changes_nothing(self) -> None:
        user = User.objects.create(username="carol")

        assert ApigRemoteUserBackend().configure_user(None, user) is user
        assert user.has_usable_password()
