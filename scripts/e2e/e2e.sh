#!/usr/bin/env bash
# The extension in a real VS Code, offline: (1) the mocha suite inside code-server's Node extension host, with
# the extension loaded from this folder; (2) a UI drive with Playwright + Chromium against the packaged .vsix
# installed into a normally configured workbench (another extension beside it: scripts/e2e/probe-extension),
# connected to a test org; (3) the newcomer path, driven fresh from what the screens say, with the browser login, in
# a workbench and an org of its own. Needs `npm run build` and scripts/e2e/install.sh first. Writes {passes, failures} of all three to $SUITE_RESULTS; screenshots in .e2e/shots.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/env.sh"
OUT=$ROOT/.e2e
rm -rf "$OUT/shots"  # no screenshot of an earlier run is mistaken for this one
mkdir -p "$OUT" "$ROOT/bench-results"
RUN=$(mktemp -d "$OUT/run-XXXXXX")
export HARNESS_TMP=$RUN
ORG_PID=; LIMITED_PID=
# Stops the servers and the test orgs, and waits until the orgs have exited (SIGKILL after 5 s): a caller that looks
# for leftovers right after this script ends finds none, whichever check failed.
stop_pids() { local p; for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do local alive=; for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done; [ -n "$alive" ] || return 0; sleep 0.1; done
  for p in "$@"; do kill -KILL "$p" 2>/dev/null || true; done; }
cleanup() { for s in tests ui; do "$HERE/cs-stop.sh" "$RUN/$s" || true; done; stop_pids $ORG_PID $LIMITED_PID; }
trap cleanup EXIT

# The extension lists and opens Salesforce CLI orgs through `sf`: give the servers the cached CLI.
export SF_BIN SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true
sf_login() { # <home> <alias> <org.json>: log the sf CLI in to a test org, as an admin would have
  HOME=$1 PATH="$NODE24_DIR/bin:$PATH" SF_ACCESS_TOKEN=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).accessToken' "$3") \
    "$SF_BIN" org login access-token --instance-url "$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).instanceUrl' "$3")" --no-prompt --alias "$2" --json > "$RUN/sf-login.log" 2>&1
}

# 1) Integration tests in the extension host (extension from the repo folder; smoke-test driver honours the payload).
WS1=$RUN/ws-tests; mkdir -p "$WS1"
# BALKANID_TEST_AUTOMATION=1 with ExtensionMode.Test: the suite may pass automation arguments to commands and gets
# the extension's parts from activate() (src/vscode/automation.ts); in the UI drive below it unlocks nothing.
BALKANID_TEST_AUTOMATION=1 SUITE_RESULTS=$RUN/tests.json BENCH_OUT=$ROOT/bench-results/vscode.json CS_EXTRA_ARGS="--vscode-option enable-smoke-test-driver" \
  "$HERE/cs-start.sh" "$RUN/tests" "$WS1"
rc_tests=0
node "$HERE/run-tests.js" "http://127.0.0.1:$(cat "$RUN/tests/port")" "$WS1" "$ROOT" "$ROOT/out/test/vscode/index" "$OUT/shots" || rc_tests=$?
"$HERE/cs-stop.sh" "$RUN/tests"

