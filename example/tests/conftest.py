from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import postgresql_server

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = EXAMPLE_DIR.parent
DEPLOYMENT_DIR = EXAMPLE_DIR / "deployment"
ARTIFACTS_DIR = REPO_DIR / "test-artifacts"
# The tools live beside the interpreter of the tox environment.
BIN_DIR = Path(sys.executable).parent
TEST_SECRET_KEY = "test-secret-key-" + "k" * 50

# The in-process tests import the project the way the local server does, with
# SQLite (as locally) and static files collected into a directory of their own.
IN_PROCESS_DIR = Path(tempfile.mkdtemp(prefix="apig-wsgi-example-"))
sys.path.insert(0, str(EXAMPLE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
os.environ["DJANGO_SECRET_KEY"] = TEST_SECRET_KEY
os.environ["DJANGO_ALLOWED_HOSTS"] = "*"
os.environ["DATABASE_URL"] = f"sqlite:///{IN_PROCESS_DIR / 'db.sqlite3'}"
os.environ["DJANGO_STATIC_ROOT"] = str(IN_PROCESS_DIR / "static")


def prepare_in_process_site() -> None:
    """Migrate the SQLite database and collect the static files.

    Done on import, before any test module imports the handler, whose warm-up
    renders a page that needs the static files' manifest.
    """
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)


prepare_in_process_site()


@pytest.fixture(scope="session", autouse=True)
def remove_in_process_site() -> Iterator[None]:
    yield
    shutil.rmtree(IN_PROCESS_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL server on 127.0.0.1, and its database's URL."""
    base_dir = Path(tempfile.mkdtemp(prefix="apig-wsgi-postgresql-"))
    with postgresql_server(base_dir) as url:
        yield url


def run_playbook(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the unmodified playbook as a user would, without colours."""
    run_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DJANGO_", "AWS_"))
    }
    run_env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    run_env.update(env or {})
    return subprocess.run(
        [
            str(BIN_DIR / "ansible-playbook"),
            str(DEPLOYMENT_DIR / "playbook.yml"),
            *args,
        ],
        capture_output=True,
        text=True,
        env=run_env,
        check=False,
    )


@pytest.fixture(scope="session")
def lambda_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build directory after the playbook's build step."""
    build_dir = tmp_path_factory.mktemp("build")
    result = run_playbook("--tags", "build", "-e", f"build_dir={build_dir}")
    assert result.returncode == 0, result.stdout + result.stderr
    return build_dir
