#!/usr/bin/env bash
# The newcomer path alone, by a driver of its own that follows only the screens (scripts/e2e/newcomer-drive.js): an
# empty folder, a fresh org, no Salesforce CLI, the browser login (the test org's authorize page in a tab the
# workbench opens), and BalkanID's certificate where a browser saves a download. Prints the action count.
# Usage: newcomer.sh [<run-dir>]   Needs `npm run build` (dist/ and out/) and scripts/e2e/install.sh; run alone, it
# packages the .vsix first. Writes {passes, failures} to <run-dir>/newcomer.json, the count to
# bench-results/newcomer-browser.json, screenshots to .e2e/shots/newcomer-*.png.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/env.sh"
OUT=$ROOT/.e2e
mkdir -p "$OUT" "$ROOT/bench-results"
OWN_RUN=0
if [ $# -ge 1 ]; then RUN=$1; else RUN=$(mktemp -d "$OUT/run-XXXXXX"); OWN_RUN=1; fi
export HARNESS_TMP=$RUN
VSIX=$ROOT/dist/balkanid-salesforce-setup.vsix
if [ "$OWN_RUN" = 1 ] || [ ! -s "$VSIX" ]; then  # alone: package what was built; from e2e.sh: packaged already
  (cd "$ROOT" && npx vsce package --no-dependencies --no-rewrite-relative-links --readme-path docs/marketplace/README.md -o "$VSIX" > "$RUN/vsce-newcomer.log" 2>&1) || { cat "$RUN/vsce-newcomer.log"; exit 1; }
fi
N=$RUN/newcomer; NEW_ORG_PID=
cleanup() { "$HERE/cs-stop.sh" "$N" || true; [ -z "$NEW_ORG_PID" ] || kill "$NEW_ORG_PID" 2>/dev/null || true; }
trap cleanup EXIT
WS3=$RUN/ws-newcomer; WS4=$RUN/ws-walkthrough; mkdir -p "$WS3" "$WS4"
node "$ROOT/out/packages/sf-test-org/src/main.js" --scenario fresh > "$RUN/newcomer-org.json" 2> "$RUN/newcomer-org.log" &
NEW_ORG_PID=$!
for _ in $(seq 1 100); do [ -s "$RUN/newcomer-org.json" ] && break; sleep 0.1; done
"$HERE/cs-start.sh" "$N" "$WS3"
# BalkanID's certificate, where the browser saved it.
mkdir -p "$N/home/Downloads"
node -e 'const { selfSignedCert } = require(process.argv[1]); require("fs").writeFileSync(process.argv[2], selfSignedCert().certPem);' \
  "$ROOT/out/packages/sf-test-org/src/x509.js" "$N/home/Downloads/salesforce.crt"
HOME=$N/home XDG_CONFIG_HOME=$N/home/.config XDG_DATA_HOME=$N/home/.local/share TMPDIR=$N/tmp \
  "$NODE24_DIR/bin/node" "$CS_ENTRY" --user-data-dir "$N/user-data" --extensions-dir "$N/extensions" --install-extension "$VSIX" > "$RUN/install-ext-newcomer.log" 2>&1
field() { node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))[process.argv[2]]' "$1" "$2"; }
rc=0
ORG_URL=$(field "$RUN/newcomer-org.json" instanceUrl) ADMIN_USERNAME=$(field "$RUN/newcomer-org.json" username) \
CERT_FILE=$N/home/Downloads/salesforce.crt WALKTHROUGH_WS=$WS4 RESULTS=$RUN/newcomer.json \
NEWCOMER_OUT=$ROOT/bench-results/newcomer-browser.json \
  node "$HERE/newcomer-drive.js" "http://127.0.0.1:$(cat "$N/port")" "$WS3" "$OUT/shots" || rc=$?
trap - EXIT; cleanup
if [ "$rc" = 0 ] && [ "$OWN_RUN" = 1 ] && [ "${KEEP_RUN:-0}" != 1 ]; then rm -rf "$RUN"; fi
[ "$rc" = 0 ] || echo "[newcomer] failed (exit $rc); logs kept in $RUN" >&2
exit "$rc"
