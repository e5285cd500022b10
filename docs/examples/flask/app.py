# app.py; Lambda handler setting: app.lambda_handler
from __future__ import annotations

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import get_lambda_handler
from flask import Flask

app = Flask(__name__)
app.config["APIG_WSGI_SCRIPT_NAME"] = "auto"
ApigWsgi(app)

lambda_handler = get_lambda_handler(app)


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
