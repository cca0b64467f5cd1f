#!/usr/bin/env bash
# Prepares the Python virtual environment with schemathesis (the OpenAPI fuzzer of test/api-fuzz.test.ts) under
# .hookline/venv/schemathesis. Idempotent: when the pinned version is already there it installs nothing.
# Needs python3 with its venv module (Debian: python3-venv); .ci/run installs it on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=4.32.5
venv=.hookline/venv/schemathesis

if [ "$("$venv/bin/st" --version 2>/dev/null || true)" = "st, version $version" ]; then
  echo "schemathesis $version ready in $venv"
  exit 0
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
echo "schemathesis $version installed in $venv"
