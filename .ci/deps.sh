#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs, only those missing.
# Usage: bash .ci/deps.sh [run|test]
#   run  : what building and opening the desktop app needs (cgo + X11/GL headers)
#   test : that, plus Xvfb, xdotool and ImageMagick for the window smoke test,
#          python3-openpyxl, the independent reader the tests check every .xlsx report with,
#          PostgreSQL (initdb, pg_ctl, pg_dump, pg_restore): the server tests start a
#          throwaway cluster of their own (storage/pgtest); the system cluster is not used;
#          mingw-w64's gcc for the Windows cross-build (.ci/windows.sh);
#          and Debian's chromium, the headless browser the public intake form's
#          test drives (sync/intakeweb, chromedp; under CI it must be there)
set -euo pipefail
what=${1:-test}
pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
      libxi-dev libxxf86vm-dev libgl1-mesa-dri)
if [[ $what == test ]]; then
  pkgs+=(xvfb xauth xdotool imagemagick python3-openpyxl postgresql gcc-mingw-w64-x86-64 chromium)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # --no-upgrade: naming libgl1-mesa-dev must not upgrade the installed Mesa.
  $sudo apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" >/dev/null
fi
