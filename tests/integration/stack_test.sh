#!/usr/bin/env bash
# scripts/stack with real processes: up → every service SERVING → down leaves no process;
# a failed up (one binary missing) also leaves no process behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: stack_test.sh BIN_DIR}
state=$(mktemp -d /tmp/kompas-stack-test.XXXXXX)
trap 'KOMPAS_STACK_DIR=$state KOMPAS_BIN_DIR=$bin "$root/scripts/stack" down >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
export KOMPAS_STACK_DIR=$state KOMPAS_BIN_DIR=$bin
fail() { echo "FAIL: $*" >&2; exit 1; }
left() { pgrep -f -- "$state" || true; }

"$root/scripts/stack" up >"$state/up.out" 2>&1 || { cat "$state/up.out"; fail "stack up failed"; }
out=$("$bin/tools/cli/kompas" health --stack_file="$state/stack.json" --json) || fail "kompas health exit $?"
for svc in budget catalog matching caserecord; do
  grep -q "\"service\": \"$svc\"" <<<"$out" || fail "$svc missing from health: $out"
done
[[ $(grep -c '"status": "SERVING"' <<<"$out") -eq 4 ]] || fail "not all SERVING: $out"
"$root/scripts/stack" up >/dev/null 2>&1 && fail "a second up must refuse while the stack runs"
"$root/scripts/stack" down >/dev/null 2>&1
sleep 0.2
[[ -z "$(left)" ]] || fail "processes left after down: $(left)"
"$bin/tools/cli/kompas" health --stack_file="$state/stack.json" >/dev/null 2>&1 && fail "health must fail after down"

# A failed start-up stops what it had started.
if KOMPAS_STACK_SERVICES="budget nosuchservice" "$root/scripts/stack" up >"$state/up2.out" 2>&1; then
  fail "up with a missing binary must fail"
fi
grep -q "missing binary" "$state/up2.out" || fail "no reason given: $(cat "$state/up2.out")"
sleep 0.2
[[ -z "$(left)" ]] || fail "processes left after a failed up: $(left)"
echo "stack_test: 1 passed, 0 failed"
