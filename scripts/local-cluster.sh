#!/usr/bin/env bash
# The docker-compose topology as local processes on loopback: Redis, 2 silos, 2 gateways.
# Ctrl-C (or SIGTERM) stops every process it started.
#
#   scripts/local-cluster.sh [--redis-port N] [--silo-ports A,B] [--gateway-ports A,B] [--http-ports A,B]
#                            [--durable] [--no-build] [--data-dir DIR] [-- flags for every silo and gateway...]
#
# Gateways of one cluster must share their credentials, so the script generates a secret and an API key once (or
# takes SWITCHBOARD_SECRET and SWITCHBOARD_API_KEY) and passes them to both. Flags after "--" go to every silo and
# gateway: channel options (history, presence, namespaces, --config) are acted on by the silos' channel grains.
set -euo pipefail
cd "$(dirname "$0")/.."

redis_port=6380
silo_ports=11111,11112
gateway_ports=30000,30001
http_ports=8000,8001
durable=no
build=yes
data_dir=""
shared_flags=()
while (($#)); do
  case "$1" in
    --redis-port) redis_port=$2; shift 2 ;;
    --silo-ports) silo_ports=$2; shift 2 ;;
    --gateway-ports) gateway_ports=$2; shift 2 ;;
    --http-ports) http_ports=$2; shift 2 ;;
    --durable) durable=yes; shift ;;
    --no-build) build=no; shift ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --) shift; shared_flags=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a silo_port_list <<<"$silo_ports"
IFS=, read -r -a gateway_port_list <<<"$gateway_ports"
IFS=, read -r -a http_port_list <<<"$http_ports"
data_dir=${data_dir:-$(mktemp -d -t switchboard-cluster-XXXXXX)}
mkdir -p "$data_dir"
config=${SWITCHBOARD_BUILD_CONFIGURATION:-Release}
secret=${SWITCHBOARD_SECRET:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
api_key=${SWITCHBOARD_API_KEY:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
# The GC's generation-0 budget, as in Properties/launchSettings.json (docs/operations.md); yours wins if set.
export DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x1000000}

if [ "$build" = yes ]; then
  dotnet build Silo/Silo.csproj -c "$config" -nologo -clp:ErrorsOnly
  dotnet build ApiGateway/ApiGateway.csproj -c "$config" -nologo -clp:ErrorsOnly
fi

pids=()
names=()
# Waits until every given pid is gone, at most $1 tenths of a second; kills what is left.
wait_gone() {
  local tenths=$1; shift
  for _ in $(seq 1 "$tenths"); do
    local left=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && left=1; done
    ((left)) || return 0
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}
stop() {
  trap - INT TERM EXIT
  echo "stopping ${#pids[@]} processes..."
  # Gateways and silos together (each bounds its own stop: --shutdown_timeout, 10 s, and a short grace), then Redis,
  # which they write to while stopping. One deadline for all, not one per process.
  for ((i = ${#pids[@]} - 1; i >= 1; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  wait_gone 200 "${pids[@]:1}"
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait_gone 100 "${pids[0]}"
  echo "stopped; data and logs are in $data_dir"
}
trap stop INT TERM EXIT

# Starts a process in the background with its output prefixed by its name; records its pid.
start() {
  local name=$1; shift
  "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=("$!")
  names+=("$name")
}

fsync=everysec; [ "$durable" = yes ] && fsync=always
start redis redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data_dir" --save "" \
  --appendonly "$durable" --appendfsync "$fsync"
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

redis=127.0.0.1:$redis_port
for i in "${!silo_port_list[@]}"; do
  start "silo$((i + 1))" dotnet Silo/bin/$config/net10.0/Silo.dll --redis "$redis" \
    --silo-port "${silo_port_list[i]}" --gateway-port "${gateway_port_list[i]}" "${shared_flags[@]}"
done
for i in "${!http_port_list[@]}"; do
  start "gateway$((i + 1))" dotnet ApiGateway/bin/$config/net10.0/ApiGateway.dll --redis "$redis" \
    --urls "http://127.0.0.1:${http_port_list[i]}" --secret "$secret" --api_key "$api_key" "${shared_flags[@]}"
done

alive() {
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      local status=0
      wait "${pids[i]}" || status=$?
      echo "${names[i]} exited during start-up (status $status)" >&2
      exit 1
    fi
  done
}
# Ready when every silo is Active (status 3) in the Redis membership table and every gateway answers HTTP.
until [ "$(redis-cli -p "$redis_port" hvals switchboard/members/switchboard | grep -c '"Status":3')" -ge "${#silo_port_list[@]}" ]; do
  alive; sleep 0.5
done
for port in "${http_port_list[@]}"; do
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
    alive; sleep 0.5
  done
done

echo "local cluster ready: redis $redis, silos ${silo_ports}, gateways$(printf ' http://127.0.0.1:%s' "${http_port_list[@]}")"
echo "API secret (both gateways): $secret"
echo "API key (both gateways): $api_key"
echo "press Ctrl-C to stop"
wait
