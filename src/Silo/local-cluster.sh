#!/usr/bin/env bash
# Starts a TryOn cluster on this machine for trying it out: PostgreSQL, Azurite (the Azure Blob Storage emulator),
# two silos and one API, all on 127.0.0.1. Everything lives under artifacts/local-cluster and stops with Ctrl+C
# (or `src/Silo/local-cluster.sh stop` from another terminal). See docs/deployment.md ("Trying it on one machine").
#
#   src/Silo/local-cluster.sh                        start; prints the API address, the API key and the admin token
#   src/Silo/local-cluster.sh status                 what runs, whether it is ready, the Orleans membership table
#   src/Silo/local-cluster.sh restart-silo N [SECS]  SIGKILL silo N (1 or 2), wait SECS (default 0), start it again
#   src/Silo/local-cluster.sh stop                   stop what a start left running
#
# Settings come from the environment of the start (docs/deployment.md lists them): TRYON_API_PORT, TRYON_PG_PORT,
# TRYON_BLOB_PORT, TRYON_SILO_PORT, TRYON_GATEWAY_PORT, TRYON_HEALTH_PORT and TRYON_API_PROJECT for the script itself,
# and any configuration key written the environment's way (Engines__MockDuration=00:00:02,
# Orleans__Membership__ProbeTimeout=00:00:02, …) for every process it starts. restart-silo reuses the start's settings.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The API host, the cluster gateway: the one project to change when it moves (its assembly's path is asked from the project).
api_project=${TRYON_API_PROJECT:-src/Gateway/TryOn.Gateway.csproj}
silo_project=src/Silo/TryOn.Silo.csproj

state="$PWD/artifacts/local-cluster"
azurite_version="3.37.0"

usage() { sed -n '6,9s/^# \{0,3\}//p' "$0" >&2; exit 2; }

# Ports: the start's own environment; later commands read what the start recorded.
load_ports() {
  if [ -f "$state/ports.env" ]; then
    # shellcheck source=/dev/null
    . "$state/ports.env"
  else
    api_port=${TRYON_API_PORT:-5100}
    pg_port=${TRYON_PG_PORT:-55433}
    blob_port=${TRYON_BLOB_PORT:-10100}
    table_port=${TRYON_TABLE_PORT:-10102}    # the Azure Storage profile only (Orleans__Storage=AzureStorage)
    silo_port=${TRYON_SILO_PORT:-11211}       # silo 2: one more
    gateway_port=${TRYON_GATEWAY_PORT:-30100} # silo 2: one more
    health_port=${TRYON_HEALTH_PORT:-8181}    # silo 2: one more
  fi
}

# Whether a recorded process still runs (a zombie left for its parent to reap does not).
alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]
}
recorded_pid() { cat "$state/$1.pid" 2>/dev/null || true; }
# A recorded pid is acted on only while it is still the process this script started (a pid file may outlive it).
ours() { # name pid
  local mark
  case "$1" in
  script) mark="local-cluster.sh" ;;
  azurite | azurite-table) mark="$state/azurite" ;;
  *) mark="$PWD/" ;; # the hosts run as `dotnet <this checkout>/src/…/bin/…/TryOn.*.dll`
  esac
  alive "$2" && grep -qaF -- "$mark" "/proc/$2/cmdline" 2>/dev/null
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_all() {
  # The API first, then the silos (they drain for up to Engines:DrainTimeout), then the storage they need to stop.
  for name in api silo1 silo2 azurite azurite-table; do
    pid=$(recorded_pid "$name")
    if ours "$name" "$pid"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 90); do alive "$pid" || break; sleep 0.5; done
      if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
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

wait_ready() { # url what log
  for _ in $(seq 1 240); do
    curl -sf "$1/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$2 did not become ready in 2 minutes; the end of $3:" >&2
  tail -n 20 "$3" >&2 || true
  return 1
}

