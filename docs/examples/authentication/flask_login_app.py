# app.py: Flask-Login's current_user is the caller AWS verified
from __future__ import annotations

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import apig_context
from apig_wsgi.contrib.flask import get_lambda_handler
from flask import Flask
from flask import Request
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required

app = Flask(__name__)
app.config["APIG_WSGI_REMOTE_USER"] = True
app.config["APIG_WSGI_REMOTE_USER_CLAIM"] = "email"
ApigWsgi(app)
lambda_handler = get_lambda_handler(app)

login_manager = LoginManager(app)


class User(UserMixin):
    def __init__(self, email: str, groups: list[str]) -> None:
        self.id = email
        self.groups = groups


# No user_loader: the user is never read from the session cookie, only from
# the identity AWS verified for this very request.
@login_manager.request_loader
def load_user_from_aws(request: Request) -> User | None:
    if not apig_context or apig_context.identity is None:
        return None
    identity = apig_context.identity
    return User(identity.name, identity.claim_list("cognito:groups"))


@app.get("/me")
@login_required
def me() -> dict[str, object]:
    return {"email": current_user.id, "groups": current_user.groups}
