#!/usr/bin/env bash
# Run the example Django site locally, shaped as the deployment's Function URL
# (its responses streamed, as apig-wsgi's runtime loop streams them on AWS), on
# http://127.0.0.1:8000/. Works on a fresh clone: the first run makes
# example/.venv and installs this repository and the example's requirements.
#
# Extra arguments go to `python -m apig_wsgi serve`, e.g. another front:
#   bash scripts/run-example.sh --format alb --multi-value-headers
set -euo pipefail
cd "$(dirname "$0")/.."
repo_dir="$PWD"

python=""
for candidate in python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c pass 2>/dev/null; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "The example needs Python 3.12 or 3.13 (python3.13 or python3.12 on PATH)." >&2
    exit 1
fi

venv=example/.venv
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ example/requirements.txt -nt "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --editable "$repo_dir" --requirement example/requirements.txt
    touch "$stamp"
fi

cd example
export DJANGO_SETTINGS_MODULE=example_site.settings
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
# The local server speaks plain HTTP, where browsers drop Secure cookies.
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-false}"
# The guestbook's SQLite database, example/db.sqlite3 (DATABASE_URL may name
# another), migrated on every start; it costs nothing when nothing is new.
.venv/bin/python manage.py migrate --no-input >&2
# The handler the site stack names; it streams the fronts of APIG_WSGI_STREAM.
exec .venv/bin/python -m apig_wsgi serve apig_wsgi.contrib.django.handler:streaming_handler \
    --host 127.0.0.1 --port 8000 --format function-url --binary-media-types '*/*' "$@"
