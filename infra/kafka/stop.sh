#!/usr/bin/env bash
# Stops the broker started by start.sh (the one named in .ci/kafka.env or KAFKA_ENV_FILE, or KAFKA_RUN_DIR) and removes its folder.
# KAFKA_KEEP=1 keeps the folder (and .ci/kafka.env), e.g. to restart the same broker with start.sh KAFKA_RESTART=1.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
env_file="${KAFKA_ENV_FILE:-$here/../../.ci/kafka.env}"
run_dir="${KAFKA_RUN_DIR:-}"
if [ -z "$run_dir" ] && [ -f "$env_file" ]; then run_dir="$(sed -n 's/^KAFKA_RUN_DIR=//p' "$env_file")"; fi
if [ -z "$run_dir" ] || [ ! -d "$run_dir" ]; then echo "no Kafka run folder to stop" >&2; exit 0; fi
if [ -f "$run_dir/kafka.pid" ]; then
  pid="$(cat "$run_dir/kafka.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
fi
if [ "${KAFKA_KEEP:-0}" != "1" ]; then
  case "$run_dir" in */casetrail-kafka.*) rm -rf "$run_dir" ;; esac
  rm -f "$env_file"
fi
echo "kafka stopped" >&2
