#!/usr/bin/env bash
# The one-clock rule (docs/DESIGN.md §7, app/clock.go): the current time is read
# only by the clock's own files, the programs' entry points and the bench
# command; every other part takes the clock it is given. Fails, listing
# the lines, when time.Now, time.Since or time.Until (or app.WallClock, the
# real clock) appears anywhere else, tests included.
#   app/clock.go           the real clock (WallClock)
#   app/clocktest/         the tests' clock: the simulated today
#   main.go, cmd/bvntd-server/main.go   the entry points
#   cmd/bvntd-bench/       the bench command (wall times are what it measures)
#   sync/netsim/netsim.go  the simulated link: paces bytes in real time (it
#                          reads no date; only tests and the bench use it)
#   */testdata/            programs run in an old worktree (mkfixture)
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard "*.go" 2>/dev/null || find . -name '*.go' | sed 's|^\./||')
fail=0
for f in $files; do
  [[ -f $f ]] || continue
  case $f in
    app/clock.go|app/clocktest/*|main.go|cmd/bvntd-server/main.go|cmd/bvntd-bench/*|sync/netsim/netsim.go|*/testdata/*) continue ;;
  esac
  if grep -nE '\btime\.(Now|Since|Until)\b' "$f" | grep -vE '^[0-9]+:\s*//' | sed "s|^|$f:|" | grep .; then fail=1; fi
  if grep -nE '\bapp\.WallClock\b' "$f" | grep -vE '^[0-9]+:\s*//' | sed "s|^|$f:|" | grep .; then fail=1; fi
done
if ((fail)); then
  echo "clock rule: the lines above read the real clock; take the program's clock instead (app/clock.go; tests: app/clocktest)" >&2
  exit 1
fi
