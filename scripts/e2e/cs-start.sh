#!/usr/bin/env bash
# Starts code-server (a real VS Code server + web workbench) on a free loopback port in its own process group,
# with HOME/XDG/TMPDIR inside <run-dir> and the gallery, AI features and telemetry off.
# Usage: cs-start.sh <run-dir> <workspace-folder>   (CS_EXTRA_ARGS adds options; CS_SETTINGS adds settings lines)   -> writes <run-dir>/{port,pid}
set -euo pipefail
. "$(dirname "$0")/env.sh"
RUN=$1; WS=$2
rm -rf "$RUN"; mkdir -p "$RUN/home" "$RUN/tmp" "$RUN/user-data/User" "$RUN/extensions"
cat > "$RUN/user-data/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "github.gitAuthentication": false,
  "remote.autoForwardPorts": false${CS_SETTINGS:+,
  $CS_SETTINGS}
}
JSON
# Machine-scoped settings (balkanid.sfPath) are read from the machine's settings, not the workspace's.
mkdir -p "$RUN/user-data/Machine"
echo "{${CS_SETTINGS:-}}" > "$RUN/user-data/Machine/settings.json"
PORT=$("$NODE24_DIR/bin/node" "$(dirname "$0")/free-port.js")
echo "$PORT" > "$RUN/port"
HOME=$RUN/home XDG_CONFIG_HOME=$RUN/home/.config XDG_DATA_HOME=$RUN/home/.local/share XDG_CACHE_HOME=$RUN/home/.cache \
TMPDIR=$RUN/tmp EXTENSIONS_GALLERY='{}' PATH=$NODE24_DIR/bin:$PATH \
  setsid "$NODE24_DIR/bin/node" "$CS_ENTRY" \
    --bind-addr "127.0.0.1:$PORT" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" \
    ${CS_EXTRA_ARGS:-} "$WS" > "$RUN/server.log" 2>&1 < /dev/null &
PID=$!
echo "$PID" > "$RUN/pid"
for _ in $(seq 1 300); do
  if grep -q "HTTP server listening" "$RUN/server.log" 2>/dev/null; then exit 0; fi
  kill -0 "$PID" 2>/dev/null || { cat "$RUN/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "code-server did not start in 30s" >&2; cat "$RUN/server.log" >&2; exit 1
