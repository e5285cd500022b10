from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from apig_wsgi.testing import build_event
from apig_wsgi.testing.events import detect_format
from tests.testing.corpus import CASES
from tests.testing.corpus import front
from tests.testing.corpus import samples

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
    event["isBase64Encoded" if "Records" not in event else "Records"] = 12
    if case == "lattice-v1":
        event["is_base64_encoded"] = 12
    assert structure_problems(case, event) != []


@pytest.mark.parametrize("case", CASES)
def test_detect_format_names_each_builder(case: str) -> None:
    assert detect_format(build_event(**front(case))) == front(case)["format"]


@pytest.mark.parametrize("case", CASES)
def test_detect_format_recognises_corpus_samples(case: str) -> None:
    detected = {detect_format(event) for _, event in samples(case)}
    assert detected == {front(case)["format"]}


def test_detect_format_unknown_event() -> None:
    with pytest.raises(ValueError, match=r"Unknown event format: \['a', 'b'\]"):
        detect_format({"b": 1, "a": 2})


def test_detect_format_http_v1_with_numeric_version() -> None:
    assert detect_format({"httpMethod": "GET", "version": 2}) == "http-v1"


class TestRest:
    def test_path_keeps_encoding_and_context_path_has_stage(self) -> None:
        event = build_event("rest", "GET", "/caf\u00e9/a%2Fb", stage="v1")
        assert event["path"] == "/caf%C3%A9/a%2Fb"
        assert event["requestContext"]["path"] == "/v1/caf%C3%A9/a%2Fb"
        assert event["requestContext"]["stage"] == "v1"
        assert event["pathParameters"] == {"proxy": "caf%C3%A9/a%2Fb"}

    def test_default_stage_is_prod(self) -> None:
        assert build_event("rest")["requestContext"]["stage"] == "prod"

    def test_query_values_are_decoded(self) -> None:
        event = build_event("rest", path="/?q=caf%C3%A9&q=a%26b&flag=")
        assert event["queryStringParameters"] == {"q": "a&b", "flag": ""}
        assert event["multiValueQueryStringParameters"] == {
            "q": ["caf\u00e9", "a&b"],
            "flag": [""],
        }

    def test_no_query_no_body_are_null(self) -> None:
        event = build_event("rest")
        assert event["queryStringParameters"] is None
        assert event["multiValueQueryStringParameters"] is None
        assert event["body"] is None
        assert event["isBase64Encoded"] is False
        assert event["pathParameters"] is None

    def test_headers_keep_case_and_last_value(self) -> None:
        event = build_event(
            "rest", headers=[("X-Multi", "one"), ("X-Multi", "two"), ("Host", "h")]
        )
        assert event["headers"]["X-Multi"] == "two"
        assert event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
        assert event["headers"]["Host"] == "h"

    def test_forwarding_headers_end_with_source_ip(self) -> None:
        event = build_event(
            "rest", headers={"X-Forwarded-For": "10.0.0.1"}, source_ip="192.0.2.7"
        )
        assert event["headers"]["X-Forwarded-For"] == "10.0.0.1, 192.0.2.7"
        assert event["headers"]["X-Forwarded-Proto"] == "https"
        assert event["headers"]["X-Forwarded-Port"] == "443"
        assert (
            event["headers"]["Host"] == "abcdef1234.execute-api.us-east-1.amazonaws.com"
        )
        assert event["requestContext"]["identity"]["sourceIp"] == "192.0.2.7"

    def test_body_is_text_without_binary_media_types(self) -> None:
        event = build_event(
            "rest", "POST", headers={"Content-Type": "image/png"}, body=b"\x89PNG\xff"
        )
        assert event["body"] == "\ufffdPNG\ufffd"
        assert event["isBase64Encoded"] is False
        assert event["headers"]["Content-Length"] == "5"

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
        assert event["body"] == base64.b64encode(b"\x89PNG\xff").decode()
        assert event["isBase64Encoded"] is True

    def test_claims_become_the_authorizer(self) -> None:
        event = build_event("rest", claims={"sub": "user-1"})
        assert event["requestContext"]["authorizer"] == {"claims": {"sub": "user-1"}}

    def test_authorizer_is_copied(self) -> None:
        event = build_event("rest", authorizer={"principalId": "me"})
        assert event["requestContext"]["authorizer"] == {"principalId": "me"}


