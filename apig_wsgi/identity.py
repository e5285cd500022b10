"""Who is calling: the identity that AWS verified, as the formats read it.

Each format's ``identity`` reads its front's authorizer, IAM identity or
authentication headers; this module holds what they share. The handler sets
``REMOTE_USER`` and ``apig_wsgi.identity`` from it when the ``remote_user``
option is on.
"""

from __future__ import annotations

from apig_wsgi.log import logger
from apig_wsgi.options import ReadOnly

# typing is imported only by type checkers: importing it would double the
# time ``import apig_wsgi`` takes (bench/run.py's import row).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Identity(ReadOnly):
    """The caller that AWS verified, read-only.

    ``name`` is the user name (``REMOTE_USER``, as text). ``source`` says who
    verified it: ``"cognito"`` (a REST API's Cognito user pool authorizer),
    ``"jwt"`` (an HTTP API's JWT authorizer), ``"lambda"`` (a Lambda
    authorizer), ``"iam"`` (IAM authorization) or ``"alb"`` (an ALB listener
    that authenticates). ``claims`` is what it said about the caller: the
    token's claims, the Lambda authorizer's context or the IAM identity.
    """

    __slots__ = ("claims", "name", "source")

    def __init__(self, name: str, source: str, claims: dict[str, Any]) -> None:
        self.name = name
        self.source = source
        self.claims = claims

    def claim_list(self, claim: str) -> list[str]:
        """The values of a list claim such as ``cognito:groups``; [] if absent.

        API Gateway passes list claims on as text: ``"a,b"`` from a REST
        API's Cognito authorizer, ``"[a b]"`` from an HTTP API's JWT
        authorizer; ALB passes a JSON list.
        """
        value = self.claims.get(claim)
        if isinstance(value, list):
            items = [item for item in value if isinstance(item, str)]
        elif not isinstance(value, str):
            return []
        elif value.startswith("[") and value.endswith("]"):
            items = value[1:-1].split()
        else:
            items = value.split(",")
        return [item.strip() for item in items if item.strip()]


def claimed_identity(claims: object, claim: str, source: str) -> Identity | None:
    """The identity ``claims`` name with ``claim``; None without claims.

    Claims without ``claim`` are logged: the ``remote_user_claim`` option
    then names a claim the authorizer does not send.
    """
    if not isinstance(claims, dict) or not claims:
        return None
    if claim not in claims:
        logger(__name__).warning(
            "The %s identity has no %r claim, so REMOTE_USER is not set; it "
            "has: %s. Set remote_user_claim to the claim that names the user.",
            source,
            claim,
            ", ".join(sorted(str(name) for name in claims)),
        )
        return None
    return named_identity(claims[claim], source, claims, repr(claim))


def named_identity(
    name: object, source: str, claims: dict[str, Any], what: str
) -> Identity | None:
    """The identity called ``name``; None when ``name`` is missing or empty.

    Whole numbers are names too (a Lambda authorizer's context may hold
    them); other values are logged, as they cannot name a user.
    """
    if isinstance(name, str):
        return Identity(name, source, claims) if name else None
    if isinstance(name, int) and not isinstance(name, bool):
        return Identity(str(name), source, claims)
    if name is not None:
        logger(__name__).warning(
            "The %s identity's %s is %s, not a name, so REMOTE_USER is not set.",
            source,
            what,
            type(name).__name__,
        )
    return None


def iam_identity(
    details: dict[str, Any],
    user_arn: object,
    pool_identity_id: object,
    pool_authenticated: bool,
) -> Identity | None:
    """The IAM caller: its ARN, or its Cognito identity id.

    Callers with credentials from a Cognito identity pool all share the
    pool role's ARN, so their identity id names them instead, and only when
    the pool authenticated them: guests are not users.
    """
    if not isinstance(user_arn, str) or not user_arn:
        return None
    if pool_identity_id is None:
        return Identity(user_arn, "iam", details)
    if not pool_authenticated:
        return None
    return named_identity(pool_identity_id, "iam", details, "Cognito identity id")
