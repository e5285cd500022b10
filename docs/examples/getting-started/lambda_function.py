# lambda_function.py; Lambda handler setting: lambda_function.lambda_handler
from __future__ import annotations

from apig_wsgi import make_lambda_handler

from myproject.wsgi import application  # Django, Flask, any PEP 3333 app

lambda_handler = make_lambda_handler(application)
