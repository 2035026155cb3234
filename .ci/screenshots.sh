#!/usr/bin/env bash
# The real-window walkthrough (not part of CI): builds both programs, and for
# each screen size (default 1366x768 and 1024x600) starts a provincial server
# and a demo laptop of Phường Mỹ Tho enrolled with it, opens the app under
# Xvfb at that size and goes through it as an officer would, saving a PNG of
# each step into OUT/SIZE (default ./screenshots/SIZE):
#
#   01 sign-in · 02 complaint list · 03 dashboard · 04 a case with its
#   deadline and steps · 05 new complaint form · 06 the form refusing to
#   save without channel and kind · 07 "Đóng" asking before it drops what
#   was typed · 08 locked with the form open · 09 the same officer back:
#   the form as it was · 10 training sessions · 11 a session planned for
#   next month: registrations only · 12 a session held: its register ·
#   13 registry · 14 reports · 15 the annual report's narrative (Báo cáo) ·
#   16 off-premises sales notices · 17 review ("Cần xem xét") · 18 sync
#   panel · 19 after "Đồng bộ ngay" · 20 "Đăng ký lại" from the sync tab ·
#   21 the same with a server that does not answer: told within 15 s ·
#   22 "Dữ liệu của một người" with a demo consumer found by a name typed
#   without diacritics · 23 a complaint a consumer sent on the public
#   form (serve --public-addr, sent with curl before the walk), pulled by
#   "Đồng bộ ngay": the list marks it "Mới từ cổng trực tuyến" · 24 that
#   case: its tracking code and the reply to the consumer · 25 locked
#
# Tabs are reached with the keyboard (Alt+1 … Alt+9, Alt+0, the "Màn hình" menu),
# names and the PIN are typed with xdotool; the few buttons are clicked at
# their places, measured for each size below (if the layout moves, the
# pictures show where the clicks went). Look at every picture.
# Usage: bash .ci/screenshots.sh [OUT] [SIZE…]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshots}")
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1366x768 1024x600)
bash .ci/deps.sh test
export LANG=C.UTF-8
bin=$(mktemp -d -t bvntd-shots-bin.XXXXXX)
go build -o "$bin/bvntd" .
go build -o "$bin/bvntd-server" ./cmd/bvntd-server

