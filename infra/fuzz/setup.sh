#!/usr/bin/env bash
# Installs Schemathesis (requirements.txt, dependencies pinned by constraints.txt) into a virtualenv for run.sh.
# Idempotent: a venv that already has the pinned version is left as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${FUZZ_VENV:-.ci/fuzz-venv}"
want="$(sed -n 's/^schemathesis==//p' infra/fuzz/requirements.txt)"

# python3 -m venv needs Debian's python3-venv (ensurepip) on a fresh machine; probe it like .ci/run probes tools.
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  echo "installing: python3 python3-venv"
  apt-get update -qq
  apt-get install -y -qq python3 python3-venv >/dev/null
fi

if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" = "$want" ]; then
  echo "schemathesis $want already in $venv"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r infra/fuzz/requirements.txt -c infra/fuzz/constraints.txt
echo "installed schemathesis $("$venv/bin/st" --version 2>/dev/null | sed 's/.* //') into $venv"
