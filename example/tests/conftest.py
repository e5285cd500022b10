from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = EXAMPLE_DIR.parent
DEPLOYMENT_DIR = EXAMPLE_DIR / "deployment"
ARTIFACTS_DIR = REPO_DIR / "test-artifacts"
# The tools live beside the interpreter of the tox environment.
BIN_DIR = Path(sys.executable).parent
TEST_SECRET_KEY = "test-secret-key-" + "k" * 50

# The in-process tests import the project the way the local server does.
sys.path.insert(0, str(EXAMPLE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
os.environ["DJANGO_SECRET_KEY"] = TEST_SECRET_KEY
os.environ["DJANGO_ALLOWED_HOSTS"] = "*"


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
