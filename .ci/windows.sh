#!/usr/bin/env bash
# Cross-builds the two programs for Windows (amd64) on Linux and checks them:
#   bvntd.exe         the desktop app: cgo + OpenGL with mingw-w64's gcc, through
#                     `fyne package -os windows --release`, which writes FyneApp.toml's
#                     icon, name, version and app ID into the exe as Windows resources
#                     (a .syso it generates, links and removes again)
#   bvntd-server.exe  the provincial server: pure Go
# then checks that bvntd.exe carries its icon, version and manifest resources with
# FyneApp.toml's name and version, and prints both sizes.
# Usage: bash .ci/windows.sh [OUTDIR]   (default .ci/out; needs gcc-mingw-w64-x86-64,
# which `bash .ci/deps.sh test` installs). Cold: ~5 min (go-gl for Windows); warm: seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.ci/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
FYNE_TOOLS=v1.7.4 # fyne.io/tools, the packager matching Fyne v2.7.1

# The fyne command, pinned, installed once per machine (7 s).
tools="${XDG_CACHE_HOME:-$HOME/.cache}/bvntd-tools/fyne-$FYNE_TOOLS"
if [[ ! -x $tools/fyne ]]; then
  GOBIN="$tools" go install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS"
fi

# fyne package builds in the main package's folder and leaves files there while it
# runs; an interrupted run must not leave fyne.syso behind (Linux builds would link it).
# It also rewrites FyneApp.toml with Build+1 after every package: the build number is
# ours to bump with each release, so the file is put back as it was.
name=$(sed -n 's/^Name *= *"\(.*\)"/\1/p' FyneApp.toml)
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
toml=$(mktemp)
cp FyneApp.toml "$toml"
cleanup() {
  rm -f fyne.syso fyne_metadata_init.go "$name.exe" bvntd.exe
  if [[ -f $toml ]]; then cat "$toml" >FyneApp.toml; rm -f "$toml"; fi
}
trap cleanup EXIT
rm -f fyne.syso fyne_metadata_init.go "$name.exe" bvntd.exe

t0=$(date +%s)
CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOOS=windows GOARCH=amd64 "$tools/fyne" package -os windows --release
mv "$name.exe" "$out/bvntd.exe"
t1=$(date +%s)
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$out/bvntd-server.exe" ./cmd/bvntd-server
t2=$(date +%s)

# The resources: objdump's .rsrc directory lists the types at its first level
# ("010   Entry: ID: 0x000003, …"): 3 icon, 14 (0xe) icon group, 16 (0x10) version,
# 24 (0x18) manifest; the version block holds the name and version as UTF-16.
types=$(x86_64-w64-mingw32-objdump -p "$out/bvntd.exe" | sed -n '/^The \.rsrc Resource Directory section/,$p' |
  sed -n 's/^[0-9a-f]*   Entry: ID: 0x\([0-9a-f]*\),.*/\1/p' | while read -r h; do echo $((16#$h)); done | tr '\n' ' ')
echo "windows: bvntd.exe resource types: $types(3 icon, 14 icon group, 16 version, 24 manifest)" >&2
fail=0
for type in 3 14 16 24; do
  if [[ " $types" != *" $type "* ]]; then
    echo "windows: bvntd.exe has no resource of type $type" >&2; fail=1
  fi
done
x86_64-w64-mingw32-objdump -h "$out/bvntd.exe" | grep -q ' \.rsrc ' || { echo "windows: no .rsrc section" >&2; fail=1; }
utf16() { # a PCRE matching s's UTF-16LE bytes
  printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | od -An -tx1 -v | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//; s/ /\\x/g; s/^/\\x/'
}
for s in "$name" "$version.$build" "ProductVersion"; do
  if ! LC_ALL=C grep -qaP "$(utf16 "$s")" "$out/bvntd.exe"; then
    echo "windows: bvntd.exe's version resource lacks \"$s\"" >&2; fail=1
  fi
done
# Only Windows' own DLLs: a mingw runtime DLL (libgcc, libwinpthread) would have to be shipped.
for exe in bvntd.exe bvntd-server.exe; do
  dlls=$(x86_64-w64-mingw32-objdump -p "$out/$exe" | sed -n 's/^\tDLL Name: //p' | sort -u | tr '\n' ' ')
  echo "windows: $exe imports $dlls" >&2
  for d in $dlls; do
    case ${d^^} in
      GDI32.DLL | KERNEL32.DLL | OPENGL32.DLL | SHELL32.DLL | USER32.DLL | MSVCRT.DLL | ADVAPI32.DLL | WS2_32.DLL | WINMM.DLL | NTDLL.DLL) ;;
      *) echo "windows: $exe needs $d, which Windows does not have" >&2; fail=1 ;;
    esac
  done
done
file "$out/bvntd.exe" "$out/bvntd-server.exe" 2>/dev/null | sed "s|$out/||" >&2 || true
((fail == 0))
size() { du -m "$1" | cut -f1; }
echo "windows: bvntd.exe $(stat -c %s "$out/bvntd.exe") bytes (~$(size "$out/bvntd.exe") MB, icon + version $version.$build), built in $((t1 - t0)) s;" \
  "bvntd-server.exe $(stat -c %s "$out/bvntd-server.exe") bytes (~$(size "$out/bvntd-server.exe") MB), built in $((t2 - t1)) s; in $out" >&2