# Silo N: silo port, gateway port and health port are the base ports plus N - 1. The environment holds the settings.
start_silo() { # N
  local n=$1 log="$state/silo$1.log"
  echo "--- silo $n starting $(date -u +%FT%TZ)" >>"$log"
  # Its own session: a silo restarted from another terminal outlives that command and that terminal's Ctrl+C.
  Orleans__SiloPort=$((silo_port + n - 1)) Orleans__GatewayPort=$((gateway_port + n - 1)) \
    setsid dotnet "$(cat "$state/silo-dll.txt")" --urls "http://127.0.0.1:$((health_port + n - 1))" \
    >>"$log" 2>&1 </dev/null &
  echo $! >"$state/silo$n.pid"
  disown # no "Killed" line from the start when restart-silo kills it
}

psql_q() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d tryon -XqAt -F ' ' -c "$1" 2>/dev/null; }
member_status="CASE Status WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active' WHEN 4 THEN 'ShuttingDown'
  WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead' ELSE Status::text END"

command=${1:-start}
case "$command" in
stop)
  load_ports
  script_pid=$(recorded_pid script)
  if ours script "$script_pid"; then
    # The start stops everything itself on its way out (the API, the silos' drain, the storage).
    kill -TERM "$script_pid"
    for _ in $(seq 1 300); do alive "$script_pid" || break; sleep 0.5; done
  fi
  stop_all
  rm -f "$state/script.pid"
  echo "local cluster stopped"
  exit 0
  ;;

status)
  [ -d "$state" ] || { echo "no local cluster here (nothing under artifacts/local-cluster)"; exit 1; }
  load_ports
  for name in api silo1 silo2 azurite azurite-table; do
    pid=$(recorded_pid "$name")
    case "$name" in
    api) url="http://127.0.0.1:$api_port" ;;
    silo1) url="http://127.0.0.1:$health_port" ;;
    silo2) url="http://127.0.0.1:$((health_port + 1))" ;;
    *) url="" ;;
    esac
    if ours "$name" "$pid"; then
      ready=""
      [ -z "$url" ] || ready=$(curl -s -o /dev/null -w "  $url/health/ready: %{http_code}" "$url/health/ready" || true)
      printf '%-8s pid %-8s running%s\n' "$name" "$pid" "$ready"
    else
      printf '%-8s not running\n' "$name"
    fi
  done
  echo "Orleans membership (address:port generation status, last I-am-alive):"
  psql_q "SELECT Address || ':' || Port, Generation, $member_status, to_char(IAmAliveTime, 'HH24:MI:SS')
    FROM OrleansMembershipTable ORDER BY StartTime" | sed 's/^/  /' || echo "  (PostgreSQL does not answer)"
  exit 0
  ;;

