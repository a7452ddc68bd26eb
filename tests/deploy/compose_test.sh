#!/usr/bin/env bash
# deploy/compose.yaml is valid for Debian's docker-compose (`config -q`), and what it
# resolves to, together with deploy/Dockerfile, passes check_container.mjs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ -d "$root/tests/deploy/node_modules/js-yaml" ]] ||
  { echo "FAIL tests/deploy/node_modules is missing: run scripts/install-deps"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
docker-compose -f deploy/compose.yaml config -q
docker-compose -f deploy/compose.yaml config >"$tmp/compose.yaml"
node tests/deploy/check_container.mjs --repo="$root" --compose="$tmp/compose.yaml"