class TestHttpV1:
    def test_version_and_path_with_named_stage(self) -> None:
        event = build_event("http-v1", "GET", "/x", stage="beta")
        assert event["version"] == "1.0"
        assert event["path"] == "/beta/x"
        assert event["requestContext"]["path"] == "/beta/x"

    def test_default_stage_adds_no_prefix(self) -> None:
        event = build_event("http-v1", "GET", "/x")
        assert event["path"] == "/x"
        assert event["requestContext"]["stage"] == "$default"

    def test_binary_body_is_base64(self) -> None:
        event = build_event(
            "http-v1", "POST", headers={"Content-Type": "application/zip"}, body=b"\0"
        )
        assert event["body"] == "AA=="
        assert event["isBase64Encoded"] is True


class TestHttpV2:
    def test_raw_path_and_query_as_sent(self) -> None:
        event = build_event("http-v2", "GET", "/caf\u00e9 x?a=%20b&a=c", stage="beta")
        assert event["rawPath"] == "/beta/caf%C3%A9%20x"
        assert event["rawQueryString"] == "a=%20b&a=c"
        assert event["queryStringParameters"] == {"a": " b,c"}
        assert event["requestContext"]["http"]["path"] == "/beta/caf\u00e9 x"
        assert event["requestContext"]["stage"] == "beta"

    def test_headers_lower_case_joined_and_cookies_moved(self) -> None:
        event = build_event(
            "http-v2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            cookies={"a": "1", "b": "2"},
        )
        assert event["headers"]["x-multi"] == "one,two"
        assert "cookie" not in event["headers"]
        assert event["cookies"] == ["a=1", "b=2"]

    def test_get_has_no_body_key(self) -> None:
        event = build_event("http-v2")
        assert "body" not in event
        assert "cookies" not in event
        assert "queryStringParameters" not in event
        assert event["isBase64Encoded"] is False

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
        assert event["isBase64Encoded"] is encoded
        assert event["body"] == ("YT0x" if encoded else "a=1")

    def test_claims_become_jwt_authorizer(self) -> None:
        event = build_event("http-v2", claims={"sub": "u"})
        assert event["requestContext"]["authorizer"] == {
            "jwt": {"claims": {"sub": "u"}, "scopes": None}
        }

    def test_authorizer_is_copied(self) -> None:
        event = build_event("http-v2", authorizer={"lambda": {"user": "u"}})
        assert event["requestContext"]["authorizer"] == {"lambda": {"user": "u"}}


class TestFunctionUrl:
    def test_host_and_cookies_in_both_places(self) -> None:
        event = build_event("function-url", cookies={"a": "1"})
        assert event["requestContext"]["domainName"] == (
            "abcdef1234.lambda-url.us-east-1.on.aws"
        )
        assert event["headers"]["cookie"] == "a=1"
        assert event["cookies"] == ["a=1"]
        assert event["requestContext"]["stage"] == "$default"

    def test_iam_authorizer(self) -> None:
        event = build_event("function-url", authorizer={"iam": {"userId": "u"}})
        assert event["requestContext"]["authorizer"] == {"iam": {"userId": "u"}}


class TestAlb:
    def test_single_value_keeps_last_and_raw_query(self) -> None:
        event = build_event(
            "alb",
            path="/p?q=caf%C3%A9&q=a+b",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            source_ip="192.0.2.1",
        )
        assert event["queryStringParameters"] == {"q": "a+b"}
        assert event["headers"]["x-multi"] == "two"
        assert event["headers"]["x-forwarded-for"] == "192.0.2.1"
        assert event["body"] == ""
        assert event["isBase64Encoded"] is False
        assert "multiValueHeaders" not in event

    def test_multi_value_keeps_all(self) -> None:
        event = build_event(
            "alb",
            path="/p?q=caf%C3%A9&q=a+b",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            multi_value_headers=True,
        )
        assert event["multiValueQueryStringParameters"] == {"q": ["caf%C3%A9", "a+b"]}
        assert event["multiValueHeaders"]["x-multi"] == ["one", "two"]
        assert "headers" not in event

    def test_ipv6_host_without_port(self) -> None:
        event = build_event("alb", headers={"Host": "[::1]"}, scheme="http")
        assert event["headers"]["x-forwarded-port"] == "80"

    def test_host_header_port_is_forwarded_port(self) -> None:
        event = build_event("alb", headers={"Host": "localhost:8123"}, scheme="http")
        assert event["headers"]["x-forwarded-port"] == "8123"
        assert event["headers"]["x-forwarded-proto"] == "http"


