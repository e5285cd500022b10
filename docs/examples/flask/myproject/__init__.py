# myproject/__init__.py
from __future__ import annotations

from apig_wsgi.contrib.flask import ApigWsgi
from flask import Flask

apig = ApigWsgi()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.from_prefixed_env()
    apig.init_app(app)

    from myproject import views

    app.register_blueprint(views.blueprint)
    return app
