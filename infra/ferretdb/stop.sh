#!/usr/bin/env bash
# Stops the server started by start.sh and removes its data and env file.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
env_file="${1:-$root/.ci/mongodb.env}"
state="${FERRETDB_STATE_DIR:-$root/.ci/ferretdb}"
if [ -f "$state/pid" ]; then
  pid="$(cat "$state/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
fi
rm -rf "$state"
rm -f "$env_file"
echo "ferretdb stopped"
