# myproject/backends.py
from __future__ import annotations

from typing import ClassVar

from apig_wsgi.contrib.django.auth import ApigRemoteUserBackend


class CognitoBackend(ApigRemoteUserBackend):
    # User model field: claim, copied each time the user logs in.
    user_fields: ClassVar[dict[str, str]] = {
        "email": "email",
        "first_name": "given_name",
        "last_name": "family_name",
    }
    # The user's Django groups become those the claim lists (the default).
    groups_claim = "cognito:groups"
    # A Cognito group whose Django group has another name.
    group_names: ClassVar[dict[str, str]] = {"admins": "Administrators"}
