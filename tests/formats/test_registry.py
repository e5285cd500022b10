from __future__ import annotations

import pytest

from apig_wsgi.formats.registry import FORMATS
from apig_wsgi.formats.registry import FORMATS_BY_NAME
from apig_wsgi.formats.registry import detect_format
from apig_wsgi.formats.rest import HttpV1Format
from tests.utils import load_event


class TestDetectFormat:
    @pytest.mark.parametrize(
        ("sample", "expected"),
        [
            ("aws-lambda-go/apigw-request.json", "rest"),
            ("powertools-python/apiGatewayProxyEventAnotherPath.json", "http-v1"),
            ("aws-lambda-go/apigw-v2-request-no-authorizer.json", "http-v2"),
            ("aws-lambda-go/lambda-urls-request.json", "function-url"),
            ("powertools-python/albEvent.json", "alb"),
            ("powertools-python/albMultiValueHeadersEvent.json", "alb"),
            ("powertools-python/vpcLatticeEvent.json", "lattice-v1"),
            ("powertools-python/vpcLatticeV2EventWithHeaders.json", "lattice-v2"),
            ("aws-lambda-java-libs/cloudfront_event.json", "edge"),
            ("aws-lambda-dotnet/missing-resource-request.json", "rest"),
        ],
    )
    def test_detect_format_of_sample(self, sample: str, expected: str) -> None:
        assert detect_format(load_event(sample)) is FORMATS_BY_NAME[expected]

    def test_detect_format_integer_version_is_payload_1(self) -> None:
        event = load_event("aws-lambda-dotnet/values-get-all-httpapi-request.json")
        assert event["version"] == 2
        assert detect_format(event) is HttpV1Format


def test_every_front_has_one_name() -> None:
    assert list(FORMATS_BY_NAME) == [
        "edge",
        "alb",
        "rest",
        "http-v1",
        "function-url",
        "http-v2",
        "lattice-v1",
        "lattice-v2",
    ]
    assert len(FORMATS) == len(FORMATS_BY_NAME)