walk() { # walk W H DIR
  local W=$1 H=$2 dir=$3
  mkdir -p "$dir"
  local work pids=()
  work=$(mktemp -d -t bvntd-shots.XXXXXX)
  export XDG_CONFIG_HOME="$work/xdg"
  stop() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
  }
  trap stop RETURN
  local data="$work/data" port=$((18181 + RANDOM % 500)) pport=$((18781 + RANDOM % 500))
  "$bin/bvntd" demo --data "$data" --commune 28261 --seed 1 >/dev/null 2>&1
  "$bin/bvntd-server" serve --db "$work/server.sqlite" --addr 127.0.0.1:$port --public-addr 127.0.0.1:$pport 2>"$work/server.log" & pids+=($!)
  for _ in $(seq 50); do curl -fs http://127.0.0.1:$port/v1/health >/dev/null 2>&1 && break; sleep 0.2; done
  local code
  code=$("$bin/bvntd-server" enroll --db "$work/server.sqlite" --scope 28261)
  "$bin/bvntd" enroll --data "$data" --server http://127.0.0.1:$port --code "$code" >/dev/null
  # A consumer sends the public form (as a browser would: the form's hidden
  # id, time and token, then its minimum fill time); the laptop gets the
  # case at "Đồng bộ ngay".
  local form hidden=()
  form=$(curl -fs "http://127.0.0.1:$pport/")
  for f in submission_id issued token; do
    hidden+=(-F "$f=$(grep -o "name=\"$f\" value=\"[^\"]*\"" <<<"$form" | sed 's/.*value="//; s/"$//')")
  done
  sleep 6
  curl -fs -o /dev/null "${hidden[@]}" -F unit_code=28261 -F "name=Huỳnh Thị Mai" -F "phone=0939 123 456" \
    -F "address=Số 8, đường Nguyễn Trãi, khu phố 2" -F "business_name=Cửa hàng điện máy Thanh Tâm" \
    -F "product=Máy giặt 8 kg" -F "summary=Máy giặt mua ngày 28/11 không vắt được; cửa hàng hẹn đến sửa ba lần nhưng không đến." \
    -F "request=Đề nghị cửa hàng đổi máy giặt mới." -F notice=1 "http://127.0.0.1:$pport/gui" ||
    echo "screenshots: the public form did not take the submission" >&2

  : >"$work/xdisplay"
  Xvfb -displayfd 3 -screen 0 "${W}x${H}x24" -nolisten tcp 3>"$work/xdisplay" >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 100); do [[ -s $work/xdisplay ]] && break; sleep 0.1; done
  export DISPLAY=:$(tr -d '[:space:]' <"$work/xdisplay")
  "$bin/bvntd" --data "$data" >"$work/app.log" 2>&1 & pids+=($!)
  local wid=""
  for _ in $(seq 100); do
    wid=$(xdotool search --name "BVNTD Đồng Tháp" 2>/dev/null | head -1 || true)
    [[ -n $wid ]] && break
    sleep 0.2
  done
  [[ -n $wid ]] || { echo "screenshots: the window did not appear" >&2; cat "$work/app.log" >&2; return 1; }
  sleep 2

  local n=0
  shot() { # shot NAME [WAIT]: wait, then save the screen as NN-NAME.png
    sleep "${2:-1.5}"
    n=$((n + 1))
    import -window root "$dir/$(printf %02d "$n")-$1.png"
    echo "  ${W}x${H}/$(printf %02d "$n")-$1.png" >&2
  }
  key() { xdotool key --window "$wid" "$@"; }
  click() { xdotool mousemove "$1" "$2" click 1; }
  typ() { xdotool type --delay 60 "$1"; }
  # Places, measured on the pictures of each size: most are anchored to
  # the window's right or bottom edge.
  local addCase=$((W - 69)),89 save=$((W - 39)),$((H - 70)) close=$((W - 111)),$((H - 70))
  local lock=$((W - 43)),$((H - 22)) firstRow=100,281 back=60,91 session2=240,243 narrative=300,336 session=240,204
  # The sync tab is laid out from its top left; the enrolment form's
  # introduction takes two lines on a narrow screen, one on a wide one.
  local syncNow=75,416 enrolAgain=200,416 enrolServer=200,278 enrolCode=200,356 enrolGo=57,397
  if ((W >= 1366)); then enrolServer=200,258 enrolCode=200,337 enrolGo=60,377; fi
  at() { click "${1%,*}" "${1#*,}"; }

  shot signin 0
  xdotool windowfocus --sync "$wid" 2>/dev/null || true
  typ 135246; key Return              # the demo officer's PIN (cli.DemoPIN)
  sleep 3
  for _ in 1 2 3; do                  # the window opens at its last size; make it the screen's
    xdotool windowmove "$wid" 0 0; xdotool windowsize "$wid" "$W" "$H"; sleep 1
  done
  shot cases
  key alt+5; shot dashboard 8
  key alt+1; sleep 1; at $firstRow    # the newest case
  shot case 3
  at $back; sleep 1; at $addCase      # "Danh sách", then "Thêm vụ việc"
  shot case-form
  key ctrl+a; typ "01/12/2026"        # the day received: something typed
  at $save                            # "Lưu" without channel and kind
  shot case-form-errors
  at $close                           # "Đóng": it asks before dropping what was typed
  shot case-form-discard
  key Return                          # the default: "Tiếp tục nhập"
  sleep 1; at $lock                   # "Khóa" with the form open
  shot locked-with-form
  typ 135246; key Return              # the same officer: the form comes back
  shot form-back 3
  at $close; sleep 1; key Tab; key space   # "Đóng", then "Bỏ thay đổi"
  key alt+2; shot training
  at $session                         # the first session: planned for next month
  shot session-planned                # registrations only, no present/absent yet
  at $back; sleep 1; at $session2     # a session held: its register
  shot session-held
  key alt+4; shot registry
  key alt+6; shot reports
  at $narrative                       # "Viết nội dung báo cáo năm…"
  shot report-narrative
  at $close; sleep 1
  key alt+7; shot notices
  key alt+8; shot review
  key alt+9; shot sync
  at $syncNow                         # "Đồng bộ ngay"
  shot sync-done 10
  at $enrolAgain                      # "Đăng ký lại"
  shot enrol-again
  at $enrolServer; key ctrl+a; typ "http://127.0.0.1:9"   # nothing listens there
  at $enrolCode; key ctrl+a; typ "ABCD-EFGH"
  at $enrolGo
  shot enrol-server-down 17
  key alt+0; sleep 1                  # "Dữ liệu của một người": the name field has the focus
  typ "bui hong trang"; key Return    # a demo consumer (seed 1), typed without diacritics
  shot person 2
  key alt+1; sleep 1                  # the list: the online case, newest, marked
  shot online-new
  at $firstRow                        # opened: its tracking code, the reply to the consumer
  shot online-case 3
  at $back; sleep 1; at $lock
  shot locked
  echo "screenshots: $n pictures at ${W}x${H}; look at every one" >&2
}

for s in "${sizes[@]}"; do
  walk "${s%x*}" "${s#*x}" "$out/$s"
done
rm -rf "$bin"
