from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import snapshot_restore_py  # type: ignore[import-untyped]
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.db import connections
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.loaders.cached import Loader as CachedLoader
from django.test import override_settings

from apig_wsgi.contrib.django.checks import check_settings
from apig_wsgi.contrib.django.conf import get_options
from apig_wsgi.contrib.django.handler import lambda_handler
from apig_wsgi.contrib.django.lifecycle import after_restore
from apig_wsgi.contrib.django.lifecycle import before_snapshot
from apig_wsgi.contrib.django.lifecycle import load_templates
from apig_wsgi.contrib.django.lifecycle import register_snapstart_hooks
from apig_wsgi.contrib.django.lifecycle import warm_up
from apig_wsgi.contrib.django.lifecycle import warm_up_host
from apig_wsgi.contrib.django.lifecycle import warm_up_settings

ROOT = Path(__file__).parents[3]
SETTINGS = "tests.contrib.django.project.settings"

# Runs in a fresh interpreter: change the settings given as JSON on the
# command line, import the handler as Lambda does, send one request, and
# report what was loaded before and by that request.
IMPORT_AND_REQUEST = """
import json, sys
import tests.contrib.django.project.settings as project_settings
for name, value in json.loads(sys.argv[1]).items():
    setattr(project_settings, name, value)
from apig_wsgi.contrib.django.handler import lambda_handler
from django.template import engines
from django.utils.translation import trans_real
from tests.contrib.django.utils import http_v2_event
event = http_v2_event("GET", "/page/")
loaded = set(sys.modules)
cache = engines["django"].engine.template_loaders[0].get_template_cache
before = sorted(cache)
catalogs = sorted(trans_real._translations)
response = lambda_handler(event, None)
print(json.dumps({
    "views_loaded": "tests.contrib.django.project.views" in loaded,
    "templates_before": before,
    "catalogs_before": catalogs,
    "status": response["statusCode"],
    "loaded_by_request": sorted(set(sys.modules) - loaded),
}))
"""


def import_and_request(**settings: Any) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDEVMODE"}
    # Without the auth apps: Django loads a translation catalog when it
    # defines their models, whatever the warm-up does.
    settings = {"INSTALLED_APPS": ["apig_wsgi.contrib.django"], **settings}
    process = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_REQUEST, json.dumps(settings)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": SETTINGS},
        check=False,
    )
    assert (process.returncode, process.stderr) == (0, ""), process.stderr
    result: dict[str, Any] = json.loads(process.stdout)
    return result


class TestWarmUpOnImport:
    def test_first_request_loads_nothing_new(self) -> None:
        result = import_and_request()

        assert result == {
            "views_loaded": True,
            "templates_before": ["project/base.html", "project/page.html"],
            "catalogs_before": ["en-us"],
            "status": 200,
            "loaded_by_request": [],
        }

    def test_turned_off_leaves_the_work_to_the_first_request(self) -> None:
        result = import_and_request(APIG_WSGI_WARM_UP=False)

        assert result["views_loaded"] is False
        assert result["templates_before"] == []
        assert result["catalogs_before"] == []
        assert result["status"] == 200
        assert "tests.contrib.django.project.views" in result["loaded_by_request"]

    def test_invalid_setting_fails_the_import(self) -> None:
        env = dict(os.environ)
        code = IMPORT_AND_REQUEST.replace("loaded = ", "raise SystemExit\nloaded = ")
        process = subprocess.run(
            [sys.executable, "-c", code, '{"APIG_WSGI_WARM_UP": "yes"}'],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": SETTINGS},
            check=False,
        )

        assert process.returncode == 1
        assert process.stderr.splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: "
            "APIG_WSGI_WARM_UP must be True or False, not 'yes'. Set it to False "
            "to start without warming the project up."
        )


