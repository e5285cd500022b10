#!/usr/bin/env bash
# The whole test suite from a fresh clone: makes its own virtual environment
# for tox, then runs every tox environment (tests on Python 3.9-3.13 across the
# supported Django versions, lint, types, the example and the benchmark smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."

# pyenv shims only resolve the active versions; list them all so tox finds each one.
export PYENV_VERSION="${PYENV_VERSION:-3.11.7:3.9.18:3.10.13:3.12.1:3.13.0}"

for minor in 3.9 3.10 3.11 3.12 3.13; do
    if ! command -v "python$minor" >/dev/null 2>&1 || ! "python$minor" -c pass 2>/dev/null; then
        echo "python$minor is missing: the suite needs every supported interpreter." >&2
        exit 1
    fi
done

venv=.venv-tox
if [ ! -x "$venv/bin/tox" ]; then
    python3.11 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet -r requirements/tox.txt
fi
exec "$venv/bin/tox" run "$@"
