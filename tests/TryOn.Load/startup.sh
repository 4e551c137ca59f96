#!/usr/bin/env bash
# Times the README's run command from its start to the "Now listening" line, on this checkout as it is (run it in a
# fresh clone for the first-start figure), on 127.0.0.1, a free port and a fresh data directory; then stops the
# service by its process group. The start-up section of docs/PERFORMANCE.md comes from this script.
#
#   tests/TryOn.Load/startup.sh                 # dotnet run --project src/Api
#   tests/TryOn.Load/startup.sh --no-build      # the same with extra dotnet run options
#   tests/TryOn.Load/startup.sh -c Release
set -euo pipefail
cd "$(dirname "$0")/../.."

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
started="$(date +%s%N)"
DataDirectory="$data" setsid dotnet run "$@" --project src/Api -- --urls "http://127.0.0.1:$port" >"$data/service.log" 2>&1 &
service=$!
trap 'kill -- "-$service" 2>/dev/null; wait "$service" 2>/dev/null; rm -rf "$data"' EXIT

until grep -q "Now listening" "$data/service.log"; do
  if ! kill -0 "$service" 2>/dev/null; then
    cat "$data/service.log" >&2
    echo "startup.sh: the service exited before it listened" >&2
    exit 1
  fi
  if [ $(( ($(date +%s%N) - started) / 1000000000 )) -ge 600 ]; then
    echo "startup.sh: not listening after 600 s" >&2
    exit 1
  fi
  sleep 0.2
done

elapsed=$(( ($(date +%s%N) - started) / 100000000 ))
echo "dotnet run $* --project src/Api: $((elapsed / 10)).$((elapsed % 10)) s to Now listening"
