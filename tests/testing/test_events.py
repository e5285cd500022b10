from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from apig_wsgi.testing import build_event
from apig_wsgi.testing.events import detect_format
from tests.testing.corpus import CASES
from tests.testing.corpus import front
from tests.testing.corpus import samples
from tests.utils import VARIES
from tests.utils import stable

# Levels of each event whose keys and value types are compared with the corpus.
# A "*" level compares the value types of a name -> value mapping (headers).
LEVELS: dict[str, list[tuple[tuple[Any, ...], bool]]] = {
    "rest": [
        ((), False),
        (("requestContext",), False),
        (("requestContext", "identity"), False),
        (("headers",), True),
        (("multiValueHeaders",), True),
        (("queryStringParameters",), True),
        (("multiValueQueryStringParameters",), True),
    ],
    "http-v2": [
        ((), False),
        (("requestContext",), False),
        (("requestContext", "http"), False),
        (("headers",), True),
        (("queryStringParameters",), True),
    ],
    "alb": [
        ((), False),
        (("requestContext",), False),
        (("requestContext", "elb"), False),
        (("headers",), True),
        (("queryStringParameters",), True),
    ],
    "alb-multi": [
        ((), False),
        (("requestContext", "elb"), False),
        (("multiValueHeaders",), True),
        (("multiValueQueryStringParameters",), True),
    ],
    "lattice-v2": [
        ((), False),
        (("requestContext",), False),
        (("requestContext", "identity"), False),
        (("headers",), True),
        (("queryStringParameters",), True),
    ],
    "lattice-v1": [
        ((), False),
        (("headers",), True),
        (("query_string_parameters",), True),
    ],
    "edge": [
        ((), False),
        (("Records", 0, "cf"), False),
        (("Records", 0, "cf", "config"), False),
        (("Records", 0, "cf", "request"), False),
        (("Records", 0, "cf", "request", "headers"), True),
    ],
}
LEVELS["http-v1"] = LEVELS["rest"]
LEVELS["function-url"] = LEVELS["http-v2"]

# Keys the AWS documentation gives that no sample of the corpus happens to have.
DOCUMENTED_EXTRAS: dict[str, set[str]] = {
    # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
    "edge": {"distributionDomainName", "eventType", "requestId", "querystring", "body"},
    # https://docs.aws.amazon.com/vpc-lattice/latest/ug/lambda-functions.html
    "lattice-v2": set(),
}


# Keys every sample of the corpus has that AWS sends only sometimes: the
# caller's principal and session (IAM auth), a client certificate's names
# (mutual TLS). The builders leave them out unless asked for an IAM caller.
SOMETIMES_ABSENT: dict[str, set[str]] = {
    "lattice-v2": {"principal", "sessionName", "x509SanDns"},
}


def _json_type(value: object) -> str:
    return type(value).__name__


