"""Flask apps for the command line's tests: factories and configured apps."""

from __future__ import annotations

from flask import Flask
from flask import Response

from apig_wsgi.contrib.flask import ApigWsgi

PNG = b"\x89PNG\r\n\x1a\n\x00\xff"


def create_app(binary_support: bool = True) -> Flask:
    """A factory as ``flask --app`` calls it; its config turns binary support on."""
    app = Flask(__name__)
    app.config["APIG_WSGI_BINARY_SUPPORT"] = binary_support

    @app.get("/image.png")
    def image() -> Response:
        return Response(PNG, mimetype="image/png")

    ApigWsgi(app)
    return app


configured_app = create_app()

plain_app = Flask(__name__)


@plain_app.get("/image.png")
def plain_image() -> Response:
    return Response(PNG, mimetype="image/png")


def create_nothing() -> None:
    """A function without parameters that is no application factory."""
