#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh machine, builds, runs every test,
# and ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# command -> Debian package that provides it
declare -A packages=([redis-server]=redis-server [node]=nodejs [npm]=npm [chromium]=chromium)
missing=()
for cmd in "${!packages[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${packages[$cmd]}")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# npm packages, exactly as locked: the real-client tests', the Kubernetes schema check's and the gateway's browser bundle (embedded at build)
for dir in Tests/js Tests/k8s ApiGateway; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

dotnet build Orleans.sln -c Release -nologo -clp:ErrorsOnly

results="$PWD/TestResults"
rm -rf "$results"
status=0
dotnet test Tests/Tests.csproj -c Release --no-build --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

trx="$results/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=${failed:-0}
  # An aborted run (the test host crashed) counts no failure of its own: count it as one.
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  echo "${passed:-0} passed, $failed failed"
else
  echo "0 passed, 1 failed"
  status=1
fi
exit "$status"
