#!/usr/bin/env bash
# The benchmark command: builds Release, then runs the end-to-end suite (bare-Kestrel baselines, the embedded
# default, Redis clusters of 1 and 2 silos) as real processes on loopback, prints the table and writes
# docs/benchmarks.md. Needs wrk and redis-server (Debian packages).
#   scripts/benchmark.sh [--duration SECONDS] [--connections N] [--client-processes N] [--full] [--conversations-only]
set -euo pipefail
cd "$(dirname "$0")/.."
for cmd in wrk redis-server; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "$cmd is missing: sudo apt-get install -y $cmd" >&2; exit 2; }
done
dotnet build Silo/Silo.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build ApiGateway/ApiGateway.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build Benchmarks/Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly
exec dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll run "$@"
