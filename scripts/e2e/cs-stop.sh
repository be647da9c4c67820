#!/usr/bin/env bash
# Stops the code-server started by cs-start.sh: its whole process group, SIGKILL after 5 s.
RUN=$1
PID=$(cat "$RUN/pid" 2>/dev/null) || exit 0
kill -TERM -- "-$PID" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 -- "-$PID" 2>/dev/null || exit 0; sleep 0.1; done
kill -KILL -- "-$PID" 2>/dev/null || true
