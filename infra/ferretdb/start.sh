#!/usr/bin/env bash
# Starts a MongoDB-wire server (FerretDB 1.24, SQLite backend, embedded in ./main.go) on loopback for tests.
# Usage: infra/ferretdb/start.sh [env-file]   (default: .ci/mongodb.env)
# Writes MONGODB_URL=mongodb://127.0.0.1:<port>/ to the env file once a ping answers; stop.sh stops it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
env_file="${1:-$root/.ci/mongodb.env}"
port="${FERRETDB_PORT:-27018}"
state="${FERRETDB_STATE_DIR:-$root/.ci/ferretdb}"

# Build once; the binary is cached under bin/ (git-ignored) and rebuilt only when the sources change.
bin="$here/bin/ferretdb-sqlite"
if [ ! -x "$bin" ] || [ "$here/main.go" -nt "$bin" ] || [ "$here/go.mod" -nt "$bin" ]; then
  echo "building $bin (first build of the pure-Go SQLite takes a few minutes)"
  (cd "$here" && go build -o "$bin" .)
fi

if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "ferretdb already running (pid $(cat "$state/pid"))"
  exit 0
fi
rm -rf "$state"
mkdir -p "$state/data" "$(dirname "$env_file")"
"$bin" -addr "127.0.0.1:$port" -data "$state/data" >"$state/out.log" 2>"$state/err.log" &
echo $! >"$state/pid"

# Ready when the process has printed its URI and a MongoDB ping answers over the wire.
for _ in $(seq 1 150); do
  if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
    echo "ferretdb exited:" >&2
    cat "$state/err.log" >&2
    exit 1
  fi
  if grep -q '^mongodb://' "$state/out.log" 2>/dev/null &&
    node -e "
      const { MongoClient } = require('mongodb');
      const c = new MongoClient(process.argv[1], { serverSelectionTimeoutMS: 1000 });
      c.db('admin').command({ ping: 1 }).then(() => c.close()).then(() => process.exit(0), () => process.exit(1));
    " "mongodb://127.0.0.1:$port/" 2>/dev/null; then
    echo "MONGODB_URL=mongodb://127.0.0.1:$port/" >"$env_file"
    echo "ferretdb ready on mongodb://127.0.0.1:$port/ (pid $(cat "$state/pid"), data $state/data)"
    exit 0
  fi
  sleep 0.2
done
echo "ferretdb did not answer a ping within 30 s" >&2
cat "$state/err.log" >&2
exit 1
