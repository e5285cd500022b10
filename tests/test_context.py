from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from typing import Callable

import pytest

from apig_wsgi import make_lambda_handler
from apig_wsgi.context import ApigContext
from tests.utils import FakeContext
from tests.utils import load_event


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


def test_from_environ_without_lambda_event_is_none() -> None:
    assert ApigContext.from_environ({"REQUEST_METHOD": "GET"}) is None


def test_constructor_without_lambda_event_raises() -> None:
    with pytest.raises(ValueError, match=r"^The environ has no 'apig_wsgi.full_event'"):
        ApigContext({"REQUEST_METHOD": "GET"})


class TestReadOnly:
    def test_set_attribute_raises(self) -> None:
        apig_context = context_for(load_event("powertools-python/albEvent.json"))

        with pytest.raises(AttributeError) as excinfo:
            apig_context.stage = "prod"

        assert str(excinfo.value) == "ApigContext is read-only, cannot set 'stage'."

    def test_delete_computed_attribute_raises(self) -> None:
        apig_context = context_for(load_event("powertools-python/albEvent.json"))
        assert apig_context.request_id is None

        with pytest.raises(AttributeError) as excinfo:
            del apig_context.request_id

        assert str(excinfo.value) == (
            "ApigContext is read-only, cannot delete 'request_id'."
        )

    def test_computed_attributes_are_cached(self) -> None:
        apig_context = context_for(
            load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")
        )

        assert apig_context.authorizer is apig_context.authorizer


class TestRest:
    def test_lambda_authorizer(self) -> None:
        event = load_event(
            "powertools-typescript/apigw-rest-lambda-authorizer-auth.json"
        )
        context = FakeContext()

        apig_context = context_for(event, context)

        assert apig_context.full_event is event
        assert apig_context.request_context is event["requestContext"]
        assert apig_context.context is context
        assert apig_context.event_format == "rest"
        assert apig_context.stage == "prod"
        assert apig_context.request_id == "3c177581-2d03-4af4-9b68-5924083f37fe"
        assert apig_context.aws_request_id == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
        assert apig_context.source_ip == "15.248.3.126"
        assert apig_context.authorizer == {
            "principalId": "user",
            "integrationLatency": 422,
        }
        assert apig_context.remaining_time_ms() == 3000
        assert repr(apig_context) == (
            "<ApigContext event_format='rest' "
            "request_id='3c177581-2d03-4af4-9b68-5924083f37fe'>"
        )

    def test_lambda_authorizer_context_keeps_every_key(self) -> None:
        apig_context = context_for(load_event("aws-lambda-go/apigw-request.json"))

        assert apig_context.authorizer == {
            "principalId": "admin",
            "clientId": 1,
            "clientName": "Exata",
        }

    def test_cognito_authorizer_gives_claims(self) -> None:
        event = load_event("powertools-typescript/apigw-rest-jwt-authorizer-auth.json")

        apig_context = context_for(event)

        assert (
            apig_context.authorizer == event["requestContext"]["authorizer"]["claims"]
        )
        assert apig_context.authorizer is not None
        assert apig_context.authorizer["cognito:username"] == "aamorosi"

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
        apig_context = context_for(
            load_event("powertools-python/apiGatewayProxyEvent.json")
        )

        assert apig_context.event_format == "http-v1"
        assert apig_context.stage == "$default"
        assert apig_context.request_id == "id="
        assert apig_context.authorizer is None


class TestHttpV2:
    def test_jwt_authorizer_gives_claims(self) -> None:
        apig_context = context_for(
            load_event("aws-lambda-go/apigw-v2-request-jwt-authorizer.json")
        )

        assert apig_context.event_format == "http-v2"
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

        assert apig_context.authorizer is not None
        assert apig_context.authorizer["userArn"] == (
            "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi"
        )

    def test_no_authorizer_is_none(self) -> None:
        apig_context = context_for(
            load_event("aws-lambda-go/apigw-v2-request-no-authorizer.json")
        )

        assert apig_context.stage == "$default"
        assert apig_context.authorizer is None

    def test_function_url_with_empty_iam_is_none(self) -> None:
        apig_context = context_for(
            load_event(
                "aws-lambda-go/"
                "function-url-request-with-headers-and-cookies-and-text-body.json"
            )
        )

        assert apig_context.event_format == "function-url"
        assert apig_context.request_id == "5bbd0e3e-fe7a-4299-9076-32d4de45391b"
        assert apig_context.authorizer is None


class TestOtherFronts:
    def test_alb_has_no_stage_request_id_or_authorizer(self) -> None:
        apig_context = context_for(load_event("powertools-python/albEvent.json"))

        assert apig_context.event_format == "alb"
        assert apig_context.stage is None
        assert apig_context.request_id is None
        assert apig_context.authorizer is None
        assert apig_context.source_ip == "72.12.164.125"

    def test_lattice_v1_has_no_request_context(self) -> None:
        apig_context = context_for(load_event("powertools-python/vpcLatticeEvent.json"))

        assert apig_context.event_format == "lattice-v1"
        assert apig_context.request_context is None
        assert apig_context.request_id is None
        assert apig_context.authorizer is None

    def test_lattice_v2_iam_identity_is_the_authorizer(self) -> None:
        event = load_event(
            "powertools-python/getting_started_vpclatticev2_resolver.json"
        )

        apig_context = context_for(event)

        assert apig_context.event_format == "lattice-v2"
        assert apig_context.authorizer == event["requestContext"]["identity"]

    def test_lattice_v2_without_iam_auth_is_none(self) -> None:
        event = load_event(
            "powertools-python/getting_started_vpclatticev2_resolver.json"
        )
        event["requestContext"]["identity"] = {"sourceVpcArn": "arn:aws:ec2:vpc/1"}

        assert context_for(event).authorizer is None

    def test_edge_request_id_comes_from_config(self) -> None:
        event = load_event("aws-lambda-java-libs/cloudfront_event.json")
        event["Records"][0]["cf"]["config"]["requestId"] = "edge-request-1"

        apig_context = context_for(event)

        assert apig_context.event_format == "edge"
        assert apig_context.request_id == "edge-request-1"
        assert apig_context.source_ip == "2001:cdba::3257:9652"


class TestLambdaContext:
    def test_object_without_lambda_attributes_gives_none(self) -> None:
        apig_context = context_for(
            load_event("powertools-python/albEvent.json"), object()
        )

        assert apig_context.aws_request_id is None
        assert apig_context.remaining_time_ms() is None


def test_a_context_is_true() -> None:
    # So that Flask's apig_context proxy type-checks in ``if apig_context:``.
    assert bool(context_for(load_event("aws-lambda-go/apigw-request.json"))) is True
