#!/usr/bin/env bash
# Compile the plugin's Qt assets: resources.qrc -> resources/resources_rc.py, i18n/*.ts -> i18n/*.qm.
# Skips a target that is newer than its sources, so it is cheap to call from every make target. The compiled
# files are committed: without pyrcc5/lrelease (a machine without the Qt tools, `make zip` in a fresh clone,
# where checkout order decides the timestamps) the committed ones are kept; a missing one is an error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# compile TOOL OUTPUT ARGS...: run TOOL, or keep an existing OUTPUT when TOOL is not installed
compile() {
    local tool="$1" out="$2"
    shift 2
    if command -v "$tool" >/dev/null 2>&1; then
        "$tool" "$@"
        echo "[assets] compiled $out"
    elif [ -f "$out" ]; then
        echo "[assets] $tool not found: keeping the committed $out"
    else
        echo "[assets] $tool not found and $out is missing (install the Qt tools: pyqt5-dev-tools, qttools5-dev-tools)" >&2
        exit 1
    fi
}

if [ -f resources/resources.qrc ]; then
    if [ ! -f resources/resources_rc.py ] || [ -n "$(find resources -newer resources/resources_rc.py -not -name '*.py' -print -quit)" ]; then
        compile pyrcc5 resources/resources_rc.py -o resources/resources_rc.py resources/resources.qrc
    fi
fi
shopt -s nullglob
for ts in i18n/*.ts; do
    qm="${ts%.ts}.qm"
    if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
        compile lrelease "$qm" -silent "$ts" -qm "$qm"
    fi
done
