"""Build the event each AWS integration sends to Lambda for an HTTP request."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from typing import Any
from typing import Callable
from typing import Union
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode

from apig_wsgi.errors import InvalidEventError
from apig_wsgi.formats.registry import detect_format as detect_front

# The fronts, by the name the environ's apig_wsgi.event_format gives them.
FORMATS: tuple[str, ...] = (
    "rest",
    "http-v1",
    "http-v2",
    "function-url",
    "alb",
    "lattice-v1",
    "lattice-v2",
    "edge",
)

DEFAULT_SOURCE_IP = "203.0.113.10"
DEFAULT_STAGES: dict[str, str] = {
    "rest": "prod",
    "http-v1": "$default",
    "http-v2": "$default",
}
ACCOUNT_ID = "123456789012"
API_ID = "abcdef1234"
REGION = "us-east-1"
# CloudFront passes at most 1 MB of an origin-request body to the function.
EDGE_BODY_LIMIT = 1024 * 1024
# AWS's documented example credentials, for the IAM callers of events.
EXAMPLE_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
EXAMPLE_USER_ID = "AIDACKCEVSQ6C2EXAMPLE"

# The fronts whose events can carry each kind of identity.
IDENTITY_FORMATS: dict[str, tuple[str, ...]] = {
    "authorizer": ("rest", "http-v1", "http-v2", "function-url"),
    "claims": ("rest", "http-v1", "http-v2", "alb"),
    "iam": ("rest", "http-v1", "http-v2", "function-url", "lattice-v2"),
}
# The headers an ALB listener that authenticates sets, replacing the client's.
ALB_OIDC_HEADERS = (
    "x-amzn-oidc-accesstoken",
    "x-amzn-oidc-identity",
    "x-amzn-oidc-data",
)

Query = Union[str, Mapping[str, Union[str, Sequence[str]]], Sequence[tuple[str, str]]]
Headers = Union[Mapping[str, str], Sequence[tuple[str, str]]]

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")


@dataclass(frozen=True)
class _Request:
    method: str
    raw_path: str
    raw_query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    stage: str | None
    source_ip: str
    authorizer: Mapping[str, Any] | None
    claims: Mapping[str, Any] | None
    iam: str | None
    binary_media_types: tuple[str, ...]
    multi_value_headers: bool

    def header(self, name: str) -> str | None:
        """The last value of a header, like API Gateway's ``headers``."""
        found = None
        for key, value in self.headers:
            if key.lower() == name:
                found = value
        return found

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


