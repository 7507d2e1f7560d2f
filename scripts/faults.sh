#!/usr/bin/env bash
# The full-size fault scenarios of issues 5 and 13 (docs/operations.md, "Faults, with counts"): 3 silos and 2 gateways
# as real processes with a durable Redis; kill -9 a silo, restart Redis, kill -9 a gateway under 2,000 WebSockets, and
# a rolling restart of every silo and gateway under publishes, messages and 2,000 WebSockets. One of them: its name
# as the first argument (e.g. scripts/faults.sh RestartingEverySiloAndGatewayOneAtATimeUnderLoadLosesNothingAcknowledged).
# Takes a few minutes and the whole machine. Scale it with SWITCHBOARD_FAULTS_{PUBLISH_RATE,MESSAGE_RATE,SOCKETS,
# SOCKET_PUBLISH_RATE,SECONDS} (defaults 1000, 200, 2000, 200, 20). Prints the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing: sudo apt-get install -y redis-server" >&2; exit 2; }
dotnet build Silo/Silo.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build ApiGateway/ApiGateway.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build Tests/Tests.csproj -c Release -nologo -clp:ErrorsOnly
SWITCHBOARD_FULL_FAULTS=1 exec dotnet test Tests/Tests.csproj -c Release --no-build \
  --filter "FullyQualifiedName~Switchboard.Tests.Cluster.FullFaultTests${1:+.$1}" \
  --logger "console;verbosity=detailed"
