#!/usr/bin/env bash
# Starts the embedded service (Release build, a fresh data directory, 127.0.0.1 and a free port), runs one load
# scenario against it with --pid for its peak memory, then stops it by its process id. Every figure of the
# throughput sections of docs/PERFORMANCE.md comes from this script.
#
#   tests/TryOn.Load/measure.sh p1 --seconds 15 --concurrency 32
#
# Service settings come from the environment; the defaults are the documented ones: the mock engine at a fixed
# 1 s with 2 slots (P1 measures admission; the queue takes what the slots cannot), an unbounded-in-practice queue.
set -euo pipefail
cd "$(dirname "$0")/../.."

scenario="${1:?usage: tests/TryOn.Load/measure.sh <p1|p2|p6|mixed> [load tool options]}"
shift

dotnet build -c Release src/Api >/dev/null
dotnet build -c Release tests/TryOn.Load >/dev/null

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DataDirectory="$data"
export Engines__MockDuration="${Engines__MockDuration:-00:00:01}"
export Engines__Slots="${Engines__Slots:-2}"
export Engines__QueueCapacity="${Engines__QueueCapacity:-100000}"
dotnet src/Api/bin/Release/net10.0/linux-x64/TryOn.Api.dll --urls "http://127.0.0.1:$port" >"$data/service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "service: pid $service, mock engine $Engines__MockDuration, $Engines__Slots slots; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet tests/TryOn.Load/bin/Release/net10.0/linux-x64/TryOn.Load.dll "$scenario" \
  --url "http://127.0.0.1:$port" --data "$data" --pid "$service" "$@"