# 2) UI drive against the packaged extension: a newcomer's workspace (no manifest; BalkanID's certificate outside
#    it, as a download would be) and a fresh org the sf CLI knows; then a limited admin's org.
(cd "$ROOT" && npx vsce package --no-dependencies --no-rewrite-relative-links --readme-path docs/marketplace/README.md -o dist/balkanid-salesforce-setup.vsix > "$RUN/vsce.log" 2>&1) || { cat "$RUN/vsce.log"; exit 1; }
(cd "$HERE/probe-extension" && "$ROOT/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository --skip-license -o "$RUN/probe.vsix" > "$RUN/vsce-probe.log" 2>&1) || { cat "$RUN/vsce-probe.log"; exit 1; }
node -e 'const fs=require("fs");const s=fs.statSync(process.argv[1]).size;const f=process.argv[2];const j=fs.existsSync(f)?JSON.parse(fs.readFileSync(f,"utf8")):{};j.vsixBytes=s;fs.writeFileSync(f,JSON.stringify(j))' \
  "$ROOT/dist/balkanid-salesforce-setup.vsix" "$ROOT/bench-results/vscode.json"
WS2=$RUN/ws-ui; mkdir -p "$WS2"
node "$ROOT/out/packages/sf-test-org/src/main.js" --scenario fresh > "$RUN/org.json" 2> "$RUN/org.log" &
ORG_PID=$!
node "$ROOT/out/packages/sf-test-org/src/main.js" --scenario limited-admin > "$RUN/limited.json" 2> "$RUN/limited.log" &
LIMITED_PID=$!
for _ in $(seq 1 100); do [ -s "$RUN/org.json" ] && [ -s "$RUN/limited.json" ] && break; sleep 0.1; done
node -e '
const { selfSignedCert } = require(process.argv[1]); const fs = require("fs");
const c = selfSignedCert(); fs.writeFileSync(process.argv[2] + "/salesforce.crt", c.certPem); fs.writeFileSync(process.argv[2] + "/key.pem", c.keyPem);' \
  "$ROOT/out/packages/sf-test-org/src/x509.js" "$RUN"
# BALKANID_TEST_AUTOMATION=1 here too: without ExtensionMode.Test it must unlock nothing (the probe extension, another
# extension installed beside it, asks for activate()'s exports; scripts/e2e/probe-extension).
BALKANID_TEST_AUTOMATION=1 CS_SETTINGS="\"balkanid.sfPath\": \"$SF_BIN\"" "$HERE/cs-start.sh" "$RUN/ui" "$WS2"
S=$RUN/ui
sf_login "$S/home" acme-uat "$RUN/org.json"
HOME=$S/home XDG_CONFIG_HOME=$S/home/.config XDG_DATA_HOME=$S/home/.local/share TMPDIR=$S/tmp \
  "$NODE24_DIR/bin/node" "$CS_ENTRY" --user-data-dir "$S/user-data" --extensions-dir "$S/extensions" \
    --install-extension "$ROOT/dist/balkanid-salesforce-setup.vsix" --install-extension "$RUN/probe.vsix" > "$RUN/install-ext.log" 2>&1
rc_ui=0
field() { node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))[process.argv[2]]' "$1" "$2"; }
ORG_URL=$(field "$RUN/org.json" instanceUrl) LIMITED_URL=$(field "$RUN/limited.json" instanceUrl) \
LIMITED_TOKEN=$(field "$RUN/limited.json" accessToken) NEWCOMER_OUT=$ROOT/bench-results/newcomer.json \
CERT_FILE=$RUN/salesforce.crt KEY_FILE=$RUN/key.pem RESULTS=$RUN/ui.json \
  node "$HERE/ui-drive.js" "http://127.0.0.1:$(cat "$S/port")" "$WS2" "$OUT/shots" || rc_ui=$?
"$HERE/cs-stop.sh" "$S"

# 3) The newcomer path, by a driver of its own that follows only the screens, with the browser login
#    (scripts/e2e/newcomer.sh: a workbench, an org and an empty folder of its own).
rc_new=0
"$HERE/newcomer.sh" "$RUN" || rc_new=$?

node -e 'const fs=require("fs");let p=0,f=0;for(const x of process.argv.slice(1)){if(fs.existsSync(x)){const j=JSON.parse(fs.readFileSync(x,"utf8"));console.log(x.split("/").pop(),JSON.stringify(j));p+=j.passes;f+=j.failures}else{console.log(x,"missing");f++}}
if(process.env.SUITE_RESULTS)fs.writeFileSync(process.env.SUITE_RESULTS,JSON.stringify({passes:p,failures:f}));console.log(`real VS Code: ${p} passed, ${f} failed`)' "$RUN/tests.json" "$RUN/ui.json" "$RUN/newcomer.json"
trap - EXIT; cleanup   # stop the servers while their pid files still exist
if [ "$rc_tests" = 0 ] && [ "$rc_ui" = 0 ] && [ "$rc_new" = 0 ]; then [ "${KEEP_RUN:-0}" = 1 ] || rm -rf "$RUN"; exit 0; fi
echo "[e2e] failed (tests exit $rc_tests, ui exit $rc_ui, newcomer exit $rc_new); logs kept in $RUN" >&2
exit 1
