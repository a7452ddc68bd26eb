#!/usr/bin/env bash
# The runtime image would start: for each binary the image carries, every shared library that
# `ldd` shows is found, and the Debian package that owns it (`dpkg -S`) is in the runtime
# package list (deploy/runtime-packages.txt, which the Dockerfile's runtime stage installs) or
# among the packages those pull in (their Depends and Pre-Depends, recursively, as apt would
# install them). Also: the time-zone file the services load is owned by a listed package.
#
#   tests/deploy/runtime_libs.sh BUILD_DIR [PACKAGE_LIST]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: runtime_libs.sh BUILD_DIR [PACKAGE_LIST]}
list=${2:-$root/deploy/runtime-packages.txt}
binaries=(services/budget/kompas-budget services/catalog/kompas-catalog
  services/matching/kompas-matching services/caserecord/kompas-caserecord
  services/gateway/kompas-gateway tools/cli/kompas tools/admin/kompas-admin)

failed=0
passed=0
fail() {
  echo "FAIL $*"
  failed=$((failed + 1))
}

mapfile -t listed < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
((${#listed[@]})) || { echo "FAIL $list lists no packages"; exit 1; }

# One dpkg-query for every installed package: its Depends and Pre-Depends.
declare -A depends=()
while IFS=$'\t' read -r name deps; do depends[$name]=$deps; done < <(
  dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Depends}, ${Pre-Depends}\n' |
    awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3}')

# Every listed package must exist on this Debian 12 (the image's release) and be a runtime
# package: no headers, no compilers.
for p in "${listed[@]}"; do
  [[ -n "${depends[$p]+x}" ]] || fail "$p (listed) is not an installed Debian package here"
  case "$p" in
    *-dev | build-essential | gcc* | g++* | clang* | cmake | make | ninja-build)
      fail "$p is a build tool or header package; it belongs in scripts/debian-packages.txt" ;;
  esac
done

# The closure apt installs: the list plus Depends/Pre-Depends, recursively (the first
# alternative of an "a | b"; architecture qualifiers and versions dropped).
declare -A closure=()
queue=("${listed[@]}")
while ((${#queue[@]})); do
  p=${queue[0]}
  queue=("${queue[@]:1}")
  [[ -n "${closure[$p]:-}" ]] && continue
  closure[$p]=1
  while IFS= read -r dep; do
    dep=${dep%%|*}
    dep=$(sed -e 's/([^)]*)//g' -e 's/:[a-z0-9]*//' -e 's/[[:space:]]//g' <<<"$dep")
    [[ -n "$dep" && -z "${closure[$dep]:-}" ]] && queue+=("$dep")
  done < <(tr ',' '\n' <<<"${depends[$p]:-}")
done

# The files the closure's packages install (dpkg's own lists: one read, no dpkg -S per
# library). Debian 12 is merged-/usr: dpkg may know a library under /lib or /usr/lib, and
# ldd may print either, or a symlink; every spelling is compared.
declare -A provided=()
for p in "${!closure[@]}"; do
  for f in /var/lib/dpkg/info/"$p".list /var/lib/dpkg/info/"$p":*.list; do
    [[ -f "$f" ]] || continue
    while IFS= read -r path; do provided[$path]=$p; done <"$f"
  done
done
spellings() {
  local c
  for c in "$1" "$(readlink -f "$1")"; do printf '%s\n' "$c" "${c#/usr}" "/usr$c"; done
}
in_closure() {
  local c
  while IFS= read -r c; do [[ -n "${provided[$c]:-}" ]] && return 0; done < <(spellings "$1")
  return 1
}
# Only for the message when a library is missing: who owns it.
owner() {
  local c
  while IFS= read -r c; do
    dpkg -S "$c" 2>/dev/null | head -1 | cut -d: -f1 | cut -d, -f1 | grep . && return 0
  done < <(spellings "$1")
  echo "no package"
}

for rel in "${binaries[@]}"; do
  bin="$build/$rel"
  if [[ ! -x "$bin" ]]; then
    fail "$bin: not built"
    continue
  fi
  out=$(ldd "$bin")
  if grep -q 'not found' <<<"$out"; then
    fail "$rel: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ' | tr '\n' ';')"
  fi
  while read -r lib; do
    if in_closure "$lib"; then
      passed=$((passed + 1))
    else
      fail "$rel: $lib (from $(owner "$lib")) is not installed by the packages $list lists"
    fi
  done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$out" | sort -u)
done

# Not visible to ldd: the zone "today" and record dates are computed in.
zone=/usr/share/zoneinfo/Europe/Amsterdam
if in_closure "$zone"; then
  passed=$((passed + 1))
else
  fail "$zone (services/common/netherlands_time.h, from $(owner "$zone")) is not installed by the listed packages"
fi

echo "runtime_libs: $passed passed, $failed failed"
((failed == 0))
