# lambda_function.py; Lambda handler setting: lambda_function.lambda_handler
from __future__ import annotations

from myproject.wsgi import application  # Django, Flask, any PEP 3333 app

from apig_wsgi import make_lambda_handler

lambda_handler = make_lambda_handler(application)
