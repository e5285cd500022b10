"""A factory-pattern app for the ``flask apig invoke`` subprocess tests."""

from __future__ import annotations

from flask import Flask
from flask import jsonify
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from apig_wsgi.contrib.flask import ApigWsgi
from apig_wsgi.contrib.flask import apig_context

apig = ApigWsgi()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["APIG_WSGI_SCRIPT_NAME"] = "auto"

    @app.route("/hello", methods=["GET", "POST", "PUT"])
    def hello() -> ResponseReturnValue:
        return jsonify(
            body=request.get_data(as_text=True),
            event_format=apig_context.event_format if apig_context else None,
            method=request.method,
            url=url_for("hello"),
        )

    apig.init_app(app)
    return app
