"""Read SecureString parameters from AWS Systems Manager Parameter Store.

Settings call ``get_parameters()`` once, at start-up. It makes one signed
HTTPS request with the standard library: importing boto3 and building a client
would add a few hundred milliseconds to every cold start, for one call.
Credentials and the region come from the environment variables that Lambda
sets for the function's role.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

SERVICE = "ssm"
TARGET = "AmazonSSM.GetParameters"
CONTENT_TYPE = "application/x-amz-json-1.1"
TIMEOUT_SECONDS = 5


def endpoint_url(environ: Mapping[str, str]) -> str:
    """The SSM endpoint: AWS's, or the one the SDKs' variables name."""
    for name in ("AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL"):
        if environ.get(name):
            return environ[name].rstrip("/")
    return f"https://ssm.{environ['AWS_REGION']}.amazonaws.com"


def hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signed_headers(
    url: str,
    body: bytes,
    environ: Mapping[str, str],
    now: datetime.datetime,
) -> dict[str, str]:
    """The headers of a Signature Version 4 signed POST of ``body`` to ``url``.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
    """
    region = environ["AWS_REGION"]
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    headers = {
        "content-type": CONTENT_TYPE,
        "host": urllib.parse.urlsplit(url).netloc,
        "x-amz-date": amz_date,
        "x-amz-target": TARGET,
    }
    if environ.get("AWS_SESSION_TOKEN"):
        headers["x-amz-security-token"] = environ["AWS_SESSION_TOKEN"]
    names = sorted(headers)
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{name}:{headers[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/{SERVICE}/aws4_request"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = ("AWS4" + environ["AWS_SECRET_ACCESS_KEY"]).encode()
    for part in (date, region, SERVICE, "aws4_request"):
        key = hmac_sha256(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={environ['AWS_ACCESS_KEY_ID']}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return headers


def get_parameters(
    names: Sequence[str], environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """Return the decrypted values of the parameters ``names``, by name.

    Raises ``ImproperlyConfigured`` naming what failed: the function cannot
    start without its secrets.
    """
    url = endpoint_url(environ) + "/"
    body = json.dumps({"Names": list(names), "WithDecryption": True}).encode()
    now = datetime.datetime.now(datetime.timezone.utc)
    request = urllib.request.Request(
        url, data=body, headers=signed_headers(url, body, environ, now), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise ImproperlyConfigured(
            f"Reading the parameters {', '.join(names)} from SSM failed with "
            f"HTTP {exc.code}: {detail}"
        ) from exc
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Reading the parameters {', '.join(names)} from SSM at {url} failed: {exc}"
        ) from exc
    missing = answer.get("InvalidParameters") or []
    if missing:
        raise ImproperlyConfigured(
            f"These SSM parameters do not exist: {', '.join(missing)}. The "
            "playbook creates them; check the names in the function's environment."
        )
    return {parameter["Name"]: parameter["Value"] for parameter in answer["Parameters"]}
