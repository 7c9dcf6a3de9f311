#!/usr/bin/env bash
# Starts a single-node Apache Kafka 3.9.2 broker (KRaft) on 127.0.0.1 for tests and CI, from the jars on Maven Central.
#   infra/kafka/start.sh            fetch jars (first run), format a fresh log dir, start, wait until kafkajs answers
# Prints KAFKA_BROKERS=127.0.0.1:<port> and writes it to .ci/kafka.env (the Kafka tests read it), or to KAFKA_ENV_FILE.
# Environment: KAFKA_RUN_DIR (default: a new temp folder), KAFKA_PORT (default: a free port), KAFKA_HEAP (default 512m).
# Restarting the same broker (same port, same data): KAFKA_RESTART=1 with the KAFKA_RUN_DIR of the previous start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
env_file="${KAFKA_ENV_FILE:-$root/.ci/kafka.env}"

if [ ! -f "$here/lib/kafka_2.13-3.9.2.jar" ]; then
  echo "fetching Kafka jars with Maven into infra/kafka/lib" >&2
  (cd "$here" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
     -DoutputDirectory=lib -DincludeScope=runtime)
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

run_dir="${KAFKA_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/casetrail-kafka.XXXXXX")}"
mkdir -p "$run_dir"
if [ "${KAFKA_RESTART:-0}" = "1" ] && [ -f "$run_dir/server.properties" ]; then
  port="$(sed -n 's/^advertised.listeners=PLAINTEXT:\/\/127.0.0.1://p' "$run_dir/server.properties")"
else
  port="${KAFKA_PORT:-$(free_port)}"
  cport="$(free_port)"
  while [ "$cport" = "$port" ]; do cport="$(free_port)"; done
  sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@LOG_DIR@|$run_dir/data|g" \
    "$here/server.properties.template" > "$run_dir/server.properties"
fi

java_opts=(-Xmx"${KAFKA_HEAP:-512m}" -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$run_dir")
cp_arg="$here/lib/*"

if [ ! -f "$run_dir/data/meta.properties" ]; then
  cluster_id="$(java "${java_opts[@]}" -cp "$cp_arg" kafka.tools.StorageTool random-uuid)"
  java "${java_opts[@]}" -cp "$cp_arg" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$run_dir/server.properties" --ignore-formatted >"$run_dir/format.log"
fi

nohup java "${java_opts[@]}" -cp "$cp_arg" kafka.Kafka "$run_dir/server.properties" >"$run_dir/stdout.log" 2>&1 &
echo $! >"$run_dir/kafka.pid"

if ! node "$here/wait-ready.mjs" "127.0.0.1:$port" "${KAFKA_START_TIMEOUT:-120}" >&2; then
  echo "Kafka did not start; last log lines:" >&2
  tail -n 40 "$run_dir/stdout.log" "$run_dir/server.log" >&2 2>/dev/null || true
  kill "$(cat "$run_dir/kafka.pid")" 2>/dev/null || true
  exit 1
fi

mkdir -p "$(dirname "$env_file")"
printf 'KAFKA_BROKERS=127.0.0.1:%s\nKAFKA_RUN_DIR=%s\n' "$port" "$run_dir" >"$env_file"
echo "KAFKA_BROKERS=127.0.0.1:$port"