def _at(event: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(event, list) or len(event) <= part:
                return None
        elif not isinstance(event, dict):
            return None
        else:
            event = event.get(part)
            continue
        event = event[part]
    return event


def structure_problems(format: str, event: dict[str, Any]) -> list[str]:
    """How ``event`` differs in keys and value types from the corpus samples."""
    problems = []
    corpus = [sample for _, sample in samples(format)]
    for path, is_mapping in LEVELS[format]:
        built = _at(event, path)
        if not isinstance(built, dict):
            continue
        levels = [_at(sample, path) for sample in corpus]
        levels = [level for level in levels if isinstance(level, dict)]
        if is_mapping:
            seen = {_json_type(v) for level in levels for v in level.values()}
            for name, value in built.items():
                if seen and _json_type(value) not in seen:
                    problems.append(f"{path}[{name!r}] is {_json_type(value)}")
            continue
        union = {key for level in levels for key in level}
        common = set.intersection(*(set(level) for level in levels))
        for key in sorted(common - set(built) - SOMETIMES_ABSENT.get(format, set())):
            problems.append(f"{path} lacks {key!r}")
        for key, value in built.items():
            if key not in union:
                if key not in DOCUMENTED_EXTRAS.get(format, set()):
                    problems.append(f"{path} has unknown key {key!r}")
                continue
            types = {_json_type(level[key]) for level in levels if key in level}
            if _json_type(value) not in types and "NoneType" not in types:
                problems.append(f"{path}[{key!r}] is {_json_type(value)}, not {types}")
    return problems


REQUESTS: list[dict[str, Any]] = [
    {"method": "GET", "path": "/"},
    {
        "method": "POST",
        "path": "/caf\u00e9/a%2Fb?q=caf%C3%A9&q=2&e=",
        "headers": [
            ("Content-Type", "application/json"),
            ("Accept", "*/*"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("User-Agent", "tests"),
        ],
        "cookies": {"session": "abc", "theme": "dark"},
        "body": b'{"a": 1}',
    },
    {
        "method": "PUT",
        "path": "/upload",
        "headers": {"Content-Type": "image/png"},
        "body": bytes(range(256)),
    },
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("request_index", range(len(REQUESTS)))
def test_event_structure_matches_corpus(case: str, request_index: int) -> None:
    assert samples(case), f"no corpus samples for {case}"
    event = build_event(**front(case), **REQUESTS[request_index])
    assert structure_problems(case, event) == []


@pytest.mark.parametrize("case", CASES)
def test_structure_check_finds_a_wrong_type(case: str) -> None:
    event = build_event(**front(case))
    key = {"edge": "Records", "lattice-v1": "is_base64_encoded"}.get(
        case, "isBase64Encoded"
    )
    expected_type = "list" if case == "edge" else "bool"
    event[key] = 12
    assert structure_problems(case, event) == [
        f"()[{key!r}] is int, not {{{expected_type!r}}}"
    ]


@pytest.mark.parametrize("case", CASES)
def test_detect_format_names_each_builder(case: str) -> None:
    assert detect_format(build_event(**front(case))) == front(case)["format"]


@pytest.mark.parametrize("case", CASES)
def test_detect_format_recognises_corpus_samples(case: str) -> None:
    detected = {detect_format(event) for _, event in samples(case)}
    assert detected == {front(case)["format"]}


def test_detect_format_unknown_event() -> None:
    with pytest.raises(ValueError) as excinfo:
        detect_format({"b": 1, "a": 2})
    assert str(excinfo.value) == "Unknown event format: ['a', 'b']"


def test_detect_format_http_v1_with_numeric_version() -> None:
    assert detect_format({"httpMethod": "GET", "version": 2}) == "http-v1"


REST_HOST = "abcdef1234.execute-api.us-east-1.amazonaws.com"
URL_HOST = "abcdef1234.lambda-url.us-east-1.on.aws"
ALB_HOST = "my-alb-1234567890.us-east-1.elb.amazonaws.com"
LATTICE_HOST = "my-service-0123456789abcdef.7d67968.vpc-lattice-svcs.us-east-1.on.aws"
EDGE_HOST = "d111111abcdef8.cloudfront.net"
SOURCE_IP = "203.0.113.10"


def rest_identity(source_ip: str = SOURCE_IP) -> dict[str, Any]:
    return {
        "accessKey": None,
        "accountId": None,
        "caller": None,
        "cognitoAuthenticationProvider": None,
        "cognitoAuthenticationType": None,
        "cognitoIdentityId": None,
        "cognitoIdentityPoolId": None,
        "principalOrgId": None,
        "sourceIp": source_ip,
        "user": None,
        "userAgent": "",
        "userArn": None,
    }


def rest_context(method: str, path: str, stage: str) -> dict[str, Any]:
    return {
        "accountId": "123456789012",
        "apiId": "abcdef1234",
        "domainName": REST_HOST,
        "domainPrefix": "abcdef1234",
        "extendedRequestId": VARIES,
        "httpMethod": method,
        "identity": rest_identity(),
        "path": path,
        "protocol": "HTTP/1.1",
        "requestId": VARIES,
        "requestTime": VARIES,
        "requestTimeEpoch": VARIES,
        "resourceId": VARIES,
        "resourcePath": "/{proxy+}",
        "stage": stage,
    }


def v2_context(
    domain: str, method: str, path: str, stage: str = "$default"
) -> dict[str, Any]:
    return {
        "accountId": "123456789012",
        "apiId": "abcdef1234",
        "domainName": domain,
        "domainPrefix": "abcdef1234",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": SOURCE_IP,
            "userAgent": "",
        },
        "requestId": VARIES,
        "routeKey": "$default",
        "stage": stage,
        "time": VARIES,
        "timeEpoch": VARIES,
    }


class TestRest:
    def test_path_keeps_percent_encoding(self) -> None:
        event = build_event("rest", "GET", "/caf\u00e9/a%2Fb", stage="v1")
        assert (event["path"], event["pathParameters"]) == (
            "/caf%C3%A9/a%2Fb",
            {"proxy": "caf%C3%A9/a%2Fb"},
        )

    def test_request_context_has_the_stage_in_its_path(self) -> None:
        event = build_event("rest", "GET", "/caf\u00e9/a%2Fb", stage="v1")
        assert stable(event["requestContext"]) == rest_context(
            "GET", "/v1/caf%C3%A9/a%2Fb", "v1"
        )

    def test_default_stage_is_prod(self) -> None:
        event = build_event("rest")
        assert stable(event["requestContext"]) == rest_context("GET", "/prod/", "prod")

    def test_query_values_are_decoded(self) -> None:
        event = build_event("rest", path="/?q=caf%C3%A9&q=a%26b&flag=")
        assert (
            event["queryStringParameters"],
            event["multiValueQueryStringParameters"],
        ) == (
            {"q": "a&b", "flag": ""},
            {"q": ["caf\u00e9", "a&b"], "flag": [""]},
        )

    def test_no_query_no_body_are_null(self) -> None:
        event = build_event("rest")
        assert {
            key: event[key]
            for key in (
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "pathParameters",
                "body",
                "isBase64Encoded",
            )
        } == {
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "body": None,
            "isBase64Encoded": False,
        }

    def test_headers_keep_case_and_last_value(self) -> None:
        event = build_event(
            "rest", headers=[("X-Multi", "one"), ("X-Multi", "two"), ("Host", "h")]
        )
        assert stable(event["headers"]) == {
            "X-Multi": "two",
            "Host": "h",
            "X-Amzn-Trace-Id": VARIES,
            "X-Forwarded-For": SOURCE_IP,
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        }

    def test_multi_value_headers_keep_case_and_every_value(self) -> None:
        event = build_event(
            "rest", headers=[("X-Multi", "one"), ("X-Multi", "two"), ("Host", "h")]
        )
        assert stable(event["multiValueHeaders"]) == {
            "X-Multi": ["one", "two"],
            "Host": ["h"],
            "X-Amzn-Trace-Id": VARIES,
            "X-Forwarded-For": [SOURCE_IP],
            "X-Forwarded-Port": ["443"],
            "X-Forwarded-Proto": ["https"],
        }

    def test_forwarding_headers_end_with_source_ip(self) -> None:
        event = build_event(
            "rest", headers={"X-Forwarded-For": "10.0.0.1"}, source_ip="192.0.2.7"
        )
        assert stable(event["headers"]) == {
            "Host": REST_HOST,
            "X-Amzn-Trace-Id": VARIES,
            "X-Forwarded-For": "10.0.0.1, 192.0.2.7",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        }

    def test_source_ip_is_the_identitys(self) -> None:
        event = build_event("rest", source_ip="192.0.2.7")
        assert event["requestContext"]["identity"] == rest_identity("192.0.2.7")

    def test_body_is_text_without_binary_media_types(self) -> None:
        event = build_event(
            "rest", "POST", headers={"Content-Type": "image/png"}, body=b"\x89PNG\xff"
        )
        assert (event["body"], event["isBase64Encoded"]) == ("\ufffdPNG\ufffd", False)

    def test_body_sets_content_length(self) -> None:
        event = build_event(
            "rest", "POST", headers={"Content-Type": "image/png"}, body=b"\x89PNG\xff"
        )
        assert stable(event["headers"]) == {
            "Host": REST_HOST,
            "Content-Type": "image/png",
            "Content-Length": "5",
            "X-Amzn-Trace-Id": VARIES,
            "X-Forwarded-For": SOURCE_IP,
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        }

    @pytest.mark.parametrize("media_type", ["*/*", "image/*", "image/png"])
    def test_body_is_base64_when_binary_media_type_matches(
        self, media_type: str
    ) -> None:
        event = build_event(
            "rest",
            "POST",
            headers={"Content-Type": "image/png; q=1"},
            body=b"\x89PNG\xff",
            binary_media_types=[media_type],
        )
        assert (event["body"], event["isBase64Encoded"]) == ("iVBOR/8=", True)

    def test_claims_become_the_authorizer(self) -> None:
        event = build_event("rest", claims={"sub": "user-1"})
        assert event["requestContext"]["authorizer"] == {"claims": {"sub": "user-1"}}

    def test_authorizer_is_copied(self) -> None:
        event = build_event("rest", authorizer={"principalId": "me"})
        assert event["requestContext"]["authorizer"] == {"principalId": "me"}

    def test_no_authorizer_by_default(self) -> None:
        assert "authorizer" not in build_event("rest")["requestContext"]


class TestHttpV1:
    def test_named_stage_is_in_the_path(self) -> None:
        event = build_event("http-v1", "GET", "/x", stage="beta")
        assert (event["version"], event["path"], stable(event["requestContext"])) == (
            "1.0",
            "/beta/x",
            rest_context("GET", "/beta/x", "beta"),
        )

    def test_default_stage_adds_no_prefix(self) -> None:
        event = build_event("http-v1", "GET", "/x")
        assert (event["path"], stable(event["requestContext"])) == (
            "/x",
            rest_context("GET", "/x", "$default"),
        )

    def test_binary_body_is_base64(self) -> None:
        event = build_event(
            "http-v1", "POST", headers={"Content-Type": "application/zip"}, body=b"\0"
        )
        assert (event["body"], event["isBase64Encoded"]) == ("AA==", True)


class TestHttpV2:
    def test_raw_path_and_query_as_sent(self) -> None:
        event = build_event("http-v2", "GET", "/caf\u00e9 x?a=%20b&a=c", stage="beta")
        assert stable(event) == {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": "/beta/caf%C3%A9%20x",
            "rawQueryString": "a=%20b&a=c",
            "headers": {
                "host": REST_HOST,
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": SOURCE_IP,
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
            "queryStringParameters": {"a": " b,c"},
            "requestContext": v2_context(REST_HOST, "GET", "/beta/caf\u00e9 x", "beta"),
            "isBase64Encoded": False,
        }

    def test_headers_lower_case_joined_and_cookies_moved(self) -> None:
        event = build_event(
            "http-v2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            cookies={"a": "1", "b": "2"},
        )
        assert (event["cookies"], stable(event["headers"])) == (
            ["a=1", "b=2"],
            {
                "host": REST_HOST,
                "x-multi": "one,two",
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": SOURCE_IP,
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
        )

    def test_get_has_no_body_cookies_or_query_keys(self) -> None:
        assert stable(build_event("http-v2")) == {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": "/",
            "rawQueryString": "",
            "headers": {
                "host": REST_HOST,
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": SOURCE_IP,
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
            "requestContext": v2_context(REST_HOST, "GET", "/"),
            "isBase64Encoded": False,
        }

    @pytest.mark.parametrize(
        ("content_type", "encoded"),
        [
            ("text/plain; charset=utf-8", False),
            ("application/json", False),
            ("application/vnd.api+json", False),
            ("application/xml", False),
            ("application/x-www-form-urlencoded", True),
            ("application/octet-stream", True),
            (None, True),
        ],
    )
    def test_body_encoding_by_content_type(
        self, content_type: str | None, encoded: bool
    ) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        event = build_event("http-v2", "POST", headers=headers, body="a=1")
        assert (event["body"], event["isBase64Encoded"]) == (
            ("YT0x", True) if encoded else ("a=1", False)
        )

    def test_claims_become_jwt_authorizer(self) -> None:
        event = build_event("http-v2", claims={"sub": "u"})
        assert event["requestContext"]["authorizer"] == {
            "jwt": {"claims": {"sub": "u"}, "scopes": None}
        }

    def test_authorizer_is_copied(self) -> None:
        event = build_event("http-v2", authorizer={"lambda": {"user": "u"}})
        assert event["requestContext"]["authorizer"] == {"lambda": {"user": "u"}}


class TestFunctionUrl:
    def test_cookies_in_both_places(self) -> None:
        assert stable(build_event("function-url", cookies={"a": "1"})) == {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": "/",
            "rawQueryString": "",
            "cookies": ["a=1"],
            "headers": {
                "host": URL_HOST,
                "cookie": "a=1",
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": SOURCE_IP,
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
            "requestContext": v2_context(URL_HOST, "GET", "/"),
            "isBase64Encoded": False,
        }

    def test_stage_is_always_default(self) -> None:
        event = build_event("function-url", "GET", "/x")
        assert stable(event["requestContext"]) == v2_context(URL_HOST, "GET", "/x")

    def test_iam_authorizer(self) -> None:
        event = build_event("function-url", authorizer={"iam": {"userId": "u"}})
        assert event["requestContext"]["authorizer"] == {"iam": {"userId": "u"}}


ALB_CONTEXT = {
    "elb": {
        "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
        "targetgroup/lambda-target/0123456789abcdef"
    }
}


class TestAlb:
    def test_single_value_keeps_last_and_raw_query(self) -> None:
        event = build_event(
            "alb",
            path="/p?q=caf%C3%A9&q=a+b",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            source_ip="192.0.2.1",
        )
        assert stable(event) == {
            "requestContext": ALB_CONTEXT,
            "httpMethod": "GET",
            "path": "/p",
            "queryStringParameters": {"q": "a+b"},
            "headers": {
                "host": ALB_HOST,
                "x-multi": "two",
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": "192.0.2.1",
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
            "body": "",
            "isBase64Encoded": False,
        }

    def test_multi_value_keeps_all(self) -> None:
        event = build_event(
            "alb",
            path="/p?q=caf%C3%A9&q=a+b",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            multi_value_headers=True,
        )
        assert stable(event) == {
            "requestContext": ALB_CONTEXT,
            "httpMethod": "GET",
            "path": "/p",
            "multiValueQueryStringParameters": {"q": ["caf%C3%A9", "a+b"]},
            "multiValueHeaders": {
                "host": [ALB_HOST],
                "x-multi": ["one", "two"],
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": [SOURCE_IP],
                "x-forwarded-port": ["443"],
                "x-forwarded-proto": ["https"],
            },
            "body": "",
            "isBase64Encoded": False,
        }

    def test_ipv6_host_without_port(self) -> None:
        event = build_event("alb", headers={"Host": "[::1]"}, scheme="http")
        assert stable(event["headers"]) == {
            "host": "[::1]",
            "x-amzn-trace-id": VARIES,
            "x-forwarded-for": SOURCE_IP,
            "x-forwarded-port": "80",
            "x-forwarded-proto": "http",
        }

    def test_host_header_port_is_forwarded_port(self) -> None:
        event = build_event("alb", headers={"Host": "localhost:8123"}, scheme="http")
        assert stable(event["headers"]) == {
            "host": "localhost:8123",
            "x-amzn-trace-id": VARIES,
            "x-forwarded-for": SOURCE_IP,
            "x-forwarded-port": "8123",
            "x-forwarded-proto": "http",
        }


class TestLattice:
    def test_v2_lists_and_decoded_query(self) -> None:
        event = build_event(
            "lattice-v2",
            path="/p?q=caf%C3%A9&q=2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            source_ip="10.1.1.1",
        )
        arn = "arn:aws:vpc-lattice:us-east-1:123456789012"
        assert stable(event) == {
            "version": "2.0",
            "path": "/p",
            "method": "GET",
            "headers": {
                "host": [LATTICE_HOST],
                "x-multi": ["one", "two"],
                "x-forwarded-for": ["10.1.1.1"],
            },
            "queryStringParameters": {"q": ["caf\u00e9", "2"]},
            "body": "",
            "isBase64Encoded": False,
            "requestContext": {
                "serviceNetworkArn": f"{arn}:servicenetwork/sn-0123456789abcdef0",
                "serviceArn": f"{arn}:service/svc-0123456789abcdef0",
                "targetGroupArn": f"{arn}:targetgroup/tg-0123456789abcdef0",
                "identity": {
                    "sourceVpcArn": "arn:aws:ec2:us-east-1:123456789012:"
                    "vpc/vpc-0123456789abcdef0",
                    "type": "NONE",
                },
                "region": "us-east-1",
                "timeEpoch": VARIES,
            },
        }

    def test_v1_raw_path_carries_query(self) -> None:
        event = build_event(
            "lattice-v1",
            path="/p?q=caf%C3%A9&q=2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
        )
        assert event == {
            "raw_path": "/p?q=caf%C3%A9&q=2",
            "method": "GET",
            "headers": {
                "host": LATTICE_HOST,
                "x-multi": "one,two",
                "x-forwarded-for": SOURCE_IP,
            },
            "query_string_parameters": {"q": "2"},
            "body": "",
            "is_base64_encoded": False,
        }

    def test_host_header_is_kept(self) -> None:
        event = build_event("lattice-v2", headers={"Host": "svc.local"})
        assert event["headers"] == {
            "host": ["svc.local"],
            "x-forwarded-for": [SOURCE_IP],
        }

    def test_forwarded_for_is_appended(self) -> None:
        event = build_event(
            "lattice-v1", headers={"X-Forwarded-For": "1.1.1.1"}, source_ip="10.0.0.2"
        )
        assert event["headers"] == {
            "host": LATTICE_HOST,
            "x-forwarded-for": "1.1.1.1, 10.0.0.2",
        }


def edge_event(request: dict[str, Any]) -> dict[str, Any]:
    config = {
        "distributionDomainName": EDGE_HOST,
        "distributionId": "EDFDVBD6EXAMPLE",
        "eventType": "origin-request",
        "requestId": VARIES,
    }
    return {"Records": [{"cf": {"config": config, "request": request}}]}


class TestEdge:
    def test_request_shape(self) -> None:
        event = build_event(
            "edge",
            "POST",
            "/p?a=1",
            headers=[("X-Multi", "one"), ("x-multi", "two")],
            body=b"\xff",
            source_ip="198.51.100.1",
        )
        assert stable(event) == edge_event(
            {
                "clientIp": "198.51.100.1",
                "headers": {
                    "host": [{"key": "Host", "value": EDGE_HOST}],
                    "x-multi": [
                        {"key": "X-Multi", "value": "one"},
                        {"key": "x-multi", "value": "two"},
                    ],
                    "content-length": [{"key": "Content-Length", "value": "1"}],
                },
                "method": "POST",
                "querystring": "a=1",
                "uri": "/p",
                "body": {
                    "inputTruncated": False,
                    "action": "read-only",
                    "encoding": "base64",
                    "data": "/w==",
                },
            }
        )

    def test_body_over_1_mb_is_truncated(self) -> None:
        event = build_event("edge", "POST", body=b"x" * (1024 * 1024 + 1))
        assert event["Records"][0]["cf"]["request"]["body"] == {
            "inputTruncated": True,
            "action": "read-only",
            "encoding": "base64",
            "data": base64.b64encode(b"x" * 1024 * 1024).decode(),
        }

    def test_get_has_no_body(self) -> None:
        assert stable(build_event("edge")) == edge_event(
            {
                "clientIp": SOURCE_IP,
                "headers": {"host": [{"key": "Host", "value": EDGE_HOST}]},
                "method": "GET",
                "querystring": "",
                "uri": "/",
            }
        )


class TestArguments:
    @pytest.mark.parametrize(
        ("query", "raw_query"),
        [
            ({"a": ["1", "2"], "b": "x y/\u00e9"}, "a=1&a=2&b=x%20y%2F%C3%A9"),
            ([("k", "v"), ("k", "w")], "k=v&k=w"),
            ("?raw=1", "raw=1"),
        ],
    )
    def test_query_as_mapping_pairs_or_string(self, query: Any, raw_query: str) -> None:
        assert build_event("http-v2", query=query)["rawQueryString"] == raw_query

    def test_str_body_is_utf8(self) -> None:
        event = build_event(
            "http-v2", "POST", headers={"Content-Type": "text/plain"}, body="\u00e9"
        )
        assert (event["body"], stable(event["headers"])) == (
            "\u00e9",
            {
                "host": REST_HOST,
                "content-type": "text/plain",
                "content-length": "2",
                "x-amzn-trace-id": VARIES,
                "x-forwarded-for": SOURCE_IP,
                "x-forwarded-port": "443",
                "x-forwarded-proto": "https",
            },
        )

    def test_method_is_upper_cased(self) -> None:
        assert build_event("rest", "patch")["httpMethod"] == "PATCH"

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"format": "soap"},
                (
                    "Unknown event format 'soap', expected one of: rest, http-v1, "
                    "http-v2, function-url, alb, lattice-v1, lattice-v2, edge."
                ),
            ),
            ({"method": "GE T"}, "HTTP method must be letters only, not 'GE T'."),
            ({"path": "x"}, "Path must start with '/', not 'x'."),
            (
                {"path": "/?a=1", "query": "b=2"},
                "Give the query string in path '/?a=1' or in query, not both.",
            ),
            (
                {"format": "alb", "stage": "prod"},
                "Format 'alb' has no stages, got stage 'prod'.",
            ),
            ({"format": "rest", "stage": ""}, "Stage must not be empty."),
            (
                {"format": "rest", "multi_value_headers": True},
                "multi_value_headers is a setting of ALB target groups, not of "
                "'rest' events.",
            ),
            ({"scheme": "ftp"}, "Scheme must be 'http' or 'https', not 'ftp'."),
            (
                {"authorizer": {}, "claims": {}},
                "Pass one of authorizer, claims and iam, not authorizer and claims.",
            ),
            (
                {"format": "edge", "claims": {}},
                "Format 'edge' cannot carry claims; the formats that do: rest, "
                "http-v1, http-v2, alb.",
            ),
            (
                {"format": "function-url", "claims": {}},
                "Format 'function-url' cannot carry claims; the formats that do: "
                "rest, http-v1, http-v2, alb.",
            ),
            (
                {"format": "alb", "authorizer": {}},
                "Format 'alb' cannot carry authorizer; the formats that do: rest, "
                "http-v1, http-v2, function-url.",
            ),
            (
                {"format": "lattice-v1", "iam": "arn:aws:iam::1:user/a"},
                "Format 'lattice-v1' cannot carry iam; the formats that do: rest, "
                "http-v1, http-v2, function-url, lattice-v2.",
            ),
            (
                {"iam": "alice"},
                "iam must be the caller's ARN, 'arn:...', not 'alice'.",
            ),
            ({"headers": {"Bad Name": "x"}}, "Invalid header name 'Bad Name'."),
            ({"headers": {"": "x"}}, "Invalid header name ''."),
            (
                {"headers": {"X": "a\r\nb"}},
                "Invalid value for header 'X': 'a\\r\\nb'.",
            ),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError) as excinfo:
            build_event(**kwargs)
        assert str(excinfo.value) == message


VPC_ARN = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"


class TestCallers:
    ARN = "arn:aws:iam::111122223333:user/alice"

    @pytest.mark.parametrize("format", ["rest", "http-v1"])
    def test_iam_fills_the_payload_1_identity(self, format: str) -> None:
        identity = build_event(format, iam=self.ARN)["requestContext"]["identity"]

        assert identity == {
            **build_event(format)["requestContext"]["identity"],
            "accessKey": "AKIAIOSFODNN7EXAMPLE",
            "accountId": "111122223333",
            "caller": "AIDACKCEVSQ6C2EXAMPLE",
            "user": "AIDACKCEVSQ6C2EXAMPLE",
            "userArn": self.ARN,
        }

    @pytest.mark.parametrize("format", ["http-v2", "function-url"])
    def test_iam_is_the_payload_2_authorizer(self, format: str) -> None:
        event = build_event(format, iam="arn:aws:sts::AAAA:assumed-role/r/s")

        assert event["requestContext"]["authorizer"] == {
            "iam": {
                "accessKey": "AKIAIOSFODNN7EXAMPLE",
                # Not an account id: the builders' own.
                "accountId": "123456789012",
                "callerId": "AIDACKCEVSQ6C2EXAMPLE",
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": "arn:aws:sts::AAAA:assumed-role/r/s",
                "userId": "AIDACKCEVSQ6C2EXAMPLE",
            }
        }

    def test_lattice_v2_is_unauthenticated_unless_given_iam(self) -> None:
        assert build_event("lattice-v2")["requestContext"]["identity"] == {
            "sourceVpcArn": VPC_ARN,
            "type": "NONE",
        }
        assert build_event("lattice-v2", iam=self.ARN)["requestContext"][
            "identity"
        ] == {
            "sourceVpcArn": VPC_ARN,
            "type": "AWS_IAM",
            "principal": self.ARN,
        }

    def test_lattice_v2_assumed_role_has_its_session(self) -> None:
        event = build_event(
            "lattice-v2", iam="arn:aws:sts::1:assumed-role/role/session-1"
        )

        assert event["requestContext"]["identity"]["sessionName"] == "session-1"
        assert structure_problems("lattice-v2", event) == []

    @pytest.mark.parametrize("multi_value_headers", [False, True])
    def test_alb_claims_are_an_authenticating_listeners_headers(
        self, multi_value_headers: bool
    ) -> None:
        claims = {"sub": "alice", "email": "alice@example.com"}
        event = build_event(
            "alb",
            headers={"X-Amzn-Oidc-Identity": "mallory", "X-Amzn-Oidc-Data": "forged"},
            claims=claims,
            multi_value_headers=multi_value_headers,
        )
        headers = event["multiValueHeaders" if multi_value_headers else "headers"]

        def value(name: str) -> str:
            found = headers[name]
            if multi_value_headers:
                [found] = found
            return str(found)

        assert value("x-amzn-oidc-identity") == "alice"
        assert value("x-amzn-oidc-accesstoken") == "local-access-token"
        header, payload, signature = value("x-amzn-oidc-data").split(".")
        assert json.loads(base64.urlsafe_b64decode(payload)) == claims
        assert json.loads(base64.urlsafe_b64decode(header))["alg"] == "ES256"
        assert base64.urlsafe_b64decode(signature) == bytes(64)

    def test_alb_claims_without_sub_have_an_empty_identity_header(self) -> None:
        event = build_event("alb", claims={"email": "e"})

        assert event["headers"]["x-amzn-oidc-identity"] == ""

    def test_alb_without_claims_keeps_the_clients_headers(self) -> None:
        event = build_event("alb", headers={"X-Amzn-Oidc-Identity": "mallory"})

        assert event["headers"]["x-amzn-oidc-identity"] == "mallory"
