"""bench/cold_start.py runs on the built zip (its timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO_DIR
from conftest import TEST_SECRET_KEY


def test_cold_start_benchmark_runs_on_the_built_zip(lambda_build: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_DIR / "bench" / "cold_start.py"),
            str(lambda_build / "lambda.zip"),
            "--runs",
            "2",
            "--path",
            "/cookies/",
            "--json",
            "--env",
            "DJANGO_SETTINGS_MODULE=example_site.settings",
            "--env",
            f"DJANGO_SECRET_KEY={TEST_SECRET_KEY}",
            "--env",
            "DJANGO_ALLOWED_HOSTS=*",
            "--env",
            "DATABASE_URL=sqlite://:memory:",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["runs"]) == 2
    assert sorted(report["summary"]) == ["first_ms", "ratio", "ready_ms", "second_ms"]
    assert all(run["ready_ms"] > run["first_ms"] > 0 for run in report["runs"])
