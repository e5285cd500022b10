"""example_site.parameters signs its one request exactly as botocore does."""

from __future__ import annotations

import datetime

import pytest
from botocore.auth import SigV4Auth  # type: ignore[import-untyped]
from botocore.awsrequest import AWSRequest  # type: ignore[import-untyped]
from botocore.credentials import Credentials  # type: ignore[import-untyped]
from example_site.parameters import CONTENT_TYPE
from example_site.parameters import TARGET
from example_site.parameters import endpoint_url
from example_site.parameters import signed_headers

BODY = b'{"Names": ["/site/secret-key"], "WithDecryption": true}'


@pytest.mark.parametrize("session_token", [None, "session-token/with+chars="])
def test_signature_matches_botocore(session_token: str | None) -> None:
    url = "https://ssm.eu-west-1.amazonaws.com/"
    environ = {
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    }
    if session_token:
        environ["AWS_SESSION_TOKEN"] = session_token
    request = AWSRequest(
        method="POST",
        url=url,
        data=BODY,
        headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": TARGET},
    )
    SigV4Auth(
        Credentials("AKIDEXAMPLE", environ["AWS_SECRET_ACCESS_KEY"], session_token),
        "ssm",
        "eu-west-1",
    ).add_auth(request)
    signed_at = datetime.datetime.strptime(
        request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"
    ).replace(tzinfo=datetime.timezone.utc)

    ours = signed_headers(url, BODY, environ, signed_at)

    assert ours["authorization"] == request.headers["Authorization"]


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        ({"AWS_REGION": "eu-west-1"}, "https://ssm.eu-west-1.amazonaws.com"),
        (
            {"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"},
            "http://127.0.0.1:5000",
        ),
        (
            {
                "AWS_REGION": "eu-west-1",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:6000",
            },
            "http://127.0.0.1:6000",
        ),
    ],
)
def test_endpoint_url(environ: dict[str, str], url: str) -> None:
    assert endpoint_url(environ) == url
