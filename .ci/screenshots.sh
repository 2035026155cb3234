#!/usr/bin/env bash
# The real-window walkthrough (not part of CI): builds both programs, starts
# a provincial server and a demo laptop of Phường Mỹ Tho enrolled with it,
# opens the app under Xvfb at 1366×768 and goes through it as an officer
# would, saving a PNG of each step into OUT (default ./screenshots):
#
#   01 sign-in · 02 complaint list · 03 dashboard · 04 new complaint form ·
#   05 the form refusing to save without channel and kind · 06 "Đóng" asking
#   before it drops what was typed · 07 training sessions · 08 a session's
#   attendance · 09 the attendance box finding "ngo my" without diacritics ·
#   10 Enter: marked present · 11 reports · 12 sync panel · 13 after
#   "Đồng bộ ngay" · 14 locked
#
# Tabs are reached with the keyboard (Alt+1 … Alt+8, the "Màn hình" menu),
# names and the PIN are typed with xdotool; the few buttons are clicked at
# their places in a 1366×768 window (if the layout moves, the pictures show
# where the clicks went). Look at every picture.
# Usage: bash .ci/screenshots.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshots}")
mkdir -p "$out"
bash .ci/deps.sh test
export LANG=C.UTF-8
work=$(mktemp -d -t bvntd-shots.XXXXXX)
export XDG_CONFIG_HOME="$work/xdg"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/bvntd" .
go build -o "$work/bvntd-server" ./cmd/bvntd-server
data="$work/data"
"$work/bvntd" demo --data "$data" --commune 28261 --seed 1 >/dev/null 2>&1
"$work/bvntd-server" serve --db "$work/server.sqlite" --addr 127.0.0.1:18181 2>"$work/server.log" & pids+=($!)
for _ in $(seq 50); do curl -fs http://127.0.0.1:18181/v1/health >/dev/null 2>&1 && break; sleep 0.2; done
code=$("$work/bvntd-server" enroll --db "$work/server.sqlite" --scope 28261)
"$work/bvntd" enroll --data "$data" --server http://127.0.0.1:18181 --code "$code" >/dev/null

: >"$work/xdisplay"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$work/xdisplay" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 100); do [[ -s $work/xdisplay ]] && break; sleep 0.1; done
export DISPLAY=:$(tr -d '[:space:]' <"$work/xdisplay")
"$work/bvntd" --data "$data" >"$work/app.log" 2>&1 & pids+=($!)
wid=""
for _ in $(seq 100); do
  wid=$(xdotool search --name "BVNTD Đồng Tháp" 2>/dev/null | head -1 || true)
  [[ -n $wid ]] && break
  sleep 0.2
done
[[ -n $wid ]] || { echo "screenshots: the window did not appear" >&2; cat "$work/app.log" >&2; exit 1; }
sleep 2

n=0
shot() { # shot NAME [WAIT]: wait, then save the screen as NN-NAME.png
  sleep "${2:-1.5}"
  n=$((n + 1))
  import -window root "$out/$(printf %02d "$n")-$1.png"
  echo "  $(printf %02d "$n")-$1.png" >&2
}
key() { xdotool key --window "$wid" "$@"; }
click() { xdotool mousemove "$1" "$2" click 1; }
typ() { xdotool type --delay 80 "$1"; }

echo "screenshots in $out:" >&2
shot signin 0
xdotool windowfocus --sync "$wid" 2>/dev/null || true
typ 135246; key Return              # the demo officer's PIN (cli.DemoPIN)
sleep 3
for _ in 1 2 3; do                  # the main screens set their own size once shown
  xdotool windowmove "$wid" 0 0; xdotool windowsize "$wid" 1366 768; sleep 1
done
shot cases
key alt+5; shot dashboard 8
key alt+1; sleep 1; click 1297 89   # "Thêm vụ việc"
shot case-form
click 340 573; typ "Nguyễn Văn Thử" # consumer's name
click 1327 700                      # "Lưu" without channel and kind
shot case-form-errors
click 1255 700                      # "Đóng": it asks before dropping what was typed
shot case-form-discard
click 752 436                       # "Bỏ thay đổi"
key alt+2; shot training
click 240 204                       # the first session (planned: the register is open)
shot session
click 600 275; typ "ngo my"         # the attendance box
shot attendance-suggestions
key Return; shot attendance-marked
key alt+6; shot reports
key alt+8; shot sync
click 75 598                        # "Đồng bộ ngay"
shot sync-done 10
click 1323 746                      # "Khóa"
shot locked
echo "screenshots: $n pictures; look at every one" >&2
