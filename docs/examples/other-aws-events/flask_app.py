# app.py
from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import get_lambda_handler

app = Flask(__name__)
app.config["REPORT_TITLE"] = "Nightly report"
apig = ApigWsgi(app)


@apig.router.schedule(rule="nightly-report")
def nightly_report(event: dict[str, Any], context: Any) -> str:
    # Handlers run inside an app context: current_app and extensions work.
    return f"{current_app.config['REPORT_TITLE']} for {event['time']}"


lambda_handler = get_lambda_handler(app)
