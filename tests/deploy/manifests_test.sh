#!/usr/bin/env bash
# Renders one Kubernetes overlay (deploy/k8s/render, i.e. kubectl kustomize) and checks the
# result offline with check_manifests.mjs (schemas, pod security, probes, references, data,
# replicas, autoscaling, NetworkPolicies).
#   tests/deploy/manifests_test.sh pilot|national
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
overlay=${1:?usage: manifests_test.sh OVERLAY}
[[ -d "$root/tests/deploy/node_modules/kubernetes-models" ]] ||
  { echo "FAIL tests/deploy/node_modules is missing: run scripts/install-deps"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/deploy/k8s/render" "$overlay" >"$tmp/rendered.yaml"
echo "rendered $overlay: $(grep -c '^kind:' "$tmp/rendered.yaml") objects"
node "$root/tests/deploy/check_manifests.mjs" --overlay="$overlay" --rendered="$tmp/rendered.yaml" --repo="$root"
