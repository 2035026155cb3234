#!/usr/bin/env bash
# Opens the real desktop window under Xvfb on a demo store, checks that the
# window appears with its Vietnamese title, signs in with the demo officer's
# PIN typed by xdotool (the app logs the sign-in), checks that the app keeps
# running and logs into the data folder, and takes screenshots
# (SMOKE_SHOT=FILE keeps the main screen, SMOKE_SIGNIN_SHOT=FILE the
# sign-in screen).
# Usage: bash .ci/smoke.sh BVNTD_BINARY WORKDIR
set -euo pipefail
bin=$1 work=$2
export LANG=C.UTF-8 XDG_CONFIG_HOME="$work/xdg-smoke"
data="$work/smoke-data"
"$bin" demo --data "$data" --commune 28261 --complaints 30 --seed 7 2>/dev/null
# Xvfb picks a free display itself and writes its number when it is ready
# to accept clients (-displayfd), so two runs never collide.
: >"$work/xdisplay"
Xvfb -displayfd 3 -screen 0 1024x700x24 -nolisten tcp 3>"$work/xdisplay" >/dev/null 2>&1 & xpid=$!
app_pid=""
stop() {
  set +e
  if [[ -n $app_pid ]]; then kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; fi
  kill "$xpid" 2>/dev/null
  wait "$xpid" 2>/dev/null
  return 0
}
trap stop EXIT
for _ in $(seq 100); do [[ -s $work/xdisplay ]] && break; sleep 0.1; done
if [[ ! -s $work/xdisplay ]]; then echo "smoke: Xvfb did not start" >&2; echo "smoke: 0 passed, 1 failed"; exit 1; fi
export DISPLAY=:$(tr -d '[:space:]' <"$work/xdisplay")
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
  import -window root "$work/smoke-signin.png"
  [[ -n ${SMOKE_SIGNIN_SHOT:-} ]] && cp "$work/smoke-signin.png" "$SMOKE_SIGNIN_SHOT"
  # The PIN box has the focus; the demo officer's PIN is cli.DemoPIN.
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  xdotool type --window "$wid" --delay 150 135246
  xdotool key --window "$wid" Return
  signed=""
  for _ in $(seq 50); do
    grep -q 'ui: signed in' "$data/bvntd.log" 2>/dev/null && { signed=1; break; }
    sleep 0.2
  done
  if [[ -n $signed ]]; then passed=$((passed + 1)); else
    echo "smoke: signing in with the demo PIN did not work" >&2; failed=$((failed + 1)); fi
  sleep 1
  import -window root "$work/smoke.png"
  [[ -n ${SMOKE_SHOT:-} ]] && cp "$work/smoke.png" "$SMOKE_SHOT"
else
  echo "smoke: the window did not appear; app log:" >&2
  cat "$work/smoke-app.log" >&2
  failed=$((failed + 1))
fi
if kill -0 "$app_pid" 2>/dev/null; then passed=$((passed + 1)); else
  echo "smoke: the app exited early" >&2; failed=$((failed + 1)); fi
# The window logs into the data folder's rotating log.
if grep -q 'msg="window opened"' "$data/bvntd.log" 2>/dev/null; then passed=$((passed + 1)); else
  echo "smoke: no \"window opened\" in $data/bvntd.log" >&2; failed=$((failed + 1)); fi
echo "smoke: $passed passed, $failed failed"
((failed == 0))
