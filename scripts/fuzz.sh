#!/usr/bin/env bash
# Fuzzes the gateway's public surfaces (/api/ bodies, client protocol messages, REST webhook bodies, YAML training data) against
# a gateway process for N minutes with a new random seed. Inputs the server fails on are saved under
# Tests/Security/Fuzz/Regressions/, which every test run replays: commit them with the fix.
#
#   scripts/fuzz.sh [--minutes N] [--seed S]      (default: 5 minutes, a random seed)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=5
seed=""
while (($#)); do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

dotnet build Tests/Tests.csproj -c Release -nologo -clp:ErrorsOnly
SWITCHBOARD_FUZZ_MINUTES=$minutes SWITCHBOARD_FUZZ_SEED=$seed \
  dotnet test Tests/Tests.csproj -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Security.Fuzz.FuzzTests.GeneratedInputsNeverFailTheServer" \
  --logger "console;verbosity=detailed"
