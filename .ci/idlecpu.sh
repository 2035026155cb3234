#!/usr/bin/env bash
# The desktop window at rest (issue 22 item 4; not part of CI): builds the
# app and a provincial server, makes a demo laptop of Phường Mỹ Tho enrolled
# with it and synced (so the sync scheduler runs as in the field), opens the real
# window under Xvfb, signs in, and measures the process's CPU time
# (utime+stime from /proc) and its context switches (a proxy of wake-ups)
# over SECONDS while signed in and idle on the complaint list, then while
# locked; then the same for a bare Fyne window (a label, nothing else: the
# floor Fyne's own event loop sets, which polls 60 times a second). Prints
# each as % of one core and switches per second.
# Usage: bash .ci/idlecpu.sh [SECONDS]   (default 300: five minutes each)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
bash .ci/deps.sh test
export LANG=C.UTF-8
work=$(mktemp -d -t bvntd-idle.XXXXXX)
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT
go build -o "$work/bvntd" .
go build -o "$work/bvntd-server" ./cmd/bvntd-server
mkdir -p "$work/floor"
cat >"$work/floor/main.go" <<'GO'
// A Fyne window with a label and nothing else: the floor of an idle window.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("vn.gov.dongthap.bvntd.floor")
	w := a.NewWindow("floor")
	w.SetContent(widget.NewLabel("Fyne"))
	w.Resize(fyne.NewSize(1366, 768))
	w.ShowAndRun()
}
GO
go build -o "$work/floor/floor" "$work/floor/main.go"
export XDG_CONFIG_HOME="$work/xdg"
data="$work/data" port=$((18681 + RANDOM % 500))
"$work/bvntd" demo --data "$data" --commune 28261 --seed 1 >/dev/null 2>&1
"$work/bvntd-server" serve --db "$work/server.sqlite" --addr 127.0.0.1:$port 2>"$work/server.log" & pids+=($!)
for _ in $(seq 50); do curl -fs http://127.0.0.1:$port/v1/health >/dev/null 2>&1 && break; sleep 0.2; done
code=$("$work/bvntd-server" enroll --db "$work/server.sqlite" --scope 28261)
"$work/bvntd" enroll --data "$data" --server http://127.0.0.1:$port --code "$code" >/dev/null
# The demo's records and evidence files go up now, as a laptop's first
# sync would have sent them long before a day at rest: the window then has
# only its periodic syncs (every 5 minutes) to make.
"$work/bvntd" sync --data "$data" >/dev/null 2>&1

W=1366 H=768
: >"$work/xdisplay"
Xvfb -displayfd 3 -screen 0 "${W}x${H}x24" -nolisten tcp 3>"$work/xdisplay" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 100); do [[ -s $work/xdisplay ]] && break; sleep 0.1; done
export DISPLAY=:$(tr -d '[:space:]' <"$work/xdisplay")
"$work/bvntd" --data "$data" >"$work/app.log" 2>&1 & app=$!; pids+=($app)
wid=""
for _ in $(seq 100); do
  wid=$(xdotool search --name "BVNTD Đồng Tháp" 2>/dev/null | head -1 || true)
  [[ -n $wid ]] && break
  sleep 0.2
done
[[ -n $wid ]] || { echo "idlecpu: the window did not appear" >&2; cat "$work/app.log" >&2; exit 1; }
sleep 2
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool type --delay 60 135246; xdotool key --window "$wid" Return   # the demo officer's PIN
sleep 3
xdotool windowmove "$wid" 0 0; xdotool windowsize "$wid" "$W" "$H"
sleep 30 # the first sync, the list and the dashboard's first load settle

tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$app/stat"; }
switches() { awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$app/status"; }
measure() { # measure LABEL
  local c0 s0 c1 s1
  c0=$(cpu); s0=$(switches)
  sleep "$secs"
  c1=$(cpu); s1=$(switches)
  awk -v l="$1" -v c=$((c1 - c0)) -v s=$((s1 - s0)) -v t="$tick" -v d="$secs" \
    'BEGIN {printf "%-28s CPU %.2f%% of a core (%.2f s in %d s), %.1f context switches/s\n", l, 100 * c / t / d, c / t, d, s / d}'
}
measure "signed in, idle (list)"
xdotool mousemove $((W - 43)) $((H - 22)) click 1   # "Khóa"
sleep 5
measure "locked"
kill "$app" 2>/dev/null || true
"$work/floor/floor" >/dev/null 2>&1 & app=$!; pids+=($app)
sleep 15
measure "bare Fyne window (the floor)"
