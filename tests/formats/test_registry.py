from __future__ import annotations

import pytest

from apig_wsgi import InvalidEventError
from apig_wsgi.formats.alb import AlbFormat
from apig_wsgi.formats.base import EventFormat
from apig_wsgi.formats.registry import FORMATS
from apig_wsgi.formats.registry import FORMATS_BY_NAME
from apig_wsgi.formats.registry import detect_format
from apig_wsgi.formats.rest import HttpV1Format
from apig_wsgi.formats.rest import RestFormat
from tests.test_conformance import SAMPLES
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
    assert [format.name for format in FORMATS] == [
        "rest",
        "http-v1",
        "http-v2",
        "function-url",
        "alb",
        "lattice-v1",
        "lattice-v2",
        "edge",
    ]


def test_formats_by_name() -> None:
    assert {format.name: format for format in FORMATS} == FORMATS_BY_NAME


@pytest.mark.parametrize("sample", SAMPLES)
def test_exactly_one_format_recognises_each_sample(sample: str) -> None:
    # So that asking the previous event's format first never misleads.
    event = load_event(sample)
    request_context = event.get("requestContext")
    if not isinstance(request_context, dict):
        request_context = {}
    recognising = []
    for format in FORMATS:
        try:
            if format.recognises(event, request_context):
                recognising.append(format.name)
        except InvalidEventError:
            recognising.append(format.name)
    expected = [] if detect_format(event) is None else [detect_format(event).name]  # type: ignore[union-attr]
    assert recognising == expected


@pytest.mark.parametrize(
    ("sample", "likely", "expected"),
    [
        ("aws-lambda-go/apigw-request.json", AlbFormat, RestFormat),
        ("powertools-python/albEvent.json", RestFormat, AlbFormat),
        ("powertools-python/albEvent.json", AlbFormat, AlbFormat),
    ],
)
def test_the_likely_format_does_not_change_the_answer(
    sample: str, likely: type[EventFormat], expected: type[EventFormat]
) -> None:
    assert detect_format(load_event(sample), likely=likely) is expected
