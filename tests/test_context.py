from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from typing import Callable

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.context import ApigContext
from tests.utils import FakeContext
from tests.utils import load_event

AWS_REQUEST_ID = FakeContext.aws_request_id


def context_for(event: dict[str, Any], context: Any = None) -> ApigContext:
    """Run ``event`` through the real handler and return the app's ApigContext."""
    if context is None:
        context = FakeContext()
    seen: list[ApigContext | None] = []

    def app(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        seen.append(ApigContext.from_environ(environ))
        start_response("204 No Content", [])
        return []

    make_lambda_handler(app)(event, context)
    [apig_context] = seen
    assert apig_context is not None
    return apig_context


def facts(apig_context: ApigContext) -> dict[str, Any]:
    """What ``apig_context`` tells about the request, as one dict."""
    return {
        "event_format": apig_context.event_format,
        "stage": apig_context.stage,
        "request_id": apig_context.request_id,
        "aws_request_id": apig_context.aws_request_id,
        "source_ip": apig_context.source_ip,
        "authorizer": apig_context.authorizer,
        "remaining_time_ms": apig_context.remaining_time_ms(),
    }


def test_from_environ_without_lambda_event_is_none() -> None:
    assert ApigContext.from_environ({"REQUEST_METHOD": "GET"}) is None


def test_constructor_without_lambda_event_raises() -> None:
    with pytest.raises(ValueError) as excinfo:
        ApigContext({"REQUEST_METHOD": "GET"})
    assert str(excinfo.value) == (
        "The environ has no 'apig_wsgi.full_event' key, so it did not come from an "
        "apig_wsgi Lambda handler. Use ApigContext.from_environ(), which returns "
        "None in that case."
    )


def test_event_and_contexts_are_the_invocations() -> None:
    event = load_event("powertools-typescript/apigw-rest-lambda-authorizer-auth.json")
    context = FakeContext()

    apig_context = context_for(event, context)

    assert (
        apig_context.full_event is event,
        apig_context.request_context is event["requestContext"],
        apig_context.context is context,
    ) == (True, True, True)


def test_repr() -> None:
    event = load_event("powertools-typescript/apigw-rest-lambda-authorizer-auth.json")

    assert repr(context_for(event)) == (
        "<ApigContext event_format='rest' "
        "request_id='3c177581-2d03-4af4-9b68-5924083f37fe'>"
    )


def test_a_context_is_true() -> None:
    # So that Flask's apig_context proxy type-checks in ``if apig_context:``.
    assert bool(context_for(load_event("aws-lambda-go/apigw-request.json"))) is True


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param(
            "powertools-typescript/apigw-rest-lambda-authorizer-auth.json",
            {
                "event_format": "rest",
                "stage": "prod",
                "request_id": "3c177581-2d03-4af4-9b68-5924083f37fe",
                "source_ip": "15.248.3.126",
                "authorizer": {"principalId": "user", "integrationLatency": 422},
            },
            id="rest",
        ),
        pytest.param(
            "powertools-python/apiGatewayProxyEvent.json",
            {
                "event_format": "http-v1",
                "stage": "$default",
                "request_id": "id=",
                "source_ip": "192.168.0.1/32",
                "authorizer": None,
            },
            id="http-v1",
        ),
        pytest.param(
            "aws-lambda-go/apigw-v2-request-no-authorizer.json",
            {
                "event_format": "http-v2",
                "stage": "$default",
                "request_id": "LV7fzho-PHcEJPw=",
                "source_ip": "1.2.3.4",
                "authorizer": None,
            },
            id="http-v2",
        ),
        pytest.param(
            "aws-lambda-go/"
            "function-url-request-with-headers-and-cookies-and-text-body.json",
            {
                "event_format": "function-url",
                "stage": "$default",
                "request_id": "5bbd0e3e-fe7a-4299-9076-32d4de45391b",
                "source_ip": "127.0.0.1",
                "authorizer": None,
            },
            id="function-url",
        ),
        pytest.param(
            "powertools-python/albEvent.json",
            {
                "event_format": "alb",
                "stage": None,
                "request_id": None,
                "source_ip": "72.12.164.125",
                "authorizer": None,
            },
            id="alb",
        ),
        pytest.param(
            "powertools-python/vpcLatticeEvent.json",
            {
                "event_format": "lattice-v1",
                "stage": None,
                "request_id": None,
                "source_ip": "10.213.229.10",
                "authorizer": None,
            },
            id="lattice-v1",
        ),
        pytest.param(
            "aws-lambda-java-libs/cloudfront_event.json",
            {
                "event_format": "edge",
                "stage": None,
                "request_id": None,
                "source_ip": "2001:cdba::3257:9652",
                "authorizer": None,
            },
            id="edge",
        ),
    ],
)
def test_facts_of_each_front(sample: str, expected: dict[str, Any]) -> None:
    assert facts(context_for(load_event(sample))) == {
        **expected,
        "aws_request_id": AWS_REQUEST_ID,
        "remaining_time_ms": 3000,
    }


