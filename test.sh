#!/usr/bin/env bash
# Runs Mesh's tests and ends with one line: "N passed, N failed, N skipped".
#   ./test.sh          every category (Unit, Integration, Kernel); installs missing system packages first
#   ./test.sh --unit   only the Unit category, no installs
# Extra arguments after the flags go to `dotnet test` (e.g. --filter ...).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

unit_only=0
if [ "${1:-}" = "--unit" ]; then unit_only=1; shift; fi

# System packages the integration and kernel tests use, keyed by a binary each one provides.
declare -A packages=(
  [etcd]=etcd-server [etcdctl]=etcd-client [/usr/lib/frr/bgpd]=frr [bird]=bird2 [gobgpd]=gobgpd
  [clang]=clang [llc]=llvm [/usr/include/bpf/libbpf.h]=libbpf-dev [bpftool]=bpftool [ip]=iproute2
  [ping]=iputils-ping
)

install_missing() {
  local missing=()
  for probe in "${!packages[@]}"; do
    if [[ "$probe" == /* ]]; then [ -e "$probe" ] && continue
    else command -v "$probe" >/dev/null 2>&1 && continue
      [ -x "/usr/sbin/$probe" ] && continue
    fi
    missing+=("${packages[$probe]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: not root, cannot install ${missing[*]}; the tests that need them will be skipped" >&2
    return 0
  fi
  echo "test.sh: installing ${missing[*]}"
  # A policy-rc.d that says 101 keeps the packages' own etcd/frr services from starting.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >/tmp/mesh-test-apt.log 2>&1 || rc=$?
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ $rc != 0 ]; then
    echo "test.sh: apt-get failed (exit $rc); last lines of /tmp/mesh-test-apt.log:" >&2
    tail -20 /tmp/mesh-test-apt.log >&2
    exit $rc
  fi
  # Belt and braces: if a service did start anyway, stop it (tests start their own daemons).
  for svc in etcd frr; do
    command -v service >/dev/null 2>&1 && service "$svc" stop >/dev/null 2>&1 || true
  done
}

prepare_kernel() {
  [ "$(id -u)" = 0 ] || return 0
  # Pinned maps need bpffs.
  if ! grep -qs ' /sys/fs/bpf bpf ' /proc/mounts; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "test.sh: could not mount bpffs on /sys/fs/bpf" >&2
  fi
}

filter=()
if [ $unit_only = 1 ]; then
  filter=(--filter "Category=Unit")
else
  install_missing
  prepare_kernel
fi

# In CI every prerequisite is installed: a missing one must fail its tests, not skip them.
if [ "${CI:-}" = "true" ]; then export MESH_REQUIRE_PREREQUISITES=1; fi

results="$root/.artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The console logger prints each failed test with its message and stack, so a CI log says why it failed.
dotnet test Mesh.sln -nologo -v q --logger "trx" --logger "console;verbosity=minimal" \
  --blame-hang-timeout 10m "${filter[@]}" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
while IFS= read -r trx; do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done < <(find "$results" -name "*.trx")
if [ $status != 0 ] && [ $failed = 0 ]; then
  # The run broke outside any single test (build error, crashed test host): count it as a failure.
  failed=1
  echo "test.sh: dotnet test exited with $status (build error or aborted test run); see the output above" >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $status = 0 ] && [ $failed = 0 ]
