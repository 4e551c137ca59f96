#!/usr/bin/env bash
# Cluster mode through a gateway: starts src/Silo/local-cluster.sh (PostgreSQL, Azurite, two silos and one gateway on
# 127.0.0.1; Orleans__Storage=AzureStorage for the Azure Storage profile), runs one scenario of the load tool through
# the gateway, and for p2 also polls the same completed generation with wrk and then a bare Kestrel endpoint of the
# same shape (TryOn.Load bare) with the same wrk command: the machine's limit for such a request. Stops everything.
# Every figure of "Cluster mode through a gateway" in docs/PERFORMANCE.md comes from this script.
#
#   tests/TryOn.Load/measure-cluster.sh p2 --seconds 15 --concurrency 16
#   Orleans__Storage=AzureStorage tests/TryOn.Load/measure-cluster.sh p1 --seconds 15 --concurrency 32 --accounts 16
#
# WRK_CONNECTIONS (default 16) and WRK_SECONDS (default 15) shape the wrk runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

scenario="${1:?usage: tests/TryOn.Load/measure-cluster.sh <p1|p2|mixed> [load tool options]}"
shift
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

dotnet build -c Release tests/TryOn.Load >/dev/null
export Engines__MockDuration="${Engines__MockDuration:-00:00:01}"
export Engines__Slots="${Engines__Slots:-2}"
export Engines__QueueCapacity="${Engines__QueueCapacity:-100000}"
export TRYON_API_PORT="${TRYON_API_PORT:-5100}"
state=artifacts/local-cluster
api="http://127.0.0.1:$TRYON_API_PORT"
data="$(mktemp -d)"
bare=""

rm -f "$state/api-key.txt" "$state/account-id.txt"
src/Silo/local-cluster.sh >"$data/cluster.log" 2>&1 &
cluster=$!
cleanup() {
  [ -z "$bare" ] || kill "$bare" 2>/dev/null || true
  kill "$cluster" 2>/dev/null || true
  wait "$cluster" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  [ -s "$state/account-id.txt" ] && break
  kill -0 "$cluster" 2>/dev/null || { cat "$data/cluster.log" >&2; exit 1; }
  sleep 1
done
[ -s "$state/account-id.txt" ] || { echo "the cluster did not start within 5 minutes" >&2; cat "$data/cluster.log" >&2; exit 1; }
cp "$state/admin-token.txt" "$data/admin-token.txt"
cp "$state/api-key.txt" "$data/dev-api-key.txt"
key="$(cat "$state/api-key.txt")"

echo "cluster: two silos (mock engine $Engines__MockDuration, $Engines__Slots slots each), one gateway at $api, storage profile ${Orleans__Storage:-PostgreSql}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet tests/TryOn.Load/bin/Release/net10.0/linux-x64/TryOn.Load.dll "$scenario" --url "$api" --data "$data" --account "$(cat "$state/account-id.txt")" "$@"
[ "$scenario" = p2 ] || exit 0

# One completed generation to poll (the load tool has raised the account's request budgets by now).
image=$(curl -sf "$api/tryon/v1/images/upload" -H "x-api-key: $key" -F "file=@samples/photo.jpg" | sed -E 's/.*"imageId":"([^"]+)".*/\1/')
curl -sf "$api/tryon/v1/products" -H "x-api-key: $key" -F 'data={"externalId":"wrk-mock","title":"mock","images":[{"source":{"fileKey":"g"}}]}' -F "g=@samples/shirt.jpg" >/dev/null
generation=$(curl -sf "$api/tryon/v1/try-on" -H "x-api-key: $key" -H 'Content-Type: application/json' \
  -d "{\"products\":[{\"externalId\":\"wrk-mock\"}],\"person\":{\"image\":{\"source\":{\"id\":\"$image\"}}}}" | sed -E 's/.*"generationId":"([^"]+)".*/\1/')
for _ in $(seq 1 60); do
  curl -sf "$api/tryon/v1/generations/$generation" -H "x-api-key: $key" >"$data/generation.json" && grep -q '"COMPLETED"' "$data/generation.json" && break
  sleep 0.5
done
grep -q '"COMPLETED"' "$data/generation.json" || { echo "the generation to poll did not complete" >&2; exit 1; }

connections="${WRK_CONNECTIONS:-16}"
seconds="${WRK_SECONDS:-15}"
echo
echo "wrk -t2 -c$connections -d${seconds}s through the gateway (GET /tryon/v1/generations/$generation):"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "x-api-key: $key" "$api/tryon/v1/generations/$generation"

bare_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
dotnet tests/TryOn.Load/bin/Release/net10.0/linux-x64/TryOn.Load.dll bare --port "$bare_port" --key "$key" --id "$generation" \
  --body "$data/generation.json" --seconds $((seconds + 30)) >"$data/bare.log" 2>&1 &
bare=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$bare_port/" && break; sleep 0.1; done
echo
echo "the same wrk command against a bare Kestrel endpoint of the same shape (x-api-key → dictionary → the same JSON), with the cluster still up:"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "x-api-key: $key" "http://127.0.0.1:$bare_port/tryon/v1/generations/$generation"