def build_event(
    format: str = "http-v2",
    method: str = "GET",
    path: str = "/",
    *,
    query: Query | None = None,
    headers: Headers | None = None,
    cookies: Mapping[str, str] | None = None,
    body: bytes | str = b"",
    stage: str | None = None,
    source_ip: str = DEFAULT_SOURCE_IP,
    authorizer: Mapping[str, Any] | None = None,
    claims: Mapping[str, Any] | None = None,
    iam: str | None = None,
    binary_media_types: Sequence[str] = (),
    multi_value_headers: bool = False,
    scheme: str = "https",
) -> dict[str, Any]:
    """Return the event ``format``'s integration would send for this request.

    ``path`` is the request target as sent on the wire; it may carry a
    ``?query`` and non-ASCII characters, which are percent-encoded as UTF-8.
    ``binary_media_types`` plays the REST API setting of that name, and
    ``multi_value_headers`` the ALB target group attribute
    ``lambda.multi_value_headers.enabled``. At most one of ``authorizer``
    (``requestContext.authorizer`` as given), ``claims`` (of a Cognito or JWT
    authorizer, or of an ALB listener that authenticates) and ``iam`` (the ARN
    of an IAM caller) says who is calling.
    """
    builder = _BUILDERS.get(format)
    if builder is None:
        raise ValueError(
            f"Unknown event format {format!r}, expected one of: {', '.join(FORMATS)}."
        )
    if not method.isalpha():
        raise ValueError(f"HTTP method must be letters only, not {method!r}.")
    if not path.startswith("/"):
        raise ValueError(f"Path must start with '/', not {path!r}.")
    raw_path, _, raw_query = quote(path, safe=_PATH_SAFE + "?").partition("?")
    if query is not None:
        if raw_query:
            raise ValueError(
                f"Give the query string in path {path!r} or in query, not both."
            )
        raw_query = _encode_query(query)
    if scheme not in ("http", "https"):
        raise ValueError(f"Scheme must be 'http' or 'https', not {scheme!r}.")
    if stage is not None and format not in DEFAULT_STAGES:
        raise ValueError(f"Format {format!r} has no stages, got stage {stage!r}.")
    if stage is not None and not stage:
        raise ValueError("Stage must not be empty.")
    if multi_value_headers and format != "alb":
        raise ValueError(
            "multi_value_headers is a setting of ALB target groups, not of "
            f"{format!r} events."
        )
    _check_identity(format, authorizer=authorizer, claims=claims, iam=iam)
    header_list = _header_list(headers)
    if cookies:
        header_list.append(
            ("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
        )
    body_bytes = body.encode() if isinstance(body, str) else body
    names = {name.lower() for name, _ in header_list}
    if body_bytes and "content-length" not in names:
        header_list.append(("Content-Length", str(len(body_bytes))))
    request = _Request(
        method=method.upper(),
        raw_path=raw_path,
        raw_query=raw_query,
        headers=tuple(header_list),
        body=body_bytes,
        stage=stage if stage is not None else DEFAULT_STAGES.get(format),
        source_ip=source_ip,
        authorizer=authorizer,
        claims=claims,
        iam=iam,
        binary_media_types=tuple(binary_media_types),
        multi_value_headers=multi_value_headers,
    )
    return builder(request, scheme)


def _check_identity(format: str, **identities: object) -> None:
    given = [name for name, value in identities.items() if value is not None]
    if len(given) > 1:
        raise ValueError(
            f"Pass one of authorizer, claims and iam, not {' and '.join(given)}."
        )
    for name in given:
        if format not in IDENTITY_FORMATS[name]:
            raise ValueError(
                f"Format {format!r} cannot carry {name}; the formats that do: "
                f"{', '.join(IDENTITY_FORMATS[name])}."
            )
    iam = identities["iam"]
    if iam is not None and (not isinstance(iam, str) or not iam.startswith("arn:")):
        raise ValueError(f"iam must be the caller's ARN, 'arn:...', not {iam!r}.")


def _account_of(arn: str) -> str:
    """The account id in ``arn``, or the builders' account."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else ACCOUNT_ID


def detect_format(event: Mapping[str, Any]) -> str:
    """Name the format of ``event`` (one of ``FORMATS``), or raise ``ValueError``."""
    front = detect_front(event)
    if front is None:
        raise InvalidEventError(f"Unknown event format: {sorted(event)!r}")
    return front.name


def _encode_query(query: Query) -> str:
    if isinstance(query, str):
        return query.lstrip("?")
    if isinstance(query, Mapping):
        pairs: list[tuple[str, str]] = []
        for name, value in query.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs.extend((name, item) for item in values)
    else:
        pairs = list(query)
    return urlencode(pairs, quote_via=quote)


def _header_list(headers: Headers | None) -> list[tuple[str, str]]:
    items = (
        list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
    )
    for name, value in items:
        if not name or any(char in name for char in " :\r\n"):
            raise ValueError(f"Invalid header name {name!r}.")
        if "\r" in value or "\n" in value:
            raise ValueError(f"Invalid value for header {name!r}: {value!r}.")
    return items


def _is_textual(content_type: str) -> bool:
    return (
        content_type.startswith("text/")
        or content_type in _TEXT_TYPES
        or content_type.endswith(("+json", "+xml"))
    )


def _matches(content_type: str, media_types: Sequence[str]) -> bool:
    """Whether a media type matches API Gateway ``binaryMediaTypes`` entries."""
    major = content_type.split("/")[0]
    return any(
        pattern in ("*/*", content_type, f"{major}/*") for pattern in media_types
    )


def _body(request: _Request, base64_encode: bool) -> tuple[str, bool]:
    if base64_encode and request.body:
        return base64.b64encode(request.body).decode("ascii"), True
    return request.body.decode("utf-8", errors="replace"), False


def _with_forwarding(
    request: _Request, host: str, scheme: str
) -> list[tuple[str, str]]:
    """Add the headers API Gateway and ALB add: the caller's address is last."""
    headers = [
        (name, value)
        for name, value in request.headers
        if name.lower() not in ("x-forwarded-port", "x-forwarded-proto")
    ]
    forwarded_for = request.header("x-forwarded-for")
    headers = [item for item in headers if item[0].lower() != "x-forwarded-for"]
    if request.header("host") is None:
        headers.insert(0, ("Host", host))
    _, colon, port = (request.header("host") or host).rpartition(":")
    if not colon or not port.isdigit():
        port = "443" if scheme == "https" else "80"
    trail = (
        f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip
    )
    headers += [
        ("X-Amzn-Trace-Id", f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"),
        ("X-Forwarded-For", trail),
        ("X-Forwarded-Port", port),
        ("X-Forwarded-Proto", scheme),
    ]
    return headers


def _single(headers: list[tuple[str, str]], lower: bool) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in headers:
        result[name.lower() if lower else name] = value
    return result


def _multi(headers: list[tuple[str, str]], lower: bool) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in headers:
        result.setdefault(name.lower() if lower else name, []).append(value)
    return result


def _joined(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {name: ",".join(values) for name, values in _multi(headers, True).items()}


def _decoded_query(request: _Request) -> list[tuple[str, str]]:
    return parse_qsl(request.raw_query, keep_blank_values=True, errors="replace")


def _raw_query(request: _Request) -> list[tuple[str, str]]:
    pairs = []
    for part in request.raw_query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((name, value))
    return pairs


def _now() -> tuple[str, int]:
    now = datetime.now(timezone.utc)
    return now.strftime("%d/%b/%Y:%H:%M:%S +0000"), int(now.timestamp() * 1000)


def _stage_prefix(request: _Request) -> str:
    return "" if request.stage == "$default" else f"/{request.stage}"


def _build_rest(
    request: _Request, scheme: str, version: str | None = None
) -> dict[str, Any]:
    domain = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
    headers = _with_forwarding(request, domain, scheme)
    query = _decoded_query(request)
    body, encoded = _body(
        request,
        (
            _matches(request.content_type, request.binary_media_types)
            if version is None
            else not _is_textual(request.content_type)
        ),
    )
    # A REST API's ``path`` omits the stage; an HTTP API's 1.0 payload keeps it.
    path = (
        request.raw_path
        if version is None
        else _stage_prefix(request) + request.raw_path
    )
    request_time, epoch = _now()
    authorizer = dict(request.authorizer or {})
    if request.claims is not None:
        authorizer = {"claims": dict(request.claims)}
    event: dict[str, Any] = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": request.method,
        "headers": _single(headers, False),
        "multiValueHeaders": _multi(headers, False),
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": _multi(query, False) or None,
        "pathParameters": {"proxy": request.raw_path[1:]}
        if request.raw_path != "/"
        else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain,
            "domainPrefix": API_ID,
            "extendedRequestId": uuid.uuid4().hex[:16],
            "httpMethod": request.method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": request.source_ip,
                "user": None,
                "userAgent": request.header("user-agent") or "",
                "userArn": None,
            },
            "path": f"/{request.stage}{request.raw_path}" if version is None else path,
            "protocol": "HTTP/1.1",
            "requestId": str(uuid.uuid4()),
            "requestTime": request_time,
            "requestTimeEpoch": epoch,
            "resourceId": uuid.uuid4().hex[:6],
            "resourcePath": "/{proxy+}",
            "stage": request.stage,
        },
        "body": body if request.body else None,
        "isBase64Encoded": encoded,
    }
    if authorizer:
        event["requestContext"]["authorizer"] = authorizer
    if request.iam is not None:
        event["requestContext"]["identity"].update(
            accessKey=EXAMPLE_ACCESS_KEY,
            accountId=_account_of(request.iam),
            caller=EXAMPLE_USER_ID,
            user=EXAMPLE_USER_ID,
            userArn=request.iam,
        )
    if version is not None:
        event = {"version": version, **event}
    return event


