#!/usr/bin/env bash
# The real-VS-Code suites under load: one busy process per core (a Node busy loop, niced to the same priority as
# the tests) for the whole time, and the suites run RUNS times in a row (default 3). Needs `npm run build` and the
# toolchain (scripts/e2e/install.sh, which `npm test` runs). Prints one line per run and exits 1 if any failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-3}
LOAD=()
for _ in $(seq 1 "$(nproc)"); do node -e 'for (;;) {}' & LOAD+=($!); done
trap 'kill "${LOAD[@]}" 2>/dev/null' EXIT
fails=0
for i in $(seq 1 "$RUNS"); do
  s=$(date +%s)
  results=$(mktemp)
  SUITE_RESULTS=$results unshare -n sh -c "ip link set lo up && exec bash $HERE/e2e.sh" > "/tmp/loaded-e2e-$i.log" 2>&1
  rc=$?
  rm -f "$results"
  echo "loaded run $i of $RUNS: exit $rc in $(( $(date +%s) - s )) s; $(grep -E '^real VS Code: ' "/tmp/loaded-e2e-$i.log" | tail -1) (log /tmp/loaded-e2e-$i.log)"
  [ "$rc" = 0 ] || fails=$((fails + 1))
done
[ "$fails" = 0 ]
