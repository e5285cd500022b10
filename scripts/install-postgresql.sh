#!/usr/bin/env bash
# Debian's PostgreSQL server for the example's tests, which start a throwaway
# server of their own on 127.0.0.1. Installs only what is missing, so running it
# again costs nothing.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is missing and apt-get is not available: install the PostgreSQL server (its bin directory under /usr/lib/postgresql/<version>/)." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends postgresql
