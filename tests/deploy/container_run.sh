#!/usr/bin/env bash
# Runs one service the way its image would, as far as this machine can without a container
# engine: the Dockerfile target's own ENTRYPOINT and CMD (image paths mapped onto the
# repository and a temp dir), as PID 1 of its own PID namespace, in its own network namespace
# (so the image's fixed port 50051 is free under ctest -j). Then:
#   1. the target's own HEALTHCHECK command, run inside that network namespace, turns healthy
#      (exit 0) once the service has loaded its data;
#   2. SIGTERM to PID 1 drains and ends it with exit code 0 within the drain timeout (a
#      process that is PID 1 gets no signal it has not arranged to take; the services block
#      SIGTERM and wait for it with sigtimedwait, which works for PID 1 too).
#
#   tests/deploy/container_run.sh BUILD_DIR SERVICE
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: container_run.sh BUILD_DIR SERVICE}" && pwd)
service=${2:?service}
tmp=$(mktemp -d)
child=""
cleanup() {
  if [[ -n "$child" ]]; then kill -KILL "$child" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL $service: $*"
  [[ -f "$tmp/log" ]] && tail -5 "$tmp/log" | sed 's/^/  log: /'
  exit 1
}

target=$(node "$root/tests/deploy/dockerfile_target.mjs" "$root/deploy/Dockerfile" "$service")
mapfile -t entrypoint < <(node -e 'JSON.parse(process.argv[1]).entrypoint.forEach(a=>console.log(a))' "$target")
mapfile -t cmd < <(node -e 'JSON.parse(process.argv[1]).cmd.forEach(a=>console.log(a))' "$target")
mapfile -t healthcheck < <(node -e 'JSON.parse(process.argv[1]).healthcheck.forEach(a=>console.log(a))' "$target")
workdir=$(node -e 'console.log(JSON.parse(process.argv[1]).workdir)' "$target")
[[ ${#entrypoint[@]} -eq 1 && ${#healthcheck[@]} -gt 0 ]] || fail "no ENTRYPOINT or HEALTHCHECK in the target"

# The image's file system, mapped: what the image carries from the repository, what compose
# and Kubernetes mount (tokens, secrets), and the writable state directory.
mkdir -p "$tmp/tokens" "$tmp/secrets" "$tmp/var/catalog-imports"
"$build/tools/admin/kompas-admin" token create --tokens_file="$tmp/tokens/tokens.jsonl" \
  --tenant=deploytest --scopes=compass --valid_days=1 >/dev/null 2>&1
openssl rand -hex 32 >"$tmp/secrets/caserecord-deployment-key"
openssl rand -hex 32 >"$tmp/secrets/caserecord-bsn-secret"
map() {
  local a=$1
  a=${a//\/usr\/share\/kompas\/web/$root/services/gateway/web}
  a=${a//\/usr\/share\/kompas/$root}
  a=${a//\/etc\/kompas\/tokens/$tmp/tokens}
  a=${a//\/run\/secrets/$tmp/secrets}
  a=${a//\/var\/lib\/kompas/$tmp/var}
  printf '%s' "$a"
}
bin_of() {
  case "$1" in
    kompas) echo "$build/tools/cli/kompas" ;;
    kompas-admin) echo "$build/tools/admin/kompas-admin" ;;
    kompas-*) echo "$build/services/${1#kompas-}/$1" ;;
    *) fail "unknown program $1" ;;
  esac
}
args=()
for a in "${cmd[@]}"; do args+=("$(map "$a")"); done
exe=$(bin_of "${entrypoint[0]}")
[[ -x "$exe" ]] || fail "$exe not built"
cd "$(map "$workdir")"

# Non-root callers get a user namespace of their own; root (CI) does not need one.
userns=()
[[ $(id -u) -eq 0 ]] || userns=(--user --map-root-user)
# shellcheck disable=SC2016 # $0 and $@ belong to the inner shell
unshare "${userns[@]}" --net --pid --fork --mount-proc \
  sh -c 'ip link set lo up && exec "$0" "$@"' "$exe" "${args[@]}" 2>"$tmp/log" &
outer=$!
for _ in $(seq 50); do
  child=$(pgrep -P "$outer" || true)
  [[ -n "$child" ]] && break
  sleep 0.1
done
[[ -n "$child" ]] || fail "unshare started no process"
in_container() {
  nsenter "${userns[@]:0:1}" --net --target "$child" --preserve-credentials "$@"
}

hc=("$(bin_of "${healthcheck[0]}")" "${healthcheck[@]:1}")
healthy=0
for _ in $(seq 60); do
  if in_container "${hc[@]}" >"$tmp/hc.out" 2>&1; then
    healthy=1
    break
  fi
  kill -0 "$child" 2>/dev/null || fail "exited during start-up"
  sleep 0.5
done
((healthy)) || fail "HEALTHCHECK never passed: $(tail -1 "$tmp/hc.out")"
grep -q "SERVING" "$tmp/hc.out" || fail "HEALTHCHECK passed without SERVING: $(cat "$tmp/hc.out")"
[[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$child/status")" == 1 ]] || fail "not PID 1 in its namespace"

start=$(date +%s)
kill -TERM "$child"
set +e
wait "$outer"
code=$?
set -e
child=""
((code == 0)) || fail "exit code $code after SIGTERM (want 0)"
elapsed=$(($(date +%s) - start))
((elapsed <= 21)) || fail "drain took ${elapsed} s, more than --drain_timeout"
grep -q '"event":"draining"' "$tmp/log" || fail "no draining event"
grep -q '"event":"stopped"' "$tmp/log" || fail "no stopped event"
echo "container_run $service: 1 passed, 0 failed (healthy as PID 1, drained in ${elapsed} s)"
