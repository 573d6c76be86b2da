#!/usr/bin/env bash
# Compile the plugin's Qt assets: resources.qrc -> resources/resources_rc.py, i18n/*.ts -> i18n/*.qm.
# Skips a target that is newer than its sources, so it is cheap to call from every make target.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -f resources/resources.qrc ]; then
    if [ ! -f resources/resources_rc.py ] || [ -n "$(find resources -newer resources/resources_rc.py -not -name '*.py' -print -quit)" ]; then
        pyrcc5 -o resources/resources_rc.py resources/resources.qrc
        echo "[assets] compiled resources/resources_rc.py"
    fi
fi
shopt -s nullglob
for ts in i18n/*.ts; do
    qm="${ts%.ts}.qm"
    if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
        lrelease -silent "$ts" -qm "$qm"
        echo "[assets] compiled $qm"
    fi
done
