#!/usr/bin/env bash
# Regenerate requirements/constraints.txt from a clean venv built from requirements/*.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q -r "$ROOT/requirements/engine.txt" -r "$ROOT/requirements/dev.txt"
"$TMP/venv/bin/python" -m pip install -q --no-deps -r "$ROOT/requirements/nodeps.txt"
{
    echo "# Lock of the engine venv (pip freeze --local after a clean install on Debian 12). Regenerate with"
    echo "# 'make lock' after changing engine.txt/dev.txt."
    "$TMP/venv/bin/python" -m pip freeze --local | grep -v '^-e'
} > "$ROOT/requirements/constraints.txt"
echo "wrote requirements/constraints.txt"
