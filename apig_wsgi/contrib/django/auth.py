"""Django users from the identity that AWS verified (``APIG_WSGI_REMOTE_USER``).

``ApigRemoteUserMiddleware`` logs in the caller that the Lambda handler
found in the event, and logs the user out when a request comes without one.
``ApigRemoteUserBackend`` makes and updates the user: it accepts only that
caller, never a name from another source (a header, another server's
``REMOTE_USER``), copies claims to user fields and Cognito groups to groups.
"""

from __future__ import annotations

import logging
from typing import Any
from typing import ClassVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.models import Group
from django.http import HttpRequest

from apig_wsgi.environ_keys import IDENTITY
from apig_wsgi.identity import Identity

logger = logging.getLogger("apig_wsgi")

# Where the middleware puts the verified name for Django's RemoteUserMiddleware,
# a key no request header can become (they all start with HTTP_).
REMOTE_USER_KEY = "apig_wsgi.remote_user"


def verified_identity(request: HttpRequest | None) -> Identity | None:
    """The identity the Lambda handler set for ``request``, if any."""
    if request is None:
        return None
    identity = request.META.get(IDENTITY)
    return identity if isinstance(identity, Identity) else None


class ApigRemoteUserMiddleware(RemoteUserMiddleware):
    """Log in the caller that AWS verified; log out when there is none.

    Install it after ``AuthenticationMiddleware``, with
    ``ApigRemoteUserBackend`` in ``AUTHENTICATION_BACKENDS``.
    """

    header = REMOTE_USER_KEY

    def process_request(self, request: HttpRequest) -> None:
        identity = verified_identity(request)
        if identity is None:
            request.META.pop(REMOTE_USER_KEY, None)
        else:
            request.META[REMOTE_USER_KEY] = identity.name
        super().process_request(request)


class ApigRemoteUserBackend(RemoteUserBackend):
    """Authenticate the caller that AWS verified, creating its user.

    Subclass it to set ``user_fields`` (user model field to claim, copied at
    each login), ``groups_claim`` (the claim listing the caller's groups, None
    to manage groups in Django only) and ``group_names`` (claim group to
    Django group, for groups named differently).
    """

    user_fields: ClassVar[dict[str, str]] = {}
    groups_claim: ClassVar[str | None] = "cognito:groups"
    group_names: ClassVar[dict[str, str]] = {}

    # RemoteUserBackend narrows ModelBackend's signature; its stubs ignore it too.
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> AbstractBaseUser | None:
        if not self.is_verified(request, remote_user):
            return None
        return super().authenticate(request, remote_user)

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, remote_user: str
    ) -> AbstractBaseUser | None:
        if not self.is_verified(request, remote_user):
            return None
        return await super().aauthenticate(request, remote_user)

    def is_verified(self, request: HttpRequest | None, remote_user: str) -> bool:
        """Whether ``remote_user`` is the caller AWS verified, and fits the model."""
        identity = verified_identity(request)
        if identity is None or identity.name != remote_user:
            return False
        model: Any = get_user_model()
        field = model._meta.get_field(model.USERNAME_FIELD)
        if field.max_length is not None and len(remote_user) > field.max_length:
            logger.warning(
                "The %s caller's name is %d characters long, more than the %d "
                "that %s.%s holds, so the request stays anonymous.",
                identity.source,
                len(remote_user),
                field.max_length,
                model.__name__,
                model.USERNAME_FIELD,
            )
            return False
        return True

    def configure_user(
        self, request: HttpRequest | None, user: Any, created: bool = True
    ) -> Any:
        """Copy the ``user_fields`` claims and the groups of the claims."""
        identity = verified_identity(request)
        if identity is None:
            return user
        changed = [
            field
            for field, claim in self.user_fields.items()
            if self.copy_claim(user, field, identity.claims.get(claim))
        ]
        if created:
            user.set_unusable_password()
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        # IAM callers carry no groups: theirs are managed in Django.
        if self.groups_claim is not None and identity.source != "iam":
            names = [
                self.group_names.get(name, name)
                for name in identity.claim_list(self.groups_claim)
            ]
            user.groups.set(Group.objects.filter(name__in=names))
        return user

    @staticmethod
    def copy_claim(user: Any, field: str, value: object) -> bool:
        """Set ``field`` to ``value`` if it is a new string; whether it changed."""
        if not isinstance(value, str) or getattr(user, field) == value:
            return False
        setattr(user, field, value)
        return True