class TestWarmUp:
    def test_logs_what_it_did(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO, logger="apig_wsgi"):
            warm_up(["/page/", "/text/"])

        (record,) = caplog.records
        assert record.levelno == logging.INFO
        assert record.getMessage().startswith("Warmed up in ")
        assert record.getMessage().endswith(" ms: URLconf, templates: 2, paths: 2.")

    def test_warns_about_a_path_that_fails(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        warm_up(["/status/200/", "/status/404/", "/status/302/", "/status/503/"])

        assert [
            (r.levelno, r.getMessage()) for r in caplog.records if r.name == "apig_wsgi"
        ] == [
            (
                logging.WARNING,
                "The warm-up request GET /status/404/ answered '404 Not Found'; "
                "check APIG_WSGI_WARM_UP_PATHS.",
            ),
            (
                logging.WARNING,
                "The warm-up request GET /status/503/ answered "
                "'503 Service Unavailable'; check APIG_WSGI_WARM_UP_PATHS.",
            ),
        ]

    @override_settings(ALLOWED_HOSTS=["api.example.com"])
    def test_requests_use_an_allowed_host(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        warm_up(["/page/?q=1"])

        assert [r.levelno for r in caplog.records] == []

    @pytest.mark.parametrize(
        ("allowed_hosts", "host"),
        [
            (["api.example.com", "other.example.com"], "api.example.com"),
            ([".example.com"], "example.com"),
            (["*"], "localhost"),
            ([], "localhost"),
        ],
    )
    def test_host_is_the_first_allowed_one(
        self, allowed_hosts: list[str], host: str
    ) -> None:
        with override_settings(ALLOWED_HOSTS=allowed_hosts):
            assert warm_up_host() == host

    def test_templates_that_do_not_compile_are_logged(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        (tmp_path / "good.html").write_text("{{ value }}")
        (tmp_path / "broken.html").write_text("{% if %}")
        (tmp_path / "nested").mkdir()
        (tmp_path / "nested" / "binary.txt").write_bytes(b"\xff\xfe")
        (tmp_path / ".hidden.swp").write_bytes(b"\xff")
        templates = [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [tmp_path],
            }
        ]

        with override_settings(TEMPLATES=templates):
            count = load_templates()
            backend = engines["django"]
            assert isinstance(backend, DjangoTemplates)
            (loader,) = backend.engine.template_loaders
            assert isinstance(loader, CachedLoader)
            cache = loader.get_template_cache

        assert count == 1
        assert sorted(cache) == ["good.html"]
        broken, binary = (r.getMessage() for r in caplog.records)
        # Django 6.1 names the template in the error too.
        assert broken.startswith(
            f"The warm-up could not compile {tmp_path / 'broken.html'}: "
        )
        assert broken.endswith("Unexpected end of expression in if tag.")
        assert binary == (
            f"The warm-up could not compile {tmp_path / 'nested' / 'binary.txt'}: "
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
        )

    def test_only_django_engines_compile_their_directories(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "page.html").write_text("$value")
        templates = [
            {
                "BACKEND": "django.template.backends.dummy.TemplateStrings",
                "DIRS": [tmp_path],
                "APP_DIRS": False,
            },
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [tmp_path],
            },
        ]

        with override_settings(TEMPLATES=templates):
            assert load_templates() == 1


class TestSettings:
    def test_defaults(self) -> None:
        assert warm_up_settings() == (True, ())

    @override_settings(APIG_WSGI_WARM_UP=False, APIG_WSGI_WARM_UP_PATHS=["/", "/a/"])
    def test_values(self) -> None:
        assert warm_up_settings() == (False, ("/", "/a/"))

    @pytest.mark.parametrize(
        ("settings", "message"),
        [
            (
                {"APIG_WSGI_WARM_UP": 1},
                "APIG_WSGI_WARM_UP must be True or False, not 1. Set it to False "
                "to start without warming the project up.",
            ),
            (
                {"APIG_WSGI_WARM_UP_PATHS": "/health/"},
                "APIG_WSGI_WARM_UP_PATHS must be a list of paths, not '/health/'. "
                'Write a single path as ["/health/"].',
            ),
            (
                {"APIG_WSGI_WARM_UP_PATHS": {"/"}},
                "APIG_WSGI_WARM_UP_PATHS must be a list of paths, not {'/'}. "
                'Write a single path as ["/health/"].',
            ),
            (
                {"APIG_WSGI_WARM_UP_PATHS": ["health/"]},
                "APIG_WSGI_WARM_UP_PATHS must hold paths starting with '/', "
                "found 'health/'. Write each path as the client would request it, "
                "e.g. '/health/'.",
            ),
            (
                {"APIG_WSGI_WARM_UP_PATHS": [b"/"]},
                "APIG_WSGI_WARM_UP_PATHS must hold paths starting with '/', "
                "found b'/'. Write each path as the client would request it, "
                "e.g. '/health/'.",
            ),
        ],
    )
    def test_invalid(self, settings: dict[str, Any], message: str) -> None:
        with override_settings(**settings), pytest.raises(ImproperlyConfigured) as info:
            get_options()

        assert str(info.value) == message

    @override_settings(APIG_WSGI_WARM_UP=False, APIG_WSGI_WARM_UP_PATHS=["/"])
    def test_are_checked_with_the_other_settings(self) -> None:
        assert check_settings() == []


def test_docs_example_settings_warm_up_the_paths(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = ROOT / "docs" / "examples" / "django-cold-starts" / "settings.py"
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    values = {name: value for name, value in namespace.items() if name.isupper()}

    with override_settings(**values), caplog.at_level(logging.INFO):
        enabled, paths = warm_up_settings()
        warm_up(paths)

    assert (enabled, paths) == (True, ("/", "/health/"))
    assert [r.levelno for r in caplog.records if r.name == "apig_wsgi"] == [
        logging.INFO
    ]


class TestSnapStartHooks:
    def test_handler_import_registered_them(self) -> None:
        # Importing the handler module registered them, once.
        assert callable(lambda_handler)
        registered = [func for func, _, _ in snapshot_restore_py.get_before_snapshot()]
        restored = [func for func, _, _ in snapshot_restore_py.get_after_restore()]

        assert before_snapshot in registered
        assert after_restore in restored

    def test_not_registered_without_the_runtime_module(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)

        assert register_snapstart_hooks() is False

    def test_after_restore_reseeds_random(self) -> None:
        random.seed(15)
        snapshot_value = random.random()
        random.seed(15)

        after_restore()

        assert random.random() != snapshot_value

    def test_a_connection_that_fails_to_close_is_logged(
        self, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        def fail_to_close() -> None:
            raise DatabaseError("server closed the connection unexpectedly")

        monkeypatch.setattr(connections["default"], "close", fail_to_close)

        after_restore()

        assert [r.getMessage() for r in caplog.records] == [
            "Closing the database connection 'default' failed: "
            "server closed the connection unexpectedly"
        ]


# Runs in a fresh interpreter with an SQLite database: open a connection,
# then run the hooks the way Lambda's runtime does.
HOOKS_CLOSE_CONNECTIONS = """
import json, sys
import tests.contrib.django.project.settings as project_settings
project_settings.DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}
}
import apig_wsgi.contrib.django.handler
import snapshot_restore_py
from django.db import connection
states = []
hooks = snapshot_restore_py
for registry in (hooks.get_before_snapshot, hooks.get_after_restore):
    connection.ensure_connection()
    opened = connection.connection is not None
    for func, args, kwargs in registry():
        func(*args, **kwargs)
    states.append([opened, connection.connection is None])
print(json.dumps(states))
"""


def test_hooks_close_database_connections(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-c", HOOKS_CLOSE_CONNECTIONS, str(tmp_path / "db.sqlite3")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS},
        check=False,
    )

    assert (process.returncode, process.stderr) == (0, "")
    assert json.loads(process.stdout) == [[True, True], [True, True]]
