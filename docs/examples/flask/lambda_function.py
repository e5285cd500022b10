# lambda_function.py; Lambda handler setting: lambda_function.lambda_handler
from __future__ import annotations

from apig_wsgi.contrib.flask import get_lambda_handler

from myproject import create_app

lambda_handler = get_lambda_handler(create_app())