def _build_http_v1(request: _Request, scheme: str) -> dict[str, Any]:
    return _build_rest(request, scheme, version="1.0")


def _build_v2(
    request: _Request, scheme: str, function_url: bool = False
) -> dict[str, Any]:
    if function_url:
        domain = f"{API_ID}.lambda-url.{REGION}.on.aws"
        raw_path = request.raw_path
    else:
        domain = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
        raw_path = _stage_prefix(request) + request.raw_path
    headers = _with_forwarding(request, domain, scheme)
    cookies = [
        cookie.strip()
        for name, value in headers
        if name.lower() == "cookie"
        for cookie in value.split(";")
        if cookie.strip()
    ]
    if not function_url:
        # HTTP APIs move cookies to ``cookies``; Function URLs send them in
        # both places (see the aws-lambda-go lambdaurl samples).
        headers = [item for item in headers if item[0].lower() != "cookie"]
    request_time, epoch = _now()
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": API_ID,
        "http": {
            "method": request.method,
            "path": unquote(raw_path),
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": request.header("user-agent") or "",
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": "$default" if function_url else request.stage,
        "time": request_time,
        "timeEpoch": epoch,
    }
    if request.claims is not None:
        context["authorizer"] = {
            "jwt": {"claims": dict(request.claims), "scopes": None}
        }
    elif request.authorizer is not None:
        context["authorizer"] = dict(request.authorizer)
    elif request.iam is not None:
        context["authorizer"] = {
            "iam": {
                "accessKey": EXAMPLE_ACCESS_KEY,
                "accountId": _account_of(request.iam),
                "callerId": EXAMPLE_USER_ID,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": request.iam,
                "userId": EXAMPLE_USER_ID,
            }
        }
    query = _decoded_query(request)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": request.raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = _joined(headers)
    if query:
        event["queryStringParameters"] = {
            name: ",".join(values) for name, values in _multi(query, False).items()
        }
    event["requestContext"] = context
    if request.body:
        event["body"], event["isBase64Encoded"] = _body(
            request, not _is_textual(request.content_type)
        )
    else:
        event["isBase64Encoded"] = False
    return event