restart-silo)
  n=${2:-}
  after=${3:-0}
  [[ "$n" =~ ^[12]$ ]] || usage
  [[ "$after" =~ ^[0-9]+$ ]] || usage
  if [ ! -f "$state/settings.env" ] || ! ours script "$(recorded_pid script)"; then
    echo "no local cluster is running here: start one with src/Silo/local-cluster.sh" >&2
    exit 1
  fi
  load_ports
  # The start's settings, not this terminal's: the configuration keys of this environment are replaced by those.
  for name in $(compgen -e); do
    case "$name" in *__* | DOTNET_* | ASPNETCORE_*) unset "$name" ;; esac
  done
  # shellcheck source=/dev/null
  . "$state/settings.env"

  this_port=$((silo_port + n - 1))
  pid=$(recorded_pid "silo$n")
  generation=$(psql_q "SELECT Generation FROM OrleansMembershipTable WHERE Port = $this_port AND Status = 3" | tail -1 || true)
  if ours "silo$n" "$pid"; then
    kill -KILL "$pid"
    for _ in $(seq 1 20); do alive "$pid" || break; sleep 0.1; done
    echo "silo $n (pid $pid) killed with SIGKILL at $(date -u +%T)"
  else
    echo "silo $n was not running; starting it"
  fi
  killed_at=$(date +%s.%N)
  since() { awk -v from="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - from }'; }
  dead_after=""
  declared_dead() {
    [ -n "$generation" ] && [ "$(psql_q "SELECT Status FROM OrleansMembershipTable WHERE Port = $this_port AND Generation = $generation")" = 6 ]
  }
  # While it is down: when does the cluster declare the old process dead on its own (failure detection)?
  end=$(($(date +%s) + after))
  while [ "$(date +%s)" -lt "$end" ]; do
    if [ -z "$dead_after" ] && declared_dead; then
      dead_after=$(since "$killed_at")
      printf 'the cluster declared the old silo %s dead after %s s\n' "$n" "$dead_after"
    fi
    sleep 0.5
  done
  start_silo "$n"
  if ! wait_ready "http://127.0.0.1:$((health_port + n - 1))" "silo $n" "$state/silo$n.log"; then
    kill "$(cat "$state/silo$n.pid")" 2>/dev/null || true
    exit 1
  fi
  printf 'silo %s restarted (pid %s), ready %s s after the kill\n' "$n" "$(cat "$state/silo$n.pid")" \
    "$(since "$killed_at")"
  if [ -z "$dead_after" ] && [ -n "$generation" ]; then
    # A silo that starts on the address and port of a dead one declares its predecessor dead as it joins.
    if declared_dead; then echo "its old process is declared dead"; else echo "its old process is not declared dead yet"; fi
  fi
  exit 0
  ;;

start) ;;
*) usage ;;
esac

# ---- start ----
if ours script "$(recorded_pid script)"; then
  echo "a local cluster is already running here (pid $(cat "$state/script.pid")): src/Silo/local-cluster.sh stop" >&2
  exit 1
fi
rm -f "$state/ports.env"
load_ports

if [ -z "$pg_bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: run ./test.sh once as root (it installs it), or apt-get install -y postgresql." >&2
    exit 1
  fi
  # The server binaries only: the package's own cluster is neither created nor started.
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-common
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js is needed for Azurite (the Azure Blob Storage emulator): apt-get install -y nodejs npm." >&2
  exit 1
fi

stop_all
rm -rf "$state" && mkdir -p "$state/azurite"
echo $$ >"$state/script.pid"
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'stop_all; rm -f "$state/script.pid"; echo; echo "local cluster stopped"' EXIT

echo "building… (log: artifacts/local-cluster/build.log)"
for project in "$api_project" "$silo_project"; do
  if ! dotnet build -c Release "$project" -v quiet -nologo >>"$state/build.log" 2>&1; then
    cat "$state/build.log" >&2
    exit 1
  fi
done
target_path() { dotnet msbuild "$1" -nologo -p:Configuration=Release -getProperty:TargetPath; }
api_dll=$(target_path "$api_project")
silo_dll=$(target_path "$silo_project")
echo "$silo_dll" >"$state/silo-dll.txt"

if [ "$(node -p "require('./artifacts/tools/node_modules/azurite/package.json').version" 2>/dev/null)" != "$azurite_version" ]; then
  mkdir -p artifacts/tools
  npm install --prefix artifacts/tools --no-audit --no-fund --loglevel=error "azurite@$azurite_version"
fi

# The database lives in /tmp: as root the server runs as postgres, which must be able to reach its folder.
pg_dir=$(mktemp -d -t tryon-local-pg.XXXXXX)
echo "$pg_dir" >"$state/pg-dir.txt"

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
if [ "${Orleans__Storage:-}" = AzureStorage ]; then
  # The Azure Storage profile: Orleans' membership, grain state and reminders in Azurite's table service.
  echo "starting Azurite's table service on 127.0.0.1:$table_port…"
  node artifacts/tools/node_modules/azurite/dist/src/table/main.js --tableHost 127.0.0.1 --tablePort "$table_port" \
    --location "$state/azurite" --skipApiVersionCheck --silent --disableTelemetry >"$state/azurite-table.log" 2>&1 &
  echo $! >"$state/azurite-table.pid"
  export ConnectionStrings__Tables="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
fi

# Set by the script, whatever the environment says: where the storage is, the cluster certificate, the silos' and the
# API's addresses. Taken from the environment when set: Admin__Token, Files__SigningKey, Logging__LogLevel__Default.
admin_token=${Admin__Token:-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)}
signing_key=${Files__SigningKey:-$(head -c 48 /dev/urandom | base64)}
(umask 077 && echo "$admin_token" >"$state/admin-token.txt")
export ConnectionStrings__TryOn="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=tryon"
# Azurite's documented development account (public, accepted by Azurite only).
export ConnectionStrings__Blobs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
export Orleans__AdvertisedAddress=127.0.0.1 Logging__LogLevel__Default=${Logging__LogLevel__Default:-Warning}
# Silos sign the result links of webhook events with the gateways' key and origin.
export Files__SigningKey="$signing_key" Files__PublicBaseUrl="http://127.0.0.1:$api_port"
# One certificate for the whole cluster: silos and the API authenticate each other with it (mutual TLS).
dotnet "$silo_dll" cluster-certificate "$state/cluster.pfx" >/dev/null
export Orleans__Tls__Certificate="$state/cluster.pfx"