class TestLattice:
    def test_v2_lists_and_decoded_query(self) -> None:
        event = build_event(
            "lattice-v2",
            path="/p?q=caf%C3%A9&q=2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
            source_ip="10.1.1.1",
        )
        assert event["path"] == "/p"
        assert event["queryStringParameters"] == {"q": ["caf\u00e9", "2"]}
        assert event["headers"]["x-multi"] == ["one", "two"]
        assert event["headers"]["x-forwarded-for"] == ["10.1.1.1"]

    def test_v1_raw_path_carries_query(self) -> None:
        event = build_event(
            "lattice-v1",
            path="/p?q=caf%C3%A9&q=2",
            headers=[("X-Multi", "one"), ("X-Multi", "two")],
        )
        assert event["raw_path"] == "/p?q=caf%C3%A9&q=2"
        assert event["query_string_parameters"] == {"q": "2"}
        assert event["headers"]["x-multi"] == "one,two"

    def test_host_header_is_kept(self) -> None:
        event = build_event("lattice-v2", headers={"Host": "svc.local"})
        assert event["headers"]["host"] == ["svc.local"]

    def test_forwarded_for_is_appended(self) -> None:
        event = build_event(
            "lattice-v1", headers={"X-Forwarded-For": "1.1.1.1"}, source_ip="10.0.0.2"
        )
        assert event["headers"]["x-forwarded-for"] == "1.1.1.1, 10.0.0.2"


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
        request = event["Records"][0]["cf"]["request"]
        assert request["uri"] == "/p"
        assert request["querystring"] == "a=1"
        assert request["clientIp"] == "198.51.100.1"
        assert request["headers"]["x-multi"] == [
            {"key": "X-Multi", "value": "one"},
            {"key": "x-multi", "value": "two"},
        ]
        assert request["headers"]["host"] == [
            {"key": "Host", "value": "d111111abcdef8.cloudfront.net"}
        ]
        assert request["body"] == {
            "inputTruncated": False,
            "action": "read-only",
            "encoding": "base64",
            "data": "/w==",
        }
        assert event["Records"][0]["cf"]["config"]["eventType"] == "origin-request"

    def test_body_over_1_mb_is_truncated(self) -> None:
        event = build_event("edge", "POST", body=b"x" * (1024 * 1024 + 1))
        body = event["Records"][0]["cf"]["request"]["body"]
        assert body["inputTruncated"] is True
        assert len(base64.b64decode(body["data"])) == 1024 * 1024

    def test_get_has_no_body(self) -> None:
        event = build_event("edge")
        assert "body" not in event["Records"][0]["cf"]["request"]


class TestArguments:
    def test_query_mapping_and_pairs(self) -> None:
        event = build_event("http-v2", query={"a": ["1", "2"], "b": "x y/\u00e9"})
        assert event["rawQueryString"] == "a=1&a=2&b=x%20y%2F%C3%A9"
        event = build_event("http-v2", query=[("k", "v"), ("k", "w")])
        assert event["rawQueryString"] == "k=v&k=w"
        event = build_event("http-v2", query="?raw=1")
        assert event["rawQueryString"] == "raw=1"

    def test_str_body_is_utf8(self) -> None:
        event = build_event(
            "http-v2", "POST", headers={"Content-Type": "text/plain"}, body="\u00e9"
        )
        assert event["body"] == "\u00e9"
        assert event["headers"]["content-length"] == "2"

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
        with pytest.raises(ValueError, match=re.escape(message)) as excinfo:
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