def _build_url(request: _Request, scheme: str) -> dict[str, Any]:
    return _build_v2(request, scheme, function_url=True)


def _build_alb(request: _Request, scheme: str) -> dict[str, Any]:
    host = f"my-alb-1234567890.{REGION}.elb.amazonaws.com"
    headers = _with_forwarding(request, host, scheme)
    if request.claims is not None:
        headers = [
            item for item in headers if item[0].lower() not in ALB_OIDC_HEADERS
        ] + _oidc_headers(request.claims)
    # The ALB passes query values through as received, without decoding them.
    query = _raw_query(request)
    body, encoded = _body(request, not _is_textual(request.content_type))
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}"
                ":targetgroup/lambda-target/0123456789abcdef"
            }
        },
        "httpMethod": request.method,
        "path": request.raw_path,
    }
    if request.multi_value_headers:
        event["multiValueQueryStringParameters"] = _multi(query, False)
        event["multiValueHeaders"] = _multi(headers, True)
    else:
        # Without multi-value headers the ALB keeps the last value of each.
        event["queryStringParameters"] = _single(query, False)
        event["headers"] = _single(headers, True)
    event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def _oidc_headers(claims: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What an ALB listener that authenticates adds: the claims as a JWT
    that ALB would sign (this one is not), padded as ALB pads it."""
    header = {
        "alg": "ES256",
        "kid": "00000000-0000-0000-0000-000000000000",
        "signer": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}"
        ":loadbalancer/app/my-alb/0123456789abcdef",
        "iss": claims.get("iss", "https://idp.example.com"),
        "client": "local",
        "exp": int(datetime.now(timezone.utc).timestamp()) + 120,
    }
    token = ".".join(
        base64.urlsafe_b64encode(part).decode("ascii")
        for part in (
            json.dumps(header).encode(),
            json.dumps(dict(claims)).encode(),
            bytes(64),
        )
    )
    return [
        ("x-amzn-oidc-accesstoken", "local-access-token"),
        ("x-amzn-oidc-identity", str(claims.get("sub", ""))),
        ("x-amzn-oidc-data", token),
    ]


def _lattice_headers(request: _Request) -> list[tuple[str, str]]:
    host = f"my-service-0123456789abcdef.7d67968.vpc-lattice-svcs.{REGION}.on.aws"
    headers = [(name.lower(), value) for name, value in request.headers]
    if request.header("host") is None:
        headers.insert(0, ("host", host))
    forwarded_for = request.header("x-forwarded-for")
    headers = [item for item in headers if item[0] != "x-forwarded-for"]
    trail = (
        f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip
    )
    headers.append(("x-forwarded-for", trail))
    return headers


def _build_lattice(request: _Request, scheme: str) -> dict[str, Any]:
    headers = _lattice_headers(request)
    body, encoded = _body(request, not _is_textual(request.content_type))
    return {
        "version": "2.0",
        "path": request.raw_path,
        "method": request.method,
        "headers": _multi(headers, True),
        "queryStringParameters": _multi(_decoded_query(request), False),
        "body": body,
        "isBase64Encoded": encoded,
        "requestContext": {
            "serviceNetworkArn": f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT_ID}"
            ":servicenetwork/sn-0123456789abcdef0",
            "serviceArn": f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT_ID}"
            ":service/svc-0123456789abcdef0",
            "targetGroupArn": f"arn:aws:vpc-lattice:{REGION}:{ACCOUNT_ID}"
            ":targetgroup/tg-0123456789abcdef0",
            "identity": _lattice_identity(request.iam),
            "region": REGION,
            "timeEpoch": str(_now()[1] * 1000),
        },
    }


def _lattice_identity(iam: str | None) -> dict[str, Any]:
    identity = {
        "sourceVpcArn": f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:vpc/vpc-0123456789abcdef0",
        "type": "NONE",
    }
    if iam is not None:
        identity.update(type="AWS_IAM", principal=iam)
        # An assumed role's ARN ends with the session's name.
        if ":assumed-role/" in iam:
            identity["sessionName"] = iam.rpartition("/")[2]
    return identity


def _build_lattice_v1(request: _Request, scheme: str) -> dict[str, Any]:
    headers = _lattice_headers(request)
    body, encoded = _body(request, not _is_textual(request.content_type))
    raw_path = request.raw_path + (f"?{request.raw_query}" if request.raw_query else "")
    return {
        "raw_path": raw_path,
        "method": request.method,
        "headers": _joined(headers),
        "query_string_parameters": dict(_decoded_query(request)),
        "body": body,
        "is_base64_encoded": encoded,
    }


def _build_edge(request: _Request, scheme: str) -> dict[str, Any]:
    domain = "d111111abcdef8.cloudfront.net"
    headers = list(request.headers)
    if request.header("host") is None:
        headers.insert(0, ("Host", domain))
    edge_headers: dict[str, list[dict[str, str]]] = {}
    for name, value in headers:
        edge_headers.setdefault(name.lower(), []).append({"key": name, "value": value})
    cf_request: dict[str, Any] = {
        "clientIp": request.source_ip,
        "headers": edge_headers,
        "method": request.method,
        "querystring": request.raw_query,
        "uri": request.raw_path,
    }
    if request.body:
        data = request.body[:EDGE_BODY_LIMIT]
        cf_request["body"] = {
            "inputTruncated": len(request.body) > EDGE_BODY_LIMIT,
            "action": "read-only",
            "encoding": "base64",
            "data": base64.b64encode(data).decode("ascii"),
        }
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": domain,
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "origin-request",
                        "requestId": uuid.uuid4().hex,
                    },
                    "request": cf_request,
                }
            }
        ]
    }


_BUILDERS: dict[str, Callable[[_Request, str], dict[str, Any]]] = {
    "rest": _build_rest,
    "http-v1": _build_http_v1,
    "http-v2": _build_v2,
    "function-url": _build_url,
    "alb": _build_alb,
    "lattice-v1": _build_lattice_v1,
    "lattice-v2": _build_lattice,
    "edge": _build_edge,
}