# What restart-silo and status need later: the ports, and every configuration key of this environment
# (Section__Key, DOTNET_*, ASPNETCORE_*), so a restarted silo gets the settings its predecessor had.
declare -p api_port pg_port blob_port table_port silo_port gateway_port health_port | sed 's/^declare -- /declare -g /' >"$state/ports.env"
(
  umask 077
  for name in $(compgen -e); do
    case "$name" in *__* | DOTNET_* | ASPNETCORE_*) printf 'export %s=%q\n' "$name" "${!name}" ;; esac
  done >"$state/settings.env"
)

echo "applying the database schema…"
dotnet "$silo_dll" migrate

echo "starting two silos…"
start_silo 1
start_silo 2
wait_ready "http://127.0.0.1:$health_port" "silo 1" "$state/silo1.log" || exit 1
wait_ready "http://127.0.0.1:$((health_port + 1))" "silo 2" "$state/silo2.log" || exit 1

echo "starting the API on http://127.0.0.1:$api_port…"
Admin__Token="$admin_token" dotnet "$api_dll" --urls "http://127.0.0.1:$api_port" >"$state/api.log" 2>&1 &
echo $! >"$state/api.pid"
wait_ready "http://127.0.0.1:$api_port" "the API" "$state/api.log" || exit 1

account=$(curl -sf -X POST "http://127.0.0.1:$api_port/admin/v1/accounts" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' -d '{"name":"Local cluster","credits":100}' | sed -E 's/.*"accountId":"([^"]+)".*/\1/')
key=$(curl -sf -X POST "http://127.0.0.1:$api_port/admin/v1/accounts/$account/keys" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' -d '{"name":"local"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
(umask 077 && echo "$key" >"$state/api-key.txt")
echo "$account" >"$state/account-id.txt"

cat <<INFO

TryOn cluster running: two silos and one API on 127.0.0.1.
  API:          http://127.0.0.1:$api_port
  API key:      $key
                (account $account, 100 credits; also in $state/api-key.txt)
  admin token:  $admin_token
                (also in $state/admin-token.txt)
  silos:        http://127.0.0.1:$health_port and http://127.0.0.1:$((health_port + 1)) (/health/ready, /metrics)
  logs:         $state/*.log
Try:         curl -s http://127.0.0.1:$api_port/tryon/v1/account/credits -H "x-api-key: $key"
Lose a silo: src/Silo/local-cluster.sh restart-silo 1     (and: status, stop)
Ctrl+C stops everything.
INFO
wait "$(cat "$state/api.pid")"
