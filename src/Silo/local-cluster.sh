#!/usr/bin/env bash
# Starts a TryOn cluster on this machine for trying it out: PostgreSQL, Azurite (the Azure Blob Storage emulator),
# two silos and one API, all on 127.0.0.1. Everything lives under artifacts/local-cluster and stops with Ctrl+C
# (or `src/Silo/local-cluster.sh stop` from another terminal). See docs/deployment.md.
#
#   src/Silo/local-cluster.sh          start (prints the API address, an API key and the admin token)
#   src/Silo/local-cluster.sh stop     stop what a previous start left running
set -euo pipefail
cd "$(dirname "$0")/../.."

state="$PWD/artifacts/local-cluster"
api_port=${TRYON_API_PORT:-5100}
pg_port=${TRYON_PG_PORT:-55433}
blob_port=${TRYON_BLOB_PORT:-10100}
azurite_version="3.37.0"

stop_all() {
  # The API first, then the silos (they drain for up to Engines:DrainTimeout), then the storage they need to stop.
  for name in api silo1 silo2 azurite; do
    [ -f "$state/$name.pid" ] || continue
    pid=$(cat "$state/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 90); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$state/$name.pid"
  done
  if [ -f "$state/pg-dir.txt" ]; then
    pg_dir=$(cat "$state/pg-dir.txt")
    if [ -f "$pg_dir/data/postmaster.pid" ]; then
      as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$pg_dir" "$state/pg-dir.txt"
  fi
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  echo "local cluster stopped"
  exit 0
fi

if [ -z "$pg_bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: run ./test.sh once as root (it installs it), or apt-get install -y postgresql." >&2
    exit 1
  fi
  # The server binaries only: the package's own cluster is neither created nor started.
  apt-get update && apt-get install -y postgresql-common
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  apt-get install -y postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is needed for Azurite (the Azure Blob Storage emulator): apt-get install -y nodejs npm." >&2
  exit 1
fi

echo "building…"
mkdir -p artifacts
for project in src/Api src/Silo; do
  if ! dotnet build -c Release "$project" -v quiet -nologo >"$PWD/artifacts/local-cluster-build.log" 2>&1; then
    cat "$PWD/artifacts/local-cluster-build.log" >&2
    exit 1
  fi
done
api_dll="$PWD/src/Api/bin/Release/net10.0/linux-x64/TryOn.Api.dll"
silo_dll="$PWD/src/Silo/bin/Release/net10.0/linux-x64/TryOn.Silo.dll"

if [ "$(node -p "require('./artifacts/tools/node_modules/azurite/package.json').version" 2>/dev/null)" != "$azurite_version" ]; then
  mkdir -p artifacts/tools
  npm install --prefix artifacts/tools --no-audit --no-fund --loglevel=error "azurite@$azurite_version"
fi

stop_all
rm -rf "$state" && mkdir -p "$state/azurite"
# The database lives in /tmp: as root the server runs as postgres, which must be able to reach its folder.
pg_dir=$(mktemp -d -t tryon-local-pg.XXXXXX)
echo "$pg_dir" >"$state/pg-dir.txt"
trap 'stop_all; echo; echo "local cluster stopped"' EXIT

echo "starting PostgreSQL on 127.0.0.1:$pg_port…"
if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir" start >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE tryon;"

echo "starting Azurite on 127.0.0.1:$blob_port…"
node artifacts/tools/node_modules/azurite/dist/src/blob/main.js --blobHost 127.0.0.1 --blobPort "$blob_port" \
  --location "$state/azurite" --skipApiVersionCheck --silent --disableTelemetry >"$state/azurite.log" 2>&1 &
echo $! >"$state/azurite.pid"

admin_token=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
signing_key=$(head -c 48 /dev/urandom | base64)
echo "$admin_token" >"$state/admin-token.txt" && chmod 600 "$state/admin-token.txt"
export ConnectionStrings__TryOn="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=tryon"
# Azurite's documented development account (public, accepted by Azurite only).
export ConnectionStrings__Blobs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
export Orleans__AdvertisedAddress=127.0.0.1 Logging__LogLevel__Default=Warning
# One certificate for the whole cluster: silos and the API authenticate each other with it (mutual TLS).
dotnet "$silo_dll" cluster-certificate "$state/cluster.pfx" >/dev/null
export Orleans__Tls__Certificate="$state/cluster.pfx"

echo "applying the database schema…"
dotnet "$silo_dll" migrate

start_silo() { # name silo-port gateway-port health-port
  Orleans__SiloPort=$2 Orleans__GatewayPort=$3 dotnet "$silo_dll" --urls "http://127.0.0.1:$4" >"$state/$1.log" 2>&1 &
  echo $! >"$state/$1.pid"
}
wait_ready() { # url what
  for _ in $(seq 1 120); do
    curl -sf "$1/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$2 did not become ready; see $state/*.log" >&2
  exit 1
}

echo "starting two silos…"
start_silo silo1 11211 30100 8181
start_silo silo2 11212 30101 8182
wait_ready http://127.0.0.1:8181 "silo 1"
wait_ready http://127.0.0.1:8182 "silo 2"

echo "starting the API on http://127.0.0.1:$api_port…"
Orleans__Mode=Cluster Admin__Token="$admin_token" Files__SigningKey="$signing_key" \
  Files__PublicBaseUrl="http://127.0.0.1:$api_port" dotnet "$api_dll" --urls "http://127.0.0.1:$api_port" >"$state/api.log" 2>&1 &
echo $! >"$state/api.pid"
wait_ready "http://127.0.0.1:$api_port" "the API"

account=$(curl -sf -X POST "http://127.0.0.1:$api_port/admin/v1/accounts" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' -d '{"name":"Local cluster","credits":100}' | sed -E 's/.*"accountId":"([^"]+)".*/\1/')
key=$(curl -sf -X POST "http://127.0.0.1:$api_port/admin/v1/accounts/$account/keys" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' -d '{"name":"local"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
echo "$key" >"$state/api-key.txt" && chmod 600 "$state/api-key.txt"

cat <<INFO

TryOn cluster running: API http://127.0.0.1:$api_port, silos' health on :8181 and :8182 (/health/ready, /metrics).
  API key (account $account, 100 credits): $state/api-key.txt
  admin token:                              $state/admin-token.txt
  logs:                                     $state/*.log
Try: curl -s http://127.0.0.1:$api_port/tryon/v1/account/credits -H "x-api-key: \$(cat $state/api-key.txt)"
Ctrl+C stops everything.
INFO
wait "$(cat "$state/api.pid")"
