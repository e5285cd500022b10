# lambda_function.py; Lambda handler setting: lambda_function.lambda_handler
from __future__ import annotations

from apig_wsgi import make_lambda_handler

from myproject.wsgi import application

lambda_handler = make_lambda_handler(
    application,
    remote_user=True,
    # REST and HTTP APIs: which claim of the token names the user.
    remote_user_claim="cognito:username",
)
