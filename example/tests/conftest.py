from __future__ import annotations

import os
import sys
from pathlib import Path

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
