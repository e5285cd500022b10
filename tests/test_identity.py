"""REMOTE_USER and apig_wsgi.identity: the caller AWS verified, per front."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from typing import Any
from typing import Callable

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.context import ApigContext
from apig_wsgi.identity import Identity
from apig_wsgi.testing import Client
from apig_wsgi.testing import build_event
from tests.utils import load_event

ALICE = "arn:aws:iam::111122223333:user/alice"


def seen_by_app(event: dict[str, Any], **options: Any) -> tuple[Any, Any]:
    """REMOTE_USER and ApigContext.identity as the application sees them."""
    seen: list[tuple[Any, Any]] = []

    def app(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        apig_context = ApigContext.from_environ(environ)
        assert apig_context is not None
        seen.append((environ.get("REMOTE_USER"), apig_context.identity))
        start_response("204 No Content", [])
        return []

    make_lambda_handler(app, remote_user=True, **options)(event, None)
    [found] = seen
    return found


def name_of(event: dict[str, Any], **options: Any) -> Any:
    remote_user, identity = seen_by_app(event, **options)
    assert remote_user == (None if identity is None else identity.name)
    return remote_user


class TestCorpusEvents:
    def test_rest_cognito_authorizer_claims(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")

        remote_user, identity = seen_by_app(event)

        assert remote_user == "d2f50444-0041-7036-aea2-a955fca33d37"
        assert identity == Identity(
            remote_user, "cognito", event["requestContext"]["authorizer"]["claims"]
        )

    def test_rest_cognito_claim_chosen(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")

        assert name_of(event, remote_user_claim="cognito:username") == "aamorosi"

    @pytest.mark.parametrize(
        ("sample", "principal"),
        [
            ("powertools-typescript/apigw-rest-lambda-authorizer-auth.json", "user"),
            ("powertools-python/apiGatewayProxyEventPrincipalId.json", "fake"),
            ("aws-lambda-go/apigw-request.json", "admin"),
        ],
    )
    def test_rest_lambda_authorizer_principal(
        self, sample: str, principal: str
    ) -> None:
        event = load_event(sample)

        remote_user, identity = seen_by_app(event)

        assert remote_user == principal
        assert identity.source == "lambda"
        assert identity.claims["principalId"] == principal

    @pytest.mark.parametrize(
        "sample",
        [
            "powertools-typescript/apigw-rest-iam-auth.json",
            "powertools-typescript/console-test-ui.json",
        ],
    )
    def test_rest_iam_user_arn(self, sample: str) -> None:
        event = load_event(sample)

        remote_user, identity = seen_by_app(event)

        assert remote_user == "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi"
        assert identity == Identity(
            remote_user, "iam", event["requestContext"]["identity"]
        )

    def test_http_api_jwt_claims(self) -> None:
        event = load_event("powertools-typescript/jwt-authorizer-auth.json")

        remote_user, identity = seen_by_app(event, remote_user_claim="cognito:username")

        assert remote_user == "aamorosi"
        assert identity == Identity(
            "aamorosi", "jwt", event["requestContext"]["authorizer"]["jwt"]["claims"]
        )

    def test_http_api_lambda_authorizer_context(self) -> None:
        event = load_event("aws-lambda-go/apigw-v2-request-lambda-authorizer.json")

        assert seen_by_app(event, remote_user_claim="key") == (
            "value",
            Identity("value", "lambda", {"key": "value"}),
        )

    @pytest.mark.parametrize(
        ("sample", "arn"),
        [
            (
                "powertools-typescript/iam-auth.json",
                "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi",
            ),
            (
                "powertools-python/lambdaFunctionUrlIAMEvent.json",
                "arn:aws:iam::111122223333:user/example-user",
            ),
            (
                "aws-lambda-go/lambda-urls-request.json",
                "arn:aws:iam::111122223333:user/example-user",
            ),
        ],
    )
    def test_http_api_and_function_url_iam(self, sample: str, arn: str) -> None:
        event = load_event(sample)

        remote_user, identity = seen_by_app(event)

        assert remote_user == arn
        assert identity == Identity(
            arn, "iam", event["requestContext"]["authorizer"]["iam"]
        )

    def test_lattice_v2_iam_principal(self) -> None:
        event = load_event("powertools-python/vpcLatticeV2Event.json")

        remote_user, identity = seen_by_app(event)

        assert remote_user == (
            "arn:aws:sts::123456789012:assumed-role/example-role/"
            "057d00f8b51257ba3c853a0f248943cf"
        )
        assert identity == Identity(
            remote_user, "iam", event["requestContext"]["identity"]
        )

    @pytest.mark.parametrize(
        "sample",
        [
            "aws-lambda-go/apigw-v2-request-no-authorizer.json",
            "powertools-typescript/no-auth.json",
            "aws-lambda-java-libs/apigw_rest_event.json",
            "aws-lambda-go/function-url-domain-only-get-request.json",
            "powertools-python/albEvent.json",
            "powertools-python/vpcLatticeEvent.json",
            "aws-lambda-java-libs/cloudfront_event.json",
            "powertools-typescript/lambda-authorizer-auth.json",
        ],
    )
    def test_unauthenticated_requests_have_no_identity(self, sample: str) -> None:
        assert seen_by_app(load_event(sample), alb_authenticates=True) == (None, None)

    def test_option_off_changes_nothing(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")
        seen: list[dict[str, Any]] = []

        def app(
            environ: dict[str, Any], start_response: Callable[..., Any]
        ) -> Iterable[bytes]:
            seen.append(dict(environ))
            start_response("204 No Content", [])
            return []

        make_lambda_handler(app)(event, None)

        assert "REMOTE_USER" not in seen[0]
        assert "apig_wsgi.identity" not in seen[0]
        assert ApigContext(seen[0]).identity is None


class TestCognitoIdentityPools:
    def test_rest_authenticated_identity_is_its_id(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-iam-auth.json")
        event["requestContext"]["identity"].update(
            cognitoIdentityId="us-east-1:1234",
            cognitoAuthenticationType="authenticated",
        )

        assert name_of(event) == "us-east-1:1234"

    def test_rest_guest_is_nobody(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-iam-auth.json")
        event["requestContext"]["identity"].update(
            cognitoIdentityId="us-east-1:1234",
            cognitoAuthenticationType="unauthenticated",
        )

        assert name_of(event) is None

    def test_http_api_authenticated_identity_is_its_id(self) -> None:
        event = load_event("aws-lambda-go/apigw-v2-request-iam.json")
        pool = event["requestContext"]["authorizer"]["iam"]["cognitoIdentity"]
        pool["amr"] = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/pool"]

        assert name_of(event) == "us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce"

    def test_http_api_identity_not_marked_authenticated_is_nobody(self) -> None:
        # The sample's amr is ["foo"]: not "authenticated".
        assert name_of(load_event("aws-lambda-go/apigw-v2-request-iam.json")) is None


class TestSpoofing:
    @pytest.mark.parametrize("format", ["rest", "http-v2", "alb", "lattice-v2"])
    def test_client_headers_name_nobody(self, format: str) -> None:
        event = build_event(
            format,
            headers={
                "Remote-User": "admin",
                "X-Amzn-Oidc-Identity": "admin",
                "X-Amzn-Oidc-Data": build_event("alb", claims={"sub": "admin"})[
                    "headers"
                ]["x-amzn-oidc-data"],
            },
        )

        assert seen_by_app(event, alb_authenticates=format != "alb") == (None, None)

    def test_alb_not_declared_authenticating_ignores_oidc_headers(self) -> None:
        event = build_event("alb", claims={"sub": "alice"})

        assert seen_by_app(event) == (None, None)


class TestAlb:
    def test_declared_authenticating_reads_the_claims(self) -> None:
        claims = {"sub": "alice", "email": "alice@example.com", "groups": ["a", "b"]}
        event = build_event("alb", claims=claims, multi_value_headers=True)

        remote_user, identity = seen_by_app(
            event, alb_authenticates=True, remote_user_claim="email"
        )

        assert remote_user == "alice@example.com"
        assert identity == Identity("alice@example.com", "alb", claims)
        assert identity.claim_list("groups") == ["a", "b"]

    @pytest.mark.parametrize(
        ("data", "why"),
        [
            ("not-a-jwt", "not three parts"),
            ("a.!!!!!.c", "not base64"),
            ("a." + base64.urlsafe_b64encode(b"\xff").decode() + ".c", "not UTF-8"),
            ("a." + base64.urlsafe_b64encode(b"[1]").decode() + ".c", "not an object"),
            ("a.\u00e9.c", "not ASCII"),
        ],
    )
    def test_malformed_data_names_nobody_and_is_logged(
        self, data: str, why: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = build_event("alb", headers={"X-Amzn-Oidc-Data": data})

        assert seen_by_app(event, alb_authenticates=True) == (None, None)
        assert caplog.messages == [
            "The x-amzn-oidc-data header is not a JWT with JSON claims, so "
            "REMOTE_USER is not set."
        ]

    def test_unpadded_segments_are_read_too(self) -> None:
        payload = base64.urlsafe_b64encode(json.dumps({"sub": "bo"}).encode())
        data = "a." + payload.decode().rstrip("=") + ".c"
        event = build_event("alb", headers={"X-Amzn-Oidc-Data": data})

        assert name_of(event, alb_authenticates=True) == "bo"


class TestNames:
    def test_non_ascii_name_is_pep_3333_in_remote_user_and_text_in_identity(
        self,
    ) -> None:
        event = build_event("http-v2", claims={"sub": "Zo\u00eb"})

        remote_user, identity = seen_by_app(event)

        assert remote_user == "Zo\u00c3\u00ab"
        assert identity.name == "Zo\u00eb"

    def test_whole_number_is_a_name(self) -> None:
        event = build_event("http-v2", authorizer={"lambda": {"sub": 42}})

        assert name_of(event) == "42"

    @pytest.mark.parametrize("value", [True, 1.5, ["a"], {"a": 1}])
    def test_other_values_are_logged(
        self, value: object, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = build_event("http-v2", claims={"sub": value})

        assert name_of(event) is None
        assert caplog.messages == [
            f"The jwt identity's 'sub' is {type(value).__name__}, not a name, so "
            "REMOTE_USER is not set."
        ]

    def test_empty_name_is_nobody_quietly(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = build_event("rest", authorizer={"principalId": "", "a": "b"})

        assert name_of(event) is None
        assert caplog.messages == []

    def test_missing_claim_is_logged_with_the_claims_there(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        event = build_event("rest", claims={"sub": "u", "email": "e"})

        assert name_of(event, remote_user_claim="username") is None
        assert caplog.messages == [
            "The cognito identity has no 'username' claim, so REMOTE_USER is not "
            "set; it has: email, sub. Set remote_user_claim to the claim that "
            "names the user."
        ]


class TestPayload1Shapes:
    def test_http_v1_claims_are_a_jwt_authorizer(self) -> None:
        event = build_event("http-v1", claims={"sub": "u"})

        assert seen_by_app(event)[1] == Identity("u", "jwt", {"sub": "u"})

    def test_http_v1_simple_lambda_authorizer_context(self) -> None:
        event = build_event("http-v1", authorizer={"lambda": {"sub": "u"}})

        assert seen_by_app(event)[1] == Identity("u", "lambda", {"sub": "u"})

    def test_lambda_authorizer_without_principal_uses_the_claim(self) -> None:
        context = {"sub": "u", "integrationLatency": 3}
        event = build_event("rest", authorizer=context)

        assert seen_by_app(event)[1] == Identity("u", "lambda", context)

    def test_cognito_authorizer_wins_over_iam_identity(self) -> None:
        event = build_event("rest", iam=ALICE)
        event["requestContext"]["authorizer"] = {"claims": {"sub": "u"}}

        assert name_of(event) == "u"

    def test_scopes_without_claims_are_nobody(self) -> None:
        event = build_event("rest", iam=ALICE)
        event["requestContext"]["authorizer"] = {"claims": None, "scopes": ["s"]}

        assert name_of(event) is None

    @pytest.mark.parametrize("authorizer", [None, "x", {"claims": None}])
    def test_no_authorizer_falls_back_to_iam(self, authorizer: object) -> None:
        event = build_event("http-v1", iam=ALICE)
        event["requestContext"]["authorizer"] = authorizer

        assert name_of(event) == ALICE

    def test_null_identity_is_nobody(self) -> None:
        event = build_event("rest")
        event["requestContext"]["identity"] = None

        assert seen_by_app(event) == (None, None)

    def test_event_without_request_context_is_nobody(self) -> None:
        event = build_event("rest")
        del event["requestContext"]

        assert seen_by_app(event) == (None, None)


class TestPayload2Shapes:
    @pytest.mark.parametrize(
        "authorizer",
        [{}, {"iam": None}, {"lambda": None, "jwt": None}, {"iam": {}}],
    )
    def test_nothing_usable_is_nobody(self, authorizer: dict[str, Any]) -> None:
        event = build_event("http-v2", authorizer=authorizer)

        assert seen_by_app(event) == (None, None)

    def test_authorizer_of_another_type_is_nobody(self) -> None:
        event = build_event("http-v2")
        event["requestContext"]["authorizer"] = "x"

        assert seen_by_app(event) == (None, None)

    def test_iam_of_the_builder(self) -> None:
        assert name_of(build_event("function-url", iam=ALICE)) == ALICE


def test_lattice_iam_without_a_principal_is_nobody_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An IAM auth policy may allow anonymous (unsigned) requests.
    event = build_event("lattice-v2", iam=ALICE)
    del event["requestContext"]["identity"]["principal"]

    assert seen_by_app(event) == (None, None)
    assert caplog.messages == []


class TestClaimList:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("admins,editors", ["admins", "editors"]),
            ("[admins editors]", ["admins", "editors"]),
            ("admins", ["admins"]),
            (["admins", 1, " editors "], ["admins", "editors"]),
            ("", []),
            ("[]", []),
            (3, []),
        ],
    )
    def test_forms_aws_sends(self, value: object, expected: list[str]) -> None:
        identity = Identity("u", "jwt", {"cognito:groups": value})

        assert identity.claim_list("cognito:groups") == expected

    def test_absent_claim_is_empty(self) -> None:
        assert Identity("u", "jwt", {}).claim_list("cognito:groups") == []


def test_identity_is_read_only() -> None:
    identity = Identity("u", "jwt", {})

    with pytest.raises(AttributeError, match="Identity is read-only"):
        identity.name = "v"


def test_client_sends_each_identity() -> None:
    names: list[Any] = []

    def app(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        names.append(environ.get("REMOTE_USER"))
        start_response("204 No Content", [])
        return []

    handler = make_lambda_handler(app, remote_user=True, alb_authenticates=True)
    Client(handler, format="rest").get("/", claims={"sub": "a"})
    Client(handler, format="rest").get("/", authorizer={"principalId": "b"})
    Client(handler, format="lattice-v2").get("/", iam=ALICE)
    Client(handler, format="alb").get("/", claims={"sub": "c"})
    Client(handler, format="lattice-v2").get("/")

    assert names == ["a", "b", ALICE, "c", None]


def test_warning_goes_to_the_identity_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = build_event("rest", claims={"email": "e"})

    with caplog.at_level(logging.WARNING, "apig_wsgi.identity"):
        name_of(event)

    assert [record.name for record in caplog.records] == ["apig_wsgi.identity"]
