#!/usr/bin/env bash
# Refresh the translation sources from the plugin code (keeps existing translations; new strings appear as
# "unfinished" for translators), then compile them with scripts/build_assets.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t SOURCES < <(find mtrs_qgis_plugin -name '*.py' | sort)
for lang in de zh_CN; do
    pylupdate5 -noobsolete "${SOURCES[@]}" -ts "i18n/mtrs_${lang}.ts" 2>/dev/null
done
bash scripts/build_assets.sh