class TestReadOnly:
    def test_set_attribute_raises(self) -> None:
        apig_context = context_for(load_event("powertools-python/albEvent.json"))

        with pytest.raises(AttributeError) as excinfo:
            apig_context.stage = "prod"  # type: ignore[misc]

        assert str(excinfo.value) == "ApigContext is read-only, cannot set 'stage'."

    def test_delete_computed_attribute_raises(self) -> None:
        apig_context = context_for(load_event("powertools-python/albEvent.json"))

        with pytest.raises(AttributeError) as excinfo:
            del apig_context.request_id

        assert str(excinfo.value) == (
            "ApigContext is read-only, cannot delete 'request_id'."
        )


class TestRestAuthorizer:
    def test_lambda_authorizer_context_keeps_every_key(self) -> None:
        apig_context = context_for(load_event("aws-lambda-go/apigw-request.json"))

        assert apig_context.authorizer == {
            "principalId": "admin",
            "clientId": 1,
            "clientName": "Exata",
        }

    def test_lambda_authorizer_context_leaves_out_null_entries(self) -> None:
        event = load_event("aws-lambda-go/apigw-request.json")
        event["requestContext"]["authorizer"]["clientName"] = None

        assert context_for(event).authorizer == {"principalId": "admin", "clientId": 1}

    def test_cognito_authorizer_gives_claims(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")
        claims = event["requestContext"]["authorizer"]["claims"]

        assert (context_for(event).authorizer, claims["cognito:username"]) == (
            claims,
            "aamorosi",
        )

    def test_cognito_authorizer_with_empty_claims_is_none(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")
        event["requestContext"]["authorizer"] = {"claims": {}, "scopes": None}

        assert context_for(event).authorizer is None

    def test_no_authorizer_is_none(self) -> None:
        apig_context = context_for(load_event("powertools-typescript/no-auth.json"))

        assert apig_context.authorizer is None

    def test_authorizer_that_is_not_an_object_is_none(self) -> None:
        event = load_event("powertools-typescript/no-auth.json")
        event["requestContext"]["authorizer"] = "user"

        assert context_for(event).authorizer is None

    def test_http_v1_null_claims_are_no_authorizer(self) -> None:
        event = load_event("powertools-python/apiGatewayProxyEvent.json")

        assert event["requestContext"]["authorizer"] == {
            "claims": None,
            "scopes": None,
        }
        assert context_for(event).authorizer is None


class TestHttpV2Authorizer:
    def test_jwt_authorizer_gives_claims(self) -> None:
        apig_context = context_for(
            load_event("aws-lambda-go/apigw-v2-request-jwt-authorizer.json")
        )

        assert apig_context.authorizer == {"claim1": "value1", "claim2": "value2"}

    def test_lambda_authorizer_gives_its_context(self) -> None:
        apig_context = context_for(
            load_event("aws-lambda-go/apigw-v2-request-lambda-authorizer.json")
        )

        assert apig_context.authorizer == {"key": "value"}

    def test_lambda_authorizer_without_context_is_none(self) -> None:
        apig_context = context_for(
            load_event("powertools-typescript/lambda-authorizer-auth.json")
        )

        assert apig_context.authorizer is None

    def test_iam_authorizer_gives_identity(self) -> None:
        apig_context = context_for(load_event("powertools-typescript/iam-auth.json"))

        assert apig_context.authorizer == {
            "accessKey": "ABCAXZWZ5ZDPIFV7JHWH",
            "accountId": "123456789012",
            "callerId": "ABCAXZWZ5ZDPNIH6C6ODK:aamorosi",
            "cognitoIdentity": None,
            "principalOrgId": None,
            "userArn": "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi",
            "userId": "ABCOAXZWZ5ZDPNIH6C6ODK:aamorosi",
        }

    def test_function_url_with_empty_iam_is_none(self) -> None:
        apig_context = context_for(
            load_event(
                "aws-lambda-go/"
                "function-url-request-with-headers-and-cookies-and-text-body.json"
            )
        )

        assert apig_context.authorizer is None


class TestOtherFronts:
    def test_lattice_v1_has_no_request_context(self) -> None:
        apig_context = context_for(load_event("powertools-python/vpcLatticeEvent.json"))

        assert apig_context.request_context is None

    def test_lattice_v2_iam_identity_is_the_authorizer(self) -> None:
        event = load_event(
            "powertools-python/getting_started_vpclatticev2_resolver.json"
        )

        assert context_for(event).authorizer == event["requestContext"]["identity"]

    def test_lattice_v2_without_iam_auth_is_none(self) -> None:
        event = load_event(
            "powertools-python/getting_started_vpclatticev2_resolver.json"
        )
        event["requestContext"]["identity"] = {"sourceVpcArn": "arn:aws:ec2:vpc/1"}

        assert context_for(event).authorizer is None

    def test_edge_request_id_comes_from_config(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["config"]["requestId"] = "edge-request-1"

        assert context_for(event).request_id == "edge-request-1"


class TestLambdaContext:
    def test_object_without_lambda_attributes_gives_none(self) -> None:
        apig_context = context_for(
            load_event("powertools-python/albEvent.json"), object()
        )

        assert (apig_context.aws_request_id, apig_context.remaining_time_ms()) == (
            None,
            None,
        )
