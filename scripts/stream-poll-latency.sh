#!/usr/bin/env bash
# Measures publish -> WebSocket delivery latency of the embedded gateway at several memory-stream polling
# periods (ClusterSettings.StreamPollPeriod, flag --stream_poll_ms), and the CPU an idle node spends polling,
# to choose the default. Prints one line per period; docs/streams.md records a run.
#   scripts/stream-poll-latency.sh [COUNT] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-400}; rate=${2:-50}
dotnet build ApiGateway/ApiGateway.csproj -c Release -nologo -clp:ErrorsOnly >/dev/null
out=ApiGateway/bin/Release/net10.0
for poll in 100 10 5 1; do
  port=$((20000 + RANDOM % 20000))
  (cd "$out" && exec dotnet ApiGateway.dll --port "$port" --silo-port $((port + 1)) --gateway-port $((port + 2)) \
     --secret latency-secret --stream_poll_ms "$poll" >/dev/null 2>&1) &
  pid=$!
  for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
  # CPU the idle node spends polling (clock ticks over 10 s, as % of one core)
  gw=$(pgrep -f "ApiGateway.dll --port $port" | head -n1)
  t0=$(awk '{print $14+$15}' "/proc/$gw/stat"); sleep 10; t1=$(awk '{print $14+$15}' "/proc/$gw/stat")
  idle=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 10 ))
  result=$(node scripts/stream-poll-latency.mjs "http://127.0.0.1:$port" latency-secret "$count" "$rate")
  echo "stream_poll_ms=$poll idle_cpu=${idle}% $result"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
done
