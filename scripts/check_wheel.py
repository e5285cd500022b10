"""Check that the built wheel ships the typed package and nothing else.

Usage: python scripts/check_wheel.py DIST_DIR
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

REQUIRED = {
    "apig_wsgi/__init__.py",
    "apig_wsgi/py.typed",
    "apig_wsgi/contrib/django/apps.py",
    "apig_wsgi/contrib/django/management/commands/apig_invoke.py",
}
FORBIDDEN_PREFIXES = ("tests/", "example/", "bench/", "scripts/")


def main() -> int:
    wheels = sorted(Path(sys.argv[1]).glob("apig_wsgi-*.whl"))
    if len(wheels) != 1:
        print(f"Expected one wheel in {sys.argv[1]}, found {wheels}")
        return 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    problems = [f"missing {name}" for name in sorted(REQUIRED - names)]
    problems += [
        f"unexpected {name}"
        for name in sorted(names)
        if name.startswith(FORBIDDEN_PREFIXES)
    ]
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheels[0]).read(metadata).decode()
    problems += [
        f"the core must have no run-time dependencies: {line}"
        for line in text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    for problem in problems:
        print(problem)
    print(f"{wheels[0].name}: {len(names)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
