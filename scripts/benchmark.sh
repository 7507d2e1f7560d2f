#!/usr/bin/env bash
# The benchmark command: builds Release, then runs the end-to-end suite (bare-Kestrel baselines, the embedded
# default, Redis clusters of 1 and 2 silos) as real processes on loopback, prints the table and writes
# docs/benchmarks.md. Needs wrk and redis-server (Debian packages). With --intents DIR it then scores intent
# accuracy on the public benchmark datasets found in DIR (never downloaded; see docs/bot-model.md).
#   scripts/benchmark.sh [--duration SECONDS] [--connections 1000,10000] [--client-processes N] [--full] [--conversations-only]
#                        [--memory-only [--warm-up N] [--slope]] [--intents DIR]   (--memory-only: just the memory per idle connection, fresh
#                        processes, read 5 s after connecting and again once every connection was pinged; --warm-up N: each
#                        figure also on fresh processes that first served N connections, opened and closed, beside the cold one; --slope: also
#                        what n more connections cost on a fresh process already holding n)
#                        [--conversation-memory [--datasets DIR] [--gateway-env K=V,...] [--turns-per-sender N]]   (the conversation
#                        engine's memory, issue 13: tracker activations, 100,000 conversations, the 1,000-sender webhook load, training
#                        peak RSS; DIR holds CLINC150/ and Banking77/; --gateway-env runs the gateways with these variables instead of
#                        the product's GC settings; --turns-per-sender makes each webhook run N messages per sender, no warm-up,
#                        instead of --duration seconds after warm-up rounds)
#                        [--silos 1,2] [--only TEXT]   (--only: just the figures whose name contains TEXT, e.g. "protocols" for the
#                        client protocol and transport fan-out comparison; docs untouched)
#                        [--rounds N] [--subscribers 1000,10000]   (the protocol comparison's alternating rounds and fan-out widths)
#                        [--write-delay 100ms]   (client_write_delay of the comparison's second, configured gateway; 0: none)
#   scripts/benchmark.sh --costs [--topologies embedded,1s1g1k,2s1g1k,1s2g1k,1s1g3k] [--duration S] [--warmup S] [--idle S]
#                        [--pin ['gateway=0,1;silo=1,0;redis=0;load=0']] [--only TEXT]
#                        (the capacity model's costs, docs/scale.md: CPU µs per operation per tier and Redis commands/bytes
#                        per operation per server, for topologies of S silos, G gateways, K Redis servers; --pin pins every
#                        process to a core and compares each topology's throughput with the prediction; docs untouched)
set -euo pipefail
intents=""
mode=run
suite=()
while [ $# -gt 0 ]; do
  case "$1" in
    --intents) intents="${2:?--intents needs a directory}"; shift 2 ;;
    --costs) mode=costs; shift ;;
    *) suite+=("$1"); shift ;;
  esac
done
# Relative to where the caller stands, not to the repository the script moves into.
[ -z "$intents" ] || intents="$(realpath -m "$intents")"
cd "$(dirname "$0")/.."
for cmd in wrk redis-server; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "$cmd is missing: sudo apt-get install -y $cmd" >&2; exit 2; }
done
dotnet build Silo/Silo.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build ApiGateway/ApiGateway.csproj -c Release -nologo -clp:ErrorsOnly
dotnet build Benchmarks/Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly
dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll "$mode" ${suite[@]+"${suite[@]}"}
if [ -n "$intents" ]; then
  dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll intents --data "$intents"
fi
